"""`cstool customer`: found by id or e-mail in any case."""

from __future__ import annotations

from conftest import as_json


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
