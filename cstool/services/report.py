"""The nightly report: the period's headline KPIs against the previous period, SLA counts with
the worst five clocks, the clocks likely to breach today, the volume spikes of the last four
hours, the escalation queue sizes, the top issues and the data-quality findings."""

from __future__ import annotations

from cstool.core.models import ReportDocument
from cstool.core.periods import day_end
from cstool.services.escalation import queue_sizes
from cstool.services.forecast import likely_to_breach
from cstool.services.freshness import data_age_of
from cstool.services.kpi import kpi_report, top_issues
from cstool.services.sla import SlaEngine, find_breaches
from cstool.services.spikes import find_spikes
from cstool.store import Store
from cstool.store.report import recent_findings

SPIKE_WINDOW = 4 * 3600  # the report's spike check: the last four hours


def nightly_report(store: Store, engine: SlaEngine, *, as_of: int, since: int, until: int, tz: str, now: int,
                   max_data_age: int) -> ReportDocument:
    """{as_of, since, until, timezone, kpis, sla, worst, escalations, top_issues, findings, data}
    (`now`, the wall clock, dates the age of the newest import)."""
    doc = kpi_report(store, engine, since, until, [], True, tz)
    issues = top_issues(store, engine, since, until, tz)
    worst, counts = find_breaches(store, engine, as_of, limit=5)
    likely = likely_to_breach(store, engine, as_of, day_end(as_of, tz))
    spikes = [s._asdict() for s in find_spikes(store, as_of, SPIKE_WINDOW)]
    return {"as_of": as_of, "since": since, "until": until, "timezone": tz, "kpis": doc, "sla": counts,
            "worst": worst, "likely": likely, "spikes": spikes, "escalations": queue_sizes(store, engine, as_of),
            "top_issues": issues,
            "findings": recent_findings(store), "data": data_age_of(store, as_of, now, max_data_age)}
