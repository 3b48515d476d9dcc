"""`cstool import` on tiny files (docs/semantics.md#import-guarantees): every row accounted for, nothing silently changed."""

from __future__ import annotations

import gzip
import json
import os
import stat
import time

import pytest
from conftest import HEADER, ROWS, TEST_DATA, as_json, imp, rows, write

DATA = TEST_DATA




def test_generic_tickets_json_summary_has_exactly_the_documented_keys(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS)
    doc = as_json(imp(cli, "tickets", "t.csv", "--format", "json"))
    assert doc == {"file": "t.csv", "preset": "generic", "rows_read": 2, "inserted": 2, "updated": 0,
                   "unchanged": 0, "skipped": 0, "rejected": 0, "findings": {}, "import_id": 1}
    got = rows("t.db", "SELECT id, priority, status, channel, created_at, tags, raw FROM tickets ORDER BY id")
    assert got[0][:6] == ("T1", "high", "open", "email", 1772442000, '["a", "b"]')
    assert got[1][:5] == ("T2", "high", "solved", "phone", 1772445600)
    assert json.loads(got[1][6]) == {"priority": "2 - High", "status": "Solved", "channel": "Phone call",
                                     "created_at": "2026-03-02 10:00:00", "resolved_at": "2026-03-03 10:00:00"}


def test_reimport_is_all_unchanged_and_changed_rows_update(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS)
    as_json(imp(cli, "tickets", "t.csv", "--format", "json"))
    before = rows("t.db", "SELECT * FROM tickets ORDER BY id")
    again = as_json(imp(cli, "tickets", "t.csv", "--format", "json"))
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert rows("t.db", "SELECT * FROM tickets ORDER BY id") == before
    write(tmp_path / "t2.csv", HEADER + ROWS.replace("Open", "Pending") + "T3,New,low,new,web,2026-03-04T08:00:00Z,,,\n")
    newer = as_json(imp(cli, "tickets", "t2.csv", "--format", "json"))
    assert (newer["inserted"], newer["updated"], newer["unchanged"]) == (1, 1, 1)
    assert rows("t.db", "SELECT status FROM tickets WHERE id = 'T1'") == [("pending",)]


def test_one_reject_aborts_the_file_lists_every_problem_and_writes_nothing(cli, tmp_path):
    bad = (HEADER + ROWS + "T3,x,Whenever,Open,Email,2026-03-02T09:00:00Z,,,\n"
           "T4,y,low,open,email,not a date,,,\n" + "T5,short\n" + "T1,dup,low,open,email,2026-03-02T09:00:00Z,,,\n")
    write(tmp_path / "bad.csv", bad)
    result = imp(cli, "tickets", "bad.csv")
    assert result.exit_code == 65
    err = result.stderr
    assert "4 rows rejected, nothing written" in err
    assert "record 3 (line 4) CAST in 'priority': priority='Whenever': unknown priority" in err
    assert "record 4 (line 5) CAST in 'created_at': created_at='not a date'" in err
    assert "record 5 (line 6) MISSING COLUMNS: 2 columns, the header has 9" in err
    assert "record 6 (line 7) DUPLICATE KEY IN FILE in 'id': id 'T1' appears earlier in this file" in err
    assert not (tmp_path / "t.db").exists()                   # (a first import that commits nothing leaves no store)
    write(tmp_path / "good.csv", HEADER + ROWS)
    assert imp(cli, "tickets", "good.csv").exit_code == 0
    assert imp(cli, "tickets", "bad.csv").exit_code == 65
    assert rows("t.db", "SELECT count(*) FROM tickets") == [(2,)]  # (an existing store keeps what it had)
    assert rows("t.db", "SELECT count(*) FROM imports") == [(1,)]


def test_max_rejects_commits_good_rows_and_keeps_rejects(cli, tmp_path):
    write(tmp_path / "bad.csv", HEADER + ROWS + "T3,x,Whenever,Open,Email,2026-03-02T09:00:00Z,,,\n"
          + "T4,a,low,open,email,2026-03-02T09:00:00Z,,,,extra\n")
    doc = as_json(imp(cli, "tickets", "bad.csv", "--max-rejects", "2", "--rejects", "rej.csv", "--format", "json"))
    assert (doc["rows_read"], doc["inserted"], doc["rejected"]) == (4, 2, 2)
    kept = rows("t.db", 'SELECT record, line, "column", value, error_type, raw FROM rejects ORDER BY record')
    assert kept == [(3, 4, "priority", "Whenever", "CAST", "T3,x,Whenever,Open,Email,2026-03-02T09:00:00Z,,,\n"),
                    (4, 5, None, None, "TOO MANY COLUMNS", "T4,a,low,open,email,2026-03-02T09:00:00Z,,,,extra\n")]
    assert stat.S_IMODE((tmp_path / "rej.csv").stat().st_mode) == 0o600
    assert (tmp_path / "rej.csv").read_text().splitlines()[0] == "record,line,column,value,error_type,message,raw"


def test_dry_run_writes_nothing(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS)
    doc = as_json(imp(cli, "tickets", "t.csv", "--dry-run", "--format", "json"))
    assert doc["inserted"] == 2 and doc["import_id"] is None
    assert not (tmp_path / "t.db").exists()
    assert imp(cli, "tickets", "t.csv").exit_code == 0
    assert imp(cli, "tickets", "t.csv", "--dry-run").exit_code == 0
    assert rows("t.db", "SELECT count(*) FROM imports") == [(1,)]


def test_blank_lines_are_read_skipped_and_counted(cli, tmp_path):
    """read = inserted + updated + unchanged + skipped + rejected, blank lines included."""
    write(tmp_path / "t.csv", HEADER + "\n" + ROWS + "\n\n")
    doc = as_json(imp(cli, "tickets", "t.csv", "--format", "json"))
    assert (doc["rows_read"], doc["inserted"], doc["skipped"]) == (5, 2, 3)


def test_bom_semicolons_and_crlf(cli, tmp_path):
    text = "\ufeff" + (HEADER + ROWS).replace(",", ";").replace("a;b", "\"a,b\"").replace("\n", "\r\n")
    write(tmp_path / "t.csv", text)
    doc = as_json(imp(cli, "tickets", "t.csv", "--format", "json"))
    assert doc["inserted"] == 2
    assert rows("t.db", "SELECT tags FROM tickets WHERE id='T1'") == [('["a", "b"]',)]


def test_undecodable_bytes_name_line_and_offset(cli, tmp_path):
    (tmp_path / "t.csv").write_bytes((HEADER + ROWS).encode() + "T9,Caf\xe9,low,open,email,2026-03-02T09:00:00Z,,,\n".encode("cp1252"))
    result = imp(cli, "tickets", "t.csv")
    assert result.exit_code == 65
    offset = len((HEADER + ROWS).encode()) + len("T9,Caf")
    assert f"line 4, byte offset {offset}: cannot decode byte 0xe9 as utf-8 (try --encoding cp1252)" in result.stderr
    ok = as_json(imp(cli, "tickets", "t.csv", "--encoding", "cp1252", "--format", "json"))
    assert ok["inserted"] == 3
    assert rows("t.db", "SELECT subject FROM tickets WHERE id='T9'") == [("Café",)]


def test_utf16_by_bom(cli, tmp_path):
    (tmp_path / "t.csv").write_bytes((HEADER + ROWS).encode("utf-16"))
    assert as_json(imp(cli, "tickets", "t.csv", "--format", "json"))["inserted"] == 2


def test_gzip_and_stdin(cli, tmp_path):
    with gzip.open(tmp_path / "t.csv.gz", "wt") as fh:
        fh.write(HEADER + ROWS)
    assert as_json(imp(cli, "tickets", "t.csv.gz", "--format", "json"))["inserted"] == 2
    doc = as_json(cli("--db", "s.db", "import", "tickets", "-", "--format", "json", input=HEADER + ROWS))
    assert doc["file"] == "<stdin>" and doc["inserted"] == 2


def test_missing_file_is_66_and_creates_no_store(cli, tmp_path):
    result = imp(cli, "tickets", "nope.csv")
    assert result.exit_code == 66 and "nope.csv: no such file" in result.stderr
    assert not (tmp_path / "t.db").exists()
    write(tmp_path / "ok.csv", HEADER + ROWS)
    assert imp(cli, "tickets", "ok.csv", "nope.csv").exit_code == 66   # checked before anything is written
    assert not (tmp_path / "t.db").exists()


def test_nul_byte_is_invalid_character(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS.replace("Login", "Log\x00in"))
    result = imp(cli, "tickets", "t.csv")
    assert result.exit_code == 65 and "INVALID CHARACTER: the record contains a NUL byte" in result.stderr


def test_unterminated_quote_is_a_file_error(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + 'T1,"Login,high,open,email,2026-03-02T09:00:00Z,,,\n')
    result = imp(cli, "tickets", "t.csv")
    assert result.exit_code == 65 and "malformed CSV" in result.stderr


def test_duplicate_and_empty_headers_are_refused_unless_mapped(cli, tmp_path):
    write(tmp_path / "d.csv", "id,created_at,note,note\nT1,2026-03-02T09:00:00Z,a,b\n")
    result = imp(cli, "tickets", "d.csv", "--preset", "generic")
    assert result.exit_code == 65 and "header 'note' appears twice (columns 3 and 4)" in result.stderr
    assert as_json(imp(cli, "tickets", "d.csv", "--preset", "generic", "--map", "subject=#4",
                       "--format", "json"))["inserted"] == 1
    assert rows("t.db", "SELECT subject, extra FROM tickets") == [("b", '{"note": "a"}')]
    write(tmp_path / "e.csv", "id,,created_at\nT1,x,2026-03-02T09:00:00Z\n")
    result = imp(cli, "tickets", "e.csv", "--preset", "generic")
    assert result.exit_code == 65 and "column 2 has an empty header" in result.stderr


def test_ambiguous_day_month_is_never_guessed(cli, tmp_path):
    write(tmp_path / "a.csv", "id,created_at\nT1,01/02/2026 10:00\nT2,03/04/2026 11:00\n")
    result = imp(cli, "tickets", "a.csv", "--preset", "generic")
    assert result.exit_code == 65
    assert "column 'created_at'" in result.stderr and "--dayfirst" in result.stderr
    as_json(imp(cli, "tickets", "a.csv", "--preset", "generic", "--dayfirst", "--format", "json"))
    assert rows("t.db", "SELECT created_at FROM tickets WHERE id='T1'") == [(1769940000,)]  # 2026-02-01 10:00Z


def test_naive_times_use_tz_option(cli, tmp_path):
    write(tmp_path / "a.csv", "id,created_at\nT1,2026-07-01 10:00:00\n")
    as_json(imp(cli, "tickets", "a.csv", "--preset", "generic", "--tz", "Europe/Berlin", "--format", "json"))
    assert rows("t.db", "SELECT created_at FROM tickets") == [(1782892800,)]  # 08:00Z (CEST)


def test_missing_required_field_and_column(cli, tmp_path):
    write(tmp_path / "a.csv", "id,created_at\n,2026-03-02T09:00:00Z\nT2,\n")
    result = imp(cli, "tickets", "a.csv", "--preset", "generic")
    assert "record 1 (line 2) MISSING REQUIRED FIELD in 'id': id is empty" in result.stderr
    assert "record 2 (line 3) MISSING REQUIRED FIELD in 'created_at': created_at is empty" in result.stderr
    write(tmp_path / "b.csv", "subject,created_at\nx,2026-03-02T09:00:00Z\n")
    result = imp(cli, "tickets", "b.csv", "--preset", "generic")
    assert result.exit_code == 65 and "MISSING COLUMNS: no column for required field(s) id" in result.stderr


def test_findings_are_counted_and_flagged(cli, tmp_path):
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60 * 86400))  # after the import
    write(tmp_path / "f.csv", "id,created_at,first_response_at,resolved_at\n"
          "T1,2026-03-02T09:00:00Z,2026-03-02T10:00:00Z,2026-03-02T08:00:00Z\n"
          f"T2,2026-03-02T09:00:00Z,,{soon}\n")
    doc = as_json(imp(cli, "tickets", "f.csv", "--preset", "generic", "--format", "json"))
    assert doc["findings"] == {"future_date": 1, "resolved_before_created": 1, "resolved_before_first_response": 1}
    assert rows("t.db", "SELECT id, findings FROM tickets ORDER BY id") == [
        ("T1", "resolved_before_created,resolved_before_first_response"), ("T2", "future_date")]


def test_auto_preset_that_matches_nothing_says_what_to_do(cli, tmp_path):
    write(tmp_path / "x.csv", "foo,bar\n1,2\n")
    result = imp(cli, "tickets", "x.csv")
    assert result.exit_code == 65 and "no preset recognises this header" in result.stderr


def test_bad_map_is_a_usage_error(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS)
    assert imp(cli, "tickets", "t.csv", "--map", "subject").exit_code == 2
    result = imp(cli, "tickets", "t.csv", "--map", "subject=nope")
    assert result.exit_code == 2 and "has no column 'nope'" in result.stderr


def test_freshdesk_durations_and_worded_csat(cli):
    doc = as_json(imp(cli, "tickets", DATA / "freshdesk.csv", "--format", "json"))
    assert doc["preset"] == "freshdesk" and doc["inserted"] == 3
    got = rows("t.db", "SELECT id, priority, channel, first_response_at - created_at, reported FROM tickets ORDER BY id")
    assert got[0][:4] == ("101", "normal", "email", 2700)
    assert json.loads(got[0][4])["resolution"] == 51 * 3600 + 30 * 60  # hours beyond 24
    assert got[1][3] is None  # 00:00:00 means no response
    assert got[2][3] == 1800  # derived from the reported calendar duration
    assert rows("t.db", "SELECT id, ticket_id, score FROM surveys") == [("csat:101", "101", 5.0)]


def test_jira_repeated_labels_and_month_names(cli):
    doc = as_json(imp(cli, "tickets", DATA / "jira.csv", "--format", "json"))
    assert doc["preset"] == "jira" and doc["inserted"] == 2
    assert rows("t.db", "SELECT id, status, priority, tags, created_at FROM tickets ORDER BY id") == [
        ("SUP-12", "open", "urgent", '["network", "vpn"]', 1755540000),
        ("SUP-13", "solved", "normal", '["hardware"]', 1755590700)]


def test_surveys_events_customers_generic(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS)
    imp(cli, "tickets", "t.csv", "--source", "desk")
    write(tmp_path / "s.csv", "id,ticket_id,kind,score,comment,submitted_at\n"
          "S1,T1,csat,5,great,2026-03-03T10:00:00Z\nS2,T2,csat,2,slow,\nS3,,nps,NA,,2026-03-03T10:00:00Z\n"
          "S4,,ces,6,,2026-03-03T10:00:00Z\n")
    doc = as_json(imp(cli, "surveys", "s.csv", "--source", "desk", "--format", "json"))
    assert (doc["inserted"], doc["skipped"], doc["rejected"]) == (3, 1, 0)
    # S2 has no time: it takes its ticket's resolution instant
    assert rows("t.db", "SELECT submitted_at FROM surveys WHERE id='S2'") == [(1772532000,)]
    write(tmp_path / "e.csv", "ticket_id,at,type,value\nT1,2026-03-02T09:30:00Z,agent_reply,Dara\n"
          "T1,2026-03-02T09:31:00Z,status,Pending\n")
    doc = as_json(imp(cli, "events", "e.csv", "--source", "desk", "--format", "json"))
    assert doc["inserted"] == 2
    assert rows("t.db", "SELECT type, value FROM ticket_events ORDER BY at") == [("agent_reply", "Dara"), ("status", "pending")]
    assert as_json(imp(cli, "events", "e.csv", "--source", "desk", "--format", "json"))["unchanged"] == 2
    write(tmp_path / "c.csv", "id,email,name,tier,signup_at,churned_at,revenue\n007,a@x.com,Ann,vip,2024-01-01,,4900\n")
    as_json(imp(cli, "customers", "c.csv", "--format", "json"))
    assert rows("t.db", "SELECT id, tier, revenue FROM customers") == [("007", "vip", 4900.0)]


def test_survey_score_outside_scale_and_missing_time(cli, tmp_path):
    write(tmp_path / "s.csv", "id,kind,score\nS1,csat,7\nS2,nps,9\n")
    result = imp(cli, "surveys", "s.csv")
    assert "score='7': outside the csat scale 1-5" in result.stderr
    assert "MISSING REQUIRED FIELD" in result.stderr and "--submitted-at" in result.stderr
    doc = as_json(imp(cli, "surveys", "s.csv", "--scale", "1-10", "--submitted-at", "2024-01-01", "--format", "json"))
    assert doc["inserted"] == 2


def test_the_rejects_file_is_private_never_a_symlink_and_checked_before_any_commit(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS + "T9,Bad,nonsense,open,email,2026-03-02T09:00:00Z,,,\n")
    (tmp_path / "target.csv").write_text("keep me")
    (tmp_path / "link.csv").symlink_to(tmp_path / "target.csv")
    result = imp(cli, "tickets", "t.csv", "--max-rejects", "5", "--rejects", "link.csv")
    assert result.exit_code == 73 and "is a symbolic link" in result.stderr
    assert (tmp_path / "target.csv").read_text() == "keep me"
    assert not (tmp_path / "t.db").exists() or rows("t.db", "SELECT count(*) FROM tickets") == [(0,)]
    result = imp(cli, "tickets", "t.csv", "--max-rejects", "5", "--rejects", "missing-dir/r.csv")
    assert result.exit_code == 73                                   # before the good rows were committed
    assert not (tmp_path / "t.db").exists() or rows("t.db", "SELECT count(*) FROM tickets") == [(0,)]
    (tmp_path / "r.csv").write_text("old")
    (tmp_path / "r.csv").chmod(0o644)
    assert imp(cli, "tickets", "t.csv", "--max-rejects", "5", "--rejects", "r.csv").exit_code == 0
    assert stat.S_IMODE((tmp_path / "r.csv").stat().st_mode) == 0o600
    assert "nonsense" in (tmp_path / "r.csv").read_text()


def test_the_store_is_never_created_through_a_symlink(cli, tmp_path):
    (tmp_path / "db-link").symlink_to(tmp_path / "elsewhere.db")
    write(tmp_path / "t.csv", HEADER + ROWS)
    result = cli("--db", "db-link", "import", "tickets", "t.csv")
    assert result.exit_code == 73 and "is a symbolic link to nothing" in result.stderr
    assert not (tmp_path / "elsewhere.db").exists()
    assert cli("--db", "real.db", "import", "tickets", "t.csv").exit_code == 0
    (tmp_path / "good-link").symlink_to(tmp_path / "real.db")                  # a link to a store is fine
    assert cli("--db", "good-link", "import", "tickets", "t.csv").exit_code == 0


@pytest.mark.parametrize("content, says", [
    (b"PK\x03\x04" + bytes(200), "this is a ZIP archive (an Excel .xlsx"),
    (b"%PDF-1.7\n" + bytes(50), "this is a PDF document, not CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), "an old Excel .xls"),
    (bytes(range(256)) * 4, "binary content (NUL bytes)"),
])
def test_files_that_are_not_csv_are_named_for_what_they_are(cli, tmp_path, content, says):
    (tmp_path / "export.csv").write_bytes(content)
    result = imp(cli, "tickets", "export.csv")
    assert result.exit_code == 65 and says in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("encode", [
    lambda text: gzip.compress(text.encode()),                        # gzip without a .gz name
    lambda text: text.encode("utf-16-le"),                            # UTF-16 without a BOM
    lambda text: text.encode("utf-16-be"),
    lambda text: text.replace("\n", "\r").encode(),                   # classic Mac line endings
])
def test_gzip_utf16_without_bom_and_cr_only_files_are_read(cli, tmp_path, encode):
    (tmp_path / "export.csv").write_bytes(encode(HEADER + ROWS))
    summary = as_json(imp(cli, "tickets", "export.csv", "--format", "json"))
    assert (summary["rows_read"], summary["inserted"], summary["rejected"]) == (2, 2, 0)
    assert rows("t.db", "SELECT id, subject FROM tickets ORDER BY id") == [("T1", "Login"), ("T2", "Refund")]


def test_a_stray_carriage_return_in_the_header_is_a_file_error(cli, tmp_path):
    (tmp_path / "export.csv").write_bytes(b"id,sub\rject,created_at\nT1,a,2026-03-02T09:00:00Z\n")
    result = imp(cli, "tickets", "export.csv")
    assert result.exit_code == 65 and "line 1: cannot read the header" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_what_was_committed_is_told_when_a_later_file_fails(cli, tmp_path, fmt):
    write(tmp_path / "t.csv", HEADER + ROWS + "T9,Bad,nonsense,open,email,2026-03-02T09:00:00Z,,,\n")
    (tmp_path / "later.csv").write_bytes(b"%PDF-1.7\n" + bytes(50))
    result = imp(cli, "tickets", "t.csv", "later.csv", "--max-rejects", "5", "--rejects", "r.csv", "--format", fmt)
    assert result.exit_code == 65 and "later.csv" in result.stderr and "PDF" in result.stderr
    assert "the 1 file in the summary was imported before the error below" in result.stderr
    if fmt == "json":
        assert [s["inserted"] for s in json.loads(result.stdout)] == [2]
    else:
        assert "Import summary" in result.stderr
    assert rows("t.db", "SELECT count(*) FROM tickets") == [(2,)]
    assert "nonsense" in (tmp_path / "r.csv").read_text()           # the committed file's rejects are kept


def test_rejects_that_cannot_be_written_after_the_commit_say_the_import_was_committed(cli, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    write(tmp_path / "t.csv", HEADER + ROWS + "T9,Bad,nonsense,open,email,2026-03-02T09:00:00Z,,,\n")
    result = imp(cli, "tickets", "t.csv", "--max-rejects", "5", "--rejects", "/dev/full")
    assert result.exit_code == 73
    assert "Import summary" in result.stderr and "the import summarised above was committed" in result.stderr
    assert rows("t.db", "SELECT count(*) FROM tickets") == [(2,)]

