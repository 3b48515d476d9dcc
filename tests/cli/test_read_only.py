"""A read-only store (a read-only mount, another user's store): writers exit 73 and say so,
readers answer from what is stored and say when the SLA clocks could not be refreshed."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import REFERENCE, ROOT, SAMPLE_CONFIG, steady

from cstool.core.errors import CannotCreate
from cstool.store import connection, open_store

SAMPLE = ROOT / "sample_data"


@pytest.fixture
def read_only(mount):
    """make(directory) -> the directory, read-only from now to the end of the test: a read-only
    bind mount as root (who may write any file), file modes otherwise."""

    def make(directory):
        if os.geteuid() != 0:
            for path in directory.iterdir():
                path.chmod(0o444)
            directory.chmod(0o555)
            return directory
        view = mount(f"{directory.name}-ro", "--bind", str(directory))
        done = subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], capture_output=True)
        if done.returncode:
            pytest.skip(f"cannot make a read-only mount here: {done.stderr.decode().strip()}")
        return view

    return make


def _store(tmp_path, cli, *, refreshed: bool):
    directory = tmp_path / "store"
    directory.mkdir()
    db = directory / "s.db"
    for kind, name in (("tickets", "tickets.csv"), ("surveys", "surveys.csv"), ("customers", "customers.csv")):
        assert cli("--db", db, "import", kind, SAMPLE / name).exit_code == 0
    if refreshed:
        assert cli("--db", db, "--config", SAMPLE_CONFIG, "sla", "check", "--as-of", REFERENCE).exit_code == 0
    return db


READERS = [("sla", "check", "--format", "json"), ("sla", "check", "--format", "nagios"), ("sla", "show", "T00001"),
           ("kpi", "--format", "json"), ("escalations", "--format", "json"), ("report",), ("customer", "C0544"),
           ("followups", "--format", "json"), ("themes", "--format", "json"), ("db", "info", "--format", "json")]


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a[:2]))
def test_readers_answer_from_a_read_only_store_as_from_a_writable_one(tmp_path, cli, read_only, args):
    db = _store(tmp_path, cli, refreshed=True)
    expected = cli("--db", db, "--config", SAMPLE_CONFIG, *args, "--as-of", REFERENCE) if args[0] != "db" else None
    ro = read_only(db.parent) / db.name
    result = cli("--db", ro, "--config", SAMPLE_CONFIG, *args, *(["--as-of", REFERENCE] if args[0] != "db" else []))
    assert "internal error" not in result.stderr and "could not be refreshed" not in result.stderr
    if expected is not None:
        assert (result.exit_code, steady(result.stdout)) == (expected.exit_code, steady(expected.stdout))
    else:
        assert result.exit_code == 0 and '"schema_version"' in result.stdout
    if args[0] == "escalations":
        assert "this run was not recorded" in result.stderr


def test_a_read_only_store_whose_clocks_are_behind_still_answers_and_says_so(tmp_path, cli, read_only):
    db = _store(tmp_path, cli, refreshed=False)
    ro = read_only(db.parent) / db.name
    result = cli("--db", ro, "--config", SAMPLE_CONFIG, "sla", "check", "--format", "json", "--as-of", REFERENCE)
    assert result.exit_code == 0 and result.stdout.startswith("[")
    assert "read-only, so the SLA clocks could not be refreshed" in result.stderr


def test_a_read_only_store_whose_comments_are_unread_still_answers_and_says_so(tmp_path, cli, read_only):
    db = _store(tmp_path, cli, refreshed=True)
    ro = read_only(db.parent) / db.name
    result = cli("--db", ro, "themes", "--period", "all", "--format", "json", "--as-of", REFERENCE)
    assert result.exit_code == 0 and '"read": 0' in result.stdout and '"themes": []' in result.stdout
    assert "read-only, so the newest comments and subjects could not be read" in result.stderr


@pytest.mark.parametrize("args", [("import", "tickets", str(SAMPLE / "tickets.csv")), ("followups", "done", "S00001")],
                         ids=["import", "followups done"])
def test_writers_on_a_read_only_store_exit_73_and_say_why(tmp_path, cli, read_only, args):
    db = _store(tmp_path, cli, refreshed=True)
    before = db.read_bytes()
    ro = read_only(db.parent) / db.name
    result = cli("--db", ro, *args)
    assert result.exit_code == 73, result.stderr
    assert "is read-only" in result.stderr and "internal error" not in result.stderr
    assert db.read_bytes() == before


def test_a_store_that_may_not_be_written_refuses_every_write_before_it_starts(tmp_path, monkeypatch):
    """The same rule where no read-only mount can be made: the store opens read-only when this
    process may not write it or its directory."""
    open_store(tmp_path / "s.db").close()
    monkeypatch.setattr(connection, "_cannot_write", lambda path: True)
    with open_store(tmp_path / "s.db", create=False) as store:
        assert store.read_only
        with pytest.raises(CannotCreate, match="is read-only"), store.write():
            pass
        assert store.conn.execute("SELECT count(*) FROM tickets").fetchone() == (0,)


def test_a_read_only_store_of_an_older_schema_asks_for_its_owner(tmp_path, monkeypatch):
    open_store(tmp_path / "s.db").close()
    shutil.copy(tmp_path / "s.db", tmp_path / "old.db")
    import sqlite3

    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    monkeypatch.setattr(connection, "_cannot_write", lambda path: True)
    with pytest.raises(CannotCreate, match="read-only and needs upgrading .* run cstool once as the store's owner"):
        open_store(tmp_path / "old.db", create=False)
