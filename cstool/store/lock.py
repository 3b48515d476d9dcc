"""An exclusive, non-blocking run lock beside the store (for cron jobs that must not overlap)."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from cstool.core.errors import CannotCreate, TempFailure


@contextmanager
def run_lock(db_path: Path, name: str):
    """Hold `<db>.<name>.lock` (mode 0600) for the block; another holder means exit 75 at once."""
    path = Path(f"{db_path}.{name}.lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise CannotCreate(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TempFailure(f"another cstool {name} is running on {db_path} (lock {path}); try again later") from None
        yield
    finally:
        os.close(fd)
