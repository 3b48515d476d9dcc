"""Materialised SLA clocks: what to recompute, loading tickets with their events, saving clocks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from cstool.core.models import TICKET_TIME_FIELDS, Record, SlaCounts
from cstool.core.sla.clock import URGENCY, Clock
from cstool.store.connection import Store

TICKET_COLUMNS = ("source", "id", "subject", "customer_id", "customer_email", "customer_name", "customer_tier",
                 "channel", "priority", "status", "team", "assignee", "created_at", "first_response_at",
                 "resolved_at", "closed_at", "updated_at", "resolution_at", "reopens", "replies", "tags", "reported")
CLOCK_COLUMNS = ("source", "ticket_id", "metric", "cycle", "policy", "matched", "calendar", "target", "target_seconds",
                 "started_at", "stopped_at", "due_at", "risk_at", "elapsed", "elapsed_since", "paused_seconds",
                 "pauses", "mode", "last_event_at", "fingerprint", "note")


def _ticket_record(row) -> Record:
    ticket = dict(zip(TICKET_COLUMNS, row))
    ticket["tags"] = json.loads(ticket["tags"] or "[]")
    ticket["reported"] = json.loads(ticket["reported"]) if ticket["reported"] not in (None, "{}") else {}
    return ticket


def sla_meta(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT key, value FROM sla_meta"))


def last_import_id(store: Store) -> int:
    return store.conn.execute("SELECT coalesce(max(id), 0) FROM imports").fetchone()[0]


def stale_tickets(store: Store, since_import: int) -> set[tuple[str, str]]:
    """Tickets written, or given events, by imports after `since_import`."""
    q = store.conn.execute
    keys = set(q("SELECT source, id FROM tickets WHERE import_id > ?", (since_import,)))
    keys |= set(q("SELECT DISTINCT source, ticket_id FROM ticket_events WHERE import_id > ?", (since_import,)))
    return keys


def tickets_with_events(store: Store, keys: Iterable[tuple[str, str]] | None = None,
                        ) -> Iterator[tuple[dict, list[tuple[int, str, str]]]]:
    """(ticket, events sorted by instant) for the given keys, or for every ticket (merge join).
    Tickets come in (source, id) order when more than a few are asked for."""
    q = store.conn.execute
    cols = ", ".join(TICKET_COLUMNS)
    wanted = ""
    if keys is not None:
        keys = list(keys)
        if len(keys) > 20:  # many tickets: one merge join over a temporary key table
            q("CREATE TEMP TABLE IF NOT EXISTS wanted (source TEXT, id TEXT, PRIMARY KEY (source, id))")
            q("DELETE FROM temp.wanted")
            store.conn.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?, ?)", keys)
            wanted = " WHERE (source, {id}) IN (SELECT source, id FROM temp.wanted)"
            keys = None
    if keys is not None:
        for source, ticket_id in keys:
            row = q(f"SELECT {cols} FROM tickets WHERE source = ? AND id = ?", (source, ticket_id)).fetchone()
            if row is None:
                continue
            events = q("SELECT at, type, value FROM ticket_events WHERE source = ? AND ticket_id = ? "
                       "ORDER BY at, rowid", (source, ticket_id)).fetchall()
            yield _ticket_record(row), events
        return
    stream = store.conn.cursor().execute(
        "SELECT source, ticket_id, at, type, value FROM ticket_events" + wanted.format(id="ticket_id")
        + " ORDER BY source, ticket_id, at, rowid")
    pending = next(stream, None)
    for row in q(f"SELECT {cols} FROM tickets" + wanted.format(id="id") + " ORDER BY source, id"):
        key = (row[0], row[1])
        while pending is not None and (pending[0], pending[1]) < key:
            pending = next(stream, None)
        mine = []
        while pending is not None and (pending[0], pending[1]) == key:
            mine.append(pending[2:])
            pending = next(stream, None)
        yield _ticket_record(row), mine


def last_event_at(ticket: dict, events: list[tuple[int, str, str]]) -> int | None:
    times: list[int] = [ticket[f] for f in TICKET_TIME_FIELDS if ticket.get(f) is not None]
    times += [e[0] for e in events]
    return max(times) if times else None


def save_clocks(store: Store, rows: list[tuple]) -> None:
    marks = ", ".join("?" * len(CLOCK_COLUMNS))
    store.conn.executemany(f"INSERT OR REPLACE INTO sla_clocks ({', '.join(CLOCK_COLUMNS)}) VALUES ({marks})", rows)


def clock_row(source: str, ticket_id: str, clock: Clock, last_event: int | None, fingerprint: str) -> tuple:
    return (source, ticket_id, clock.metric, clock.cycle, clock.policy, clock.matched, clock.calendar, clock.target,
            clock.target_seconds, clock.started_at, clock.stopped_at, clock.due_at, clock.risk_at,
            clock.elapsed_business_seconds, clock.elapsed_since, clock.paused_seconds,
            json.dumps(clock.pauses) if clock.pauses else "[]", clock.mode, last_event, fingerprint, clock.note or None)


def clock_from_row(row: dict) -> Clock:
    return Clock(metric=row["metric"], cycle=row["cycle"], policy=row["policy"], matched=row["matched"],
                 calendar=row["calendar"], target=row["target"], target_seconds=row["target_seconds"],
                 started_at=row["started_at"], stopped_at=row["stopped_at"], due_at=row["due_at"],
                 risk_at=row["risk_at"], elapsed_business_seconds=row["elapsed"], paused_seconds=row["paused_seconds"],
                 pauses=[tuple(p) for p in json.loads(row["pauses"] or "[]")], mode=row["mode"],
                 elapsed_since=row["elapsed_since"], note=row["note"] or "")


# Covering indexes for the KPI scans (clocks stopped / due in a period, per metric). Dropped
# while every clock is rewritten and built again after: one sort instead of 2M random inserts.
KPI_INDEXES = {"sla_clocks_stop": "metric, cycle, stopped_at, due_at",
               "sla_clocks_due": "metric, cycle, due_at, stopped_at"}


def delete_clocks(store: Store, keys: Iterable[tuple[str, str]] | None) -> None:
    if keys is None:
        for name in KPI_INDEXES:
            store.conn.execute(f"DROP INDEX IF EXISTS {name}")
        store.conn.execute("DELETE FROM sla_clocks")
    else:
        store.conn.executemany("DELETE FROM sla_clocks WHERE source = ? AND ticket_id = ?", list(keys))


def index_clocks(store: Store) -> None:
    for name, columns in KPI_INDEXES.items():
        store.conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON sla_clocks({columns})")


def copy_clock_times(store: Store, keys: Iterable[tuple[str, str]] | None) -> None:
    """Copy the business seconds of each ticket's stopped first-response and resolution clocks
    (and the resolution's paused seconds) onto its row, NULL when not stopped: the KPI scans
    read them without a join. A first response "stopped" by a solve without a reply (its clock
    has a note) gives no reply time."""
    def clock(metric: str, column: str) -> str:
        return (f"(SELECT c.{column} FROM sla_clocks c WHERE c.source = tickets.source AND c.ticket_id = tickets.id "
                f"AND c.metric = '{metric}' AND c.cycle = 0 AND c.mode = 'stopped' AND c.note IS NULL)")

    sql = (f"UPDATE tickets SET sla_first_response_s = {clock('first_response', 'elapsed')}, "
           f"sla_resolution_s = {clock('resolution', 'elapsed')}, "
           f"sla_resolution_paused_s = {clock('resolution', 'paused_seconds')}")
    if keys is None:
        store.conn.execute(sql)
    else:
        store.conn.executemany(sql + " WHERE source = ? AND id = ?", list(keys))


def set_meta(store: Store, **values: str) -> None:
    store.conn.executemany("INSERT OR REPLACE INTO sla_meta VALUES (?, ?)", list(values.items()))


# The SQL twin of `core.sla.clock.evaluate`'s state (a test compares them on the same clocks).
STATE_SQL = """CASE
    WHEN c.mode = 'n/a' THEN 'n/a'
    WHEN c.mode = 'unknown' THEN 'unknown'
    WHEN c.mode = 'stopped' THEN CASE WHEN c.stopped_at > c.due_at THEN 'breached' ELSE 'met' END
    WHEN c.mode = 'running' AND :as_of > c.due_at THEN 'breached'
    WHEN c.mode = 'paused' AND c.due_at IS NOT NULL AND :as_of > c.due_at THEN 'breached'
    WHEN c.mode = 'running' AND :as_of > c.risk_at THEN 'at_risk'
    WHEN c.mode = 'running' THEN 'running'
    ELSE 'paused' END"""
RANK_SQL = "CASE state " + " ".join(f"WHEN '{s}' THEN {rank}" for s, rank in URGENCY.items()) + " END"


def _open_clocks_sql(filters: dict, states: set[str]) -> tuple[str, dict]:
    """Stored clocks of tickets open at :as_of with their state there (valid when the ticket has
    no data after :as_of), restricted to `states` and the filters."""
    modes = "'running', 'paused', 'stopped'" if "met" in states else "'running', 'paused'"
    where = [f"c.mode IN ({modes})", "c.last_event_at <= :as_of", "(t.created_at IS NULL OR t.created_at <= :as_of)"]
    if "met" in states:  # stopped clocks, of tickets still open
        where.append("(c.mode != 'stopped' OR t.resolution_at IS NULL OR t.resolution_at > :as_of)")
    params: dict = {}
    if not states & {"running", "paused", "met"}:  # only breached / at risk: let the index narrow it
        where.append("((c.mode = 'running' AND c.risk_at < :as_of) OR (c.mode = 'paused' AND c.due_at < :as_of))")
    for key in ("team", "assignee", "priority"):
        if filters.get(key):
            where.append(f"lower(t.{key}) = lower(:{key})")
            params[key] = filters[key]
    if filters.get("policy"):
        where.append("lower(c.policy) = lower(:policy)")
        params["policy"] = filters["policy"]
    cols = ", ".join(f"c.{c}" for c in CLOCK_COLUMNS)
    sql = (f"SELECT * FROM (SELECT {cols}, t.subject, t.priority, t.team, t.assignee, t.status, t.customer_id, "
           f"t.customer_tier, t.customer_email, t.created_at, t.reopens, t.tags, {STATE_SQL} AS state "
           "FROM sla_clocks c JOIN tickets t ON t.source = c.source AND "
           f"t.id = c.ticket_id WHERE {' AND '.join(where)}) "
           f"WHERE state IN ({', '.join(repr(s) for s in sorted(states))})")
    return sql, params


def open_clock_rows(store: Store, as_of: int, filters: dict, states: set[str], limit: int | None) -> list[Record]:
    """The most urgent clocks first: breached, at risk, paused, running; then earliest deadline."""
    sql, params = _open_clocks_sql(filters, states)
    sql += f" ORDER BY {RANK_SQL}, due_at IS NULL, due_at, ticket_id, metric, cycle"
    if limit:
        sql += f" LIMIT {int(limit)}"
    cur = store.conn.execute(sql, {**params, "as_of": as_of})
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, row)) for row in cur]
    for row in rows:  # tuples: no garbage-collector work for thousands of small lists held at once
        row["tags"] = tuple(json.loads(row["tags"])) if row["tags"] not in (None, "[]") else ()
    return rows


def open_clock_counts(store: Store, as_of: int, filters: dict) -> SlaCounts:
    """Tickets with a breached clock, tickets at risk (and not breached), oldest overdue (wall s);
    `open` is left for the caller to count."""
    sql, params = _open_clocks_sql(filters, {"breached", "at_risk"})  # running and paused clocks only
    row = store.conn.execute(
        "SELECT coalesce(sum(breached), 0), coalesce(sum(at_risk AND NOT breached), 0), max(overdue) FROM ("
        "SELECT max(state = 'breached') AS breached, max(state = 'at_risk') AS at_risk, "
        f"max(CASE WHEN state = 'breached' THEN :as_of - due_at END) AS overdue FROM ({sql}) "
        "GROUP BY source, ticket_id)", {**params, "as_of": as_of}).fetchone()
    return {"breached": row[0], "at_risk": row[1], "oldest_overdue_seconds": row[2] or 0, "open": 0}


def newer_than(store: Store, as_of: int) -> list[tuple[str, str]]:
    """Tickets whose stored clocks cannot be used at as_of (data after it): compute those live."""
    rows = store.conn.execute("SELECT source, ticket_id FROM sla_clocks WHERE last_event_at > ? AND "
                              "started_at <= ? AND (stopped_at IS NULL OR stopped_at > ?)", (as_of, as_of, as_of))
    return list(dict.fromkeys(rows))  # DISTINCT here: in SQL it would pick the primary key over the index
