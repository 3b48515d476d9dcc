"""cstool.store.connection: migrations on open, a newer schema refused, private files, a missing directory, foreign keys around bulk writes."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from cstool.core.errors import CannotCreate, ConfigError, InputMissing
from cstool.store import open_store
from cstool.store.migrations import MIGRATIONS, SCHEMA_VERSION


def test_blank_store_gets_every_migration_recorded(tmp_path):
    with open_store(tmp_path / "a.db") as store:
        assert store.schema_version() == SCHEMA_VERSION
        recorded = [r[0] for r in store.conn.execute("SELECT version FROM migrations ORDER BY version")]
        assert recorded == [m[0] for m in MIGRATIONS]
        assert {"tickets", "surveys", "ticket_events", "customers", "imports", "rejects"} <= set(store.db.table_names())
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_twice(tmp_path):
    open_store(tmp_path / "a.db").close()
    with open_store(tmp_path / "a.db") as store:
        assert store.conn.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(MIGRATIONS)


def test_older_schema_is_migrated(tmp_path, monkeypatch):
    import cstool.store.connection as connection

    monkeypatch.setattr(connection, "MIGRATIONS", MIGRATIONS[:0])
    open_store(tmp_path / "old.db").close()
    monkeypatch.setattr(connection, "MIGRATIONS", MIGRATIONS)
    with open_store(tmp_path / "old.db") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.db["tickets"].exists()


def test_newer_schema_is_refused(tmp_path, cli):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ConfigError, match="newer than this cstool"):
        open_store(path)
    result = cli("--db", path, "db", "info")
    assert result.exit_code == 78
    assert "upgrade cstool" in result.stderr


def test_new_db_file_is_private(tmp_path):
    open_store(tmp_path / "p.db").close()
    assert stat.S_IMODE((tmp_path / "p.db").stat().st_mode) == 0o600


def test_missing_directory_is_cannot_create(tmp_path, cli):
    with pytest.raises(CannotCreate):
        open_store(tmp_path / "nope" / "x.db")
    result = cli("--db", "/nonexistent/dir/x.db", "db", "info")
    assert result.exit_code == 73
    assert "directory /nonexistent/dir does not exist" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_read_only_command_on_missing_store_says_what_to_do(tmp_path):
    with pytest.raises(InputMissing, match="cstool demo"):
        open_store(tmp_path / "missing.db", create=False)


def test_foreign_keys_off_only_inside_a_bulk_write(tmp_path):
    store = open_store(tmp_path / "s.db")
    try:
        with store.write(check_foreign_keys=False) as conn:
            assert conn.execute("PRAGMA foreign_keys").fetchone() == (0,)
        assert store.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        with pytest.raises(RuntimeError), store.write(check_foreign_keys=False):
            raise RuntimeError("rolled back")
        assert store.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    finally:
        store.close()
