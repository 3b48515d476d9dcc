"""Escalation rules (pure), the queues through the CLI, follow-ups and the customer view."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REFERENCE, as_json, write

from cstool.core.escalation import Rule, Signals, Tier, escalate
from cstool.core.sla.duration import Duration

AS_OF = 1_800_000_000
H = 3600


def ticket(**fields):
    base = {"id": "T1", "priority": "normal", "team": "Billing", "assignee": "Ana", "customer_tier": "standard",
            "created_at": AS_OF - 2 * H, "reopens": 0, "tags": []}
    return {**base, **fields}


def fire(rule: Rule, signals: Signals):
    return escalate(signals, (Tier("T", (rule,)),), AS_OF)


@pytest.mark.parametrize("rule, signals, text", [
    (Rule(sla_used=0.5), Signals(ticket(), [("resolution", "running", 0.8, 0, AS_OF + H)]),
     "resolution 80% of target used"),
    (Rule(sla_used=1.0), Signals(ticket(), [("first_response", "breached", 1.3, 600, AS_OF - 600)]),
     "first_response breached"),
    (Rule(metric="resolution", breached_for=Duration(4 * H)),
     Signals(ticket(), [("resolution", "breached", 2.0, 5 * H + 600, AS_OF - 5 * H)]), "resolution breached 5h 10m ago"),
    (Rule(priority=("urgent",), unassigned_for=Duration(1800)),
     Signals(ticket(priority="urgent", assignee=None), []), "urgent priority; unassigned for 2h"),
    (Rule(reopens=2), Signals(ticket(reopens=3), []), "reopened 3 times"),
    (Rule(csat_at_most=2), Signals(ticket(), [], latest_csat=(1.0, 1795000000)), "CSAT 1 on 2026-11-18"),
    (Rule(nps_detractor=True), Signals(ticket(), [], latest_nps=(3.0, 1795000000)), "NPS detractor (3) on 2026-11-18"),
    (Rule(customer_tier=("vip",)), Signals(ticket(customer_tier="VIP"), []), "VIP"),
    (Rule(age=Duration(H)), Signals(ticket(), []), "open for 2h"),
    (Rule(tags=("outage",)), Signals(ticket(tags=["outage", "api"]), []), "tagged outage"),
    (Rule(team=("Billing",)), Signals(ticket(), []), "team Billing"),
])
def test_each_rule_kind_fires_with_its_reason(rule, signals, text):
    tier, reasons = fire(rule, signals)
    assert tier == "T"
    assert "; ".join(r.text for r in reasons) == text


@pytest.mark.parametrize("rule, signals", [
    (Rule(sla_used=0.5), Signals(ticket(), [("resolution", "running", 0.49, 0, AS_OF + H)])),
    (Rule(metric="first_response", sla_used=0.5), Signals(ticket(), [("resolution", "running", 0.9, 0, AS_OF)])),
    (Rule(breached_for=Duration(4 * H)), Signals(ticket(), [("resolution", "breached", 2.0, 4 * H, AS_OF)])),
    (Rule(priority=("urgent",), unassigned_for=Duration(1800)), Signals(ticket(priority="urgent"), [])),
    (Rule(reopens=2), Signals(ticket(reopens=1), [])),
    (Rule(csat_at_most=2), Signals(ticket(), [], latest_csat=(3.0, AS_OF))),
    (Rule(csat_at_most=2), Signals(ticket(), [])),
    (Rule(nps_detractor=True), Signals(ticket(), [], latest_nps=(7.0, AS_OF))),
    (Rule(customer_tier=("vip",)), Signals(ticket(), [])),
    (Rule(age=Duration(3 * H)), Signals(ticket(), [])),
    (Rule(tags=("outage",)), Signals(ticket(tags=["api"]), [])),
    (Rule(team=("Tech",)), Signals(ticket(), [])),
])
def test_rules_that_do_not_hold_do_not_fire(rule, signals):
    assert fire(rule, signals) == (None, [])


def test_highest_tier_wins_and_every_reason_is_kept():
    tiers = (Tier("Tier 1", (Rule(sla_used=0.5),)), Tier("Tier 2", (Rule(reopens=2),)),
             Tier("Lead", (Rule(customer_tier=("vip",)),)), Tier("Mgmt", (Rule(tags=("legal",)),)))
    signals = Signals(ticket(reopens=2, customer_tier="vip"), [("resolution", "running", 0.6, 0, AS_OF + H)])
    tier, reasons = escalate(signals, tiers, AS_OF)
    assert tier == "Lead"
    assert [r.code for r in reasons] == ["sla_used", "reopens", "customer_tier"]


CONFIG = """
[defaults]
timezone = "Etc/UTC"

[[sla.policies]]
name = "All"
[sla.policies.targets]
normal = { first_response = "1h", resolution = "8h" }

[[escalation.tiers]]
name = "Tier 1"
rules = [{ sla_used = "50%" }]

[[escalation.tiers]]
name = "Lead"
rules = [{ sla_used = "100%" }, { csat_at_most = 2 }]
"""


@pytest.fixture
def queue_store(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(CONFIG)
    write(tmp_path / "t.csv", "id,subject,priority,status,customer_id,customer_email,assignee,created_at\n"
          "A,a,normal,open,C1,ann@example.com,Ana,2026-03-02T09:00:00Z\n"
          "B,b,normal,open,C2,bob@example.com,,2026-03-02T09:20:00Z\n")
    write(tmp_path / "s.csv", "id,ticket_id,customer_id,kind,score,comment,submitted_at\n"
          "S1,,C2,csat,1,awful,2026-03-01T12:00:00Z\nS2,,C1,nps,9,great,2026-03-01T12:00:00Z\n"
          "S3,,C1,nps,3,meh,2026-02-01T12:00:00Z\n")
    write(tmp_path / "c.csv", "id,email,name,tier,signup_at,churned_at,revenue\n"
          "C1,Ann@Example.com,Ann,vip,2024-01-01T00:00:00Z,,4900\n")
    for kind, name in (("tickets", "t.csv"), ("surveys", "s.csv"), ("customers", "c.csv")):
        assert cli("import", kind, name).exit_code == 0
    return tmp_path


def test_queues_json_and_new_since_across_runs(cli, queue_store):
    first = as_json(cli("escalations", "--as-of", "2026-03-02T09:35:00Z", "--format", "json"))
    # A: 35m of the 1h first response used (58%) -> Tier 1; B: its customer gave CSAT 1 -> Lead
    assert [(e["ticket_id"], e["tier"]) for e in first] == [("B", "Lead"), ("A", "Tier 1")]
    assert first[1]["reasons"] == [{"code": "sla_used", "text": "first_response 58% of target used"}]
    assert first[0]["reasons"] == [{"code": "low_csat", "text": "CSAT 1 on 2026-03-01"}]
    assert set(first[1]) >= {"tier", "ticket_id", "reasons", "due_at", "remaining_seconds"}
    again = as_json(cli("escalations", "--as-of", "2026-03-02T09:35:00Z", "--format", "json"))
    assert again == first  # recording the same as_of twice is idempotent
    later = as_json(cli("escalations", "--as-of", "2026-03-02T10:05:00Z", "--new-since", "LAST", "--format", "json"))
    # A moved up to Lead (first response breached); B stayed in Lead: only A is new
    assert [(e["ticket_id"], e["tier"]) for e in later] == [("A", "Lead")]
    since = as_json(cli("escalations", "--as-of", "2026-03-02T10:05:00Z", "--new-since", "2026-03-02T09:35:00Z",
                        "--format", "json"))
    assert [e["ticket_id"] for e in since] == ["A"]


def test_empty_tier_says_so_in_one_line(cli, queue_store):
    out = cli("escalations", "--as-of", "2026-03-02T09:25:00Z").stdout
    assert "Tier 1: no tickets" in out
    assert "Lead: 1 tickets" in out


def test_followups_done_and_undo(cli, queue_store):
    rows = as_json(cli("followups", "--as-of", "2026-03-02T10:00:00Z", "--days", "60", "--format", "json"))
    assert [(r["survey_id"], r["score"]) for r in rows] == [("S1", 1), ("S3", 3)]
    assert cli("followups", "done", "S1", "--note", "called back").exit_code == 0
    rows = as_json(cli("followups", "--as-of", "2026-03-02T10:00:00Z", "--days", "60", "--format", "json"))
    assert [r["survey_id"] for r in rows] == ["S3"]
    assert cli("followups", "undo", "S1").exit_code == 0
    rows = as_json(cli("followups", "--as-of", "2026-03-02T10:00:00Z", "--days", "60", "--format", "json"))
    assert [r["survey_id"] for r in rows] == ["S1", "S3"]
    assert cli("followups", "done", "NOPE").exit_code == 66


def test_customer_by_id_and_by_email_any_case(cli, queue_store):
    by_id = as_json(cli("customer", "C1", "--as-of", "2026-03-02T10:00:00Z", "--format", "json"))
    by_mail = as_json(cli("customer", "ANN@example.COM", "--as-of", "2026-03-02T10:00:00Z", "--format", "json"))
    assert by_id == by_mail
    assert by_id["customer"]["tier"] == "vip" and by_id["customer"]["churned"] is False
    assert by_id["health"]["open_tickets"] == 1
    assert by_id["health"]["nps"] == [["2026-03-01T12:00:00+00:00", 9.0], ["2026-02-01T12:00:00+00:00", 3.0]]
    assert [e["kind"] for e in by_id["timeline"]] == ["ticket", "nps", "nps"]
    result = cli("customer", "nobody@example.com")
    assert result.exit_code == 66 and "no customer 'nobody@example.com'" in result.stderr


def test_sample_data_escalates_into_several_tiers_with_varied_reasons(cli, demo_db):
    config = Path(__file__).resolve().parents[1] / "sample_data" / "cstool.toml"
    queue = as_json(cli("--db", demo_db, "--config", config, "escalations", "--as-of", REFERENCE, "--format", "json"))
    tiers = {e["tier"] for e in queue}
    assert {"Management", "Team lead", "Tier 2", "Tier 1 lead"} <= tiers
    codes = {r["code"] for e in queue for r in e["reasons"]}
    assert {"sla_used", "breached_for", "reopens", "nps_detractor", "low_csat"} <= codes
