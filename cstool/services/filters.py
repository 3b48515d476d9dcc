"""Free-valued filters (team, assignee) checked against the store: what matches nothing is
said, with the closest values that exist (cstool.core.filters)."""

from __future__ import annotations

from cstool.core.errors import UsageError
from cstool.core.filters import unmatched
from cstool.store import Store
from cstool.store.tickets import distinct_values


def unmatched_filters(store: Store, filters: dict[str, str | None]) -> list[str]:
    """One message per team or assignee filter that no ticket in the store has."""
    found = (unmatched(f"--{column}", filters.get(column), distinct_values(store, column))
             for column in ("team", "assignee") if filters.get(column))
    return [message for message in found if message]


def where_pairs(store: Store, pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """(dimension, value) filters with each value spelled as in the store (case-insensitive);
    `(none)` stands for no value. A value no ticket has is a usage error naming the closest
    ones: a typo must not read as a period without tickets."""
    out = []
    for dim, value in pairs:
        existing = distinct_values(store, dim)
        spelled = {v.lower(): v for v in existing if v}
        if value.lower() == "(none)":
            out.append((dim, "(none)"))
        elif value.lower() in spelled:
            out.append((dim, spelled[value.lower()]))
        else:
            raise UsageError(unmatched(f"--where {dim}", value, existing) or f"--where {dim}={value}: no such value")
    return tuple(out)


def parse_where(store: Store, texts: list[str]) -> tuple[tuple[str, str], ...]:
    """--where DIM=VALUE options (kpi, tickets), each value as stored (where_pairs)."""
    from cstool.core.kpi import TICKET_DIMS

    parsed = []
    for text in texts:
        dim, sep, value = text.partition("=")
        if not sep or dim.strip() not in TICKET_DIMS or not value.strip():
            raise UsageError(f"--where {text!r}: expected DIM=VALUE with DIM one of {', '.join(TICKET_DIMS)}")
        parsed.append((dim.strip(), value.strip()))
    return where_pairs(store, parsed)
