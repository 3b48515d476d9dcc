"""A second process for work that splits in two (the clock pass, long `tickets` exports).

The worker is a fresh interpreter (`python -m MODULE`), never a fork: a forked child would
inherit this process's SQLite connection and the bookkeeping of its locks. It gets one pickled
payload on its stdin and sends its results on its stdout as length-prefixed marshal frames
(several times cheaper than pickle for tuples of numbers, text and None; both ends run the same
interpreter). A thread here drains the pipe, so the worker never waits while this process is
busy in SQLite.
"""

from __future__ import annotations

import marshal
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any

from cstool.core.errors import CstoolError

_HEADER = struct.Struct("<I")


class Worker:
    """One running worker: `take()` blocks for its next frame (None at its end), `ready()`
    yields the frames already there; `finish(what)` waits for it and raises CstoolError, naming
    `what`, when it failed; `kill()` stops it (its results are no longer wanted)."""

    def __init__(self, module: str, payload: Any, ahead: int = 0):
        """`ahead`: at most this many frames wait here (0: any number); then the worker waits."""
        self.process = subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(pickle.dumps(payload))
        self.process.stdin.close()
        self.frames: queue.Queue[bytes | None] = queue.Queue(ahead + 1 if ahead else 0)
        self.ended = False
        threading.Thread(target=_drain, args=(self.process.stdout, self.frames), daemon=True,
                         name=f"cstool-{module}-frames").start()

    def take(self) -> Any:
        if self.ended:
            return None
        frame = self.frames.get()
        if frame is None:
            self.ended = True
            return None
        return marshal.loads(frame)

    def ready(self) -> Iterator[Any]:
        while not self.ended and not self.frames.empty():
            found = self.take()
            if found is not None:
                yield found

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        while not self.frames.empty():  # (the drain thread may wait to put a frame: let it end)
            self.frames.get_nowait()

    def finish(self, what: str) -> None:
        code = self.process.wait()
        if code != 0:
            stderr = self.process.stderr
            message = (stderr.read().decode(errors="replace") if stderr else "").strip()
            raise CstoolError(f"the second {what} process failed (exit {code}): {message[-500:] or 'no message'}")


def _drain(stream: IO[bytes], frames: queue.Queue[bytes | None]) -> None:
    try:
        while len(header := stream.read(_HEADER.size)) == _HEADER.size:
            size = _HEADER.unpack(header)[0]
            frame = stream.read(size)
            if len(frame) < size:  # (a worker that died mid-frame: its exit code tells)
                break
            frames.put(frame)
    finally:
        frames.put(None)


def payload() -> Any:
    """In the worker: what the parent sent."""
    return pickle.loads(sys.stdin.buffer.read())


def send(value: Any) -> None:
    """In the worker: one frame to the parent."""
    data = marshal.dumps(value)
    sys.stdout.buffer.write(_HEADER.pack(len(data)) + data)
