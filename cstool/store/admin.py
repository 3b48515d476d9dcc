"""Store housekeeping: `db info` figures and the online backup."""

from __future__ import annotations

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


def imported_files(store: Store) -> list[str]:
    """The file name of every import, oldest first."""
    return [file for (file,) in store.conn.execute("SELECT file FROM imports ORDER BY id")]


def backup_store(store: Store, destination: Path) -> int:
    """Copy the store to `destination` with SQLite's online backup API (consistent even while
    another process writes). The copy is created 0600; an existing file is refused."""
    destination = Path(destination)
    if destination.exists():
        raise CannotCreate(f"{destination} already exists; choose a new file name")
    ensure_private_file(destination)
    try:
        target = sqlite3.connect(destination)
        with target:
            store.conn.backup(target)
        target.close()
    except sqlite3.Error as exc:
        destination.unlink(missing_ok=True)
        raise CannotCreate(f"backup to {destination} failed: {exc}") from None
    return destination.stat().st_size
