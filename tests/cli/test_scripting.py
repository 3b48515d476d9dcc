"""The conventions scripts rely on, on the demo store: jsonl and tsv, --fields, --sort, --limit,
per-command formats, shell completion; kpi --where, per-group changes, the wide layout."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REFERENCE, SAMPLE_CONFIG

AS_OF = ("--as-of", REFERENCE)
PERIOD = ("--since", "2026-03-01", "--until", "2026-03-29")


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scripting")
    shutil.copy(demo_db, folder / "demo.db")
    shutil.copy(SAMPLE_CONFIG, folder / "cstool.toml")

    def run(cli, *args, code=(0, 1)):
        result = cli("--db", folder / "demo.db", "--config", folder / "cstool.toml", *args)
        assert result.exit_code in code, result.stderr
        return result

    return run


def test_jsonl_is_one_json_object_per_line_equal_to_the_json(cli, demo):
    listed = json.loads(demo(cli, "sla", "check", *AS_OF, "-f", "json").stdout)
    lines = demo(cli, "sla", "check", *AS_OF, "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == listed and len(listed) == 21


def test_tsv_has_the_rows_of_the_csv(cli, demo):
    as_csv = list(csv.reader(io.StringIO(demo(cli, "escalations", *AS_OF, "-f", "csv").stdout)))
    as_tsv = list(csv.reader(io.StringIO(demo(cli, "escalations", *AS_OF, "-f", "tsv").stdout), delimiter="\t"))
    assert as_tsv == as_csv and as_tsv[0][:3] == ["tier", "source", "ticket_id"] and len(as_tsv) == 39


def test_fields_pick_the_same_fields_in_every_format(cli, demo):
    fields = ("--fields", "ticket_id,state,due_at")
    records = json.loads(demo(cli, "sla", "check", *AS_OF, *fields, "-f", "json").stdout)
    assert [list(r) for r in records] == [["ticket_id", "state", "due_at"]] * 21
    rows = list(csv.reader(io.StringIO(demo(cli, "sla", "check", *AS_OF, *fields, "-f", "csv").stdout)))
    assert rows[0] == ["ticket_id", "state", "due_at"] and rows[1] == [records[0][k] for k in rows[0]]
    table = demo(cli, "sla", "check", *AS_OF, *fields).stdout.splitlines()
    assert table[1].split() == ["Ticket", "State", "Due"] and table[2].split()[:2] == ["T02364", "breached"]


def test_unknown_fields_and_sorts_are_usage_errors_naming_the_valid_ones(cli, demo):
    bad = demo(cli, "sla", "check", *AS_OF, "--fields", "ticket_id,colour", code=(2,))
    assert "unknown colour" in bad.stderr and "ticket_id" in bad.stderr
    bad = demo(cli, "escalations", *AS_OF, "--sort", "age:up", code=(2,))
    assert "--sort 'age:up'" in bad.stderr and "age_seconds" in bad.stderr


def test_sort_and_limit_in_every_format(cli, demo):
    queue = json.loads(demo(cli, "escalations", *AS_OF, "--sort", "age_seconds:desc", "-f", "json").stdout)
    ages = [e["age_seconds"] for e in queue]
    assert ages == sorted(ages, reverse=True) and len(ages) == 38
    top = json.loads(demo(cli, "escalations", *AS_OF, "--sort", "age_seconds:desc", "--limit", "3", "-f", "json").stdout)
    assert top == queue[:3]
    due = [f["due_at"] for f in json.loads(demo(cli, "sla", "check", *AS_OF, "--sort", "due_at", "-f", "json").stdout)]
    assert due == sorted(due)
    assert len(json.loads(demo(cli, "followups", *AS_OF, "--limit", "2", "-f", "json").stdout)) == 2


def test_each_command_offers_only_the_formats_it_prints(cli, demo):
    assert "prints table, json" in demo(cli, "customer", "C0152", *AS_OF, "-f", "csv", code=(2,)).stderr
    assert demo(cli, "kpi", *AS_OF, "-f", "nagios", code=(2,)).exit_code == 2
    assert demo(cli, "sla", "check", *AS_OF, "-f", "JSONL").stdout.count("\n") == 21  # (case-insensitive)


def test_shell_completion_is_generated_and_completes_formats():
    program = Path(sys.executable).with_name("cstool")
    if not program.exists():
        pytest.skip("the cstool console script is not installed beside this Python")
    script = subprocess.run([program, "--show-completion", "bash"], capture_output=True, text=True,
                            env={**os.environ, "SHELL": "/bin/bash"})
    assert script.returncode == 0 and "_cstool_completion" in script.stdout
    env = {**os.environ, "_CSTOOL_COMPLETE": "complete_bash", "COMP_WORDS": "cstool sla check --format j",
           "COMP_CWORD": "4"}
    done = subprocess.run([program], capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["json", "jsonl"]


def _kpi(cli, demo, *args) -> dict:
    return json.loads(demo(cli, "kpi", *PERIOD, *args, "-f", "json").stdout)


def test_where_gives_exactly_the_figures_of_that_group(cli, demo):
    teams = {g["key"]["team"]: g["metrics"] for g in _kpi(cli, demo, "--by", "team")["groups"]}
    for team in ("Billing", "Technical"):
        filtered = _kpi(cli, demo, "--where", f"team={team.lower()}")["metrics"]
        for key in teams[team]:
            if key not in ("churn_pct", "clv"):  # (customer figures are not per group)
                assert filtered[key]["value"] == teams[team][key]["value"], (team, key)
    both = _kpi(cli, demo, "--where", "team=Billing", "--where", "channel=chat")["metrics"]
    pairs = {(g["key"]["team"], g["key"]["channel"]): g["metrics"]
             for g in _kpi(cli, demo, "--by", "team", "--by", "channel")["groups"]}
    assert {k: v for k, v in both["tickets_created"].items() if k != "explain"} == \
        {k: v for k, v in pairs["Billing", "chat"]["tickets_created"].items() if k != "explain"}
    assert both["csat_pct"]["value"] == pairs["Billing", "chat"]["csat_pct"]["value"]
    tagged = _kpi(cli, demo, "--where", "tag=sso")["metrics"]["tickets_created"]["value"]
    assert tagged == {g["key"]["tag"]: g["metrics"] for g in _kpi(cli, demo, "--by", "tag")["groups"]}["sso"][
        "tickets_created"]["value"]
    typo = demo(cli, "kpi", *PERIOD, "--where", "team=Biling", code=(2,))
    assert "matches no ticket in the store; closest: Billing" in typo.stderr


def test_every_group_gets_its_previous_value_and_change(cli, demo):
    doc = _kpi(cli, demo, "--by", "team", "--compare", "previous")
    before = {g["key"]["team"]: g["metrics"] for g in json.loads(demo(
        cli, "kpi", "--since", "2026-02-01", "--until", "2026-03-01", "--by", "team", "-f", "json").stdout)["groups"]}
    for group in doc["groups"]:
        team = group["key"]["team"]
        for key in ("tickets_created", "csat_pct", "first_response_median_s", "sla_resolution_pct"):
            old = before.get(team, {}).get(key, {}).get("value")
            assert group["previous"]["metrics"][key]["value"] == old, (team, key)
            now = group["metrics"][key]["value"]
            assert group["previous"]["delta"][key] == (None if now is None or old is None else round(now - old, 2))


def test_wide_layout_is_one_row_per_group_one_column_per_figure(cli, demo):
    doc = _kpi(cli, demo, "--by", "team", "--compare", "previous")
    rows = list(csv.DictReader(io.StringIO(demo(cli, "kpi", *PERIOD, "--by", "team", "--compare", "previous", "-f",
                                                "csv", "--layout", "wide").stdout)))
    assert [r["team"] for r in rows] == [g["key"]["team"] for g in doc["groups"]]
    assert list(rows[0])[:3] == ["team", "tickets_created", "tickets_created_delta"]
    for row, group in zip(rows, doc["groups"]):
        assert row["csat_pct"] == ("" if group["metrics"]["csat_pct"]["value"] is None
                                   else str(group["metrics"]["csat_pct"]["value"]))
        assert row["tickets_created_delta"] == str(group["previous"]["delta"]["tickets_created"])


def test_a_leaderboard_sorts_and_cuts_the_groups(cli, demo):
    board = _kpi(cli, demo, "--by", "assignee", "--sort", "csat_pct:desc", "--limit", "3")["groups"]
    every = _kpi(cli, demo, "--by", "assignee")["groups"]
    scores = sorted((g["metrics"]["csat_pct"]["value"] for g in every if g["metrics"]["csat_pct"]["value"] is not None),
                    reverse=True)
    assert [g["metrics"]["csat_pct"]["value"] for g in board] == scores[:3]
