"""Read queries for reports. Bound parameters only; instants are epoch seconds, periods [since, until)."""

from __future__ import annotations

import json

from cstool.core.models import Record
from cstool.store.connection import Store
from cstool.store.tickets import open_at

OPEN_AT = open_at(":until")  # the backlog at :until


def backlog_by(store: Store, column: str, until: int) -> list[Record]:
    if column not in ("status", "priority", "team", "channel"):
        raise ValueError(column)
    rows = store.conn.execute(
        f"SELECT {column}, count(*) FROM tickets WHERE {OPEN_AT} GROUP BY {column} ORDER BY count(*) DESC",
        {"until": until})
    return [{"key": key or "(none)", "count": n} for key, n in rows]


def recent_findings(store: Store, limit: int = 20) -> dict[str, int]:
    """Data-quality findings summed over the latest imports."""
    total: dict[str, int] = {}
    for (text,) in store.conn.execute("SELECT findings FROM imports WHERE finished_at IS NOT NULL "
                                      "ORDER BY id DESC LIMIT ?", (limit,)):
        for kind, n in json.loads(text or "{}").items():
            total[kind] = total.get(kind, 0) + n
    return total


def time_bounds(store: Store) -> tuple[int | None, int | None]:
    row = store.conn.execute("SELECT min(created_at), max(coalesce(updated_at, resolution_at, created_at)) "
                             "FROM tickets").fetchone()
    return row[0], row[1]
