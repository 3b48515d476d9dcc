"""The data age of a store at an instant (cstool.core.freshness over the store's newest times)."""

from __future__ import annotations

from cstool.core.freshness import data_age
from cstool.core.models import DataAge
from cstool.store import Store
from cstool.store.admin import newest_import
from cstool.store.tickets import newest_activity


def data_age_of(store: Store, as_of: int, now: int, max_age: int) -> DataAge:
    return data_age(newest_activity(store, as_of), newest_import(store), as_of, now, max_age)
