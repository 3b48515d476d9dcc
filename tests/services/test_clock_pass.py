"""cstool.services.clock_pass: the full clock pass on two processes writes exactly the rows of
the pass on one, whether the store is cut in rowid order (no events) or in key order (events)."""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLE_CONFIG

from cstool.config import load_config
from cstool.services import clock_pass
from cstool.services.sla import SlaEngine, refresh_clocks
from cstool.store import open_store

SAMPLE = ROOT / "sample_data"


def _clock_rows(path, monkeypatch, parallel_from: int) -> tuple[list, list, list]:
    monkeypatch.setattr(clock_pass, "PARALLEL_FROM", parallel_from)
    with open_store(path) as store:
        with store.write() as conn:
            conn.execute("DELETE FROM sla_meta")
        assert refresh_clocks(store, SlaEngine(load_config(SAMPLE_CONFIG))) > 100
        q = store.conn.execute
        return (q("SELECT * FROM clocks ORDER BY ticket").fetchall(),
                q("SELECT * FROM clock_cycles ORDER BY ticket, cycle").fetchall(),
                q("SELECT source, ticket_id, metric, cycle, policy, target FROM sla_clocks "
                  "ORDER BY source, ticket_id, metric, cycle").fetchall())


@pytest.mark.parametrize("with_events", [False, True])
def test_two_processes_write_the_rows_of_one(tmp_path, cli, monkeypatch, with_events):
    path = tmp_path / "c.db"
    assert cli("--db", path, "import", "tickets", SAMPLE / "tickets.csv").exit_code == 0
    if with_events:
        assert cli("--db", path, "import", "events", SAMPLE / "events.csv").exit_code == 0
    one = _clock_rows(path, monkeypatch, 10**9)
    two = _clock_rows(path, monkeypatch, 0)
    assert two == one
    assert len(one[0]) > 100 and (len(one[1]) > 0) == with_events


def test_a_failing_worker_fails_the_pass_and_leaves_the_stored_clocks(tmp_path, cli, monkeypatch):
    from cstool.core.errors import CstoolError

    path = tmp_path / "c.db"
    assert cli("--db", path, "import", "tickets", SAMPLE / "tickets.csv").exit_code == 0
    before = _clock_rows(path, monkeypatch, 10**9)
    from cstool.services import worker

    monkeypatch.setattr(worker.pickle, "dumps", lambda _value: b"not a pickle")
    monkeypatch.setattr(clock_pass, "PARALLEL_FROM", 0)
    with open_store(path) as store:
        with store.write() as conn:
            conn.execute("DELETE FROM sla_meta")
        with pytest.raises(CstoolError, match="second clock process failed"):
            refresh_clocks(store, SlaEngine(load_config(SAMPLE_CONFIG)))
        assert store.conn.execute("SELECT * FROM clocks ORDER BY ticket").fetchall() == before[0]
