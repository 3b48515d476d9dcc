"""Read queries for reports. Bound parameters only; instants are epoch seconds, periods [since, until)."""

from __future__ import annotations

import json

from cstool.core.models import Record
from cstool.store.connection import Store
from cstool.store.tickets import open_at

OPEN_AT = open_at(":until")  # the backlog at :until


def ticket_counts(store: Store, since: int, until: int) -> dict[str, int]:
    """created / resolved in [since, until), backlog at `until` (not yet resolved then)."""
    q = store.conn.execute
    created = q("SELECT count(*) FROM tickets WHERE created_at >= ? AND created_at < ?", (since, until)).fetchone()[0]
    resolved = q("SELECT count(*) FROM tickets WHERE resolution_at >= ? AND resolution_at < ?",
                 (since, until)).fetchone()[0]
    backlog = q(f"SELECT count(*) FROM tickets WHERE {OPEN_AT}", {"until": until}).fetchone()[0]
    return {"created": created, "resolved": resolved, "backlog": backlog}


def backlog_by(store: Store, column: str, until: int) -> list[Record]:
    if column not in ("status", "priority", "team", "channel"):
        raise ValueError(column)
    rows = store.conn.execute(
        f"SELECT {column}, count(*) FROM tickets WHERE {OPEN_AT} GROUP BY {column} ORDER BY count(*) DESC",
        {"until": until})
    return [{"key": key or "(none)", "count": n} for key, n in rows]


def surveys_between(store: Store, since: int, until: int) -> list[Record]:
    rows = store.conn.execute("SELECT kind, score, label, scale_min, scale_max FROM surveys "
                              "WHERE submitted_at >= ? AND submitted_at < ?", (since, until))
    return [{"kind": k, "score": s, "label": lab, "scale_min": lo, "scale_max": hi} for k, s, lab, lo, hi in rows]


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
