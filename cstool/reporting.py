"""The nightly summary: volume, backlog, satisfaction and data quality as of one instant.

Reads through the store's queries and computes with the pure kpi module; the CLI renders it.
"""

from __future__ import annotations

from cstool import kpi
from cstool.store import Store, store_info
from cstool.store.queries import backlog_by, recent_findings, surveys_between, ticket_counts

WEEK = 7 * 86400


def nightly_summary(store: Store, *, as_of: int, days: int = 7) -> dict:
    """Figures for [as_of - days, as_of) and the same-length period before it."""
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
    }
