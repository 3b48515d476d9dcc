"""`cstool escalations`: json, --new-since across runs, empty tiers, and the sample data's queues."""

from __future__ import annotations

import pytest
from conftest import REFERENCE, SAMPLE_CONFIG, as_json, write

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


def test_sample_data_escalates_into_several_tiers_with_varied_reasons(cli, demo_db):
    config = SAMPLE_CONFIG
    queue = as_json(cli("--db", demo_db, "--config", config, "escalations", "--as-of", REFERENCE, "--format", "json"))
    tiers = {e["tier"] for e in queue}
    assert {"Management", "Team lead", "Tier 2", "Tier 1 lead"} <= tiers
    codes = {r["code"] for e in queue for r in e["reasons"]}
    assert {"sla_used", "breached_for", "reopens", "nps_detractor", "low_csat"} <= codes
