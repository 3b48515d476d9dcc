"""`cstool customer`: found by id or e-mail in any case."""

from __future__ import annotations

import pytest
from conftest import as_json, write

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
