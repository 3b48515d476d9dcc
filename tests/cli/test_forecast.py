"""Breach forecasts end to end: p_breach by hand in `sla check --forecast`, the same forecast
from a store that knows only the data up to the instant (no look-ahead), the escalation
condition, the report's section, and the back-test beating both baselines on the sample data
and on generated data."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import pytest
from conftest import REFERENCE, ROOT, SAMPLE_CONFIG, as_json, write

CONFIG = """
[defaults]
timezone = "UTC"

[[sla.policies]]
name = "All"
[sla.policies.targets]
normal = { first_response = "1h", resolution = "8h" }

[[escalation.tiers]]
name = "Watch"
rules = [{ breach_probability = "40%", metric = "first_response" }]
"""
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
X_CREATED = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
AS_OF = X_CREATED + timedelta(minutes=40)


def _history(cut: datetime | None = None) -> str:
    """120 tickets a minute apart answered after 30 minutes (100), 50 (10) or 90 (10), resolved
    after 2 hours, and X, open and unanswered; with `cut`, as an export made at that instant."""
    lines = ["id,priority,status,created_at,first_response_at,resolved_at"]
    for k in range(120):
        created = START + timedelta(minutes=k)
        first = created + timedelta(minutes=(30, 50, 90)[max(k % 12 - 9, 0)])
        resolved = created + timedelta(hours=2)
        known = [t if cut is None or t <= cut else None for t in (first, resolved)]
        status = "solved" if known[1] else "open"
        lines.append(f"H{k},normal,{status},{created.isoformat()},"
                     + ",".join(t.isoformat() if t else "" for t in known))
    if cut is None or cut >= X_CREATED:
        lines.append(f"X,normal,open,{X_CREATED.isoformat()},,")
    return "\n".join(lines) + "\n"


@pytest.fixture
def history(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(CONFIG)
    write(tmp_path / "t.csv", _history())
    assert cli("--db", "t.db", "import", "tickets", "t.csv").exit_code == 0
    return tmp_path


def _forecasts(cli, db: str, at: datetime) -> dict:
    doc = as_json(cli("--db", db, "sla", "check", "--as-of", at.isoformat(), "--forecast", "--include", "running",
                      "--limit", "0", "-f", "json"))
    return {(f["ticket_id"], f["metric"]): (f["state"], f["p_breach"], f["forecast_basis"], f["forecast_n"])
            for f in doc}


def test_p_breach_by_hand(cli, history):
    found = _forecasts(cli, "t.db", AS_OF)
    # first response, 40 minutes in: of the 21 clocks past 40 minutes (X censored there), 10 stop
    # at 50 and 10 at 90: P(D >= 60 | D > 40) = (21/121 x 10/20) / (21/121) = 0.5, and shrunk by
    # the 21 at risk, (21 x 0.5 + 1) / 23 = 0.5
    assert found[("X", "first_response")] == ("running", 0.5, "All, normal, (none), (none)", 121)
    # resolution: every one of the 120 took 2 hours, within the 8-hour target: 0, shrunk to 1/123
    assert found[("X", "resolution")] == ("running", round(1 / 123, 4), "All, normal, (none), (none)", 121)


def test_the_forecast_uses_only_the_data_known_at_the_instant(cli, history, tmp_path):
    for at in (START + timedelta(minutes=70), START + timedelta(minutes=125), AS_OF):
        cut = tmp_path / f"cut{at.hour}{at.minute}.csv"
        write(cut, _history(at))
        db = f"cut{at.hour}{at.minute}.db"
        assert cli("--db", db, "import", "tickets", cut).exit_code == 0
        full, known = _forecasts(cli, "t.db", at), _forecasts(cli, db, at)
        assert full == known and len(full) >= 2


def test_the_escalation_condition_and_the_report(cli, history):
    queue = as_json(cli("--db", "t.db", "escalations", "--as-of", AS_OF.isoformat(), "-f", "json"))
    assert [(e["ticket_id"], e["tier"], e["reasons"]) for e in queue] == [
        ("X", "Watch", [{"code": "breach_probability", "text": "first_response 50% likely to breach"}])]
    report = cli("--db", "t.db", "report", "--as-of", AS_OF.isoformat()).stdout
    section = report.split("Likely to breach today")[1].split("\n\n")[0]
    assert "X       " in section and "first_response  2026-03-03 11:00  50%" in section
    assert "All, normal, (none), (none) (n=121)" in section
    assert "resolution" not in section  # (due today too, but 1 % likely)


def test_the_forecast_column_in_the_table(cli, history):
    table = cli("--db", "t.db", "sla", "check", "--as-of", AS_OF.isoformat(), "--forecast", "--include", "running")
    assert "P(breach)" in table.stdout and "50.0%" in table.stdout
    assert "P(breach)" not in cli("--db", "t.db", "sla", "check", "--as-of", AS_OF.isoformat(), "--include",
                                  "running").stdout


def _beats_baselines(doc: dict) -> None:
    assert set(doc) >= {"brier", "baselines", "reliability", "predictions", "method"}
    assert doc["predictions"] > 500 and sum(r["n"] for r in doc["reliability"]) == doc["predictions"]
    assert doc["brier"] < doc["baselines"]["base_rate"] and doc["brier"] < doc["baselines"]["target_used"]


def test_the_backtest_beats_both_baselines_on_the_sample_data(cli, demo_db):
    doc = as_json(cli("--db", demo_db, "--config", SAMPLE_CONFIG, "forecast", "backtest", "--since", "2026-01-15",
                      "--until", "2026-03-25", "--every", "2d", "-f", "json"))
    _beats_baselines(doc)
    assert (doc["since"], doc["instants"]) == ("2026-01-15T00:00:00+01:00", 35)
    table = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "forecast", "backtest", "--since", "2026-03-01",
                "--until", "2026-03-25", "--every", "3d", env={"COLUMNS": "80"}).stdout
    assert "The forecast beats both baselines." in table and "Reliability" in table
    assert all(len(line) <= 80 for line in table.splitlines())
    assert REFERENCE  # (the sample data ends at the reference instant)


def test_the_backtest_beats_both_baselines_on_generated_data(cli, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    paths = generate(12_000, tmp_path / "gen")
    for kind in ("tickets", "events"):
        assert cli("--db", "g.db", "import", kind, paths[kind]).exit_code == 0
    _beats_baselines(as_json(cli("--db", "g.db", "forecast", "backtest", "--since", "2025-04-01", "--until",
                                 "2026-03-01", "--every", "5d", "-f", "json")))


def test_backtest_options_are_checked(cli, history):
    assert "--until must be after --since" in cli("--db", "t.db", "forecast", "backtest", "--since", "2026-03-05",
                                                  "--until", "2026-03-01").stderr
    many = cli("--db", "t.db", "forecast", "backtest", "--since", "2025-01-01", "--until", "2026-03-01",
               "--every", "1h")
    assert many.exit_code == 2 and "at most 1,000" in many.stderr
    assert "not business days" in cli("--db", "t.db", "forecast", "backtest", "--since", "2026-03-01", "--until",
                                      "2026-03-05", "--every", "1bd").stderr


def test_likely_breaches_of_one_team(history):
    from cstool.config import load_config
    from cstool.services.forecast import likely_to_breach
    from cstool.services.sla import SlaEngine, reading
    from cstool.store import open_store

    engine = SlaEngine(load_config(history / "cstool.toml"))
    end_of_day = int(datetime(2026, 3, 4, tzinfo=UTC).timestamp())
    with open_store(history / "t.db", create=False) as store, reading(store, engine):
        at = int(AS_OF.timestamp())
        assert [c["ticket_id"] for c in likely_to_breach(store, engine, at, end_of_day)] == ["X"]
        assert likely_to_breach(store, engine, at, end_of_day, team="Billing") == []  # (X has no team)
