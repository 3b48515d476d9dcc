"""Materialised SLA clocks: what to recompute, loading tickets with their events, saving clocks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from cstool.core.models import TICKET_TIME_FIELDS, Record
from cstool.core.sla.clock import Clock
from cstool.store.connection import Store

TICKET_COLUMNS = ("source", "id", "subject", "customer_id", "customer_email", "customer_name", "customer_tier",
                 "channel", "priority", "status", "team", "assignee", "created_at", "first_response_at",
                 "resolved_at", "closed_at", "updated_at", "resolution_at", "reopens", "replies", "tags", "reported")


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


def ticket_count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]


class Slice:
    """A share of the tickets in reading order: rowid order without events, (source, id) order
    with them. `Slice.halves` cuts the store in two at a share of its tickets."""

    def __init__(self, tickets: str = "", events: str = "", params: tuple = ()):
        self.tickets, self.events, self.params = tickets, events, params

    @staticmethod
    def halves(store: Store, share: float) -> tuple[Slice, Slice]:
        offset = max(int(ticket_count(store) * share) - 1, 0)
        if not _has_events(store):
            (cut,) = store.conn.execute("SELECT rowid FROM tickets ORDER BY rowid LIMIT 1 OFFSET ?",
                                        (offset,)).fetchone() or (0,)
            return Slice("rowid <= ?", "", (cut,)), Slice("rowid > ?", "", (cut,))
        key = store.conn.execute("SELECT source, id FROM tickets ORDER BY source, id LIMIT 1 OFFSET ?",
                                 (offset,)).fetchone() or ("", "")
        return (Slice("(source, id) <= (?, ?)", "(source, ticket_id) <= (?, ?)", tuple(key)),
                Slice("(source, id) > (?, ?)", "(source, ticket_id) > (?, ?)", tuple(key)))


def _has_events(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM ticket_events LIMIT 1").fetchone() is not None


_WANTED = Slice("(source, id) IN (SELECT source, id FROM temp.wanted)",
                "(source, ticket_id) IN (SELECT source, id FROM temp.wanted)")


def tickets_with_events(store: Store, keys: Iterable[tuple[str, str]] | None = None, rowids: bool = False,
                        part: Slice | None = None) -> Iterator[tuple]:
    """(ticket, events sorted by instant) for the given keys, or for every ticket of `part` (all
    by default; merge join); with `rowids`, (rowid, ticket, events). Tickets come in (source, id)
    order when more than a few are asked for, in rowid order when the store has no events."""
    q = store.conn.execute
    cols = ", ".join(("rowid",) + TICKET_COLUMNS)

    def out(row: tuple, events: list) -> tuple:
        return (row[0], _ticket_record(row[1:]), events) if rowids else (_ticket_record(row[1:]), events)

    if keys is not None:
        keys = list(keys)
        if len(keys) <= 20:  # a few tickets: one lookup each
            for source, ticket_id in keys:
                row = q(f"SELECT {cols} FROM tickets WHERE source = ? AND id = ?", (source, ticket_id)).fetchone()
                if row is not None:
                    yield out(row, q("SELECT at, type, value FROM ticket_events WHERE source = ? AND ticket_id = ? "
                                     "ORDER BY at, rowid", (source, ticket_id)).fetchall())
            return
        _keyed(store, keys)  # many: one merge join over a temporary key table
        part = _WANTED
    part = part or Slice()
    tickets = f" WHERE {part.tickets}" if part.tickets else ""
    if not _has_events(store):  # no events: the table in its own order
        for row in q(f"SELECT {cols} FROM tickets{tickets} ORDER BY rowid", part.params):
            yield out(row, [])
        return
    events = f" WHERE {part.events}" if part.events else ""
    stream = store.conn.cursor().execute(f"SELECT source, ticket_id, at, type, value FROM ticket_events{events} "
                                         "ORDER BY source, ticket_id, at, rowid", part.params)
    pending = next(stream, None)
    for row in q(f"SELECT {cols} FROM tickets{tickets} ORDER BY source, id", part.params):
        key = (row[1], row[2])
        while pending is not None and (pending[0], pending[1]) < key:
            pending = next(stream, None)
        mine = []
        while pending is not None and (pending[0], pending[1]) == key:
            mine.append(pending[2:])
            pending = next(stream, None)
        yield out(row, mine)


def last_event_at(ticket: dict, events: list[tuple[int, str, str]]) -> int | None:
    times: list[int] = [ticket[f] for f in TICKET_TIME_FIELDS if ticket.get(f) is not None]
    times += [e[0] for e in events]
    return max(times) if times else None


# The compact clocks (migration 8): one row per ticket in `clocks` (first response fr_,
# resolution res_), next-response cycles in `clock_cycles`, names in `clock_names`; the view
# `sla_clocks` reads every clock back as one row for ad-hoc SQL and the colder queries.
MODES = ("stopped", "running", "paused", "n/a", "unknown")
MODE_CODES = {mode: code for code, mode in enumerate(MODES)}
STOPPED, RUNNING, PAUSED = (MODE_CODES[m] for m in ("stopped", "running", "paused"))
_FIELDS = ("mode", "target_seconds", "stopped_at", "due_at", "risk_at", "elapsed", "elapsed_since", "paused_seconds",
           "pauses", "note")
CLOCK_COLUMNS = ("ticket", "names", "started_at", "last_event_at", *(f"fr_{f}" for f in _FIELDS),
                 *(f"res_{f}" for f in _FIELDS))
CYCLE_COLUMNS = ("ticket", "cycle", "mode", "target_seconds", "started_at", "stopped_at", "due_at", "risk_at",
                 "elapsed", "elapsed_since", "paused_seconds", "pauses", "note")
_MODE_TEXT = " ".join(f"WHEN {code} THEN '{mode}'" for code, mode in enumerate(MODES))


class Part:
    """One kind of clock in the compact tables, as SQL: its columns under a Clock's field names."""

    def __init__(self, metric: str, prefix: str, source: str, cycle: str = "0"):
        self.metric, self.prefix, self.cycle = metric, prefix, cycle
        self.source = source  # FROM clause: tickets t, names n and the clock's row
        self.mode = f"{prefix}mode"
        self.started = "y.started_at" if prefix == "y." else "c.started_at"

    def col(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def select(self) -> str:
        p = self.col
        return (f"t.source AS source, t.id AS ticket_id, '{self.metric}' AS metric, {self.cycle} AS cycle, "
                f"n.policy AS policy, n.matched AS matched, n.calendar AS calendar, n.{self.metric}_target AS target, "
                f"{p('target_seconds')} AS target_seconds, {self.started} AS started_at, "
                f"{p('stopped_at')} AS stopped_at, {p('due_at')} AS due_at, {p('risk_at')} AS risk_at, "
                f"{p('elapsed')} AS elapsed, {p('elapsed_since')} AS elapsed_since, "
                f"{p('paused_seconds')} AS paused_seconds, {p('pauses')} AS pauses, "
                f"CASE {self.mode} {_MODE_TEXT} END AS mode, c.last_event_at AS last_event_at, {p('note')} AS note")


TICKET_CLOCKS = "clocks c JOIN tickets t ON t.rowid = c.ticket JOIN clock_names n ON n.id = c.names"
PARTS = (Part("first_response", "c.fr_", TICKET_CLOCKS), Part("resolution", "c.res_", TICKET_CLOCKS),
         Part("next_response", "y.", "clock_cycles y JOIN clocks c ON c.ticket = y.ticket JOIN tickets t ON "
              "t.rowid = y.ticket JOIN clock_names n ON n.id = c.names", "y.cycle"))


def _fields(c: Clock) -> tuple:
    return (MODE_CODES[c.mode], c.target_seconds, c.stopped_at, c.due_at, c.risk_at, c.elapsed_business_seconds,
            c.elapsed_since, c.paused_seconds, json.dumps(c.pauses) if c.pauses else None, c.note or None)


def clock_rows(ticket: int, clocks: list[Clock], last_event: int | None) -> tuple[tuple, list[tuple]]:
    """One ticket's compact rows, from its clocks as `compute_clocks` gives them (first response,
    resolution, cycles): (its `clocks` row with the names as a key tuple in place of their id,
    its `clock_cycles` rows)."""
    first, resolution, *cycles = clocks
    names = (first.policy, first.matched, first.calendar, first.target, resolution.target,
             cycles[0].target if cycles else "")
    row = (ticket, names, first.started_at, last_event, *_fields(first), *_fields(resolution))
    out = []
    for c in cycles:
        f = _fields(c)
        out.append((ticket, c.cycle, *f[:2], c.started_at, *f[2:]))
    return row, out


class ClockWriter:
    """Writes compact rows: each row's names get their dictionary id (new ones are added), rows
    go in batches of plain INSERTs (the old rows are deleted first)."""

    def __init__(self, store: Store, batch: int = 5000):
        self.store, self.batch = store, batch
        self.rows: list[tuple] = []
        self.cycles: list[tuple] = []
        self.names = {tuple(r[1:]): r[0] for r in store.conn.execute(
            "SELECT id, policy, matched, calendar, first_response_target, resolution_target, next_response_target "
            "FROM clock_names")}

    def _name(self, key: tuple) -> int:
        found = self.names.get(key)
        if found is None:
            self.store.conn.execute("INSERT INTO clock_names (policy, matched, calendar, first_response_target, "
                                    "resolution_target, next_response_target) VALUES (?, ?, ?, ?, ?, ?)", key)
            found = self.names[key] = self.store.conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        return found

    def add(self, ticket: int, clocks: list[Clock], last_event: int | None) -> None:
        row, cycles = clock_rows(ticket, clocks, last_event)
        self.add_rows([row], cycles)

    def add_rows(self, rows: list[tuple], cycles: list[tuple]) -> None:
        """Rows of `clock_rows` (names as key tuples)."""
        names, name = self.names, self._name
        self.rows += [(r[0], names.get(r[1]) or name(r[1]), *r[2:]) for r in rows]
        self.cycles += cycles
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        for table, columns, rows in (("clocks", CLOCK_COLUMNS, self.rows),
                                     ("clock_cycles", CYCLE_COLUMNS, self.cycles)):
            if rows:
                self.store.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                            f"({', '.join('?' * len(columns))})", rows)
        self.rows, self.cycles = [], []


def clock_from_row(row: dict) -> Clock:
    return Clock(metric=row["metric"], cycle=row["cycle"], policy=row["policy"], matched=row["matched"],
                 calendar=row["calendar"], target=row["target"], target_seconds=row["target_seconds"],
                 started_at=row["started_at"], stopped_at=row["stopped_at"], due_at=row["due_at"],
                 risk_at=row["risk_at"], elapsed_business_seconds=row["elapsed"], paused_seconds=row["paused_seconds"],
                 pauses=[tuple(p) for p in json.loads(row["pauses"])] if row["pauses"] else [], mode=row["mode"],
                 elapsed_since=row["elapsed_since"], note=row["note"] or "")


# Partial indexes on the open clocks (sla check, escalations), and each ticket's last data
# instant. Dropped while every clock is rewritten and built again after: one sort each.
OPEN_MODES = f"IN ({RUNNING}, {PAUSED})"
CLOCK_INDEXES = {**{f"clocks_{p}_open": f"clocks({p}_mode, {p}_due_at, {p}_risk_at) WHERE {p}_mode {OPEN_MODES}"
                    for p in ("fr", "res")},
                 "clocks_recent": "clocks(last_event_at)",
                 "clock_cycles_open": f"clock_cycles(mode, due_at, risk_at) WHERE mode {OPEN_MODES}"}


def delete_clocks(store: Store, keys: Iterable[tuple[str, str]] | None) -> None:
    """The clocks of these tickets, or all (then the indexes go too, built again by `index_clocks`)."""
    if keys is None:
        for name in CLOCK_INDEXES:
            store.conn.execute(f"DROP INDEX IF EXISTS {name}")
        store.conn.execute("DELETE FROM clocks")
        store.conn.execute("DELETE FROM clock_cycles")
        return
    _keyed(store, keys)
    rowids = store.conn.execute("SELECT rowid FROM tickets WHERE (source, id) IN "
                                "(SELECT source, id FROM temp.wanted)").fetchall()
    store.conn.executemany("DELETE FROM clocks WHERE ticket = ?", rowids)
    store.conn.executemany("DELETE FROM clock_cycles WHERE ticket = ?", rowids)


def _keyed(store: Store, keys: Iterable[tuple[str, str]]) -> None:
    """The keys into temp.wanted (the table `tickets_with_events` reads too)."""
    store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (source TEXT, id TEXT, PRIMARY KEY (source, id))")
    store.conn.execute("DELETE FROM temp.wanted")
    store.conn.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?, ?)", list(keys))


def index_clocks(store: Store) -> None:
    for name, spec in CLOCK_INDEXES.items():
        store.conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {spec}")


def stopped_value(prefix: str, column: str) -> str:
    """SQL: a clock's `column` (business seconds) when it stopped at its metric's own event, else
    NULL: the durations the KPIs take from the clocks. A first response "stopped" by a solve
    without a reply (its clock has a note) gives no reply time."""
    return f"CASE WHEN {prefix}mode = {STOPPED} AND {prefix}note IS NULL THEN {prefix}{column} END"


def set_meta(store: Store, **values: str) -> None:
    store.conn.executemany("INSERT OR REPLACE INTO sla_meta VALUES (?, ?)", list(values.items()))
