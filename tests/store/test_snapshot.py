"""Store.snapshot and Store.reader: one committed state for everything a command reads, even on
several connections; every committed write moves the store's generation."""

from __future__ import annotations

import pytest

from cstool.store import open_store
from cstool.store.kpi import gather


def _add_customer(store, cid: str) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO customers (source, id, row_hash) VALUES ('s', ?, 'h')", (cid,))


def test_every_committed_write_adds_one_to_the_generation_and_a_rolled_back_one_nothing(tmp_path):
    with open_store(tmp_path / "s.db") as store:
        generation = lambda: store.conn.execute("SELECT generation FROM store_state").fetchone()[0]  # noqa: E731
        before = generation()
        _add_customer(store, "a")
        assert generation() == before + 1
        with pytest.raises(RuntimeError), store.write() as conn:
            conn.execute("INSERT INTO customers (source, id, row_hash) VALUES ('s', 'b', 'h')")
            raise RuntimeError("rolled back")
        assert generation() == before + 1


def test_a_snapshot_does_not_see_a_write_that_lands_inside_it(tmp_path):
    with open_store(tmp_path / "s.db") as store, open_store(tmp_path / "s.db") as other:
        _add_customer(store, "a")
        with store.snapshot() as generation:
            _add_customer(other, "b")
            assert store.conn.execute("SELECT id FROM customers").fetchall() == [("a",)]
            with store.snapshot() as inner:  # (a nested block shares it)
                assert inner == generation
            with pytest.raises(RuntimeError, match="inside a read snapshot"), store.write():
                pass
        assert store.conn.execute("SELECT id FROM customers ORDER BY id").fetchall() == [("a",), ("b",)]


def test_a_reader_joins_the_snapshot_only_when_it_sees_the_same_state(tmp_path):
    with open_store(tmp_path / "s.db") as store, open_store(tmp_path / "s.db") as other:
        _add_customer(store, "a")
        with store.snapshot():
            reader = store.reader()
            assert reader is not None
            _add_customer(other, "b")
            assert reader.conn.execute("SELECT count(*) FROM customers").fetchone() == (1,)
            reader.close()
            assert store.reader() is None  # (a new connection would see "b")


def test_kpi_passes_give_the_same_rows_on_one_connection_as_on_two(tmp_path, monkeypatch, demo_db):
    windows = [(1767225600, 1769904000), (1769904000, 1772323200), (1772323200, 1775001600)]
    with open_store(demo_db, create=False) as store:
        parallel = gather(store, windows, ("priority",), 1)
        monkeypatch.setattr(type(store), "reader", lambda self: None)  # as if a write had landed
        assert gather(store, windows, ("priority",), 1) == parallel
    assert parallel["created"]  # (the windows hold data)
