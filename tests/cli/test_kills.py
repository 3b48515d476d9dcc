"""SIGKILL at random instants: a killed import (or undo of one) leaves the store sound and exactly
as it was before or after it; a killed `db backup` leaves no file at its destination or a whole
copy, and the next backup to it works. CSTOOL_KILL_CASES sets how many kills of each (default 6;
the README quotes a larger local run)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import ROOT, second_version

CASES = int(os.environ.get("CSTOOL_KILL_CASES", "6"))
SAMPLE = ROOT / "sample_data"


def _cstool(db, *args) -> list[str]:
    return [sys.executable, "-m", "cstool", "--db", str(db), "--quiet", *map(str, args)]


def _state(db) -> str:
    """Integrity checked, then a digest of every ticket, import and reject row (without the
    instants an import was run at, which differ between runs)."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        digest = hashlib.sha256()
        imports = "id, kind, file, sha256, source, preset, rows_read, inserted, updated, unchanged, rejected, findings"
        for table, columns in (("tickets", "*"), ("imports", imports + ", undone_at IS NULL"), ("rejects", "*"),
                               ("prior_tickets", "*"), ("clocks", "*")):
            for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def _kill_at_random(tmp_path, base, args: tuple, what: str, seed: int, earliest: float) -> None:
    """Run `cstool ARGS` on a copy of `base` once to the end, then CASES times killed (SIGKILL to
    its process group) at a random instant: every killed run leaves the state before or after,
    and some kill landed before the commit."""
    after = tmp_path / "after.db"
    shutil.copy(base, after)
    started = time.monotonic()
    subprocess.run(_cstool(after, *args), check=True, cwd=tmp_path)
    duration = time.monotonic() - started
    states = {"before": _state(base), "after": _state(after)}
    assert states["before"] != states["after"]
    rng, outcomes = random.Random(seed), []
    for case in range(CASES):
        db = tmp_path / f"k{case}.db"
        shutil.copy(base, db)
        process = subprocess.Popen(_cstool(db, *args), cwd=tmp_path, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(rng.uniform(earliest, 1.0) * duration)
        os.killpg(process.pid, 9)
        process.wait(timeout=30)
        found = _state(db)
        assert found in states.values(), f"kill {case}: a state that is neither before nor after the {what}"
        outcomes.append(found == states["after"])
    assert not all(outcomes), f"no kill landed before the {what} committed: the test proved nothing"


def test_a_killed_import_leaves_the_store_as_it_was_before_or_after(tmp_path):
    base, update = tmp_path / "base.db", tmp_path / "v2.csv"
    update.write_text(second_version(SAMPLE / "tickets.csv"), encoding="utf-8")
    subprocess.run(_cstool(base, "import", "tickets", SAMPLE / "tickets.csv"), check=True, cwd=tmp_path)
    _kill_at_random(tmp_path, base, ("import", "tickets", update), "import", 13, 0.2)


def test_a_killed_undo_leaves_the_store_as_it_was_before_or_after(tmp_path):
    base, update = tmp_path / "base.db", tmp_path / "v2.csv"
    update.write_text(second_version(SAMPLE / "tickets.csv"), encoding="utf-8")
    for path in (SAMPLE / "tickets.csv", update):
        subprocess.run(_cstool(base, "import", "tickets", path), check=True, cwd=tmp_path)
    subprocess.run(_cstool(base, "sla", "check", "-f", "json"), check=True, cwd=tmp_path, stdout=subprocess.DEVNULL)
    _kill_at_random(tmp_path, base, ("imports", "undo", "2"), "undo", 17, 0.3)


def test_a_killed_backup_leaves_nothing_or_a_whole_copy_and_the_next_one_works(tmp_path, demo_db):
    expected = _state(demo_db)
    rng, mid_copy = random.Random(7), 0
    for case in range(CASES):
        dest = tmp_path / f"b{case}.db"
        process = subprocess.Popen(_cstool(demo_db, "db", "backup", dest), cwd=tmp_path, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not any(tmp_path.glob(f".{dest.name}.partial-*")) and not dest.exists():
            assert time.monotonic() < deadline and process.poll() is None, "the backup started no copy"
        time.sleep(rng.uniform(0, 0.004))
        mid_copy += not dest.exists()
        process.kill()
        process.wait(timeout=30)
        if dest.exists():
            assert _state(dest) == expected
        else:
            result = subprocess.run(_cstool(demo_db, "db", "backup", dest), cwd=tmp_path, capture_output=True)
            assert result.returncode == 0, result.stderr
            assert _state(dest) == expected
            assert [p.name for p in tmp_path.glob(f".{dest.name}*")] == []  # (the killed run's copy is gone)
    if not mid_copy:
        pytest.fail("no kill landed while the copy was being written")
