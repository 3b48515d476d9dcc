"""The age of the data in the report, kpi and the Nagios check: a broken nightly import is not a
quiet week (docs/semantics.md#data-age)."""

from __future__ import annotations

import json

from conftest import REFERENCE, SAMPLE_CONFIG, write


def test_a_store_whose_data_stopped_months_ago_is_flagged_everywhere(cli, demo_db, tmp_path):
    """The demo's data ends 2026-03-31: eight months later the report, kpi and Nagios say so."""
    late = "2026-12-01T06:00:00Z"
    base = ("--db", demo_db, "--config", SAMPLE_CONFIG)
    report = cli(*base, "report", "--as-of", late)
    assert report.stdout.splitlines()[0] == "STALE DATA: newest ticket is 244d 14h old (max_data_age 1d 2h): check the import"
    assert report.stdout.splitlines()[2].startswith("Data: newest ticket 2026-03-31 17:55 (244d 14h old), last import ")
    mail = cli(*base, "report", "--as-of", late, "--email", "--dry-run", "--to", "lead@example.com")
    assert "Subject: [STALE DATA] [cstool] Support KPIs 2026-12-01: " in mail.stdout
    kpi = json.loads(cli(*base, "kpi", "--as-of", late, "--format", "json").stdout)
    assert {k: kpi["data"][k] for k in ("newest_ticket_at", "age_seconds", "max_age_seconds", "stale")} == {
        "newest_ticket_at": "2026-03-31T17:55:54+02:00", "age_seconds": 21132246, "max_age_seconds": 93600,
        "stale": True}
    nagios = cli(*base, "sla", "check", "--as-of", late, "--format", "nagios")
    assert nagios.exit_code == 2 and nagios.stdout.startswith(
        "SLA CRITICAL - stale data: the newest ticket activity is 244d 14h old; ")
    assert " data_age=21132246s;93600;;0" in nagios.stdout.splitlines()[0]
    fresh = cli(*base, "report", "--as-of", REFERENCE)
    assert fresh.stdout.splitlines()[0].startswith("cstool nightly report")      # (no warning on fresh data)
    (tmp_path / "off.toml").write_text(SAMPLE_CONFIG.read_text().replace('max_data_age = "26h"', 'max_data_age = "0"'))
    off = cli("--db", demo_db, "--config", tmp_path / "off.toml", "report", "--as-of", late)
    assert off.stdout.splitlines()[0].startswith("cstool nightly report")


def test_a_quiet_store_with_nothing_at_risk_is_a_nagios_warning_when_its_data_is_stale(cli, tmp_path):
    write(tmp_path / "t.csv", "id,subject,priority,status,created_at,resolved_at\n"
          "A,a,normal,solved,2026-03-02T09:00:00Z,2026-03-02T10:00:00Z\n")
    assert cli("import", "tickets", "t.csv").exit_code == 0
    quiet = cli("sla", "check", "--format", "nagios", "--as-of", "2026-03-02T12:00:00Z")
    assert quiet.exit_code == 0 and quiet.stdout.startswith("SLA OK - no SLA breached")
    stale = cli("sla", "check", "--format", "nagios", "--as-of", "2026-03-09T12:00:00Z")
    assert stale.exit_code == 1 and stale.stdout.startswith(
        "SLA WARNING - stale data: the newest ticket activity is 7d 2h old; no SLA breached or at risk in 0 open")


def test_the_demo_summary_and_the_report_show_the_same_figures_for_the_same_instant(demo_db):
    """One definition of the nightly period and one source of its figures (was 287 vs 282
    tickets created, CSAT n 88 vs 81, backlog 79 vs 83)."""
    from cstool.config import load_config
    from cstool.core.formats import parse_iso
    from cstool.core.periods import NIGHTLY, named_period
    from cstool.services.report import nightly_report
    from cstool.services.sla import SlaEngine
    from cstool.services.summary import nightly_summary
    from cstool.store import open_store

    config = load_config(SAMPLE_CONFIG)
    engine, tz, as_of = SlaEngine(config), config.timezone, parse_iso(REFERENCE, "UTC")
    with open_store(demo_db, create=False) as store:
        summary = nightly_summary(store, as_of=as_of, tz=tz, engine=engine)
        since, until = named_period(NIGHTLY, as_of, tz)
        report = nightly_report(store, engine, as_of=as_of, since=since, until=until, tz=tz, now=as_of,
                                max_data_age=0)
    metrics = report["kpis"]["metrics"]
    assert (summary["current"]["created"], summary["current"]["backlog"], summary["current"]["csat_pct"]["n"]) == (
        metrics["tickets_created"]["value"], metrics["backlog"]["value"], metrics["csat_pct"]["n"]) == (282, 83, 81)
    assert summary["sla"] == report["sla"]
