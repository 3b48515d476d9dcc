"""The nightly report: the period's headline KPIs against the previous period, SLA counts with
the worst five clocks, the clocks likely to breach today, the volume spikes of the last four
hours, the escalation queue sizes, the top issues and the data-quality findings."""

from __future__ import annotations

from cstool.core import periods
from cstool.core.formats import DAY_SECONDS, local_time
from cstool.core.models import KpiDocument, ReportDocument
from cstool.core.periods import day_end
from cstool.services.churn import churn_after_bad
from cstool.services.escalation import queue_sizes
from cstool.services.forecast import likely_to_breach
from cstool.services.freshness import data_age_of
from cstool.services.heatmap import heatmap
from cstool.services.kpi import kpi_report, top_issues, window_figures
from cstool.services.sla import SlaEngine, find_breaches
from cstool.services.spikes import find_spikes
from cstool.services.texts import detractor_themes
from cstool.store import Store
from cstool.store.kpi import Where
from cstool.store.report import recent_findings

SPIKE_WINDOW = 4 * 3600  # the report's spike check: the last four hours


def nightly_report(store: Store, engine: SlaEngine, *, as_of: int, since: int, until: int, tz: str, now: int,
                   max_data_age: int, team: str | None = None, charts: bool = True) -> ReportDocument:
    """{as_of, since, until, timezone, team, kpis, sla, worst, likely, spikes, escalations,
    top_issues, findings, data, charts, churn_link, detractor_themes} (`now`, the wall clock,
    dates the age of the newest import); with `team`, one team's report (the spikes and
    data-quality findings stay global); without `charts`, no chart data (the text and Markdown
    forms draw none)."""
    where = (("team", team),) if team else ()
    doc = kpi_report(store, engine, since, until, [], True, tz, where)
    issues = top_issues(store, engine, since, until, tz, where=where)
    worst, counts = find_breaches(store, engine, as_of, {"team": team}, limit=5)
    likely = likely_to_breach(store, engine, as_of, day_end(as_of, tz), team=team)
    spikes = [s._asdict() for s in find_spikes(store, as_of, SPIKE_WINDOW)]
    return {"as_of": as_of, "since": since, "until": until, "timezone": tz, "team": team, "kpis": doc, "sla": counts,
            "worst": worst, "likely": likely, "spikes": spikes,
            "escalations": queue_sizes(store, engine, as_of, {"team": team}), "top_issues": issues,
            "findings": recent_findings(store), "data": data_age_of(store, as_of, now, max_data_age),
            "charts": chart_data(store, engine, until, tz, doc, where) if charts else {},
            "churn_link": churn_after_bad(store, since, until),
            "detractor_themes": detractor_themes(store, since, until, periods.previous(since, until), where=where)}


TREND_PERIODS = 8  # the trend charts: the report's period and the 7 periods of its length before it


def chart_data(store: Store, engine: SlaEngine, until: int, tz: str, doc: KpiDocument, where: Where) -> dict:
    """What the report's charts draw: {periods: [(label, metrics)] of the report's period and
    the ones of equal length before it, teams, channels: KPI groups of the period, heatmap:
    tickets created per local hour of the week over the 4 weeks to `until`, aging: the
    backlog's age buckets}."""
    length = doc["until"] - doc["since"]
    windows = [(until - length * k, until - length * (k - 1)) for k in range(TREND_PERIODS, 0, -1)]
    figures = window_figures(store, windows, where)
    groups = {dim: kpi_report(store, engine, doc["since"], doc["until"], [dim], False, tz, where)["groups"]
              for dim in ("team", "channel")}
    cells = heatmap(store, "created", until - 28 * DAY_SECONDS, until, tz, where)
    return {"periods": [(local_time(start, tz)[5:10] if length >= DAY_SECONDS else local_time(start, tz)[5:], m)
                        for (start, _), m in zip(windows, figures)],
            "teams": [(g["key"]["team"], g["metrics"]) for g in groups["team"]],
            "channels": [(g["key"]["channel"], g["metrics"]) for g in groups["channel"]],
            "heatmap": [c["value"] for c in cells],
            "aging": [(k.removeprefix("backlog_age_"), v) for k, v in doc["metrics"].items()
                      if k.startswith("backlog_age_")]}
