"""Store housekeeping: `db info` figures and the online backup."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cstool.core.errors import CannotCreate
from cstool.core.models import Record
from cstool.store.connection import Store, ensure_private_file

DATA_TABLES = ("tickets", "surveys", "ticket_events", "customers", "imports", "rejects")


def store_info(store: Store) -> Record:
    """Path, schema version, size in bytes and row counts per table."""
    counts = {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in DATA_TABLES if store.db[t].exists()}
    size = sum(p.stat().st_size for p in (store.path, Path(f"{store.path}-wal")) if p.exists())
    return {"path": str(store.path.resolve()), "schema_version": store.schema_version(),
            "size_bytes": size, "rows": counts}


def newest_import(store: Store) -> int | None:
    """When the latest import finished (wall-clock epoch seconds), None before the first."""
    return store.conn.execute("SELECT max(finished_at) FROM imports").fetchone()[0]


def imported_files(store: Store) -> list[str]:
    """The file name of every import, oldest first."""
    return [file for (file,) in store.conn.execute("SELECT file FROM imports ORDER BY id")]


def backup_store(store: Store, destination: Path) -> int:
    """Copy the store to `destination` with SQLite's online backup API (consistent even while
    another process writes). The copy is made under a temporary name in the same directory,
    created 0600, and renamed into place only when complete: a killed or failed backup never
    leaves a plausible file at `destination`. An existing file is refused."""
    destination = Path(destination)
    if destination.exists() or destination.is_symlink():
        raise CannotCreate(f"{destination} already exists; choose a new file name")
    _remove_abandoned_copies(destination)
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    ensure_private_file(partial)
    try:
        target = sqlite3.connect(partial)
        try:
            with target:
                store.conn.backup(target)
        finally:
            target.close()
        if destination.exists() or destination.is_symlink():
            raise CannotCreate(f"{destination} appeared while the backup ran; the copy is not placed")
        os.rename(partial, destination)
    except sqlite3.Error as exc:
        raise CannotCreate(f"backup to {destination} failed: {exc}") from None
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return destination.stat().st_size


def _remove_abandoned_copies(destination: Path) -> None:
    """Delete the partial copies that killed backups to `destination` left (their process is gone)."""
    for partial in destination.parent.glob(f".{destination.name}.partial-*"):
        pid = partial.name.rsplit("-", 1)[-1]
        if not pid.isdigit():
            continue  # (its -journal: removed with its copy)
        try:
            os.kill(int(pid), 0)
            continue  # a backup still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # another user's running process
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
