"""`kpi --by assignee --intervals`: Wilson intervals and the funnel-plot flag on hand-made
answers, in json, csv (long and wide) and the table."""

from __future__ import annotations

import pytest
from conftest import as_json, write

from cstool.core.fairness import wilson

# (assignee, satisfied answers, dissatisfied answers)
AGENTS = (("Ann", 38, 2), ("Bob", 3, 1), ("Cat", 10, 20))


@pytest.fixture
def answers(cli, tmp_path):
    tickets, surveys, n = ["id,priority,status,assignee,created_at,resolved_at"], \
        ["id,ticket_id,kind,score,submitted_at"], 0
    for agent, good, bad in AGENTS:
        for score in [5] * good + [1] * bad:
            n += 1
            tickets.append(f"T{n},normal,solved,{agent},2026-03-02T09:00:00Z,2026-03-02T10:00:00Z")
            surveys.append(f"S{n},T{n},csat,{score},2026-03-02T11:00:00Z")
    write(tmp_path / "t.csv", "\n".join(tickets) + "\n")
    write(tmp_path / "s.csv", "\n".join(surveys) + "\n")
    assert cli("--db", "t.db", "import", "tickets", "t.csv").exit_code == 0
    assert cli("--db", "t.db", "import", "surveys", "s.csv").exit_code == 0
    return tmp_path


ARGS = ("--db", "t.db", "kpi", "--since", "2026-03-01", "--until", "2026-03-08", "--by", "assignee", "--intervals")


def test_the_flag_needs_the_interval_to_exclude_the_overall_figure(cli, answers):
    doc = as_json(cli(*ARGS, "-f", "json"))
    overall = doc["metrics"]["csat_pct"]
    assert (overall["value"], overall["n"], overall["ci"]) == (68.92, 74, list(wilson(51, 74)))
    got = {g["key"]["assignee"]: (g["metrics"]["csat_pct"]["value"], g["metrics"]["csat_pct"]["ci"],
                                  g["metrics"]["csat_pct"]["flag"]) for g in doc["groups"]}
    # Ann 38/40 lies above; Bob's one bad answer in 4 does not make him differ; Cat 10/30 lies below
    assert got == {"Ann": (95.0, list(wilson(38, 40)), "above"), "Bob": (75.0, list(wilson(3, 4)), None),
                   "Cat": (33.33, list(wilson(10, 30)), "below")}
    assert wilson(3, 4)[0] < 68.92 < wilson(3, 4)[1]
    assert "ci" not in as_json(cli(*ARGS[:-1], "-f", "json"))["metrics"]["csat_pct"]  # (only when asked)


def test_csv_long_and_wide_and_the_table(cli, answers):
    lines = cli(*ARGS, "-f", "csv").stdout.splitlines()
    assert lines[0] == "group,metric,value,n,low_sample,previous,delta,ci_low,ci_high,flag"
    low, high = wilson(10, 30)
    assert f"assignee=Cat,csat_pct,33.33,30,False,,,{low},{high},below" in lines
    wide = cli(*ARGS, "-f", "csv", "--layout", "wide").stdout.splitlines()
    header = wide[0].split(",")
    cat = dict(zip(header, next(r for r in wide[1:] if r.startswith("Cat,")).split(",")))
    assert (cat["csat_pct"], cat["csat_pct_ci_low"], cat["csat_pct_ci_high"], cat["csat_pct_flag"]) == (
        "33.33", str(low), str(high), "below")
    table = cli(*ARGS, env={"COLUMNS": "120"}).stdout
    assert "33.3% ↓" in table and "95.0% ↑" in table and "75.0% *" in table and "75.0% * ↓" not in table
    assert "interval lies wholly above / below the period's figure" in table
