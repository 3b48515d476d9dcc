"""Churn after a bad experience on a hand-made store: who is active, what counts as bad, who
churned; in `kpi` (table and json) and the report, and what they say without churn dates."""

from __future__ import annotations

import pytest
from conftest import as_json, write

# (the default policy: normal first response within 8 h) C1 breached (answered after 9.5 h), C2 reopened, C3 CSAT 1, C4 and C5 fine, C6 no ticket in the
# period, C7 churned before it; C1, C3 and C4 churned in the period
TICKETS = """id,priority,status,customer_id,created_at,first_response_at,resolved_at,reopens
T1,normal,solved,C1,2026-03-02T09:00:00Z,2026-03-02T18:30:00Z,2026-03-02T19:00:00Z,0
T2,normal,solved,C2,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T10:00:00Z,1
T3,normal,solved,C3,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T10:00:00Z,0
T4,normal,solved,C4,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T10:00:00Z,0
T5,normal,solved,C5,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T10:00:00Z,0
T6,normal,solved,C6,2026-02-02T09:00:00Z,2026-02-02T09:10:00Z,2026-02-02T10:00:00Z,0
T7,normal,solved,C7,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T10:00:00Z,0
"""
SURVEYS = "id,ticket_id,customer_id,kind,score,submitted_at\nS1,T3,C3,csat,1,2026-03-03T09:00:00Z\n" \
          "S2,T4,C4,csat,5,2026-03-03T09:00:00Z\n"
CUSTOMERS = """id,email,churned_at
C1,c1@example.com,2026-03-05T00:00:00Z
C2,c2@example.com,
C3,c3@example.com,2026-03-06T00:00:00Z
C4,c4@example.com,2026-03-06T00:00:00Z
C5,c5@example.com,
C6,c6@example.com,2026-03-06T00:00:00Z
C7,c7@example.com,2026-02-20T00:00:00Z
"""
PERIOD = ("--since", "2026-03-01", "--until", "2026-03-08")


@pytest.fixture
def store(cli, tmp_path):
    for kind, text in (("tickets", TICKETS), ("surveys", SURVEYS)):
        write(tmp_path / f"{kind}.csv", text)
        assert cli("--db", "t.db", "import", kind, f"{kind}.csv").exit_code == 0
    return tmp_path


def test_without_customers_it_says_what_is_missing(cli, store):
    link = as_json(cli("--db", "t.db", "kpi", *PERIOD, "-f", "json"))["churn_link"]
    assert link == {"available": False, "reason": "no customers imported (cstool import customers FILE with "
                                                   "churn dates)"}
    assert "Churn after a bad experience: n/a: no customers imported" in cli("--db", "t.db", "kpi", *PERIOD).stdout
    write(store / "plain.csv", "id,email\nC1,c1@example.com\n")
    assert cli("--db", "t.db", "import", "customers", "plain.csv").exit_code == 0
    assert as_json(cli("--db", "t.db", "kpi", *PERIOD, "-f", "json"))["churn_link"]["reason"] == (
        "none of the 1 imported customers has a churn date (churned_at)")


def test_the_churn_link_by_hand(cli, store):
    write(store / "customers.csv", CUSTOMERS)
    assert cli("--db", "t.db", "import", "customers", "customers.csv").exit_code == 0
    link = as_json(cli("--db", "t.db", "kpi", *PERIOD, "-f", "json"))["churn_link"]
    # active and not churned before: C1-C5; bad: C1 (breach), C2 (reopen), C3 (CSAT 1); churned: C1, C3, C4
    assert link == {"available": True, "bad": {"customers": 3, "churned": 2, "churn_pct": 66.67},
                    "none": {"customers": 2, "churned": 1, "churn_pct": 50.0}, "rate_ratio": 1.333,
                    "ci": link["ci"]}
    assert link["ci"][0] < 1.333 < link["ci"][1]
    table = cli("--db", "t.db", "kpi", *PERIOD, env={"COLUMNS": "200"}).stdout
    assert "66.7% of 3 customers, without: 50.0% of 2; ratio 1.333" in table
    report = cli("--db", "t.db", "report", "--as-of", "2026-03-08T00:00:00Z").stdout
    section = report.split("Does support experience cost customers?")[1].split("\n\n")[0]
    assert "had a bad experience  3       2              66.67%" in section and "ratio: 1.333" in section


def test_the_link_read_beside_the_kpis_equals_the_link_read_in_line(cli, store, monkeypatch):
    """kpi reads the churn link on a second connection of the same snapshot while its passes run;
    with no such reader (a write committed in between) it reads it on its own connection."""
    from cstool.store.connection import Store

    write(store / "customers.csv", CUSTOMERS)
    assert cli("--db", "t.db", "import", "customers", "customers.csv").exit_code == 0
    beside = as_json(cli("--db", "t.db", "kpi", *PERIOD, "-f", "json"))["churn_link"]
    monkeypatch.setattr(Store, "reader", lambda self: None)
    assert as_json(cli("--db", "t.db", "kpi", *PERIOD, "-f", "json"))["churn_link"] == beside
    assert beside["bad"]["customers"] == 3
