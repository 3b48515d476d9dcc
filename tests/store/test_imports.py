"""cstool.store.imports: one transaction per file. A SIGKILL at any instant leaves the old or the new state; a second writer waits busy_timeout, then exits 75."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

N = 60_000


def _write_tickets(path, n, start=0):
    with open(path, "w") as fh:
        fh.write("id,subject,priority,status,created_at\n")
        for i in range(start, start + n):
            fh.write(f"K{i:07d},subject {i},normal,open,2026-03-02T09:{i % 60:02d}:00Z\n")


def _state(db):
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (conn.execute("SELECT count(*) FROM tickets").fetchone()[0],
                conn.execute("SELECT count(*) FROM imports").fetchone()[0])
    finally:
        conn.close()


def test_sigkill_at_any_point_leaves_old_or_new_state(tmp_path):
    db = tmp_path / "k.db"
    _write_tickets(tmp_path / "old.csv", 1000)
    _write_tickets(tmp_path / "big.csv", N, start=500)  # overlaps: 500 updates-or-unchanged, rest new
    cmd = [sys.executable, "-m", "cstool", "--quiet", "--db", str(db), "import", "tickets", "--preset", "generic"]
    subprocess.run(cmd + [str(tmp_path / "old.csv")], check=True)
    old = _state(db)
    assert old == (1000, 1)
    new = (N + 500, 2)
    killed_midway = 0
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.6):
        proc = subprocess.Popen(cmd + [str(tmp_path / "big.csv")], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        state = _state(db)
        assert state in (old, new), f"after a kill at {delay}s the store holds {state}"
        if state == old:
            killed_midway += 1
        else:
            break
    assert killed_midway >= 1, "no kill landed during the import: the test proved nothing"
    subprocess.run(cmd + [str(tmp_path / "big.csv")], check=True)
    assert _state(db)[0] == N + 500


def test_second_writer_waits_then_exits_75(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text('[store]\nbusy_timeout = "1s"\n')
    _write_tickets(tmp_path / "t.csv", 10)
    assert cli("--db", "w.db", "import", "tickets", "t.csv").exit_code == 0
    holder = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        result = cli("--db", "w.db", "import", "tickets", "t.csv")
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 75
    assert "is busy" in result.stderr and "try again later" in result.stderr
    assert waited >= 0.9


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
    assert names == {"tickets_created", "tickets_resolution", "tickets_customer", "tickets_unresolved"}
