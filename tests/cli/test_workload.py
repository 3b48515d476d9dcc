"""`cstool heatmap` and `cstool staffing`: hand-made tickets at known local times across the
change to summer time, their cells exactly; Erlang C and the workload model on a plan."""

from __future__ import annotations

import pytest
from conftest import as_json, write

BERLIN = """
[defaults]
timezone = "Europe/Berlin"

[[sla.policies]]
name = "All"
[sla.policies.targets]
normal = { first_response = "1h", resolution = "8h" }
"""
# Friday 27 March (CET, +1), Sunday 29 March (the change to CEST, +2, at 01:00Z), Monday 30 March
TICKETS = """id,channel,priority,status,created_at,first_response_at,resolved_at
H1,email,normal,solved,2026-03-27T08:30:00Z,2026-03-27T08:50:00Z,2026-03-27T10:00:00Z
H2,email,normal,solved,2026-03-27T08:40:00Z,2026-03-27T10:40:00Z,2026-03-27T20:00:00Z
H3,chat,normal,open,2026-03-30T08:30:00Z,2026-03-30T09:00:00Z,
H4,chat,normal,open,2026-03-29T00:30:00Z,,
"""
PERIOD = ("--since", "2026-03-23", "--until", "2026-03-31")


@pytest.fixture
def berlin(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(BERLIN)
    write(tmp_path / "t.csv", TICKETS)
    assert cli("--db", "t.db", "import", "tickets", "t.csv").exit_code == 0
    return tmp_path


def _cells(records):
    assert len(records) == 168 and [(r["weekday"], r["hour"]) for r in records[:2]] == [(0, 0), (0, 1)]
    return {(r["weekday"], r["hour"]): r["value"] for r in records if r["value"]}


def test_created_by_local_hour_across_the_change_to_summer_time(cli, berlin):
    cells = _cells(as_json(cli("--db", "t.db", "heatmap", *PERIOD, "-f", "json")))
    # H1 09:30 and H2 09:40 Friday (CET); H4 01:30 Sunday, before the change; H3 10:30 Monday (CEST)
    assert cells == {(4, 9): 2, (6, 1): 1, (0, 10): 1}


def test_first_response_median_by_hour_of_creation(cli, berlin):
    records = as_json(cli("--db", "t.db", "heatmap", "--metric", "frt", *PERIOD, "-f", "json"))
    assert _cells(records) == {(4, 9): 4200.0, (0, 10): 1800.0}  # (20m and 2h: their median; 30m)
    assert [r["n"] for r in records if (r["weekday"], r["hour"]) in ((4, 9), (6, 1))] == [2, 0]


def test_breaches_at_the_local_hour_of_the_deadline(cli, berlin):
    cells = _cells(as_json(cli("--db", "t.db", "heatmap", "--metric", "breaches", *PERIOD, "-f", "json")))
    # H2: first response due 10:40 Fri, resolution 17:40 Fri; H3: resolution due 18:30 Mon;
    # H4: first response due 03:30 Sun (summer time), resolution 10:30 Sun
    assert cells == {(4, 10): 1, (4, 17): 1, (0, 18): 1, (6, 3): 1, (6, 10): 1}


def test_csv_where_and_the_terminal_grid(cli, berlin):
    out = cli("--db", "t.db", "heatmap", *PERIOD, "--where", "channel=chat", "-f", "csv").stdout.splitlines()
    assert out[0] == "weekday,hour,value,n" and len(out) == 169
    assert [line for line in out[1:] if not line.endswith(",0,0")] == ["0,10,1,1", "6,1,1,1"]
    table = cli("--db", "t.db", "heatmap", *PERIOD, env={"NO_COLOR": "1", "COLUMNS": "80"}).stdout
    lines = table.splitlines()
    assert lines[:2] == ["Tickets created by local hour", "2026-03-23 00:00 – 2026-03-31 00:00 (Europe/Berlin)"]
    assert all(len(line) <= 80 for line in lines)
    friday = next(line for line in lines if line.startswith("Fri"))
    assert friday[5 + 9 * 3:5 + 9 * 3 + 2] == "██" and friday[5:7] == " ·"   # the peak, and an empty hour
    assert "Peak: Fri 09:00-10:00, 2" in table
    assert "--metric 'x'" in cli("--db", "t.db", "heatmap", "--metric", "x").stderr


PLAN = """id,channel,priority,status,created_at,first_response_at,resolved_at
{rows}"""


@pytest.fixture
def plan_store(cli, tmp_path):
    """Two weeks (9 and 16 March) with four chats and three e-mails on Monday 10:00-11:00 local."""
    rows = []
    for day in ("2026-03-09", "2026-03-16"):
        for i, handle in enumerate((120, 240, 360, 480)):
            rows.append(f"C{day}{i},chat,normal,solved,{day}T09:{10 * i:02d}:00Z,{day}T09:{10 * i + 1:02d}:00Z,"
                        f"{day}T09:{10 * i + 1 + handle // 60:02d}:00Z")
        for i in range(3):
            rows.append(f"E{day}{i},email,normal,solved,{day}T09:{5 + 10 * i:02d}:00Z,,")
    write(tmp_path / "p.csv", PLAN.format(rows="\n".join(rows) + "\n"))
    (tmp_path / "cstool.toml").write_text(BERLIN)
    assert cli("--db", "t.db", "import", "tickets", "p.csv").exit_code == 0
    return tmp_path


def test_staffing_plan_with_erlang_c_for_chat(cli, plan_store):
    doc = as_json(cli("--db", "t.db", "staffing", "plan", "--channel", "chat", "--target", "80%/20s", "--weeks", "2",
                      "--as-of", "2026-03-26T12:00:00Z", "-f", "json"))
    assert (doc["week_start"], doc["history_since"], doc["history_until"]) == (
        "2026-03-30T00:00:00+02:00", "2026-03-09T00:00:00+01:00", "2026-03-23T00:00:00+01:00")
    assert (doc["model"], doc["aht_seconds"], doc["aht_basis"]) == (
        "erlang_c", 300, "median first response to resolution of 8 tickets")
    busy = [h for h in doc["hours"] if h["arrivals"]]
    # 4 an hour x 300 s = 1/3 Erlang: one agent answers 68 % in 20 s, two 95.7 %
    assert busy == [{"weekday": 0, "hour": 10, "arrivals": 4.0, "traffic_erlangs": 0.3333, "agents": 2,
                     "agents_with_shrinkage": 2, "service_level": 0.9574, "asa_seconds": 8.6, "occupancy": 0.1667}]
    assert sum(h["agents"] for h in doc["hours"]) == 2


def test_staffing_plan_with_the_workload_model_for_email(cli, plan_store):
    args = ("--db", "t.db", "staffing", "plan", "--channel", "email", "--target", "90%/2h", "--weeks", "2",
            "--as-of", "2026-03-26T12:00:00Z")
    refused = cli(*args)
    assert refused.exit_code == 2 and "give --aht" in refused.stderr
    rows = cli(*args, "--aht", "6m", "--shrinkage", "50%", "-f", "csv").stdout.splitlines()
    assert rows[0] == "weekday,hour,arrivals,agents,agents_with_shrinkage,service_level,asa_seconds,occupancy"
    # 3 e-mails x 6 minutes arrive at 10:00; done within 2 hours: one agent at 10:00 and 11:00
    assert len(rows) == 169
    assert [r for r in rows[1:] if r.split(",")[3] != "0"] == ["0,10,3.0,1,2,,,", "0,11,0.0,1,2,,,"]
    table = cli(*args, "--aht", "6m", env={"COLUMNS": "80"}).stdout
    assert "Agents needed per hour, email, week of 2026-03-30" in table and "2 agent-hours in the week." in table
    assert all(len(line) <= 80 for line in table.splitlines()[2:])


def test_staffing_calc(cli):
    doc = as_json(cli("staffing", "calc", "--arrivals", "100", "--interval", "30m", "--aht", "3m", "--target",
                      "80%/20s", "--shrinkage", "30%", "-f", "json"))
    assert doc == {"traffic_erlangs": 10.0, "agents": 14, "agents_with_shrinkage": 20, "service_level": 0.8884,
                   "asa_seconds": 7.8, "occupancy": 0.7143}
    table = cli("staffing", "calc", "--arrivals", "100", "--aht", "3m", "--target", "80%/20s").stdout
    assert "Agents                   14\n" in table and "Service level            88.8%" in table
    bad = cli("staffing", "calc", "--arrivals", "100", "--aht", "3m", "--target", "80%")
    assert bad.exit_code == 2 and "expected SHARE/TIME such as 80%/20s" in bad.stderr
    assert "expected a percentage" in cli("staffing", "calc", "--arrivals", "1", "--aht", "3m", "--target",
                                          "80%/20s", "--shrinkage", "lots").stderr


def test_a_handle_time_from_the_data_that_is_no_handle_time_is_warned_about(cli, demo_db):
    from conftest import REFERENCE, SAMPLE_CONFIG

    result = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "staffing", "plan", "--channel", "chat", "--target",
                 "80%/20s", "--as-of", REFERENCE, "-f", "json")
    doc = as_json(result)
    assert doc["aht_seconds"] > 3600 and doc["warning"].endswith("give --aht")
    assert "warning: the median first response to resolution" in result.stderr


def test_the_default_period_is_the_four_weeks_before_today(cli, berlin):
    table = cli("--db", "t.db", "heatmap", "--as-of", "2026-03-31T10:00:00Z", env={"COLUMNS": "80"}).stdout
    assert table.splitlines()[1] == "2026-03-03 00:00 – 2026-03-31 00:00 (Europe/Berlin)"
