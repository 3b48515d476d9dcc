"""Queries over the stored SLA clocks: their state at an instant in SQL (the twin of
`core.sla.clock.evaluate`), the open clocks that are late, most urgent first, and the counts
of late tickets."""

from __future__ import annotations

import json

from cstool.core.models import Record, SlaCounts
from cstool.core.sla.clock import URGENCY
from cstool.store.connection import Store
from cstool.store.sla import MODE_CODES, MODES, OPEN_MODES, PARTS, PAUSED, RUNNING, STOPPED, TICKET_CLOCKS, Part


def state_sql(mode: str, stopped: str, due: str, risk: str, codes: dict[str, str]) -> str:
    """The SQL twin of `core.sla.clock.evaluate`'s state at :as_of (a test compares them on the
    same clocks), over the given columns; `codes` spells each mode as the table stores it."""
    return (f"CASE WHEN {mode} = {codes['n/a']} THEN 'n/a' WHEN {mode} = {codes['unknown']} THEN 'unknown' "
            f"WHEN {mode} = {codes['stopped']} THEN CASE WHEN {stopped} > {due} THEN 'breached' ELSE 'met' END "
            f"WHEN {mode} = {codes['running']} AND :as_of > {due} THEN 'breached' "
            f"WHEN {mode} = {codes['paused']} AND {due} IS NOT NULL AND :as_of > {due} THEN 'breached' "
            f"WHEN {mode} = {codes['running']} AND :as_of > {risk} THEN 'at_risk' "
            f"WHEN {mode} = {codes['running']} THEN 'running' ELSE 'paused' END")


# Over the view `sla_clocks c` (modes as words).
STATE_SQL = state_sql("c.mode", "c.stopped_at", "c.due_at", "c.risk_at", {m: f"'{m}'" for m in MODES})
RANK_SQL = "CASE state " + " ".join(f"WHEN '{s}' THEN {rank}" for s, rank in URGENCY.items()) + " END"


def part_state(part: Part) -> str:
    return state_sql(part.mode, part.col("stopped_at"), part.col("due_at"), part.col("risk_at"),
                     {m: str(code) for m, code in MODE_CODES.items()})


def clock_conditions(filters: dict, picked: str | None = None) -> tuple[list[str], dict]:
    """The conditions on a clock's ticket (`c` its clocks row, `t` the ticket, `n` its names);
    `picked`, a table whose `rid`s are the only tickets wanted."""
    params: dict = {}
    # (a ticket's clocks start at its creation: c.started_at is t.created_at, no join needed)
    common = ["c.last_event_at <= :as_of", "(c.started_at IS NULL OR c.started_at <= :as_of)"]
    if picked:
        common.append(f"c.ticket IN (SELECT rid FROM {picked})")
    for key in ("team", "assignee", "priority"):
        if filters.get(key):
            common.append(f"lower(t.{key}) = lower(:{key})")
            params[key] = filters[key]
    if filters.get("policy"):
        common.append("lower(n.policy) = lower(:policy)")
        params["policy"] = filters["policy"]
    if filters.get("created_since") is not None:  # (the history of a breach forecast)
        common.append("t.created_at >= :created_since")
        params["created_since"] = filters["created_since"]
    return common, params


def _late(part: Part) -> str:
    """The part's clock is running or paused and breached or at risk at :as_of (through its index)."""
    mode, due, risk = part.mode, part.col("due_at"), part.col("risk_at")
    return (f"{mode} {OPEN_MODES} AND (({mode} = {RUNNING} AND {risk} < :as_of) OR "
            f"({mode} = {PAUSED} AND {due} < :as_of))")


def _open_clocks_sql(filters: dict, states: set[str], picked: str | None = None) -> tuple[str, dict]:
    """Stored clocks of tickets open at :as_of with their state there (valid when the ticket has
    no data after :as_of), restricted to `states` and the filters: one SELECT per kind of clock,
    each narrowed by its partial index when only breached and at-risk clocks are asked for;
    `picked`, only the tickets of that table."""
    common, params = clock_conditions(filters, picked)
    parts = []
    for part in PARTS:
        mode = part.mode
        modes = f"IN ({STOPPED}, {RUNNING}, {PAUSED})" if "met" in states else OPEN_MODES
        where = [f"{mode} {modes}", *common]
        if "met" in states:  # stopped clocks, of tickets still open
            where.append(f"({mode} != {STOPPED} OR t.resolution_at IS NULL OR t.resolution_at > :as_of)")
        if not states & {"running", "paused", "met"}:  # only breached / at risk: let the index narrow it
            where.append(_late(part))
        if filters.get("due_before") is not None:  # (clocks due soon: the report's likely breaches)
            where.append(f"{part.col('due_at')} < :due_before")
            params["due_before"] = filters["due_before"]
        parts.append(f"SELECT c.ticket AS rid, {part.select()}, t.subject, t.priority, t.channel, t.team, t.assignee, "
                     "t.status, t.customer_id, t.customer_tier, t.customer_email, t.created_at, t.reopens, t.tags, "
                     f"{part_state(part)} AS state FROM {part.source} WHERE {' AND '.join(where)}")
    sql = (f"SELECT * FROM ({' UNION ALL '.join(parts)}) "
           f"WHERE state IN ({', '.join(repr(s) for s in sorted(states))})")
    return sql, params


def late_slices(part: Part) -> dict[str, list[str]]:
    """{state: conditions} on the part's clock, each one range of its partial index on (mode,
    deadline, risk): "breached" (running, then paused, past the deadline) and "at_risk" (running,
    the deadline ahead, the risk instant passed); the twin of `state_sql` for open clocks."""
    mode, due, risk = part.mode, part.col("due_at"), part.col("risk_at")
    return {"breached": [f"{mode} {OPEN_MODES} AND {mode} = {m} AND {due} < :as_of" for m in (RUNNING, PAUSED)],
            "at_risk": [f"{mode} {OPEN_MODES} AND {mode} = {RUNNING} AND {due} >= :as_of AND {risk} < :as_of"]}


def _most_urgent_sql(filters: dict, states: set[str], limit: int) -> tuple[str, dict]:
    """(rid, ticket_id, metric, cycle) of the `limit` most urgent breached or at-risk clocks.
    Among these two states urgency is the deadline's order (a breached deadline has passed, an
    at-risk one has not), so each kind of clock gives its first rows from its index on
    (mode, deadline) and stops there, however many thousands are late."""
    common, params = clock_conditions(filters)
    selects = []
    for part in PARTS:
        slices = late_slices(part)
        for cut in [c for state in ("breached", "at_risk") if state in states for c in slices[state]]:
            selects.append(f"SELECT * FROM (SELECT c.ticket AS rid, t.id AS ticket_id, '{part.metric}' AS metric, "
                           f"{part.cycle} AS cycle, {part.col('due_at')} AS due_at FROM {part.source} WHERE "
                           f"{cut} AND {' AND '.join(common)} ORDER BY due_at, ticket_id, cycle LIMIT {limit})")
    return (" UNION ALL ".join(selects) + f" ORDER BY due_at, ticket_id, metric, cycle LIMIT {limit}"), params


def open_clock_rows(store: Store, as_of: int, filters: dict, states: set[str], limit: int | None,
                    picked: str | None = None) -> list[Record]:
    """The most urgent clocks first: breached, at risk, paused, running; then earliest deadline.
    With a limit on breached and at-risk clocks, only the first ones are read in full; with
    `picked` (a table of `rid`s), only those tickets' clocks."""
    order = f" ORDER BY {RANK_SQL}, due_at IS NULL, due_at, ticket_id, metric, cycle"
    args: dict = {"as_of": as_of}
    sql, params = _open_clocks_sql(filters, states, picked)
    if limit and states <= {"breached", "at_risk"}:
        first, _ = _most_urgent_sql(filters, states, int(limit))
        urgent = store.conn.execute(first, {**params, **args}).fetchall()
        store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS picked (rid INTEGER, metric TEXT, cycle INTEGER, "
                           "PRIMARY KEY (rid, metric, cycle))")
        store.conn.execute("DELETE FROM temp.picked")
        store.conn.executemany("INSERT OR IGNORE INTO temp.picked VALUES (?, ?, ?)", [r[:1] + r[2:4] for r in urgent])
        sql = (f"SELECT * FROM ({_open_clocks_sql(filters, states, 'temp.picked')[0]}) "
               "WHERE (rid, metric, cycle) IN (SELECT rid, metric, cycle FROM temp.picked)")
    elif limit:
        order += f" LIMIT {int(limit)}"
    cur = store.conn.execute(sql + order, {**params, **args})
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, row)) for row in cur]
    tags: dict[str | None, tuple] = {None: (), "[]": ()}  # (a few distinct lists among thousands of rows)
    for row in rows:  # tuples: no garbage-collector work for thousands of small lists held at once
        text = row["tags"]
        if text not in tags:
            tags[text] = tuple(json.loads(text))
        row["tags"] = tags[text]
    return rows


def open_clock_counts(store: Store, as_of: int, filters: dict) -> SlaCounts:
    """Tickets with a breached clock, tickets at risk (and not breached), oldest overdue (wall s);
    `open` is left for the caller to count. Without next-response cycles a ticket's clocks are
    one row: each late ticket is counted once, where its first late clock is, with no grouping."""
    common, params = clock_conditions(filters)
    fr, res, cycles = PARTS
    if store.conn.execute("SELECT 1 FROM clock_cycles LIMIT 1").fetchone() is not None:
        return _grouped_counts(store, as_of, filters)
    if not params:
        return _index_counts(store, as_of)
    states = {p.metric: f"CASE WHEN {p.mode} {OPEN_MODES} THEN {part_state(p)} ELSE '' END" for p in (fr, res)}
    f, r = states["first_response"], states["resolution"]
    source = TICKET_CLOCKS if params else "clocks c"  # (the ticket and its names only to filter by them)
    rows = (f"SELECT {f} AS fs, {r} AS rs, c.fr_due_at AS fd, c.res_due_at AS rd FROM {source} "
            f"WHERE {{}} AND {' AND '.join(common)}")
    late = (rows.format(_late(fr)) + " UNION ALL " + rows.format(f"{_late(res)} AND NOT ({_late(fr)})"))
    row = store.conn.execute(
        "SELECT coalesce(sum(b), 0), coalesce(sum(a AND NOT b), 0), max(o) FROM ("
        "SELECT (fs = 'breached' OR rs = 'breached') AS b, (fs = 'at_risk' OR rs = 'at_risk') AS a, "
        "max(coalesce(CASE WHEN fs = 'breached' THEN :as_of - fd END, 0), "
        f"coalesce(CASE WHEN rs = 'breached' THEN :as_of - rd END, 0)) AS o FROM ({late}))",
        {**params, "as_of": as_of}).fetchone()
    return {"breached": row[0], "at_risk": row[1], "oldest_overdue_seconds": row[2] or 0, "open": 0}


def _index_counts(store: Store, as_of: int) -> SlaCounts:
    """open_clock_counts without filters or cycles, from the open clocks' partial indexes alone
    (no clock or ticket row is read: with 150,000 late tickets that is most of the time): the late
    tickets as sets of rowids, less those with data after as_of (the caller computes them live)."""
    later = "SELECT ticket FROM clocks WHERE last_event_at > :as_of OR last_event_at IS NULL"
    fr, res, _ = PARTS
    slices = {part.prefix: late_slices(part) for part in (fr, res)}

    def late(state: str, joined: str) -> str:  # (the rowids, from both kinds of clock, joined by a set operator)
        return f" {joined} ".join(f"SELECT c.ticket FROM clocks c WHERE {cut}" for part in slices.values()
                                  for cut in part[state])

    args = {"as_of": as_of}
    q = store.conn.execute
    # (compound SELECTs read left to right: each EXCEPT removes from everything before it)
    breached = q(f"SELECT count(*) FROM ({late('breached', 'UNION')} EXCEPT {later})", args).fetchone()[0]
    at_risk = q(f"SELECT count(*) FROM ({late('at_risk', 'UNION')} EXCEPT {late('breached', 'EXCEPT')} "
                f"EXCEPT {later})", args).fetchone()[0]
    earliest = []
    for prefix, part in slices.items():  # (the earliest deadline passed, in each index's order: its first rows)
        for cut in part["breached"]:
            row = q(f"SELECT {prefix}due_at FROM clocks c WHERE {cut} AND c.ticket NOT IN ({later}) "
                    f"ORDER BY {prefix}due_at LIMIT 1", args).fetchone()
            earliest += [row[0]] if row else []
    oldest = as_of - min(earliest) if earliest else 0
    return {"breached": breached, "at_risk": at_risk, "oldest_overdue_seconds": oldest, "open": 0}


def _grouped_counts(store: Store, as_of: int, filters: dict) -> SlaCounts:
    """open_clock_counts over every kind of clock, grouped by ticket (next-response cycles exist)."""
    sql, params = _open_clocks_sql(filters, {"breached", "at_risk"})  # running and paused clocks only
    row = store.conn.execute(
        "SELECT coalesce(sum(breached), 0), coalesce(sum(at_risk AND NOT breached), 0), max(overdue) FROM ("
        "SELECT max(state = 'breached') AS breached, max(state = 'at_risk') AS at_risk, "
        f"max(CASE WHEN state = 'breached' THEN :as_of - due_at END) AS overdue FROM ({sql}) "
        "GROUP BY rid)", {**params, "as_of": as_of}).fetchone()
    return {"breached": row[0], "at_risk": row[1], "oldest_overdue_seconds": row[2] or 0, "open": 0}


def newer_than(store: Store, as_of: int) -> list[tuple[str, str]]:
    """Tickets whose stored clocks cannot be used at as_of (data after it) and had a clock
    started and not stopped by then: compute those live."""
    started = "c.started_at <= :at AND ({0}stopped_at IS NULL OR {0}stopped_at > :at)"
    cycle = started.format("y.").replace("c.started_at", "y.started_at")
    return store.conn.execute(
        "SELECT t.source, t.id FROM clocks c JOIN tickets t ON t.rowid = c.ticket WHERE c.last_event_at > :at AND "
        f"(({started.format('c.fr_')}) OR ({started.format('c.res_')}) OR EXISTS (SELECT 1 FROM clock_cycles y "
        f"WHERE y.ticket = c.ticket AND {cycle}))", {"at": as_of}).fetchall()
