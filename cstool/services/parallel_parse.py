"""Parsing a large file in a forked process while this one writes to the store.

The child parses and sends batches of records through a pipe as marshal data (several times
cheaper than pickle for tuples of text, numbers and None; both ends run the same
interpreter); the few other items (rejects, slow-path records) travel pickled beside them. A
thread here drains the pipe into a queue, so the child never waits while this process is in
SQLite; the main thread unmarshals and writes.
"""

from __future__ import annotations

import marshal
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

from cstool.core.errors import CstoolError
from cstool.core.ingest.pipeline import ParseRequest, open_and_parse
from cstool.core.ingest.records import Item, RecordBatch, Summary

META, ITEMS, DONE, ERROR = b"m", b"i", b"d", b"e"
RECORDS_PER_MESSAGE = 2000


def _die_with_parent(parent: int) -> None:
    """End this process when the parent dies, however it dies: the kernel's parent-death signal
    on Linux, and a watcher thread everywhere (a parser left running would keep the caller's
    stderr open, so `cstool import … 2>&1 | cat` in a cron job would never end)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="cstool-parent-watch").start()
    if os.getppid() != parent:  # (it died before the watch began)
        os._exit(1)


def _child(conn: Any, unused: Any, parent: int, stream: IO[bytes], name: str, request: ParseRequest) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops this process
    unused.close()  # (the parent's end: with it open here, a dead parent would never break the pipe)
    _die_with_parent(parent)
    try:
        parsed = open_and_parse(stream, name, request, lambda _id: None)
        conn.send_bytes(META + pickle.dumps(parsed.meta))
        rows: list[tuple] = []
        origins: list[tuple] = []
        others: list[Item] = []

        def send() -> None:
            conn.send_bytes(ITEMS + marshal.dumps((rows, origins, pickle.dumps(others) if others else b"")))
            rows.clear()
            origins.clear()
            others.clear()

        for item in parsed.items:
            if item.kind == "batch":
                if others and item.value.rows:  # (the rows of a message come before its other items)
                    send()
                rows += item.value.rows
                origins += item.value.origins
                others += item.value.others
            else:
                others.append(item)
            if len(rows) + len(others) >= RECORDS_PER_MESSAGE:
                send()
        send()
        conn.send_bytes(DONE + pickle.dumps((parsed.summary, parsed.finalize())))
    except CstoolError as exc:
        conn.send_bytes(ERROR + pickle.dumps(exc))
    except Exception as exc:  # noqa: BLE001 - reported by the parent as an internal error
        conn.send_bytes(ERROR + pickle.dumps(CstoolError(f"parsing {name} failed: {type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def _drained(receiver) -> queue.Queue:
    """A queue that a thread fills from the pipe (None when the child died mid-way)."""
    inbox: queue.Queue = queue.Queue(maxsize=16)  # (about 1 MB a message)

    def drain() -> None:
        try:
            while True:
                data = receiver.recv_bytes()
                inbox.put(data)
                if data[:1] in (DONE, ERROR):
                    return
        except (EOFError, OSError):
            inbox.put(None)

    threading.Thread(target=drain, daemon=True, name="cstool-parser-pipe").start()
    return inbox


def parse_in_parallel(stream: IO[bytes], name: str, request: ParseRequest
                      ) -> tuple[dict, Iterator[Item], Summary, Callable[[], tuple]]:
    """(meta, items, summary, finalize) as `open_and_parse` gives them, parsed in a child process;
    `summary` is filled in when the items are exhausted."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, receiver, os.getpid(), stream, name, request), daemon=True)
    child.start()
    sender.close()
    inbox = _drained(receiver)

    def receive() -> tuple[bytes, bytes]:
        data = inbox.get()
        if data is None:
            raise CstoolError(f"parsing {name} stopped unexpectedly (the parser process died)")
        if data[:1] == ERROR:
            raise pickle.loads(data[1:])
        return data[:1], data[1:]

    def stop() -> None:
        if child.is_alive():
            child.terminate()
        child.join(timeout=5)
        receiver.close()

    try:
        _, meta = receive()
    except BaseException:
        stop()
        raise
    summary = Summary()
    final: dict = {}

    def items() -> Iterator[Item]:
        try:
            while True:
                tag, payload = receive()
                if tag == ITEMS:
                    rows, origins, others = marshal.loads(payload)
                    yield Item("batch", RecordBatch(rows, origins, pickle.loads(others) if others else []))
                else:
                    done_summary, final["blank_sha"] = pickle.loads(payload)
                    summary.__dict__.update(done_summary.__dict__)
                    return
        finally:
            stop()

    return pickle.loads(meta), items(), summary, lambda: final["blank_sha"]
