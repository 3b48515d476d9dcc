"""cstool.store.connection: migrations on open, a newer schema refused, private files, a missing directory, foreign keys around bulk writes."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from cstool.core.errors import CannotCreate, ConfigError, DataError, InputMissing
from cstool.store import open_store
from cstool.store.lock import run_lock
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


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_every_file_of_the_store_is_private_whatever_the_umask(tmp_path, umask):
    """The store, its write-ahead log and index, and the run lock beside it: 0600."""
    old = os.umask(umask)
    try:
        with open_store(tmp_path / "p.db") as store, run_lock(tmp_path / "p.db", "report"):
            with store.write() as conn:
                conn.execute("INSERT INTO customers (source, id, row_hash) VALUES ('s', 'a', 'h')")
            files = sorted(p.name for p in tmp_path.iterdir())
            assert files == ["p.db", "p.db-shm", "p.db-wal", "p.db.report.lock"]
            assert {name: stat.S_IMODE((tmp_path / name).stat().st_mode) for name in files} == dict.fromkeys(files,
                                                                                                         0o600)
    finally:
        os.umask(old)


def test_the_run_lock_is_never_taken_through_a_symlink(tmp_path):
    (tmp_path / "p.db.report.lock").symlink_to(tmp_path / "target")
    with pytest.raises(CannotCreate, match="cannot create the lock file"), run_lock(tmp_path / "p.db", "report"):
        pass
    assert not (tmp_path / "target").exists()


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


@pytest.mark.parametrize("content", [b"hello, not a database", bytes(range(256)) * 40, None])
def test_a_corrupt_store_is_bad_input_that_says_what_to_do(tmp_path, cli, demo_db, content):
    bad = tmp_path / "bad.db"
    bad.write_bytes(content if content is not None else demo_db.read_bytes()[:20000])  # None: truncated
    with pytest.raises(DataError, match="is not a cstool store or is damaged"):
        open_store(bad, create=False)
    result = cli("--db", bad, "sla", "check")
    assert result.exit_code == 65
    assert "restore a backup" in result.stderr and "internal error" not in result.stderr


def test_a_full_disk_mid_write_says_so_and_keeps_the_store_as_it_was(tmp_path, cli):
    """SQLite rolls back by itself when the disk fills: the store reports that, not a failed ROLLBACK."""
    with open_store(tmp_path / "s.db") as store:
        with store.write() as conn:
            conn.execute("INSERT INTO customers (source, id, row_hash) VALUES ('s', 'kept', 'h')")
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")   # a disk with two pages left
        with pytest.raises(CannotCreate, match="the disk is full or failing") as err, store.write() as conn:
            conn.executemany("INSERT INTO customers (source, id, name, row_hash) VALUES ('s', ?, ?, 'h')",
                             [(str(i), "x" * 500) for i in range(2000)])
        assert "nothing of this write was kept" in str(err.value)
        assert store.conn.execute("SELECT id FROM customers").fetchall() == [("kept",)]
        assert not store.conn.in_transaction


def test_a_store_that_cannot_be_set_up_leaves_no_empty_file(tmp_path, monkeypatch):
    import cstool.store.connection as connection

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(connection.sqlite3, "connect", full)
    with pytest.raises(CannotCreate, match="the disk is full or failing"):
        open_store(tmp_path / "new.db")
    assert list(tmp_path.iterdir()) == []


def test_a_store_with_the_old_clock_table_migrates_and_recomputes_its_clocks(tmp_path, cli, monkeypatch):
    """Schema 7 kept one text row per clock in the table sla_clocks; schema 8 replaces it by the
    compact tables (and the view of the same name): the clocks are computed again, and every
    answer is the one a new store gives."""
    from conftest import REFERENCE, ROOT, SAMPLE_CONFIG

    import cstool.store.connection as connection

    sample = ROOT / "sample_data"
    args = ("--config", SAMPLE_CONFIG, "sla", "check", "--as-of", REFERENCE, "--format", "json")
    fresh = tmp_path / "fresh.db"
    assert cli("--db", fresh, "import", "tickets", sample / "tickets.csv").exit_code == 0
    expected = cli("--db", fresh, *args).stdout
    assert expected.count("\"breached\"") >= 3
    old = tmp_path / "old.db"
    monkeypatch.setattr(connection, "MIGRATIONS", MIGRATIONS[:7])
    monkeypatch.setattr(connection, "SCHEMA_VERSION", 7)
    import cstool.store.imports as imports

    with monkeypatch.context() as v7:  # (a v7 cstool kept no prior versions)
        v7.setattr(imports, "drop_old_priors", lambda *_: None)
        assert cli("--db", old, "import", "tickets", sample / "tickets.csv").exit_code == 0
    with open_store(old) as store, store.write() as conn:  # clocks of the old shape, as a v7 store had them
        conn.execute("INSERT INTO sla_clocks (source, ticket_id, metric, cycle, mode, fingerprint) "
                     "SELECT source, id, 'resolution', 0, 'running', 'f' FROM tickets")
        conn.execute("INSERT INTO sla_meta VALUES ('fingerprint', 'f'), ('import_id', '1')")
    monkeypatch.setattr(connection, "MIGRATIONS", MIGRATIONS)
    monkeypatch.setattr(connection, "SCHEMA_VERSION", SCHEMA_VERSION)
    assert cli("--db", old, *args).stdout == expected
    with open_store(old) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.conn.execute("SELECT type FROM sqlite_master WHERE name = 'sla_clocks'").fetchone()[0] == "view"
        assert store.conn.execute("SELECT count(*) FROM clocks").fetchone()[0] == \
            store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
