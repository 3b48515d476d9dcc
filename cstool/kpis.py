"""The KPI report: the store's records through the pure formulas of cstool.kpi, for a period,
grouped and compared with the previous period. Returns the JSON-shaped document."""

from __future__ import annotations

import json

from cstool import kpi, periods
from cstool.slas import SlaEngine, refresh_clocks
from cstool.store import Store
from cstool.store import queries

TIME_DIMS = ("day", "week", "month")
TICKET_DIMS = ("channel", "priority", "team", "assignee", "tag", "customer_tier")
DIMENSIONS = TICKET_DIMS + TIME_DIMS
# Lower is better for these; everything else (except plain volumes) is better higher.
LOWER_IS_BETTER = ("first_response", "resolution", "backlog", "reopen_pct", "churn_pct", "detractors_pct")


def better(key: str, delta: float) -> bool | None:
    """Whether a change is an improvement (None for neutral volumes)."""
    if delta == 0 or key in ("tickets_created", "tickets_resolved") or key.endswith("_responses"):
        return None
    return (delta < 0) if key.startswith(LOWER_IS_BETTER) else (delta > 0)


def _doc(figures: dict[str, kpi.Figure]) -> dict:
    return {k: {"value": f.value, "n": f.n, "low_sample": f.low_sample} for k, f in figures.items()}


def _values(row: dict, dim: str) -> list[str]:
    if dim == "tag":
        tags = row.get("tags")
        return list(json.loads(tags) if isinstance(tags, str) else tags or []) or ["(none)"]
    return [row.get(dim) or "(none)"]


def _partition(rows: list[dict], dims: list[str]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        keys = [()]
        for dim in dims:
            keys = [k + (v,) for k in keys for v in _values(row, dim)]
        for key in keys:
            groups.setdefault(key, []).append(row)
    return groups


def _figures(data: dict, since: int, until: int) -> dict[str, kpi.Figure]:
    return kpi.compute_kpis(data["tickets"], data["surveys"], data["clocks"], data["customers"], since, until)


def kpi_report(store: Store, engine: SlaEngine, since: int, until: int, by: list[str], compare: bool,
               tz: str) -> dict:
    """{since, until, timezone, metrics, groups: [{key, metrics}], previous: {since, until, metrics, delta} | None}."""
    refresh_clocks(store, engine)
    lo = periods.previous(since, until)[0] if compare else since
    dims = tuple(by)
    data = {"tickets": queries.kpi_tickets(store, lo, until, dims), "surveys": queries.kpi_surveys(store, lo, until, dims),
            "clocks": queries.kpi_clocks(store, lo, until, dims), "customers": queries.kpi_customers(store)}
    metrics = _figures(data, since, until)
    doc = {"since": since, "until": until, "timezone": tz, "metrics": _doc(metrics), "groups": [], "previous": None}
    time_dims = [d for d in by if d in TIME_DIMS]
    cat_dims = [d for d in by if d in TICKET_DIMS]
    windows = periods.split(since, until, time_dims[0], tz) if time_dims else [(None, since, until)]
    if by:
        names = ("tickets", "surveys", "clocks")
        keys = sorted(set().union(*(_partition(data[n], cat_dims).keys() for n in names)))
        for label, start, end, *rows in kpi.window_slices(data["tickets"], data["surveys"], data["clocks"], windows):
            parts = {name: _partition(part, cat_dims) for name, part in zip(names, rows)}
            for key in keys:
                sub = {name: parts[name].get(key, []) for name in names}
                sub["customers"] = None
                figures = _figures(sub, start, end)
                group_key = dict(zip(cat_dims, key))
                if label is not None:
                    group_key = {time_dims[0]: label, **group_key}
                doc["groups"].append({"key": group_key, "metrics": _doc(figures)})
        if not time_dims:
            doc["groups"].sort(key=lambda g: (-(g["metrics"]["tickets_created"]["value"] or 0), str(g["key"])))
    if compare:
        p_since, p_until = periods.previous(since, until)
        prev = _figures(data, p_since, p_until)
        delta = {k: (round(metrics[k].value - prev[k].value, 2) if metrics[k].value is not None and
                     prev[k].value is not None else None) for k in metrics}
        doc["previous"] = {"since": p_since, "until": p_until, "metrics": _doc(prev), "delta": delta}
    return doc


def top_issues(store: Store, engine: SlaEngine, since: int, until: int, tz: str, limit: int = 10) -> list[dict]:
    """Tags by volume in [since, until) with the change against the previous period and their
    reopen and SLA-breach (resolution) rates: the support lead's root-cause view."""
    now = kpi_report(store, engine, since, until, ["tag"], False, tz)
    before = kpi_report(store, engine, *periods.previous(since, until), ["tag"], False, tz)
    old = {g["key"]["tag"]: g["metrics"]["tickets_created"]["value"] for g in before["groups"]}
    issues = []
    for group in now["groups"][:limit]:
        m, tag = group["metrics"], group["key"]["tag"]
        sla = m["sla_resolution_pct"]
        issues.append({"tag": tag, "tickets": m["tickets_created"]["value"],
                       "change": m["tickets_created"]["value"] - old.get(tag, 0), "reopen_pct": m["reopen_pct"]["value"],
                       "breach_pct": None if not sla["n"] else round(100 - sla["value"], 2)})
    return issues


def daily_trend(store: Store, since: int, until: int, tz: str) -> dict[str, list[float | None]]:
    """Per day of [since, until): tickets created, backlog at the day's end, CSAT % (for sparklines)."""
    tickets = queries.kpi_tickets(store, since, until)
    surveys = queries.kpi_surveys(store, since, until)
    trend: dict[str, list] = {"tickets_created": [], "backlog": [], "csat_pct": []}
    for _, start, end in periods.split(since, until, "day", tz):
        t = kpi.ticket_kpis(tickets, start, end)
        trend["tickets_created"].append(t["tickets_created"].value)
        trend["backlog"].append(t["backlog"].value)
        trend["csat_pct"].append(kpi.csat([s for s in surveys if start <= s["submitted_at"] < end])["csat_pct"].value)
    return trend
