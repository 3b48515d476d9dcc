"""`cstool import` under hostile input: seeded mutations of real export samples (byte flips,
truncation, quotes, NULs, CRs, huge fields, many columns, odd encodings, extreme values). Every
run exits 0, 2 or 65 with no traceback and no "internal error", and a run that exits 65 writes
nothing, and a run that exits 0 accounts for every row it read (read = inserted + updated +
unchanged + skipped + rejected). CSTOOL_FUZZ_CASES sets how many (200 by default; thousands were run locally)."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cstool.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [ROOT / "sample_data" / "tickets.csv", ROOT / "tests" / "data" / "freshdesk.csv",
           ROOT / "tests" / "data" / "jira.csv", ROOT / "sample_data" / "surveys.csv"]
CASES = int(os.environ.get("CSTOOL_FUZZ_CASES", "200"))
INSERTS = [b'"', b"\x00", b"\r", b"\n", b",", b";", b"\r\n", b'""', "é".encode(), "€".encode("cp1252"), b"\xff\xfe",
           b"\xef\xbb\xbf", b"9999-12-31T23:59:59Z", b"0001-01-01", b"1e309", b"nan", b"-1", b"\t"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op, i = rng.randrange(6), rng.randrange(max(len(out), 1))
        if op == 0 and out:
            out[i] = rng.randrange(256)
        elif op == 1:
            del out[i:]
        elif op == 2:
            out[i:i] = rng.choice(INSERTS)
        elif op == 3:
            out[i:i] = b"x" * rng.choice([10, 1000, 70000])
        elif op == 4:
            out[i:i] = b"," * rng.randint(1, 300)
        else:
            out = bytearray(bytes(out).replace(b"\n", rng.choice([b"\r", b"\r\n", b"\n\n"])))
    return bytes(out)


def _written(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                   for t in ("imports", "tickets", "surveys", "ticket_events", "customers"))


@pytest.mark.parametrize("seed", range(CASES))
def test_a_mutated_export_is_imported_or_refused_cleanly(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.csv").write_bytes(mutate(rng.choice(SAMPLES).read_bytes()[:6000], rng))
    kind = rng.choice(["tickets", "tickets", "surveys", "events", "customers"])
    extra = ["--max-rejects", "1000"] if rng.random() < 0.5 else []
    result = CliRunner().invoke(app, ["--db", "s.db", "import", kind, "f.csv", "--format", "json", *extra])
    text = result.stdout + result.stderr
    assert result.exit_code in (0, 2, 65), text
    assert "internal error" not in text and "Traceback" not in text
    if result.exit_code == 65:
        assert _written(tmp_path / "s.db") == 0
    if result.exit_code == 0:
        import json

        s = json.loads(result.stdout)
        assert s["rows_read"] == s["inserted"] + s["updated"] + s["unchanged"] + s["skipped"] + s["rejected"], s
