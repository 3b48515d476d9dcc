"""`cstool tickets`: one row per ticket with every computed value, streamed (store/ticket_rows).

Most rows come finished from SQL (as CSV, whole lines). A row flagged `care` is finished here:
its clocks are taken from the data up to :as_of when the store has data after it (`live`), its
running clocks on a business calendar get their business seconds at :as_of from the calendar
(`core.sla.clock.evaluate`, the one rule), and as CSV a cell holding CR or LF or starting like a
formula is written by render/machine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace

from cstool.core.errors import CstoolError
from cstool.core.formats import iso_instant
from cstool.core.sla.clock import Clock, evaluate
from cstool.services.worker import Worker, payload, send
from cstool.store import Store
from cstool.store import sla as sla_store
from cstool.store import ticket_rows as rows_sql
from cstool.store.ticket_rows import CLOCK_BLOCK, COLUMNS, TicketQuery

_BLOCK = slice(COLUMNS.index(CLOCK_BLOCK[0]), COLUMNS.index(CLOCK_BLOCK[-1]) + 1)
_STATES = {name: COLUMNS.index(f"{name}_state") for name in ("first_response", "resolution", "next_response")}
_BREACHED_CYCLES = COLUMNS.index("next_response_breached")
BLOCK = 2000  # rows fetched and checked at once
SHARE = 2  # this process reads one range in SHARE (it also finishes and writes every row), the worker the others
PARALLEL_FROM = 6  # rowid ranges (store/ticket_rows.SPAN each); below, a second process costs more than it saves


def clock_block(clocks: list[Clock], calendars: dict, as_of: int, tz: str, cycles_kept: bool) -> tuple:
    """The values of CLOCK_BLOCK for one ticket's clocks (first response, resolution, cycles), as
    the SQL writes them for stored clocks; `cycles_kept`: the store has next-response cycles."""
    first, resolution, *cycles = clocks
    values: list = [first.policy, first.calendar]
    for clock in (first, resolution):
        evaluation = evaluate(clock, calendars[clock.calendar], as_of)
        business = evaluation.elapsed_business_seconds if clock.mode == "running" else clock.elapsed_business_seconds
        seconds = None
        if clock.started_at is not None and clock.mode in ("running", "paused"):
            seconds = as_of - clock.started_at
        elif clock.started_at is not None and clock.mode == "stopped" and clock.stopped_at is not None:
            seconds = clock.stopped_at - clock.started_at
        values += [clock.target, evaluation.state, iso_instant(clock.due_at, tz), iso_instant(clock.stopped_at, tz),
                   business, seconds, clock.paused_seconds]
    states = [evaluate(c, calendars[c.calendar], as_of).state for c in cycles]
    values += [cycles[0].target if cycles else None, len(cycles) if cycles_kept else None,
               (sum(s == "breached" for s in states) if states else None) if cycles_kept else None,
               (states[-1] if states else None) if cycles_kept else None]
    return tuple(values)


class TicketListing:
    """The rows of one `cstool tickets` query. `rows()` yields (item, care) pairs: with a
    `delimiter`, item is the row's CSV line when care is False, else the row's values (of
    `fields`, in their order) for the writer to neutralise and quote cell by cell."""

    def __init__(self, store: Store, engine, query: TicketQuery, limit: int | None = None,
                 fields: list[str] | None = None, delimiter: str | None = None):
        self.store, self.engine, self.query, self.limit = store, engine, query, limit
        self.fields, self.delimiter = fields, delimiter
        self.positions = [COLUMNS.index(f) for f in fields] if fields else None
        opened = tuple(name for name, calendar in engine.calendars.items() if calendar.always_open)
        self.query = query = replace(query, open_calendars=opened)
        self.sql = rows_sql.TicketRows(store, query, fields, delimiter)
        self.cycles_kept = rows_sql.has_cycles(store)

    def _finish(self, row: tuple, recompute: bool) -> tuple | None:
        """A ticket's row (every column, then rowid, care, live) with its clocks done here when
        they need it (or with `recompute`); None when its state is not wanted."""
        q = self.query
        values = list(row[:len(COLUMNS)])
        rowid, care, live = row[len(COLUMNS):len(COLUMNS) + 3]
        if live:
            ticket, events = next(sla_store.tickets_with_events(self.store, [(values[0], values[1])]))
            clocks = self.engine.clocks(ticket, events, horizon=q.as_of)
        else:
            clocks = self.sql.stored_clocks(rowid) if care or recompute else []
        if clocks:
            values[_BLOCK] = clock_block(clocks, self.engine.calendars, q.as_of, q.tz, self.cycles_kept)
        if live and q.states and not self._wanted(values):
            return None
        return tuple(values[i] for i in self.positions) if self.positions is not None else tuple(values)

    def _wanted(self, values: list) -> bool:
        metrics = [self.query.metric] if self.query.metric else list(_STATES)
        if any(values[_STATES[m]] in self.query.states for m in metrics):
            return True
        return "next_response" in metrics and "breached" in self.query.states and (values[_BREACHED_CYCLES] or 0) > 0

    def blocks(self, force_python: bool = False) -> Iterator[list[tuple]]:
        """The rows in blocks of (item, care) pairs, in order. `force_python`: every row finished
        here (the twin test of the SQL path)."""
        width = 1 if self.delimiter is not None else len(self.positions or COLUMNS)
        left = self.limit
        for batch in self._batches(force_python):
            if left is not None and left <= 0:
                return
            if len(batch[0]) == 3:  # a range of finished lines as one text (joined by RS)
                text, count, rowids = batch[0]
                if left is None or count <= left:
                    left = None if left is None else left - count
                    yield [(text.replace("\x1e", "\n"), False)]
                    continue
                batch = [(line, rowid, 0, 0) for line, rowid in zip(text.split("\x1e"), map(int, rowids.split(",")))]
            block = self._block(batch, force_python, width)
            if left is not None:
                block = block[:left]
                left -= len(block)
            yield block

    def _batches(self, row_by_row: bool) -> Iterator[list]:
        """Raw batches from the store: CSV by rowid ranges (some of them from a worker process
        reading the same snapshot, on a large store), else (or `row_by_row`) row by row."""
        ranges = self.sql.ranges()
        if ranges is None or row_by_row:
            yield from self.sql.batches(BLOCK)
            return
        generation = self.store.generation
        if len(ranges) < PARALLEL_FROM or generation is None:
            for lo, hi in ranges:
                yield self.sql.range_rows(lo, hi)
            return
        mine = set(range(0, len(ranges), SHARE))  # (this process also checks and writes every row)
        theirs = [r for i, r in enumerate(ranges) if i not in mine]
        worker = Worker("cstool.services.tickets", (str(self.store.path), generation, self.query, self.fields,
                                                    self.delimiter, theirs), ahead=2)
        stale = False
        try:
            for i, (lo, hi) in enumerate(ranges):
                frame = None if i in mine or stale else worker.take()
                if frame == ["stale"]:  # (the worker saw another state of the store: read its share here)
                    stale = True
                if i in mine or stale:
                    yield self.sql.range_rows(lo, hi)
                elif frame is None or frame[0] != lo:
                    worker.finish("tickets")
                    raise CstoolError("the second tickets process ended before its share was written")
                else:
                    yield frame[1]
        except BaseException:
            worker.kill()
            raise
        worker.finish("tickets")

    def _block(self, batch: list[tuple], force_python: bool, width: int) -> list[tuple]:
        """The batch's rows as (item, care) pairs; the rows flagged care are read again with every
        column at once, and finished here."""
        wanted = [row[width] for row in batch if row[width + 1] or force_python]
        full = self.sql.rows_of(wanted) if wanted else {}
        block = []
        for row in batch:
            if row[width + 1] or force_python:
                done = self._finish(full[row[width]], force_python)
                if done is not None:
                    block.append((done, True))
            else:
                block.append(((row[0] if self.delimiter is not None else row[:width]), False))
        return block

    def rows(self, force_python: bool = False) -> Iterator[tuple]:
        for block in self.blocks(force_python):
            yield from block


def _worker() -> None:
    """Send (range start, rows) for each range of the payload, from the same snapshot as the
    parent (["stale"] when the store moved on in between)."""
    from pathlib import Path

    from cstool.store.connection import open_read_only

    path, generation, query, fields, delimiter, ranges = payload()
    store = open_read_only(Path(path))
    with store.snapshot() as seen:
        if seen != generation:
            send(["stale"])
        else:
            sql = rows_sql.TicketRows(store, query, fields, delimiter)
            for lo, hi in ranges:
                send([lo, sql.range_rows(lo, hi)])
    sys.stdout.flush()
    store.close()


if __name__ == "__main__":
    _worker()
