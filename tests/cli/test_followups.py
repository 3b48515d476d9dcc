"""`cstool followups`, `followups done` and `followups undo`."""

from __future__ import annotations

from conftest import as_json


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


def test_customers_imported_under_two_sources_give_one_row_per_answer(cli, queue_store):
    before = as_json(cli("followups", "--as-of", "2026-03-02T10:00:00Z", "--days", "60", "--format", "json"))
    (queue_store / "c2.csv").write_text("id,email,name,tier\nC1,ann@crm.example,Ann (CRM),gold\n")
    assert cli("import", "customers", "c2.csv", "--source", "crm").exit_code == 0
    after = as_json(cli("followups", "--as-of", "2026-03-02T10:00:00Z", "--days", "60", "--format", "json"))
    assert [r["survey_id"] for r in after] == [r["survey_id"] for r in before] == ["S1", "S3"]
    assert next(r for r in after if r["survey_id"] == "S3")["customer_name"] == "Ann"  # (the survey's own source)
