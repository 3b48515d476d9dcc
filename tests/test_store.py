"""Store: migrations from blank, schema guard, file mode, info and backup."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from cstool.core.errors import CannotCreate, ConfigError, InputMissing
from cstool.store import backup_store, open_store, store_info
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


def test_info_and_backup(tmp_path):
    with open_store(tmp_path / "a.db") as store:
        store.conn.execute("INSERT INTO customers (source, id, row_hash) VALUES ('s', '007', 'h')")
        info = store_info(store)
        assert info["rows"]["customers"] == 1 and info["schema_version"] == SCHEMA_VERSION
        size = backup_store(store, tmp_path / "copy.db")
    assert size > 0
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT id FROM customers").fetchall() == [("007",)]


def test_backup_refuses_to_overwrite(tmp_path):
    (tmp_path / "copy.db").write_text("keep me")
    with open_store(tmp_path / "a.db") as store, pytest.raises(CannotCreate, match="already exists"):
        backup_store(store, tmp_path / "copy.db")
    assert (tmp_path / "copy.db").read_text() == "keep me"


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


def test_stopped_clocks_business_seconds_are_copied_onto_the_tickets(demo_db):
    """The KPI scans read sla_* from the ticket rows: they must equal the stored clocks."""
    conn = sqlite3.connect(demo_db)
    try:
        def clock(metric, column):
            return (f"(SELECT c.{column} FROM sla_clocks c WHERE c.source = t.source AND c.ticket_id = t.id "
                    f"AND c.metric = '{metric}' AND c.cycle = 0 AND c.mode = 'stopped')")

        differ = conn.execute(
            f"SELECT count(*) FROM tickets t WHERE sla_first_response_s IS NOT {clock('first_response', 'elapsed')} "
            f"OR sla_resolution_s IS NOT {clock('resolution', 'elapsed')} "
            f"OR sla_resolution_paused_s IS NOT {clock('resolution', 'paused_seconds')}").fetchone()[0]
        filled = conn.execute("SELECT count(sla_first_response_s), count(sla_resolution_s) FROM tickets").fetchone()
    finally:
        conn.close()
    assert differ == 0 and min(filled) > 1000


def test_an_import_leaves_every_index_and_the_garbage_collector_as_they_were(tmp_path, cli):
    import gc

    from conftest import write

    write(tmp_path / "t.csv", "id,created_at,status,priority,customer_id\nT1,2026-03-02T09:00:00Z,open,low,C1\n")
    before = gc.isenabled()
    assert cli("--db", "t.db", "import", "tickets", "t.csv").exit_code == 0
    assert gc.isenabled() == before
    conn = sqlite3.connect(tmp_path / "t.db")
    try:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                            "AND tbl_name = 'tickets'")}
    finally:
        conn.close()
    assert names == {"tickets_created", "tickets_resolution", "tickets_customer"}
