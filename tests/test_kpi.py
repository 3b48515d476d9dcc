"""KPI formulas with hand-computed values, periods, and the kpi command (json exactly)."""

from __future__ import annotations

import pytest
from conftest import as_json, write

from cstool.core import kpi, periods

D, H = 86400, 3600
SINCE, UNTIL = 1_000 * D, 1_007 * D  # a 7-day period


def t(created, first=None, resolved=None, status="solved", reopens=0, replies=1, findings=None, **extra):
    return {"created_at": created, "first_response_at": first, "resolution_at": resolved, "status": status,
            "reopens": reopens, "replies": replies, "findings": findings, "reported": {}, **extra}


def test_volumes_backlog_and_ages():
    tickets = [t(SINCE + H, SINCE + 2 * H, SINCE + 5 * H),                 # created and resolved in period
               t(SINCE - D, None, SINCE + H),                              # resolved in period only
               t(SINCE + 6 * D, status="open"),                            # open at the end, 1 day old
               t(SINCE - 40 * D, status="pending"),                        # open, > 30 days
               t(SINCE + D, None, UNTIL + H),                              # solved after the end: backlog
               t(UNTIL + H, status="open")]                                # after the period: nothing
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert (f["tickets_created"].value, f["tickets_resolved"].value, f["backlog"].value) == (3, 2, 3)
    assert f["backlog_age_<1d"].value == 0 and f["backlog_age_1-3d"].value == 1
    assert f["backlog_age_3-7d"].value == 1 and f["backlog_age_>30d"].value == 1


def test_durations_median_p90_mean_and_findings_excluded():
    tickets = [t(SINCE + i * H, SINCE + i * H + m * 60) for i, m in enumerate([10, 20, 30, 40, 50])]
    tickets.append(t(SINCE, SINCE - 60, findings="response_before_created"))
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert f["first_response_median_s"] == kpi.Figure(1800.0, 5)
    assert f["first_response_p90_s"].value == 3000  # nearest rank: ceil(0.9 * 5) = 5th
    assert f["first_response_mean_s"].value == 1800.0
    assert f["first_response_median_s"].low_sample


def test_resolution_minus_paused_time_and_business_variant():
    tickets = [t(SINCE, None, SINCE + 10 * H, resolution_paused_s=4 * H, resolution_business_s=3 * H),
               t(SINCE, None, SINCE + 2 * H, reported={"full_resolution_business": 600})]
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert f["resolution_median_s"].value == (6 * H + 2 * H) / 2
    assert f["resolution_business_median_s"].value == (3 * H + 600) / 2  # stored clock, else vendor value


def test_fcr_and_reopen():
    tickets = [t(SINCE, None, SINCE + H, replies=1), t(SINCE, None, SINCE + H, replies=0),
               t(SINCE, None, SINCE + H, replies=1, reopens=1), t(SINCE, None, SINCE + H, replies=3)]
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert f["fcr_pct"] == kpi.Figure(50.0, 4)
    assert f["reopen_pct"] == kpi.Figure(25.0, 4)


def test_all_pending_and_no_surveys():
    f = kpi.compute_kpis([t(SINCE, status="pending"), t(SINCE, status="pending")], [], [], None, SINCE, UNTIL)
    assert f["backlog"].value == 2 and f["tickets_resolved"].value == 0
    assert f["fcr_pct"].value is None and f["csat_pct"] == kpi.Figure(None, 0)
    assert f["nps"].value is None and f["churn_pct"].value is None and f["clv"].value is None


def test_csat_with_good_bad_and_numeric():
    surveys = [{"kind": "csat", "score": 5, "label": None}, {"kind": "csat", "score": 4, "label": None},
               {"kind": "csat", "score": 2, "label": None}, {"kind": "csat", "score": None, "label": "good"},
               {"kind": "csat", "score": None, "label": "bad"}]
    f = kpi.csat(surveys)
    assert f["csat_pct"] == kpi.Figure(60.0, 5)  # 5, 4, good of 5
    assert f["csat_avg"] == kpi.Figure(3.67, 3)


def test_nps_on_a_one_to_ten_scale_and_ces():
    scores = [10, 9, 8, 7, 6, 1, 9, 10, 3, 5]  # 4 promoters, 2 passives, 4 detractors
    f = kpi.nps([{"kind": "nps", "score": s} for s in scores])
    assert (f["nps"].value, f["promoters_pct"].value, f["passives_pct"].value, f["detractors_pct"].value) == (
        0.0, 40.0, 20.0, 40.0)
    c = kpi.ces([{"kind": "ces", "score": s} for s in (7, 6, 5, 4, 1)])
    assert (c["ces_avg"].value, c["ces_easy_pct"].value) == (4.6, 60.0)


def test_sla_compliance():
    clocks = [{"metric": "first_response", "stopped_at": SINCE + H, "due_at": SINCE + 2 * H},   # met
              {"metric": "first_response", "stopped_at": SINCE + 3 * H, "due_at": SINCE + 2 * H},  # breached
              {"metric": "first_response", "stopped_at": None, "due_at": SINCE + D},             # running past due
              {"metric": "first_response", "stopped_at": None, "due_at": UNTIL + D},             # not yet due
              {"metric": "resolution", "stopped_at": SINCE + H, "due_at": SINCE + H}]            # met (not strict)
    f = kpi.sla_kpis(clocks, SINCE, UNTIL)
    assert f["sla_first_response_pct"] == kpi.Figure(33.33, 3)
    assert f["sla_resolution_pct"] == kpi.Figure(100.0, 1)


def test_churn_and_clv():
    customers = [{"signup_at": 0, "churned_at": SINCE + D, "revenue": 100.0},
                 {"signup_at": 0, "churned_at": None, "revenue": 300.0},
                 {"signup_at": 0, "churned_at": SINCE - D, "revenue": 50.0},   # gone before: not counted
                 {"signup_at": SINCE + D, "churned_at": None, "revenue": 10.0},  # joined during: not at start
                 {"signup_at": 0, "churned_at": None, "revenue": 200.0},
                 {"signup_at": 0, "churned_at": None, "revenue": 200.0}]
    f = kpi.churn_kpis(customers, SINCE, UNTIL)
    assert f["churn_pct"] == kpi.Figure(25.0, 4)
    assert f["clv"].value == 800.0  # mean revenue 200 / 0.25


def test_periods_in_a_time_zone_and_a_dst_week():
    as_of = 1774972800  # 2026-03-31T16:00Z, a Tuesday
    assert periods.named_period("last-week", as_of, "Europe/Berlin") == (1774220400, 1774821600)
    since, until = periods.named_period("last-week", as_of, "Europe/Berlin")
    assert until - since == 7 * D - H  # the week clocks went forward has 167 hours
    assert periods.named_period("yesterday", as_of, "UTC") == (1774828800, 1774915200)
    assert periods.named_period("mtd", as_of, "UTC") == (1772323200, as_of)
    assert periods.named_period("last-month", as_of, "UTC") == (1769904000, 1772323200)
    assert periods.named_period("qtd", as_of, "UTC")[0] == 1767225600
    weeks = periods.split(since, until, "day", "Europe/Berlin")
    assert len(weeks) == 7 and weeks[6][0] == "2026-03-29" and weeks[6][2] - weeks[6][1] == 23 * H


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
    assert m["tickets_created"] == {"value": 2, "n": 2, "low_sample": True}
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
    assert "| tickets_created | 2 * | 2 |" in md
    html = cli("kpi", "--since", "2026-03-02", "--until", "2026-03-16", "--format", "html").stdout
    assert "<td>tickets_created</td><td>2 *</td>" in html


def test_zendesk_export_kpis(cli, shared_data):
    assert cli("--db", "z.db", "import", "tickets", shared_data / "zendesk_export_plum.csv").exit_code == 0
    doc = as_json(cli("--db", "z.db", "kpi", "--since", "2023-04-01", "--until", "2023-07-01", "--format", "json"))
    assert doc["metrics"]["csat_pct"] == {"value": 88.56, "n": 813, "low_sample": False}
    assert doc["metrics"]["backlog"]["value"] == 2067


def test_kaggle_csat_on_its_ratings(cli, shared_data):
    assert cli("--db", "k.db", "import", "tickets", shared_data / "kaggle_customer_support_tickets.csv").exit_code == 0
    doc = as_json(cli("--db", "k.db", "kpi", "--period", "all", "--as-of", "2030-01-01T00:00:00Z", "--format", "json"))
    assert doc["metrics"]["csat_responses"]["value"] == 2769
    assert doc["metrics"]["csat_pct"]["value"] == pytest.approx(100 * (544 + 543) / 2769, abs=0.01)


def test_top_issues_on_the_sample_data(cli, demo_db):
    from pathlib import Path

    from conftest import REFERENCE

    config = Path(__file__).resolve().parents[1] / "sample_data" / "cstool.toml"
    out = cli("--db", demo_db, "--config", config, "kpi", "--as-of", REFERENCE).stdout
    assert "Top issues (tags by volume, change vs the previous" in out
    row = next(line for line in out.splitlines() if line.startswith("│ import "))
    assert [cell.strip() for cell in row.strip("│").split("│")] == ["import", "43", "+14", "10.3%", "9.5%"]
