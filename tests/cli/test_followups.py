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
