"""`cstool kpi`: the json shape, grouping, comparison, options, the top issues, and figures on real exports."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_CONFIG, as_json, write

D, H = 86400, 3600


KPI_CONFIG = '[defaults]\ntimezone = "Etc/UTC"\n'


def test_kpi_command_json_shape_groups_and_compare(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(KPI_CONFIG)
    write(tmp_path / "t.csv", "id,channel,priority,status,created_at,first_response_at,resolved_at,replies,reopens\n"
          "A,email,normal,solved,2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,2026-03-02T12:00:00Z,1,0\n"
          "B,chat,high,open,2026-03-03T09:00:00Z,2026-03-03T09:10:00Z,,1,0\n"
          "C,email,low,solved,2026-02-24T09:00:00Z,,2026-02-25T09:00:00Z,2,1\n")
    write(tmp_path / "s.csv", "id,ticket_id,kind,score,submitted_at\nS1,A,csat,5,2026-03-02T13:00:00Z\n"
          "S2,C,csat,2,2026-02-25T10:00:00Z\n")
    assert cli("import", "tickets", "t.csv").exit_code == 0
    assert cli("import", "surveys", "s.csv").exit_code == 0
    doc = as_json(cli("kpi", "--since", "2026-03-02", "--until", "2026-03-09", "--by", "channel", "--compare",
                      "previous", "--format", "json"))
    assert (doc["since"], doc["until"], doc["timezone"]) == ("2026-03-02T00:00:00+00:00", "2026-03-09T00:00:00+00:00",
                                                             "Etc/UTC")
    m = doc["metrics"]
    assert m["tickets_created"] == {"value": 2, "n": 2, "low_sample": True, "explain": (
        "cstool kpi --since 2026-03-02T00:00:00+00:00 --until 2026-03-09T00:00:00+00:00 --by channel "
        "--explain tickets_created")}
    assert (m["tickets_resolved"]["value"], m["backlog"]["value"], m["csat_pct"]["value"]) == (1, 1, 100.0)
    assert m["first_response_median_s"]["value"] == 1200.0 and m["resolution_median_s"]["value"] == 3 * H
    assert m["churn_pct"]["value"] is None
    assert [(g["key"], g["metrics"]["tickets_created"]["value"]) for g in doc["groups"]] == [
        ({"channel": "chat"}, 1), ({"channel": "email"}, 1)]
    prev = doc["previous"]
    assert prev["since"] == "2026-02-23T00:00:00+00:00" and prev["metrics"]["csat_pct"]["value"] == 0.0
    assert prev["delta"]["csat_pct"] == 100.0 and prev["delta"]["tickets_created"] == 1


def test_kpi_by_week_and_two_dimensions_and_bad_options(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(KPI_CONFIG)
    write(tmp_path / "t.csv", "id,channel,status,created_at\nA,email,open,2026-03-02T09:00:00Z\n"
          "B,chat,open,2026-03-10T09:00:00Z\n")
    assert cli("import", "tickets", "t.csv", "--preset", "generic").exit_code == 0
    doc = as_json(cli("kpi", "--since", "2026-03-02", "--until", "2026-03-16", "--by", "week", "--by", "channel",
                      "--format", "json"))
    created = {(g["key"]["week"], g["key"]["channel"]): g["metrics"]["tickets_created"]["value"] for g in doc["groups"]}
    assert created == {("2026-W10", "chat"): 0, ("2026-W10", "email"): 1, ("2026-W11", "chat"): 1,
                       ("2026-W11", "email"): 0}
    assert cli("kpi", "--by", "colour").exit_code == 2
    assert cli("kpi", "--by", "day", "--by", "week").exit_code == 2
    assert cli("kpi", "--since", "2026-03-02").exit_code == 2
    md = cli("kpi", "--since", "2026-03-02", "--until", "2026-03-16", "--format", "markdown").stdout
    assert "| Tickets created | 2 * | 2 |  |  |" in md
    html = cli("kpi", "--since", "2026-03-02", "--until", "2026-03-16", "--format", "html").stdout
    assert '<td>Tickets created <sup><a href="#note-1">1</a></sup></td><td>2 *</td>' in html
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html and html.endswith("</html>\n")


def test_zendesk_export_kpis(cli, shared_data):
    assert cli("--db", "z.db", "import", "tickets", shared_data / "zendesk_export_plum.csv").exit_code == 0
    doc = as_json(cli("--db", "z.db", "kpi", "--since", "2023-04-01", "--until", "2023-07-01", "--format", "json"))
    assert {k: v for k, v in doc["metrics"]["csat_pct"].items() if k != "explain"} == \
        {"value": 88.56, "n": 813, "low_sample": False}
    assert doc["metrics"]["backlog"]["value"] == 2067


def test_kaggle_csat_on_its_ratings(cli, shared_data):
    assert cli("--db", "k.db", "import", "tickets", shared_data / "kaggle_customer_support_tickets.csv").exit_code == 0
    doc = as_json(cli("--db", "k.db", "kpi", "--period", "all", "--as-of", "2030-01-01T00:00:00Z", "--format", "json"))
    assert doc["metrics"]["csat_responses"]["value"] == 2769
    assert doc["metrics"]["csat_pct"]["value"] == pytest.approx(100 * (544 + 543) / 2769, abs=0.01)


def test_top_issues_on_the_sample_data(cli, demo_db):

    from conftest import REFERENCE

    config = SAMPLE_CONFIG
    out = cli("--db", demo_db, "--config", config, "kpi", "--as-of", REFERENCE).stdout
    assert "Top issues (tags by volume, change vs the previous" in out
    row = next(line for line in out.splitlines() if line.startswith("import "))
    assert row.split() == ["import", "43", "+14", "10.3%", "9.5%"]
