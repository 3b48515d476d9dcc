"""The demo's nightly summary: the same figures as `cstool report` for the same instant (one
definition of the nightly period, `core.periods.NIGHTLY`, and one source of figures, the kpi
service), plus the tickets open at `as_of` by status, priority and team, the store's size,
the data-quality findings, SLA counts and the escalation queue size per tier."""

from __future__ import annotations

from cstool.core import periods
from cstool.core.models import FigureDoc, Record
from cstool.services.escalation import queue_sizes
from cstool.services.kpi import kpi_report
from cstool.services.sla import SlaEngine, find_breaches
from cstool.store import Store, store_info
from cstool.store.report import backlog_by, recent_findings

FIGURES = {"created": "tickets_created", "resolved": "tickets_resolved", "backlog": "backlog",
           "csat_pct": "csat_pct", "nps": "nps", "ces_avg": "ces_avg"}
COUNTS = ("created", "resolved", "backlog")  # plain numbers; the others keep their n


def nightly_summary(store: Store, *, as_of: int, tz: str, engine: SlaEngine) -> Record:
    """Figures of the nightly period before `as_of` and of the period before it."""
    since, until = periods.named_period(periods.NIGHTLY, as_of, tz)
    doc = kpi_report(store, engine, since, until, [], True, tz)
    previous = doc["previous"]
    assert previous is not None, "kpi_report(compare=True) gives the previous period"

    def period(metrics: dict[str, FigureDoc], start: int, end: int) -> Record:
        figures = {key: (int(metrics[kpi]["value"] or 0) if key in COUNTS else metrics[kpi])
                   for key, kpi in FIGURES.items()}
        return {"since": start, "until": end, **figures}

    _, counts = find_breaches(store, engine, as_of, limit=5)
    return {
        "as_of": as_of, "until": until,
        "store": store_info(store),
        "current": period(doc["metrics"], since, until),
        "previous": period(previous["metrics"], previous["since"], previous["until"]),
        # (now, not at the period's end: a ticket's status is only known as it is now)
        **{f"backlog_by_{column}": backlog_by(store, column, as_of) for column in ("status", "priority", "team")},
        "findings": recent_findings(store),
        "sla": counts, "escalations": queue_sizes(store, engine, as_of),
    }
