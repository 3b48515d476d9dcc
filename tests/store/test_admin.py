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
