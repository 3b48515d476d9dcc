"""`cstool tickets` end to end: exact csv and json on a hand-made store, CSV neutralising of
every text column, usage errors."""

from __future__ import annotations

import io
import json

from conftest import SAMPLE_CONFIG, as_json, write

from cstool.config import load_config
from cstool.core.formats import parse_iso
from cstool.render.tickets import write_csv_rows
from cstool.services.sla import SlaEngine
from cstool.services.tickets import TicketListing
from cstool.store import open_store
from cstool.store.ticket_rows import COLUMNS, TicketQuery

HEADER = "id,subject,priority,status,team,assignee,customer_id,created_at,first_response_at,resolved_at,tags\n"
ROWS = ("T1,Login fails,high,solved,Billing,Ana,C1,2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,"
        "2026-03-02T12:00:00Z,a;b\n"
        "T2,Refund,normal,open,Billing,Ana,C2,2026-03-02T10:00:00Z,,,\n")
CONFIG = """[defaults]
timezone = "Europe/Berlin"
"""


def _store(cli, tmp_path, rows: str = ROWS):
    write(tmp_path / "cstool.toml", CONFIG)
    write(tmp_path / "t.csv", HEADER + rows)
    assert cli("--db", "t.db", "import", "tickets", "t.csv").exit_code == 0


def test_csv_and_json_of_a_small_store_exactly(cli, tmp_path):
    _store(cli, tmp_path)
    fields = ("id,created_at,tags,policy,first_response_target,first_response_state,first_response_stopped_at,"
              "first_response_clock_business_seconds,first_response_seconds,first_response_basis,resolution_state,"
              "resolution_clock_seconds,resolution_seconds")
    args = ("--db", "t.db", "tickets", "--as-of", "2026-03-03T10:00:00Z", "--fields", fields)
    assert cli(*args, "-f", "csv").stdout == (
        f"{fields}\n"
        "T1,2026-03-02T10:00:00+01:00,a;b,default,4h,met,2026-03-02T10:30:00+01:00,1800,1800,clock,met,"
        "10800,10800\n"
        "T2,2026-03-02T11:00:00+01:00,,default,8h,breached,,86400,,,running,86400,\n")
    doc = as_json(cli(*args, "-f", "json"))
    assert doc[0]["tags"] == ["a", "b"] and doc[1]["tags"] == [] and doc[1]["first_response_stopped_at"] is None
    lines = cli(*args, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == doc


def test_every_text_cell_is_neutralised_as_the_careful_writer_does(cli, tmp_path):
    nasty = ('N1,=cmd(),high,open,-Team,@Ana,+C1,2026-03-02T09:00:00Z,,,"-x;y"\n'
             'N2,"line\r-2",high,open,Billing,"Ana\tB",C2,2026-03-02T09:00:00Z,,,\n'
             'N3,"ok\n=evil",high,open,Billing,Ana,C3,2026-03-02T09:00:00Z,,,safe\n'
             'N4,-5,high,open,Billing,Ana,C4,2026-03-02T09:00:00Z,,,\n'
             'N5,"Refund, again",high,solved,Billing,"Ana ""A"" B",C5,2026-03-02T09:00:00Z,2026-03-02T08:00:00Z,'
             '2026-03-01T09:00:00Z,"x,y"\n')  # (commas, quotes, two findings: quoted by the SQL)
    _store(cli, tmp_path, ROWS + nasty)
    as_of = parse_iso("2026-03-03T10:00:00Z", "UTC")
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        got = cli("--db", "t.db", "tickets", "--as-of", "2026-03-03T10:00:00Z", "-f", fmt).stdout
        with open_store(tmp_path / "t.db", create=False) as store:
            engine = SlaEngine(load_config(tmp_path / "cstool.toml"))
            query = TicketQuery(as_of=as_of, tz="Europe/Berlin", joined_tags=True)
            careful = TicketListing(store, engine, query).rows(force_python=True)
            expected = io.StringIO()
            write_csv_rows(list(COLUMNS), [[(values, True) for values, _ in careful]], expected, delimiter)
            fast = {values.split(delimiter)[1] for block in TicketListing(store, engine, query, delimiter=delimiter)
                    .blocks() for values, care in block if not care for values in values.split("\n")}
        assert got == expected.getvalue(), fmt
        assert {"T1", "T2", "N5"} <= fast and not {"N1", "N2", "N3"} & fast, fmt  # (which path each took)
        if fmt == "csv":
            assert "'=cmd()" in got and "'-Team" in got and "'@Ana" in got and "'+C1" in got and "'-x;y" in got
            assert '"line\r\'-2"' in got and '"ok\n\'=evil"' in got and ",-5," in got
            assert '"Refund, again"' in got and '"Ana ""A"" B"' in got


def test_the_table_fits_80_columns_and_says_how_to_see_more(cli, demo_db, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "tickets", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Tickets: 3 shown" and lines[-1].startswith("(the first 3; --limit 0 for all")
    assert max(len(line) for line in lines) <= 80


def test_usage_errors_name_the_option_and_the_choices(cli, demo_db):
    for args, message in ((("--state", "late"), "--state 'late': expected one of breached, at_risk, met, running"),
                          (("--metric", "csat"), "--metric 'csat': expected one of first_response, resolution"),
                          (("--where", "team=Bilingg"), "--where team"),
                          (("--fields", "id,nope"), "nope")):
        result = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "tickets", *args)
        assert result.exit_code == 2 and message in result.stderr, result.stderr
