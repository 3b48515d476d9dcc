"""The nightly summary: volume, backlog, satisfaction and data quality as of one instant.

Reads through the store's queries and computes with the pure kpi module; the CLI renders it.
"""

from __future__ import annotations

from cstool.core import kpi
from cstool.store import Store, store_info
from cstool.store.report import backlog_by, recent_findings, surveys_between, ticket_counts



def nightly_summary(store: Store, *, as_of: int, days: int = 7, engine=None) -> dict:
    """Figures for [as_of - days, as_of) and the same-length period before it; with an SLA
    engine (cstool.services.sla.SlaEngine) also SLA counts and the escalation queue size per tier."""
    span = days * 86400
    current, previous = (as_of - span, as_of), (as_of - 2 * span, as_of - span)

    def period(since: int, until: int) -> dict:
        counts = ticket_counts(store, since, until)
        surveys = surveys_between(store, since, until)
        figures = {**kpi.csat(surveys), **kpi.nps(surveys), **kpi.ces(surveys)}
        return {"since": since, "until": until, **counts,
                **{k: {"value": f.value, "n": f.n, "low_sample": f.low_sample} for k, f in figures.items()}}

    return {
        "as_of": as_of,
        "store": store_info(store),
        "current": period(*current),
        "previous": period(*previous),
        "backlog_by_status": backlog_by(store, "status", as_of),
        "backlog_by_priority": backlog_by(store, "priority", as_of),
        "backlog_by_team": backlog_by(store, "team", as_of),
        "findings": recent_findings(store),
        **(_sla_and_queues(store, engine, as_of) if engine is not None else {}),
    }


def _sla_and_queues(store: Store, engine, as_of: int) -> dict:
    from cstool.services.escalation import build_escalations
    from cstool.services.sla import find_breaches

    _, counts = find_breaches(store, engine, as_of, limit=5)
    queue = build_escalations(store, engine, as_of)
    sizes = {tier.name: sum(1 for e in queue if e["tier"] == tier.name) for tier in reversed(engine.config.tiers)}
    return {"sla": counts, "escalations": sizes}


REPORT_HEADLINE = ("tickets_created", "tickets_resolved", "backlog", "csat_pct", "nps", "sla_first_response_pct",
                   "sla_resolution_pct", "first_response_median_s", "resolution_median_s")


def nightly_report(store: Store, engine, *, as_of: int, since: int, until: int, tz: str) -> dict:
    """Headline KPIs vs the previous period, SLA counts with the worst five, queue sizes per
    tier, top issues (tags by volume with change, reopen and breach rates), data-quality findings."""
    from cstool.services.kpi import kpi_report, top_issues
    from cstool.services.escalation import build_escalations
    from cstool.services.sla import find_breaches

    doc = kpi_report(store, engine, since, until, [], True, tz)
    issues = top_issues(store, engine, since, until, tz)
    worst, counts = find_breaches(store, engine, as_of, limit=5)
    queue = build_escalations(store, engine, as_of)
    sizes = {tier.name: sum(1 for e in queue if e["tier"] == tier.name) for tier in reversed(engine.config.tiers)}
    return {"as_of": as_of, "since": since, "until": until, "timezone": tz, "kpis": doc, "sla": counts,
            "worst": worst, "escalations": sizes, "top_issues": issues, "findings": recent_findings(store)}


def report_subject(report: dict, day: str) -> str:
    """`[cstool] Support KPIs 2026-11-21: 3 breaches, CSAT 91% (+2)` (stable: a mail filter can match it)."""
    kpis = report["kpis"]
    csat = kpis["metrics"]["csat_pct"]["value"]
    delta = (kpis["previous"] or {}).get("delta", {}).get("csat_pct")
    csat_text = "CSAT n/a" if csat is None else f"CSAT {csat:.0f}%" + (f" ({delta:+.0f})" if delta is not None else "")
    n = report["sla"]["breached"]
    return f"[cstool] Support KPIs {day}: {n} breach{'es' if n != 1 else ''}, {csat_text}"
