"""Free-valued filters (team, assignee) checked against the store: what matches nothing is
said, with the closest values that exist (cstool.core.filters)."""

from __future__ import annotations

from cstool.core.filters import unmatched
from cstool.store import Store
from cstool.store.tickets import distinct_values


def unmatched_filters(store: Store, filters: dict[str, str | None]) -> list[str]:
    """One message per team or assignee filter that no ticket in the store has."""
    found = (unmatched(f"--{column}", filters.get(column), distinct_values(store, column))
             for column in ("team", "assignee") if filters.get(column))
    return [message for message in found if message]
