"""A full clock pass on two cores: a second process computes the clocks of one share of the
tickets while this one computes the rest and writes every row.

The worker is a fresh interpreter (`python -m cstool.services.clock_pass`), never a fork: a
forked child would inherit this process's SQLite connection and the bookkeeping of its locks.
It opens the store read-only and reads the committed state (this process holds the write lock,
so no ticket can change meanwhile), computes with the same engine, and sends its rows on its
stdout as length-prefixed marshal frames (several times cheaper than pickle for tuples of
numbers, text and None; both ends run the same interpreter). A thread here drains the pipe, so
the worker never waits while this process is in SQLite.
"""

from __future__ import annotations

import gc
import marshal
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from cstool.core.errors import CstoolError
from cstool.store import Store
from cstool.store import sla as sla_store
from cstool.store.connection import open_read_only

WORKER_SHARE = 0.6       # of the tickets: this process also writes every row
PARALLEL_FROM = 50_000   # tickets; below this, starting a second interpreter costs more than it saves
ROWS_PER_FRAME = 5000
_HEADER = struct.Struct("<I")


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
    worker = subprocess.Popen([sys.executable, "-m", "cstool.services.clock_pass"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(pickle.dumps((str(store.path), engine.config, vars(theirs))))
    worker.stdin.close()
    frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_drain, args=(worker.stdout, frames), daemon=True, name="cstool-clock-frames").start()
    done = False
    try:
        for rows, cycles in compute(store, engine, mine):
            writer.add_rows(rows, cycles)
            while not done and not frames.empty():
                done = _take(frames.get(), writer)
        while not done:
            done = _take(frames.get(), writer)
    except BaseException:  # (Ctrl-C, a full disk: the worker's share is no longer wanted)
        worker.kill()
        raise
    finally:
        code = worker.wait()
    if code != 0:
        message = (worker.stderr.read().decode(errors="replace") if worker.stderr else "").strip()
        raise CstoolError(f"the second clock process failed (exit {code}): {message[-500:] or 'no message'}")
    return n


def _take(frame: bytes | None, writer: sla_store.ClockWriter) -> bool:
    """Write one frame of the worker's rows; True at the end of its rows."""
    if frame is None:
        return True
    rows, cycles = marshal.loads(frame)
    writer.add_rows(rows, cycles)
    return False


def _drain(stream: IO[bytes], frames: queue.SimpleQueue[bytes | None]) -> None:
    try:
        while len(header := stream.read(_HEADER.size)) == _HEADER.size:
            size = _HEADER.unpack(header)[0]
            frame = stream.read(size)
            if len(frame) < size:  # (a worker that died mid-frame: its exit code tells)
                break
            frames.put(frame)
    finally:
        frames.put(None)


def _worker() -> None:
    """Read (store path, config, slice) from stdin, write frames of rows to stdout."""
    from cstool.services.sla import SlaEngine

    path, config, part = pickle.loads(sys.stdin.buffer.read())
    store = open_read_only(Path(path))
    out = sys.stdout.buffer
    for rows, cycles in compute(store, SlaEngine(config), sla_store.Slice(**part)):
        data = marshal.dumps((rows, cycles))
        out.write(_HEADER.pack(len(data)) + data)
    out.flush()
    store.close()


if __name__ == "__main__":
    _worker()
