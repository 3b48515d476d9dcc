"""The demo's nightly summary: volume, backlog, satisfaction and data quality as of one instant,
with SLA counts and the escalation queue sizes per tier."""

from __future__ import annotations

from cstool.core import kpi
from cstool.core.formats import DAY_SECONDS
from cstool.core.models import Record
from cstool.services.escalation import queue_sizes
from cstool.services.sla import SlaEngine, find_breaches
from cstool.store import Store, store_info
from cstool.store.report import (
    backlog_by,
    recent_findings,
    surveys_between,
    ticket_counts,
)


def nightly_summary(store: Store, *, as_of: int, days: int = 7, engine: SlaEngine | None = None) -> Record:
    """Figures for [as_of - days, as_of) and the same-length period before it; with an SLA
    engine also SLA counts and the escalation queue size per tier."""
    span = days * DAY_SECONDS
    current, previous = (as_of - span, as_of), (as_of - 2 * span, as_of - span)

    def period(since: int, until: int) -> Record:
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


def _sla_and_queues(store: Store, engine: SlaEngine, as_of: int) -> Record:
    _, counts = find_breaches(store, engine, as_of, limit=5)
    return {"sla": counts, "escalations": queue_sizes(store, engine, as_of)}
