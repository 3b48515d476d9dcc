"""SLA clocks through imported tickets: policies, pauses, reopens, cycles, at-risk, check, show, Nagios."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REFERENCE, SAMPLE_CONFIG, as_json, write

CONFIG = """
[defaults]
timezone = "Etc/UTC"

[calendars.frappe]
timezone = "Etc/UTC"
hours = { mon = "10:00-18:00", tue = "10:00-18:00", wed = "10:00-18:00", thu = "10:00-18:00", fri = "10:00-18:00" }

[[sla.policies]]
name = "VIP"
when = { customer_tier = ["vip"] }
calendar = "24x7"
at_risk = "1h"
[sla.policies.targets]
high = { first_response = "2h", next_response = "1h", resolution = "8h" }

[[sla.policies]]
name = "Frappe"
calendar = "frappe"
at_risk = "25%"
pause = { resolution = ["pending", "on_hold"] }
[sla.policies.targets]
high   = { first_response = "1h",  resolution = "4h" }
urgent = { first_response = "30m", resolution = "2h" }
low    = { first_response = "24h", resolution = "72h" }
"""
TICKETS = """id,subject,priority,status,customer_tier,team,assignee,created_at,first_response_at,resolved_at
F1,f1,high,open,,Billing,Ana,2026-03-02T11:00:00Z,,
F2,f2,high,open,,Billing,Ana,2026-03-02T08:00:00Z,,
F3,f3,urgent,open,,Tech,Ben,2026-03-02T20:00:00Z,,
F4,f4,low,open,,Tech,Ben,2026-03-07T15:00:00Z,,
F5,f5,urgent,open,,Tech,,2026-03-06T17:00:00Z,,
F6,f6,high,open,,Tech,,2026-03-06T19:00:00Z,,
F8,f8,urgent,open,,Tech,,2026-03-05T15:00:00Z,,
F8h,f8h,urgent,open,,Tech,,2026-03-05T15:00:00Z,,
F8p,f8p,urgent,open,,Tech,,2026-03-05T15:00:00Z,,
V1,vip,high,solved,vip,Tech,,2026-03-02T11:00:00Z,,2026-03-02T18:00:00Z
"""
EVENTS = """ticket_id,at,type,value
F8h,2026-03-05T15:00:00Z,status,new
F8h,2026-03-05T15:20:00Z,agent_reply,Ben
F8h,2026-03-05T15:20:00Z,status,pending
F8h,2026-03-05T16:20:00Z,customer_reply,
F8h,2026-03-05T16:20:00Z,status,open
F8p,2026-03-05T15:00:00Z,status,new
F8p,2026-03-05T15:20:00Z,status,pending
F8p,2026-03-05T16:20:01Z,status,open
V1,2026-03-02T11:00:00Z,status,new
V1,2026-03-02T12:00:00Z,agent_reply,Dara
V1,2026-03-02T12:00:00Z,status,open
V1,2026-03-02T13:00:00Z,customer_reply,
V1,2026-03-02T13:30:00Z,agent_reply,Dara
V1,2026-03-02T14:00:00Z,status,solved
V1,2026-03-02T16:00:00Z,customer_reply,
V1,2026-03-02T16:00:00Z,status,open
V1,2026-03-02T18:00:00Z,status,solved
"""


@pytest.fixture
def store(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(CONFIG)
    write(tmp_path / "t.csv", TICKETS)
    write(tmp_path / "e.csv", EVENTS)
    assert cli("import", "tickets", "t.csv").exit_code == 0
    assert cli("import", "events", "e.csv").exit_code == 0
    return tmp_path


def show(cli, ticket, as_of):
    return {(c["metric"], c.get("cycle", 0)): c for c in as_json(cli("sla", "show", ticket, "--as-of", as_of,
                                                                      "--format", "json"))}


@pytest.mark.parametrize("ticket, as_of, response, resolution", [
    ("F1", "2026-03-02T11:00:00Z", "2026-03-02T12:00:00+00:00", "2026-03-02T15:00:00+00:00"),
    ("F2", "2026-03-02T08:00:00Z", "2026-03-02T11:00:00+00:00", "2026-03-02T14:00:00+00:00"),
    ("F3", "2026-03-02T20:00:00Z", "2026-03-03T10:30:00+00:00", "2026-03-03T12:00:00+00:00"),
    ("F4", "2026-03-07T15:00:00Z", "2026-03-11T18:00:00+00:00", "2026-03-19T18:00:00+00:00"),
    ("F5", "2026-03-06T17:00:00Z", "2026-03-06T17:30:00+00:00", "2026-03-09T11:00:00+00:00"),
    ("F6", "2026-03-06T19:00:00Z", "2026-03-09T11:00:00+00:00", "2026-03-09T14:00:00+00:00"),
    ("F8", "2026-03-05T15:00:00Z", "2026-03-05T15:30:00+00:00", "2026-03-05T17:00:00+00:00"),
])
def test_published_cases_through_imported_tickets(cli, store, ticket, as_of, response, resolution):
    clocks = show(cli, ticket, as_of)
    assert clocks[("first_response", 0)]["due_at"] == response
    assert clocks[("resolution", 0)]["due_at"] == resolution
    assert clocks[("resolution", 0)]["state"] == "running"


def test_one_hour_pause_moves_resolution_to_closing_time(cli, store):
    clocks = show(cli, "F8h", "2026-03-05T16:30:00Z")
    res = clocks[("resolution", 0)]
    assert res["due_at"] == "2026-03-05T18:00:00+00:00"
    assert res["paused_seconds"] == 3600
    assert res["pauses"] == [["2026-03-05T15:20:00+00:00", "2026-03-05T16:20:00+00:00"]]
    assert res["state"] == "running"
    assert clocks[("first_response", 0)]["state"] == "met"
    assert clocks[("first_response", 0)]["stopped_at"] == "2026-03-05T15:20:00+00:00"


def test_one_second_more_pause_moves_it_to_the_next_morning(cli, store):
    res = show(cli, "F8p", "2026-03-05T17:00:00Z")[("resolution", 0)]
    assert res["due_at"] == "2026-03-06T10:00:01+00:00"


def test_paused_clock_state_and_remaining(cli, store):
    res = show(cli, "F8h", "2026-03-05T16:00:00Z")[("resolution", 0)]
    assert res["state"] == "paused"
    assert res["remaining_seconds"] == 2 * 3600 - 20 * 60
    assert res["due_at"] is None


def test_vip_policy_matches_first_with_cycles_and_reopen(cli, store):
    clocks = show(cli, "V1", "2026-03-03T00:00:00Z")
    first = clocks[("first_response", 0)]
    assert (first["policy"], first["calendar"], first["state"]) == ("VIP", "24x7", "met")
    assert first["matched"] == "customer_tier=vip in [vip]"
    cycle1, cycle2 = clocks[("next_response", 1)], clocks[("next_response", 2)]
    assert (cycle1["started_at"], cycle1["stopped_at"], cycle1["state"]) == (
        "2026-03-02T13:00:00+00:00", "2026-03-02T13:30:00+00:00", "met")
    assert cycle2["started_at"] == "2026-03-02T16:00:00+00:00" and cycle2["stopped_at"] is None
    res = clocks[("resolution", 0)]
    # solved 14:00-16:00 does not count: 11:00-14:00 + 16:00-18:00 = 5h of the 8h target
    assert res["elapsed_business_seconds"] == 5 * 3600 and res["state"] == "met"
    assert res["stopped_at"] == "2026-03-02T18:00:00+00:00"
    assert res["due_at"] == "2026-03-02T21:00:00+00:00"


def test_at_risk_thresholds_both_forms(cli, store):
    # Frappe: 25% of F1's 4h resolution = 1h: at risk after 14:00, breached after 15:00 (strict)
    times = ("2026-03-02T13:59:59Z", "2026-03-02T14:00:01Z", "2026-03-02T15:00:00Z", "2026-03-02T15:00:01Z")
    states = [show(cli, "F1", t)[("resolution", 0)]["state"] for t in times]
    assert states == ["running", "at_risk", "at_risk", "breached"]
    # VIP: an absolute 1h threshold on the 1h next-response target: at risk from the cycle's start
    cycle = [show(cli, "V1", t)[("next_response", 2)]["state"] for t in
             ("2026-03-02T16:00:00Z", "2026-03-02T16:30:00Z", "2026-03-02T17:00:01Z")]
    assert cycle == ["running", "at_risk", "breached"]


def test_sla_check_lists_breached_and_at_risk_most_urgent_first(cli, store):
    doc = as_json(cli("sla", "check", "--as-of", "2026-03-02T14:30:00Z", "--format", "json"))
    assert [(f["ticket_id"], f["metric"], f["state"], f["remaining_seconds"]) for f in doc] == [
        ("F2", "first_response", "breached", -12600), ("F1", "first_response", "breached", -9000),
        ("F2", "resolution", "breached", -1800), ("F1", "resolution", "at_risk", 1800)]
    assert doc[0]["due_at"] == "2026-03-02T11:00:00+00:00"
    team = as_json(cli("sla", "check", "--as-of", "2026-03-02T14:30:00Z", "--team", "tech", "--format", "json"))
    assert team == []


def test_fail_on_breach_exits_1(cli, store):
    assert cli("sla", "check", "--as-of", "2026-03-02T14:30:00Z", "--fail-on", "breach").exit_code == 1
    assert cli("sla", "check", "--as-of", "2026-03-02T10:00:00Z", "--fail-on", "breach").exit_code == 0


def test_nagios_golden_lines(cli, store):
    ok = cli("sla", "check", "--as-of", "2026-03-02T10:00:00Z", "--format", "nagios")
    assert ok.exit_code == 0
    assert ok.stdout == ("SLA OK - no SLA breached or at risk in 1 open ticket | "
                         "breached=0;;1;0 at_risk=0;1;;0 open=1;;;0 oldest_overdue=0s;;;0 data_age=7200s;93600;;0\n")
    warn = cli("sla", "check", "--as-of", "2026-03-02T10:50:00Z", "--format", "nagios")
    assert warn.exit_code == 1
    assert warn.stdout.splitlines() == [
        "SLA WARNING - 0 breached, 1 at risk of 1 open ticket | "
        "breached=0;;1;0 at_risk=1;1;;0 open=1;;;0 oldest_overdue=0s;;;0 data_age=10200s;93600;;0",
        "F2 first_response at risk (10m left; Frappe)"]
    crit = cli("sla", "check", "--as-of", "2026-03-02T14:30:00Z", "--format", "nagios")
    assert crit.exit_code == 2
    lines = crit.stdout.splitlines()
    # open = not finally resolved by then: F1, F2 and V1 (solved 14:00-16:00, finally at 18:00)
    assert lines[0] == ("SLA CRITICAL - 2 breached, 0 at risk of 3 open tickets | "
                        "breached=2;;1;0 at_risk=0;1;;0 open=3;;;0 oldest_overdue=12600s;;;0 "
                        "data_age=12600s;93600;;0")
    assert lines[1] == "F2 first_response breached (overdue by 3h 30m; Frappe)"
    perf = lines[0].split(" | ")[1].split()
    assert all(p.split("=")[0].isidentifier() and len(p.split("=")[1].split(";")) == 4 for p in perf)


def test_nagios_unknown_on_errors_and_usage_errors(cli, store, tmp_path):
    bad = cli("sla", "check", "--as-of", "nope", "--format", "nagios")
    assert bad.exit_code == 3 and bad.stdout.startswith("SLA UNKNOWN - --as-of 'nope'")
    missing = cli("--db", "missing.db", "sla", "check", "--format", "nagios")
    assert missing.exit_code == 3 and missing.stdout.startswith("SLA UNKNOWN - no database")
    usage = subprocess.run([sys.executable, "-m", "cstool", "sla", "check", "--format", "nagios", "--team"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert usage.returncode == 3 and usage.stdout.startswith("SLA UNKNOWN")


def test_unknown_ticket_is_66(cli, store):
    result = cli("sla", "show", "NOPE")
    assert result.exit_code == 66 and "no ticket 'NOPE'" in result.stderr


def test_clocks_are_stored_and_refreshed_when_config_changes(cli, store, tmp_path):
    import sqlite3

    as_json(cli("sla", "check", "--as-of", "2026-03-02T14:30:00Z", "--format", "json"))
    conn = sqlite3.connect(tmp_path / "cstool.db")
    assert conn.execute("SELECT count(*) FROM sla_clocks").fetchone()[0] >= 20
    before = conn.execute("SELECT value FROM sla_meta WHERE key = 'fingerprint'").fetchone()[0]
    (tmp_path / "cstool.toml").write_text(CONFIG.replace('high   = { first_response = "1h"',
                                                         'high   = { first_response = "5h"'))
    doc = as_json(cli("sla", "check", "--as-of", "2026-03-02T14:30:00Z", "--format", "json"))
    assert ("F1", "first_response") not in {(f["ticket_id"], f["metric"]) for f in doc}
    assert conn.execute("SELECT value FROM sla_meta WHERE key = 'fingerprint'").fetchone()[0] != before


def test_sample_data_has_breaches_and_risks_in_every_team(cli, demo_db):
    doc = as_json(cli("--db", demo_db, "--config", _sample_config(), "sla", "check", "--as-of", REFERENCE,
                      "--format", "json"))
    teams = {f["team"] for f in doc if f["state"] == "breached"}
    assert teams == {"Billing", "Technical", "Onboarding", "Accounts"}
    assert {f["state"] for f in doc} == {"breached", "at_risk"}
    first = doc[0]
    clocks = as_json(cli("--db", demo_db, "--config", _sample_config(), "sla", "show", first["ticket_id"],
                         "--as-of", REFERENCE, "--format", "json"))
    assert any(c["state"] == "breached" and c["metric"] == first["metric"] for c in clocks)
    assert set(clocks[0]) >= {"metric", "state", "policy", "calendar", "target_seconds", "started_at", "due_at",
                              "stopped_at", "elapsed_business_seconds", "paused_seconds", "remaining_seconds"}


def _sample_config():

    return SAMPLE_CONFIG


def test_only_touched_tickets_are_recomputed(cli, store, tmp_path):
    from cstool.config import load_config
    from cstool.services.sla import SlaEngine, refresh_clocks
    from cstool.store import open_store

    engine = SlaEngine(load_config(tmp_path / "cstool.toml"))
    with open_store(tmp_path / "cstool.db") as db:
        assert refresh_clocks(db, engine) == 10
        assert refresh_clocks(db, engine) == 0
    write(tmp_path / "e2.csv", "ticket_id,at,type,value\nF1,2026-03-02T11:10:00Z,agent_reply,Ana\n")
    assert cli("import", "events", "e2.csv").exit_code == 0
    with open_store(tmp_path / "cstool.db") as db:
        assert refresh_clocks(db, engine) == 1
    assert show(cli, "F1", "2026-03-02T12:00:00Z")[("first_response", 0)]["state"] == "met"
    doc = as_json(cli("sla", "check", "--as-of", "2026-03-02T14:30:00Z", "--format", "json"))
    assert ("F1", "first_response") not in {(f["ticket_id"], f["metric"]) for f in doc}


def test_as_of_before_later_data_is_computed_live(cli, store):
    # V1 is solved at 18:00, but at 16:30 its second next-response cycle is running and at risk
    doc = as_json(cli("sla", "check", "--as-of", "2026-03-02T16:30:00Z", "--format", "json"))
    assert ("V1", "next_response", 2, "at_risk") in {(f["ticket_id"], f["metric"], f["cycle"], f["state"]) for f in doc}


def test_include_running_and_csv_output(cli, store):
    doc = as_json(cli("sla", "check", "--as-of", "2026-03-02T11:30:00Z", "--include", "running", "--format", "json"))
    # breached first, then the running clocks by deadline (12:00, 13:00, 14:00, 15:00, 19:00)
    assert [(f["ticket_id"], f["metric"], f["state"]) for f in doc] == [
        ("F2", "first_response", "breached"), ("F1", "first_response", "running"), ("V1", "first_response", "running"),
        ("F2", "resolution", "running"), ("F1", "resolution", "running"), ("V1", "resolution", "running")]
    csv_out = cli("sla", "check", "--as-of", "2026-03-02T11:30:00Z", "--format", "csv").stdout
    assert csv_out == ("source,ticket_id,subject,priority,team,assignee,metric,cycle,state,due_at,remaining_seconds,"
                       "overdue_seconds,policy,calendar\n"
                       "generic,F2,f2,high,Billing,Ana,first_response,0,breached,2026-03-02T11:00:00+00:00,-1800,1800,"
                       "Frappe,frappe\n")


SHIFTS = """
[defaults]
timezone = "Etc/UTC"

[calendars.nights]
timezone = "Etc/UTC"
hours = { mon = "22:00-06:00", tue = "22:00-06:00", wed = "22:00-06:00", thu = "22:00-06:00", fri = "22:00-06:00" }

[calendars.office]
timezone = "Europe/Berlin"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00" }
holidays = ["2026-12-25", "2026-12-26"]

[calendars.office.dates]
"2026-12-24" = "09:00-12:00"

[[sla.policies]]
name = "Night shift"
when = { team = ["Night"] }
calendar = "nights"
[sla.policies.targets]
high = { first_response = "1h", resolution = "4h" }

[[sla.policies]]
name = "Office"
calendar = "office"
[sla.policies.targets]
high = { first_response = "1h", resolution = "4h" }
"""


@pytest.mark.parametrize("ticket, created, response, resolution", [
    ("N1", "2026-03-02T21:00:00Z", "2026-03-02T23:00:00+00:00", "2026-03-03T02:00:00+00:00"),  # Monday's night
    ("N2", "2026-03-06T05:00:00Z", "2026-03-06T06:00:00+00:00", "2026-03-07T01:00:00+00:00"),  # Thursday's, then Friday's
    ("X1", "2026-12-24T09:00:00Z", "2026-12-24T10:00:00+00:00", "2026-12-28T10:00:00+00:00"),  # Christmas Eve half day
])
def test_night_shift_and_half_day_inside_sla_targets(cli, tmp_path, ticket, created, response, resolution):
    (tmp_path / "cstool.toml").write_text(SHIFTS)
    team = "Night" if ticket.startswith("N") else "Office"
    write(tmp_path / "t.csv", f"id,subject,priority,status,team,created_at\n{ticket},s,high,open,{team},{created}\n")
    assert cli("import", "tickets", "t.csv").exit_code == 0
    clocks = show(cli, ticket, created)
    assert (clocks[("first_response", 0)]["due_at"], clocks[("resolution", 0)]["due_at"]) == (response, resolution)
    assert clocks[("resolution", 0)]["policy"] == ("Night shift" if team == "Night" else "Office")


@pytest.mark.parametrize("option, value, says", [
    ("--priority", "urgnet", "did you mean 'urgent'?); valid values: urgent, high, normal, low"),
    ("--policy", "VIPP", "did you mean 'VIP'?); valid values: VIP, Urgent around the clock, Standard"),
])
def test_a_filter_outside_its_vocabulary_is_a_usage_error_never_an_all_clear(cli, demo_db, option, value, says):
    args = ("--db", demo_db, "--config", SAMPLE_CONFIG, "sla", "check", "--as-of", REFERENCE, option, value)
    result = cli(*args)
    assert result.exit_code == 2 and says in result.stderr and result.stdout == ""
    nagios = cli(*args, "--format", "nagios")
    assert nagios.exit_code == 3 and nagios.stdout.startswith("SLA UNKNOWN - ") and says in nagios.stdout


def test_a_team_no_ticket_has_is_warned_about_and_unknown_to_nagios(cli, demo_db):
    args = ("--db", demo_db, "--config", SAMPLE_CONFIG, "sla", "check", "--as-of", REFERENCE, "--team", "Bilxing")
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0 and result.stdout == "[]\n"
    assert "warning: --team 'Bilxing' matches no ticket in the store; closest: Billing" in result.stderr
    nagios = cli(*args, "--format", "nagios")
    assert nagios.exit_code == 3 and "matches no ticket in the store; closest: Billing" in nagios.stdout


def test_the_headline_counts_follow_the_filters(cli, demo_db):
    base = ("--db", demo_db, "--config", SAMPLE_CONFIG, "sla", "check", "--as-of", REFERENCE, "--format", "nagios")
    every = cli(*base).stdout.split(" | ")[0]
    billing = cli(*base, "--team", "billing").stdout.split(" | ")[0]
    urgent = cli(*base, "--priority", "Critical").stdout.split(" | ")[0]
    assert every == "SLA CRITICAL - 15 breached, 6 at risk of 79 open tickets"
    assert billing == "SLA CRITICAL - 5 breached, 3 at risk of 25 open tickets"
    assert urgent == "SLA CRITICAL - 1 breached, 0 at risk of 2 open tickets"


def test_a_relative_as_of_is_echoed_as_the_instant_it_stands_for(cli, demo_db):
    result = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "sla", "check", "--as-of", "yesterday", "-f", "json")
    assert result.exit_code == 0
    assert re.search(r"cstool: --as-of yesterday = \d{4}-\d\d-\d\dT00:00:00\+0[12]:00", result.stderr)
    quiet = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "--quiet", "sla", "check", "--as-of", "-2h", "-f", "json")
    assert quiet.exit_code == 0 and "--as-of" not in quiet.stderr
