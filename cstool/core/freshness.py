"""How old the data is (docs/semantics.md#data-age): a broken nightly import must not look like
a quiet week. The data is stale when its newest ticket activity is more than `max_age` seconds
before as_of, or when there is none."""

from __future__ import annotations

from cstool.core.models import DataAge


def data_age(newest_ticket_at: int | None, newest_import_at: int | None, as_of: int, now: int,
             max_age: int) -> DataAge:
    """The ages of the newest ticket activity (against `as_of`) and of the newest import
    (against the wall clock `now`), and whether the data is older than `max_age` (0: never)."""
    age = None if newest_ticket_at is None else as_of - newest_ticket_at
    return {"newest_ticket_at": newest_ticket_at, "newest_import_at": newest_import_at, "age_seconds": age,
            "import_age_seconds": None if newest_import_at is None else now - newest_import_at,
            "max_age_seconds": max_age, "stale": bool(max_age) and (age is None or age > max_age)}
