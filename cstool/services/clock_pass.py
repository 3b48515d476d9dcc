"""A full clock pass on two cores: a second process (services/worker) computes the clocks of
one share of the tickets while this one computes the rest and writes every row.

The worker opens the store read-only and reads the committed state (this process holds the write
lock, so no ticket can change meanwhile), computes with the same engine, and sends its rows.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cstool.services.worker import Worker, payload, send
from cstool.store import Store
from cstool.store import sla as sla_store
from cstool.store.connection import open_read_only

WORKER_SHARE = 0.6       # of the tickets: this process also writes every row
PARALLEL_FROM = 50_000   # tickets; below this, starting a second interpreter costs more than it saves
ROWS_PER_FRAME = 5000


def compute(store: Store, engine: Any, part: sla_store.Slice | None) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Batches of (`clocks` rows, `clock_cycles` rows) of the tickets in `part`, in reading order.
    (The garbage collector is off meanwhile: the loop makes millions of short-lived containers,
    none of them in a cycle, and its collections would cost a fifth of the pass.)"""
    with _no_gc():
        yield from _compute(store, engine, part)


@contextmanager
def _no_gc() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _compute(store: Store, engine: Any, part: sla_store.Slice | None) -> Iterator[tuple[list[tuple], list[tuple]]]:
    rows: list[tuple] = []
    cycles: list[tuple] = []
    for rowid, ticket, events in sla_store.tickets_with_events(store, None, rowids=True, part=part):
        row, more = sla_store.clock_rows(rowid, engine.clocks(ticket, events), sla_store.last_event_at(ticket, events))
        rows.append(row)
        if more:
            cycles += more
        if len(rows) >= ROWS_PER_FRAME:
            yield rows, cycles
            rows, cycles = [], []
    yield rows, cycles


def write_all(store: Store, engine: Any, writer: sla_store.ClockWriter) -> int:
    """Every ticket's clocks into `writer` (inside the caller's write transaction); how many tickets."""
    n = sla_store.ticket_count(store)
    if n < PARALLEL_FROM:
        for rows, cycles in compute(store, engine, None):
            writer.add_rows(rows, cycles)
        return n
    mine, theirs = sla_store.Slice.halves(store, 1 - WORKER_SHARE)
    worker = Worker("cstool.services.clock_pass", (str(store.path), engine.config, vars(theirs)))
    try:
        for rows, cycles in compute(store, engine, mine):
            writer.add_rows(rows, cycles)
            for theirs_rows, theirs_cycles in worker.ready():
                writer.add_rows(theirs_rows, theirs_cycles)
        while (frame := worker.take()) is not None:
            writer.add_rows(*frame)
    except BaseException:  # (Ctrl-C, a full disk: the worker's share is no longer wanted)
        worker.kill()
        raise
    worker.finish("clock")
    return n


def _worker() -> None:
    """Read (store path, config, slice) from stdin, write frames of rows to stdout."""
    from cstool.services.sla import SlaEngine

    path, config, part = payload()
    store = open_read_only(Path(path))
    for rows, cycles in compute(store, SlaEngine(config), sla_store.Slice(**part)):
        send((rows, cycles))
    sys.stdout.flush()
    store.close()


if __name__ == "__main__":
    _worker()
