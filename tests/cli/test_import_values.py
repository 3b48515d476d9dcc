"""Values an import must not guess: times outside the column's layout or a sane range,
numbers with separators the column does not explain, counts out of range (docs/semantics.md#import-guarantees)."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import HEADER, ROWS, imp, rows, write


def test_extreme_dates_are_rejects_and_no_row_can_stop_reporting(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + ROWS + "T3,x,low,open,email,9999-12-31T23:30:00Z,,,\n"
          "T4,y,low,solved,email,2026-03-02T09:00:00Z,,0001-01-01T00:00:00Z,\n")
    result = imp(cli, "tickets", "t.csv", "--max-rejects", "5", "--format", "json", "--rejects", "r.csv")
    assert json.loads(result.stdout)["rejected"] == 2
    rejected = (tmp_path / "r.csv").read_text()
    assert "created_at='9999-12-31T23:30:00Z': outside the times cstool accepts" in rejected
    assert "resolved_at='0001-01-01T00:00:00Z': outside the times cstool accepts" in rejected
    for args in (["sla", "check"], ["kpi"], ["escalations"], ["report"], ["customer", "nobody"]):
        done = cli("--db", "t.db", *args, "--as-of", "2026-03-05T00:00:00Z")
        assert done.exit_code in (0, 66) and "internal error" not in done.stderr, (args, done.stderr)


def test_a_time_in_another_layout_after_the_sample_is_rejected_not_guessed(cli, tmp_path):
    body = "".join(f"T{i},s,low,open,email,2026-03-02T09:00:00Z,,,\n" for i in range(600))
    write(tmp_path / "t.csv", HEADER + body + "T600,late,low,open,email,03/04/2026,,,\nT601,t,low,open,email,10:00,,,\n")
    result = imp(cli, "tickets", "t.csv", "--max-rejects", "5", "--format", "json", "--rejects", "r.csv")
    doc = json.loads(result.stdout)
    assert (doc["inserted"], doc["rejected"]) == (600, 2)
    rejected = (tmp_path / "r.csv").read_text()
    assert "created_at='03/04/2026': expected the column's time layout, iso8601" in rejected
    assert "created_at='10:00': expected the column's time layout, iso8601" in rejected
    again = json.loads(imp(cli, "tickets", "t.csv", "--max-rejects", "5", "--format", "json").stdout)
    assert (again["unchanged"], again["rejected"]) == (600, 2)  # (nothing read differently on another day)


CUSTOMERS = "id,email,name,tier,signup_at,churned_at,revenue\n"


@pytest.mark.parametrize("cells, expected", [
    (["4,900", "1,000"], None),                       # a comma no value of the column explains: rejects
    (["12,5", "4,900"], [12.5, 4.9]),                 # a decimal-comma column
    (["1,234.50", "4,900"], [1234.5, 4900.0]),        # a thousands-comma column
    (["4900", "12.5"], [4900.0, 12.5]),
])
def test_a_thousands_separator_is_read_only_when_the_column_shows_it(cli, tmp_path, cells, expected):
    write(tmp_path / "c.csv", CUSTOMERS + "".join(f'C{i},c{i}@x.org,C,vip,,,"{v}"\n' for i, v in enumerate(cells)))
    result = imp(cli, "customers", "c.csv", "--max-rejects", "5", "--format", "json", "--rejects", "r.csv")
    if expected is None:
        assert json.loads(result.stdout)["rejected"] == 2
        assert "a comma could be a thousands or a decimal separator" in (tmp_path / "r.csv").read_text()
        return
    assert [r for (r,) in rows("t.db", "SELECT revenue FROM customers ORDER BY id")] == expected
    raw = [json.loads(r or "{}").get("revenue") for (r,) in rows("t.db", "SELECT raw FROM customers ORDER BY id")]
    assert raw == [v if "," in v else None for v in cells]   # (the text read with separators is kept)


@pytest.mark.parametrize("value", ["nan", "1e309", "inf", "-inf", "Infinity", "1e20"])
def test_a_number_that_is_not_plain_and_finite_is_a_reject(cli, tmp_path, value):
    write(tmp_path / "c.csv", CUSTOMERS + f"C1,c@x.org,C,vip,,,{value}\n")
    result = imp(cli, "customers", "c.csv")
    assert result.exit_code == 65 and "CAST in 'revenue'" in result.stderr


@pytest.mark.parametrize("value", ["1e309", "inf", "99999999999999999999", "-1", "2.5"])
def test_a_count_that_is_not_a_whole_number_in_range_is_a_reject(cli, tmp_path, value):
    write(tmp_path / "t.csv", "id,subject,priority,status,created_at,reopens\n"
          f"T1,s,low,open,2026-03-02T09:00:00Z,{value}\n")
    result = imp(cli, "tickets", "t.csv")
    assert result.exit_code == 65 and "CAST in 'reopens'" in result.stderr and "internal error" not in result.stderr


def test_a_survey_score_with_a_comma_the_column_does_not_explain_is_a_reject(cli, tmp_path):
    write(tmp_path / "s.csv", "id,kind,score,submitted_at\nS1,nps,\"1,000\",2026-03-02 09:00\n"
          "S2,nps,9,2026-03-02 10:00\n")
    result = imp(cli, "surveys", "s.csv", "--max-rejects", "5", "--format", "json")
    assert json.loads(result.stdout)["rejected"] == 1
    assert rows("t.db", "SELECT id, score, raw FROM surveys") == [("S2", 9.0, '{"submitted_at": "2026-03-02 10:00"}')]


def test_ids_lose_ascii_white_space_only_and_keep_what_they_had(cli, tmp_path):
    write(tmp_path / "t.csv", "id,subject,priority,status,created_at\n"
          "T1,a,low,open,2026-03-02T09:00:00Z\n\u00a0T1,b,low,open,2026-03-02T09:00:00Z\n"
          " T2 ,  ,low,open,2026-03-02T09:00:00Z\n")
    assert imp(cli, "tickets", "t.csv").exit_code == 0
    assert rows("t.db", "SELECT id, subject, raw FROM tickets ORDER BY id") == [
        ("T1", "a", None), ("T2", None, '{"id": " T2 ", "subject": "  "}'), ("\u00a0T1", "b", None)]
    write(tmp_path / "dup.csv", "id,subject,priority,status,created_at\n"
          "T5,a,low,open,2026-03-02T09:00:00Z\nT5 ,b,low,open,2026-03-02T09:00:00Z\n")
    result = imp(cli, "tickets", "dup.csv")
    assert result.exit_code == 65 and "DUPLICATE KEY IN FILE in 'id': id 'T5' appears earlier" in result.stderr


@pytest.mark.parametrize("kind, header, row, column", [
    ("tickets", "id,subject,subject,priority,status,created_at", "T1,one,other,low,open,2026-03-02T09:00:00Z",
     "subject"),
    ("tickets", "id,subject,priority,status,status,created_at", "T1,s,low,open,closed,2026-03-02T09:00:00Z",
     "status"),
    ("surveys", "id,ticket_id,ticket_id,kind,score,submitted_at", "S1,T1,T2,nps,9,2026-03-02T09:00:00Z",
     "ticket_id"),
    ("customers", "id,email,email,name", "C1,a@x.org,b@x.org,Ann", "email"),
])
def test_a_repeated_header_with_two_values_in_a_row_is_a_reject_naming_both(cli, tmp_path, kind, header, row, column):
    write(tmp_path / "f.csv", f"{header}\n{row}\n")
    result = imp(cli, kind, "f.csv")
    assert result.exit_code == 65, result.stderr
    assert f"CAST in '{column}': repeated header '{column}': column " in result.stderr


def test_a_repeated_header_whose_cells_agree_or_leave_one_empty_is_read(cli, tmp_path):
    write(tmp_path / "f.csv", "id,subject,subject,priority,status,created_at\n"
          "T1,same,same,low,open,2026-03-02T09:00:00Z\nT2,,second,low,open,2026-03-02T09:00:00Z\n")
    assert imp(cli, "tickets", "f.csv").exit_code == 0
    assert rows("t.db", "SELECT id, subject FROM tickets ORDER BY id") == [("T1", "same"), ("T2", "second")]


def test_a_file_of_another_kind_is_one_error_naming_the_right_command(cli, tmp_path):
    from conftest import ROOT

    tickets = ROOT / "sample_data" / "tickets.csv"
    for kind in ("surveys", "customers", "events"):
        result = imp(cli, kind, tickets)
        assert result.exit_code == 65 and result.stderr.count("\n") == 1, result.stderr
        assert f"MISSING COLUMNS: this looks like a tickets file (it has id, created_at, status, priority), not {kind}; " \
               f"import it with `cstool import tickets {tickets}`" in result.stderr
    result = imp(cli, "surveys", tickets, "--kind", "csat")
    assert result.exit_code == 65 and "MISSING COLUMNS" in result.stderr
    write(tmp_path / "s.csv", "id,ticket_id,comment\nS1,T1,fine\n")           # no score column at all
    result = imp(cli, "surveys", "s.csv", "--kind", "csat")
    assert result.exit_code == 65 and "no column for required field(s) score" in result.stderr


def test_reject_listings_on_stderr_stop_after_twenty_lines_and_the_file_has_them_all(cli, tmp_path):
    write(tmp_path / "t.csv", HEADER + "".join(f"T{i},s,nonsense,open,email,2026-03-02T09:00:00Z,,,\n"
                                               for i in range(50)))
    result = imp(cli, "tickets", "t.csv", "--rejects", "r.csv")
    listed = [line for line in result.stderr.splitlines() if line.startswith("  record ")]
    assert result.exit_code == 65 and len(listed) == 20
    assert "  … and 30 more (listed in r.csv)" in result.stderr
    with (tmp_path / "r.csv").open(newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 50


def test_events_are_inserted_updated_or_unchanged_like_tickets_and_a_repeat_in_a_file_is_a_reject(cli, tmp_path):
    head = "ticket_id,at,type,value,author\n"
    write(tmp_path / "e1.csv", head + "T1,2026-03-02T09:00:00Z,note,first,ann\n")
    write(tmp_path / "e2.csv", head + "T1,2026-03-02T09:00:00Z,note,first,bob\n")
    write(tmp_path / "e3.csv", head + "T1,2026-03-02T10:00:00Z,note,x,ann\nT1,2026-03-02T10:00:00Z,note,x,bob\n")

    def counts(name, *extra):
        doc = json.loads(imp(cli, "events", name, "--format", "json", *extra).stdout)
        return tuple(doc[k] for k in ("rows_read", "inserted", "updated", "unchanged", "rejected"))

    assert counts("e1.csv") == (1, 1, 0, 0, 0)
    assert counts("e1.csv") == (1, 0, 0, 1, 0)
    assert counts("e2.csv") == (1, 0, 1, 0, 0)                        # the corrected extra column is taken
    assert rows("t.db", "SELECT extra FROM ticket_events WHERE value = 'first'") == [('{"author": "bob"}',)]
    result = imp(cli, "events", "e3.csv")
    assert result.exit_code == 65 and "DUPLICATE KEY IN FILE" in result.stderr and "line 3" in result.stderr
    assert counts("e3.csv", "--max-rejects", "1") == (2, 1, 0, 0, 1)  # (the first one wins, nothing lost silently)
