"""`cstool kpi --explain` end to end: the command each figure carries in `kpi -f json` lists
exactly that figure's n records, in every format; the html page gives it in footnotes."""

from __future__ import annotations

import csv
import io
import json
import shlex

from conftest import REFERENCE, SAMPLE_CONFIG, as_json


def _kpi(cli, demo_db, *args):
    return cli("--db", demo_db, "--config", SAMPLE_CONFIG, *args)


def test_the_explain_command_of_a_figure_lists_its_n_records(cli, demo_db):
    doc = as_json(_kpi(cli, demo_db, "kpi", "--as-of", REFERENCE, "--period", "last-month", "--by", "week",
                       "--by", "team", "-f", "json"))
    group = next(g for g in doc["groups"] if g["key"] == {"week": "2026-W08", "team": "Billing"})
    figure = group["metrics"]["resolution_median_s"]
    command = shlex.split(figure["explain"])
    assert command[:2] == ["cstool", "kpi"] and command[-4:] == ["--group", "week=2026-W08", "--group", "team=Billing"]
    explained = as_json(_kpi(cli, demo_db, *command[1:], "-f", "json"))
    assert (explained["value"], explained["n"], len(explained["rows"])) == (figure["value"], figure["n"], figure["n"])
    assert explained["since"] == "2026-02-16T00:00:00+01:00" and explained["until"] == "2026-02-23T00:00:00+01:00"
    rows = list(csv.DictReader(io.StringIO(_kpi(cli, demo_db, *command[1:], "-f", "csv").stdout)))
    assert [r["id"] for r in rows] == [r["id"] for r in explained["rows"]]
    assert list(rows[0]) == ["row", "record", "source", "id", "ticket_id", "at", "value", "counted", "mark"]
    lines = _kpi(cli, demo_db, *command[1:], "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r["id"] for r in rows]
    marked = [r for r in explained["rows"] if r["mark"]]
    assert marked and all(m["mark"].startswith("median") for m in marked)
    table = _kpi(cli, demo_db, *command[1:]).stdout
    assert table.startswith("resolution_median_s 2026-02-16 00:00 – 2026-02-23 00:00, week=2026-W08, team=Billing: ")
    assert f"n = {figure['n']}" in table.splitlines()[0]


def test_group_needs_explain_and_names_every_dimension(cli, demo_db):
    base = ("kpi", "--as-of", REFERENCE, "--period", "last-month", "--by", "week", "--by", "team")
    alone = _kpi(cli, demo_db, *base, "--group", "team=Billing")
    assert alone.exit_code == 2 and "give --explain METRIC too" in alone.stderr
    partial = _kpi(cli, demo_db, *base, "--explain", "backlog", "--group", "team=Billing")
    assert partial.exit_code == 2 and "missing week" in partial.stderr
    html = _kpi(cli, demo_db, "kpi", "--as-of", REFERENCE, "--period", "last-month", "-f", "html").stdout
    assert '<sup><a href="#note-1">1</a></sup>' in html and 'id="note-1"' in html
    assert "--explain tickets_created</code>" in html
