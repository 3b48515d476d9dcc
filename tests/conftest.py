"""Shared fixtures: every test runs in its own directory with a clean environment."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cstool.cli.main import app

ROOT = Path(__file__).resolve().parents[1]          # the repository
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE_CONFIG = ROOT / "sample_data" / "cstool.toml"
TEST_DATA = Path(__file__).parent / "data"           # small vendor exports made for the tests
REFERENCE = "2026-03-31T16:00:00Z"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No CSTOOL_* variables, no colour, a wide terminal, config dir and cwd inside tmp_path."""
    for name in ("CSTOOL_DB", "CSTOOL_CONFIG", "CSTOOL_SMTP_PASSWORD", "CSTOOL_SMTP_PASSWORD_FILE",
                 "NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli():
    """Invoke cstool in-process: cli(*args) -> Result with .exit_code, .stdout, .stderr."""
    runner = CliRunner()

    def invoke(*args, input=None, env=None):
        return runner.invoke(app, [str(a) for a in args], input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def shared_data():
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present in this checkout")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """A demo store built once per session; tests must not modify it."""
    directory = tmp_path_factory.mktemp("demo")
    path = directory / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return path


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# A small generic ticket export: a header and two rows that need normalising (priorities,
# statuses, channels, a naive time, tags).
HEADER = "id,subject,priority,status,channel,created_at,first_response_at,resolved_at,tags\n"
ROWS = ("T1,Login,High,Open,Email,2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,,a;b\n"
        "T2,Refund,2 - High,Solved,Phone call,2026-03-02 10:00:00,,2026-03-03 10:00:00,\n")


def rows(db, sql):
    """The rows of one query on the store at `db`."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def imp(cli, *args):
    """`cstool --db t.db import ARGS…`."""
    return cli("--db", "t.db", "import", *args)


def second_version(path) -> str:
    """The sample export with every ticket's priority moved one step up (other targets, other
    breaches, other groups) and every third open ticket solved."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    up = {"low": "normal", "normal": "high", "high": "urgent", "urgent": "urgent"}
    for i, row in enumerate(rows):
        row["priority"] = up.get(row["priority"], row["priority"])
        if i % 3 == 0 and not row["resolved_at"]:
            row["status"], row["resolved_at"] = "solved", "2026-03-30T12:00:00Z"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def steady(text: str) -> str:
    """An output without the age of the last import, which the wall clock moves between two runs."""
    import re

    text = re.sub(r"last import [^\n]*? ago", "last import … ago", text)
    return re.sub(r'"import_age_seconds": -?\d+', '"import_age_seconds": …', text)
