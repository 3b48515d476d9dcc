"""Read queries for reports. Bound parameters only; instants are epoch seconds, periods [since, until)."""

from __future__ import annotations

import json
import sqlite3

from cstool.store.connection import Store

# A ticket is in the backlog at :until when it was created before then (or has no creation
# time) and was not yet resolved then; without a resolution time its status decides.
OPEN_AT = ("(created_at IS NULL OR created_at < :until) AND CASE WHEN resolution_at IS NOT NULL "
           "THEN resolution_at >= :until ELSE coalesce(status, '') NOT IN ('solved', 'closed') END")


def ticket_counts(store: Store, since: int, until: int) -> dict[str, int]:
    """created / resolved in [since, until), backlog at `until` (not yet resolved then)."""
    q = store.conn.execute
    created = q("SELECT count(*) FROM tickets WHERE created_at >= ? AND created_at < ?", (since, until)).fetchone()[0]
    resolved = q("SELECT count(*) FROM tickets WHERE resolution_at >= ? AND resolution_at < ?",
                 (since, until)).fetchone()[0]
    backlog = q(f"SELECT count(*) FROM tickets WHERE {OPEN_AT}", {"until": until}).fetchone()[0]
    return {"created": created, "resolved": resolved, "backlog": backlog}


def backlog_by(store: Store, column: str, until: int) -> list[dict]:
    if column not in ("status", "priority", "team", "channel"):
        raise ValueError(column)
    rows = store.conn.execute(
        f"SELECT {column}, count(*) FROM tickets WHERE {OPEN_AT} GROUP BY {column} ORDER BY count(*) DESC",
        {"until": until})
    return [{"key": key or "(none)", "count": n} for key, n in rows]


def surveys_between(store: Store, since: int, until: int) -> list[dict]:
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


class Record(sqlite3.Row):
    """A read-only row with dict-style `get`: far smaller and faster to build than a dict,
    which matters when a KPI period spans a million tickets."""

    def get(self, key: str, default=None):
        try:
            return self[key]
        except IndexError:
            return default


def _records(store: Store, sql: str, params) -> list[Record]:
    cur = store.conn.cursor()
    cur.row_factory = Record
    return cur.execute(sql, params).fetchall()


def _dims(dims: tuple[str, ...]) -> str:
    """Ticket attributes for grouping, only those asked for (every column costs per row)."""
    columns = {"channel": "t.channel", "priority": "t.priority", "team": "t.team", "assignee": "t.assignee",
               "tag": "t.tags", "customer_tier": "t.customer_tier"}
    return "".join(f", {columns[d]}" for d in dims if d in columns)


def kpi_tickets(store: Store, since: int, until: int, dims: tuple[str, ...] = ()) -> list[Record]:
    """Tickets that can count in [since, until) (created in it, resolved in it, or open at its end):
    their instants, status, reply and reopen counts, whether a data-quality finding is flagged,
    and business times (the stored SLA clock, else the vendor-reported value)."""
    return _records(store, (
        "SELECT t.created_at, t.first_response_at, t.resolution_at, t.status, t.reopens, t.replies, "
        "t.findings IS NOT NULL AS findings, "
        "CASE WHEN fr.mode = 'stopped' THEN fr.elapsed ELSE json_extract(t.reported, '$.first_reply_business') END "
        "AS first_response_business_s, "
        "CASE WHEN res.mode = 'stopped' THEN res.elapsed ELSE json_extract(t.reported, '$.full_resolution_business') "
        "END AS resolution_business_s, "
        f"CASE WHEN res.mode = 'stopped' THEN res.paused_seconds END AS resolution_paused_s{_dims(dims)} "
        "FROM tickets t "
        "LEFT JOIN sla_clocks fr ON fr.source = t.source AND fr.ticket_id = t.id AND fr.metric = 'first_response' "
        "AND fr.cycle = 0 "
        "LEFT JOIN sla_clocks res ON res.source = t.source AND res.ticket_id = t.id AND res.metric = 'resolution' "
        "AND res.cycle = 0 "
        "WHERE (t.created_at IS NULL OR t.created_at < :until) AND (t.resolution_at IS NULL OR t.resolution_at >= :since)"
    ), {"since": since, "until": until})


def kpi_surveys(store: Store, since: int, until: int, dims: tuple[str, ...] = ()) -> list[Record]:
    join = " LEFT JOIN tickets t ON t.source = s.source AND t.id = s.ticket_id" if _dims(dims) else ""
    return _records(store, (
        f"SELECT s.kind, s.score, s.label, s.scale_min, s.scale_max, s.submitted_at{_dims(dims)} FROM surveys s{join} "
        "WHERE s.submitted_at >= ? AND s.submitted_at < ?"), (since, until))


def kpi_clocks(store: Store, since: int, until: int, dims: tuple[str, ...] = ()) -> list[Record]:
    join = " JOIN tickets t ON t.source = c.source AND t.id = c.ticket_id" if _dims(dims) else ""
    return _records(store, (
        f"SELECT c.metric, c.stopped_at, c.due_at{_dims(dims)} FROM sla_clocks c{join} "
        "WHERE c.metric IN ('first_response', 'resolution') AND c.cycle = 0 AND "
        "((c.stopped_at >= :since AND c.stopped_at < :until) OR (c.due_at >= :since AND c.due_at < :until))"),
        {"since": since, "until": until})


def kpi_customers(store: Store) -> list[Record] | None:
    """Every customer, or None when none were imported (churn and CLV are then unknown)."""
    rows = _records(store, "SELECT id, tier, signup_at, churned_at, revenue FROM customers", ())
    return rows or None


def time_bounds(store: Store) -> tuple[int | None, int | None]:
    row = store.conn.execute("SELECT min(created_at), max(coalesce(updated_at, resolution_at, created_at)) "
                             "FROM tickets").fetchone()
    return row[0], row[1]
