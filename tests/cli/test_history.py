"""`cstool imports`: the history, one import's rejects, and undo (the store after an undo equals
the store before the import, row for row, in every table)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from conftest import HEADER, REFERENCE, ROOT, ROWS, SAMPLE_CONFIG, as_json, second_version, write

SAMPLE = ROOT / "sample_data"
# Tables whose differences after an undo are the history itself: the import rows (the undone one
# is marked), the clocks' marker of the last import they have seen, the count of commits. The
# dictionary of clock names only grows: it is compared on the names the clocks use.
HISTORY = {"imports", "migrations", "sla_meta", "store_state", "clock_names"}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _rows(name: str) -> list[dict]:
    return list(csv.DictReader((SAMPLE / name).open(encoding="utf-8")))


def _versions(tmp_path) -> tuple[list, list]:
    """(files of A, files of B): B inserts, updates and leaves rows unchanged in every table."""
    tickets = _rows("tickets.csv")
    kept = {t["id"] for t in tickets[:2700]}
    events = [e for e in _rows("events.csv") if e["ticket_id"] in kept or e["ticket_id"] > "T02750"]
    surveys, customers = _rows("surveys.csv"), _rows("customers.csv")
    a = [("tickets", write(tmp_path / "t1.csv", _csv(tickets[:2700]))),
         ("events", write(tmp_path / "e1.csv", _csv([{**e, "via": "web"} for e in events if e["ticket_id"] in kept]))),
         ("surveys", write(tmp_path / "s1.csv", _csv([s for s in surveys[:1400] if s["ticket_id"] in kept or s["submitted_at"]]))),
         ("customers", write(tmp_path / "c1.csv", _csv(customers[:550])))]
    b = [("tickets", write(tmp_path / "t2.csv", second_version(SAMPLE / "tickets.csv"))),
         ("events", write(tmp_path / "e2.csv", _csv([{**e, "via": "api" if i % 10 == 0 else "web"}
                                                     for i, e in enumerate(events)]))),
         ("surveys", write(tmp_path / "s2.csv", _csv([{**s, "score": "1" if i % 5 == 0 and s["kind"] == "csat"
                                                       else s["score"]} for i, s in enumerate(surveys)]))),
         ("customers", write(tmp_path / "c2.csv", _csv([{**c, "tier": "vip" if i % 7 == 0 else c["tier"]}
                                                        for i, c in enumerate(customers)])))]
    return a, b


def _store(db) -> dict[str, list]:
    """Every table (but the history) with its rowids, and the import rows without their undo mark."""
    conn = sqlite3.connect(db)
    try:
        tables = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        found = {t: conn.execute(f"SELECT {'' if 'WITHOUT ROWID' in sql else 'rowid, '}* FROM {t} "
                                 "ORDER BY 1, 2").fetchall() for t, sql in tables.items() if t not in HISTORY}
        found["clock_names"] = conn.execute("SELECT * FROM clock_names WHERE id IN (SELECT names FROM clocks) "
                                            "ORDER BY id").fetchall()
        found["imports"] = conn.execute("SELECT id, kind, file, inserted, updated FROM imports "
                                       "WHERE undone_at IS NULL ORDER BY id").fetchall()
        return found
    finally:
        conn.close()


def _run(cli, *args):
    return cli("--db", "h.db", "--config", SAMPLE_CONFIG, *args)


def _import(cli, kind: str, path) -> int:
    return as_json(_run(cli, "import", kind, path, "--format", "json"))["import_id"]


def test_undoing_imports_gives_back_the_store_as_it_was_row_for_row(cli, tmp_path):
    a, b = _versions(tmp_path)
    for kind, path in a:
        _import(cli, kind, path)
    assert _run(cli, "sla", "check", "--as-of", REFERENCE).exit_code in (0, 1)  # clocks stored
    before = _store(tmp_path / "h.db")
    expected = _run(cli, "sla", "check", "--as-of", REFERENCE, "-f", "json").stdout
    ids = [_import(cli, kind, path) for kind, path in b]
    docs = as_json(_run(cli, "imports", "-f", "json"))
    assert [(d["kind"], d["inserted"] > 0, d["updated"] > 0, d["unchanged"] > 0) for d in docs[4:]] == \
        [(kind, True, True, True) for kind in ("tickets", "events", "surveys", "customers")]
    assert _run(cli, "sla", "check", "--as-of", REFERENCE, "-f", "json").stdout != expected
    for import_id in reversed(ids):
        plan = as_json(_run(cli, "imports", "undo", str(import_id), "-f", "json"))
        counts = plan["tables"][{"tickets": "tickets", "events": "ticket_events", "surveys": "surveys",
                                 "customers": "customers"}[plan["import"]["kind"]]]
        assert counts == {"deleted": docs[import_id - 1]["inserted"], "restored": docs[import_id - 1]["updated"]}
    after = _store(tmp_path / "h.db")
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert _run(cli, "sla", "check", "--as-of", REFERENCE, "-f", "json").stdout == expected
    undone = as_json(_run(cli, "imports", "-f", "json"))
    assert [d["undone_at"] is not None for d in undone] == [False] * 4 + [True] * 4


def test_an_older_import_waits_for_the_later_one_and_an_undo_is_done_once(cli, tmp_path):
    a, b = _versions(tmp_path)
    first, second = _import(cli, "tickets", a[0][1]), _import(cli, "tickets", b[0][1])
    refused = _run(cli, "imports", "undo", str(first))
    assert refused.exit_code == 2
    assert f"a later import of source 'generic' stands ({second}): undo import {second} first" in refused.stderr
    dry = _run(cli, "imports", "undo", str(second), "--dry-run")
    assert dry.exit_code == 0 and "nothing written (--dry-run)" in dry.stderr
    assert "tickets: 121 rows it inserted deleted, 2,546 rows it updated back to their prior values" in dry.stderr
    assert _run(cli, "imports", "undo", str(second)).exit_code == 0
    again = _run(cli, "imports", "undo", str(second))
    assert again.exit_code == 2 and "is already undone" in again.stderr
    missing = _run(cli, "imports", "undo", "99")
    assert missing.exit_code == 66 and "no import 99" in missing.stderr
    assert _run(cli, "imports", "undo", str(first)).exit_code == 0
    assert sqlite3.connect(tmp_path / "h.db").execute("SELECT count(*) FROM tickets").fetchone() == (0,)


def test_an_undo_waits_for_another_writer_then_exits_75(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text('[store]\nbusy_timeout = "1s"\n')
    path = write(tmp_path / "t.csv", HEADER + ROWS)
    assert cli("--db", "w.db", "import", "tickets", path).exit_code == 0
    holder = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("--db", "w.db", "imports", "undo", "1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 75 and "is busy" in result.stderr
    assert cli("--db", "w.db", "imports", "undo", "1").exit_code == 0


def test_show_lists_the_rejects_with_their_values_and_csv_gives_them_to_fix(cli, tmp_path):
    path = write(tmp_path / "bad.csv", HEADER + ROWS + "T3,x,Whenever,Open,Email,2026-03-02T09:00:00Z,,,\n"
                 "T4,y,low,Open,Email,yesterday-ish,,,\n")
    assert cli("--db", "t.db", "import", "tickets", path, "--max-rejects", "5").exit_code == 0
    doc = as_json(cli("--db", "t.db", "imports", "show", "1", "-f", "json"))
    assert (doc["rows_read"], doc["inserted"], doc["rejected"]) == (4, 2, 2)
    assert [(r["line"], r["column"], r["value"], r["error_type"]) for r in doc["rejects"]] == \
        [(4, "priority", "Whenever", "CAST"), (5, "created_at", "yesterday-ish", "CAST")]
    lines = cli("--db", "t.db", "imports", "show", "1", "-f", "csv").stdout.splitlines()
    assert lines[0] == "import_id,record,line,column,value,error_type,message,raw"
    assert lines[1].startswith("1,3,4,priority,Whenever,CAST,")
    table = cli("--db", "t.db", "imports", "show", "1").stdout
    assert "read 4: 2 inserted, 0 updated, 0 unchanged, 0 skipped, 2 rejected" in table
    assert "Whenever" in table and "yesterday-ish" in table


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_list_in_machine_formats(cli, tmp_path, fmt):
    path = write(tmp_path / "t.csv", HEADER + ROWS)
    assert cli("--db", "t.db", "import", "tickets", path, "--source", "desk").exit_code == 0
    out = cli("--db", "t.db", "imports", "--source", "DESK", "-f", fmt, "--fields", "id,kind,source,inserted").stdout
    assert out == ("id,kind,source,inserted\n1,tickets,desk,2\n" if fmt == "csv" else
                   json.dumps([{"id": 1, "kind": "tickets", "source": "desk", "inserted": 2}], indent=2) + "\n")
    assert cli("--db", "t.db", "imports", "--source", "other", "-f", "csv").stdout.count("\n") == 1


def test_only_the_latest_imports_of_a_source_keep_their_prior_versions(cli, tmp_path, monkeypatch):
    from cstool.store import history

    monkeypatch.setattr(history, "UNDO_DEPTH", 2)
    versions = [HEADER + ROWS.replace("Login", f"Login {i}") for i in range(4)]
    for i, text in enumerate(versions):
        write(tmp_path / f"t{i}.csv", text)
        assert cli("--db", "t.db", "import", "tickets", f"t{i}.csv").exit_code == 0
    conn = sqlite3.connect(tmp_path / "t.db")
    kept = conn.execute("SELECT by_import, count(*) FROM prior_tickets GROUP BY 1 ORDER BY 1").fetchall()
    assert kept == [(3, 1), (4, 1)]  # (import 2's prior row was dropped when import 4 landed)
    states = [d["priors_dropped_at"] is not None for d in as_json(cli("--db", "t.db", "imports", "-f", "json"))]
    assert states == [True, True, False, False]
    assert cli("--db", "t.db", "imports", "undo", "4").exit_code == 0
    assert cli("--db", "t.db", "imports", "undo", "3").exit_code == 0
    refused = cli("--db", "t.db", "imports", "undo", "2")
    assert refused.exit_code == 2 and "can no longer be undone" in refused.stderr
    assert conn.execute("SELECT subject FROM tickets WHERE id = 'T1'").fetchone() == ("Login 1",)
    assert "past undo" in cli("--db", "t.db", "imports").stdout
