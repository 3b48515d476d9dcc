"""cstool.store.admin: `db info` figures and the online backup."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from cstool.core.errors import CannotCreate
from cstool.store import backup_store, open_store, store_info
from cstool.store.migrations import SCHEMA_VERSION


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


def test_a_failed_backup_leaves_no_file_behind(tmp_path, monkeypatch):
    """The copy is written under a temporary name and renamed into place only when complete."""
    seen = []

    class Failing(sqlite3.Connection):
        def backup(self, target, **kwargs):  # copy part of it, then fail as a full disk would
            seen.append(sorted(p.name for p in tmp_path.iterdir()))
            raise sqlite3.OperationalError("database or disk is full")

    with open_store(tmp_path / "a.db") as store:
        store.conn.close()
        store.conn = sqlite3.connect(tmp_path / "a.db", factory=Failing)
        with pytest.raises(CannotCreate, match="disk is full"):
            backup_store(store, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == []
    assert any(name.startswith(".copy.db.partial-") for name in seen[0])   # it wrote elsewhere meanwhile
    with open_store(tmp_path / "a.db") as store:
        assert backup_store(store, tmp_path / "copy.db") > 0                    # and the re-run works


def test_backup_refuses_a_dangling_symlink(tmp_path):
    (tmp_path / "copy.db").symlink_to(tmp_path / "elsewhere.db")
    with open_store(tmp_path / "a.db") as store, pytest.raises(CannotCreate, match="already exists"):
        backup_store(store, tmp_path / "copy.db")
    assert not (tmp_path / "elsewhere.db").exists()
