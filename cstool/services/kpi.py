"""The KPI report: the store's aggregates (cstool.store.kpi) through the pure formulas of
cstool.core.kpi, for a period, grouped and compared with the previous period; the top issues
and the daily trend. Returns the JSON-shaped document."""

from __future__ import annotations

from collections.abc import Sequence

from cstool.core import kpi, periods
from cstool.core.fairness import flag
from cstool.core.kpi import TEXT_DIMS, TICKET_DIMS, TIME_DIMS
from cstool.core.models import FigureDoc, KpiDocument, KpiGroup, KpiPrevious, TopIssue
from cstool.services.sla import SlaEngine, refresh_clocks
from cstool.store import Store
from cstool.store import kpi as kpi_store


def _doc(figures: dict[str, kpi.Figure], intervals: bool = False) -> dict[str, FigureDoc]:
    out: dict[str, FigureDoc] = {}
    for k, f in figures.items():
        out[k] = {"value": f.value, "n": f.n, "low_sample": f.low_sample}
        if f.basis is not None:
            out[k]["basis"] = f.basis
        if f.unknown is not None:
            out[k]["unknown"] = f.unknown
        if intervals and f.ci is not None:
            out[k]["ci"] = list(f.ci)
    return out


def _flag_groups(doc: KpiDocument) -> None:
    """Each group figure with an interval gets `flag`: above or below when the interval excludes
    the overall figure of the period, else None (the funnel-plot rule, core/fairness.flag)."""
    for group in doc["groups"]:
        for key, fig in group["metrics"].items():
            if "ci" in fig:
                low, high = fig["ci"]
                fig["flag"] = flag((low, high), doc["metrics"][key]["value"])


def _backlog(rows: dict[str, list[tuple]], windows: list[tuple[int, int]]) -> dict[tuple, tuple[int, list[int]]]:
    """{(window, group key): (backlog at the window's end, its age buckets)} for the windows with
    a backlog. A ticket resolved in window r was open at the ends of the windows from its
    creation's to r - 1 (an instant in window r, such as its start, stands for its resolution)."""
    starts = [start for start, _ in windows]
    # (per group: runs of (creation times, the window start they left at), read lazily as spans:
    # a million tickets' spans as tuples would be most of the command's memory)
    intervals: dict[tuple, list[tuple[Sequence[int | None], int | None]]] = {}
    for w, key, *_, undated, _vendor, _resolution, _business, created_before in rows["resolved"]:
        intervals.setdefault(key, []).extend([([None] * undated, starts[w]), (created_before, starts[w])])
    still_open: dict[tuple, list[int | None]] = {}
    for created, *key in rows["still_open"]:
        still_open.setdefault(tuple(key), []).append(created)
    for key, created in still_open.items():
        intervals.setdefault(key, []).append((created, None))
    out = {}
    for key, runs in intervals.items():
        spans = ((created, left) for times, left in runs for created in times)
        totals, ages = kpi.backlog_at_ends(spans, [end for _, end in windows])
        out.update({(w, key): (total, age) for w, (total, age) in enumerate(zip(totals, ages)) if total})
    return out


def window_stats(store: Store, windows: list[tuple[int, int]], dims: tuple[str, ...] = (), joined_from: int = 0,
                 where: kpi_store.Where = ()) -> tuple[dict[tuple, kpi.Stats], dict[str, list[int]]]:
    """({(window index, group key): Stats} for consecutive windows, aggregated by the store;
    without grouping, also SLA [met, breached, unknown] per metric over the windows from `joined_from` on
    taken together: a clock late in one window and stopped in the next counts once there)."""
    stats: dict[tuple, kpi.Stats] = {}

    def at(w: int, key: tuple) -> kpi.Stats:
        if (w, key) not in stats:
            stats[w, key] = kpi.Stats()
        return stats[w, key]

    rows = kpi_store.gather(store, windows, dims, joined_from, where)
    for w, key, n, vendor, first, first_business in rows["created"]:
        s = at(w, key)
        s.created, s.samples["first_response"], s.samples["first_response_business"] = n, first, first_business
        s.reported["first_response_business"] = vendor or 0
    for w, key, n, one_touch, reopened, _undated, vendor, resolution, business, _before in rows["resolved"]:
        s = at(w, key)
        s.resolved, s.one_touch, s.reopened = n, one_touch, reopened
        s.reported["resolution_business"] = vendor or 0
        s.samples["resolution"], s.samples["resolution_business"] = resolution, business
    for (w, key), (total, age) in _backlog(rows, windows).items():
        s = at(w, key)
        s.backlog, s.ages = total, age
    for w, key, *counts in rows["surveys"]:
        at(w, key).surveys = dict(zip(kpi.SURVEY_COUNTS, counts))
    # Stopped in a window: met or breached there. Not stopped by the deadline: also breached in
    # the deadline's window when it did not stop in that window.
    overall = {m: [0, 0, 0] for m in kpi.SLA_METRICS}
    for kind, w, key, metric, a, b in rows["sla"]:
        counts = at(w, key).sla[metric]
        if kind == "unknown":
            counts[2] += a
            if w >= joined_from:
                overall[metric][2] += a
        elif kind == "stop":
            counts[0] += a
            counts[1] += b
            if w >= joined_from:
                overall[metric][0] += a
                overall[metric][1] += b
        else:
            counts[1] += a
            if w >= joined_from:
                overall[metric][1] += b
    return stats, overall


def kpi_report(store: Store, engine: SlaEngine, since: int, until: int, by: list[str], compare: bool,
               tz: str, where: kpi_store.Where = (), intervals: bool = False) -> KpiDocument:
    """{since, until, timezone, metrics, groups: [{key, metrics}], previous: {since, until, metrics, delta} | None}
    for the tickets (and their survey answers) that meet every `where` pair. With `compare`,
    each group without a time dimension also gets its `previous` figures and `delta`; with
    `intervals`, shares and medians their 95 % `ci` and each group's figure its `flag`."""
    refresh_clocks(store, engine)
    customers = kpi_store.kpi_customers(store)
    time_dims = [d for d in by if d in TIME_DIMS]
    cat_dims = tuple(d for d in by if d in TICKET_DIMS + TEXT_DIMS)
    if "theme" in cat_dims:
        from cstool.services.texts import kpi_themes

        kpi_themes(store, since, until, where)
    split = periods.split(since, until, time_dims[0], tz) if time_dims else [(None, since, until)]
    before = [periods.previous(since, until)] if compare else []
    # Without categories one pass gives the windows and (joined) the whole period; with them
    # the whole period is its own window of an ungrouped pass.
    main = [(s, e) for _, s, e in split] if not cat_dims else [(since, until)]
    first = len(before)
    overall, sla = window_stats(store, before + main, joined_from=first, where=where)
    if len(main) == 1:
        metrics_stats = overall.get((first, ()), kpi.Stats())
    else:
        parts = [overall.get((w, ()), kpi.Stats()) for w in range(first, first + len(main))]
        metrics_stats = kpi.Stats.consecutive(parts, sla)
    metrics = kpi.figures(metrics_stats, customers, since, until)
    groups: list[KpiGroup] = []
    if by:
        grouped = window_stats(store, [(s, e) for _, s, e in split], cat_dims, where=where)[0] if cat_dims else {
            (w - first, key): st for (w, key), st in overall.items() if w >= first}
        keys = sorted({key for _, key in grouped})
        for w, (label, start, end) in enumerate(split):
            for key in keys:
                figures = kpi.figures(grouped.get((w, key), kpi.Stats()), None, start, end)
                group_key = dict(zip(cat_dims, key))
                if label is not None:
                    group_key = {time_dims[0]: label, **group_key}
                groups.append({"key": group_key, "metrics": _doc(figures, intervals)})
        if not time_dims:
            groups.sort(key=lambda g: (-(g["metrics"]["tickets_created"]["value"] or 0), str(g["key"])))
            if compare:
                _group_changes(groups, window_stats(store, before, cat_dims, where=where)[0], cat_dims, before[0])
    previous: KpiPrevious | None = None
    if compare:
        p_since, p_until = before[0]
        prev = kpi.figures(overall.get((0, ()), kpi.Stats()), customers, p_since, p_until)
        delta = {k: _change(metrics[k].value, prev[k].value) for k in metrics}
        previous = {"since": p_since, "until": p_until, "metrics": _doc(prev), "delta": delta}
    doc: KpiDocument = {"since": since, "until": until, "timezone": tz, "metrics": _doc(metrics, intervals),
                        "groups": groups, "previous": previous}
    if intervals:
        _flag_groups(doc)
    return doc


def _group_changes(groups: list[KpiGroup], stats: dict[tuple, kpi.Stats], dims: tuple[str, ...],
                   window: tuple[int, int]) -> None:
    """Each group's figures in the previous period (`stats` of that one window) and the changes."""
    for group in groups:
        key = tuple(group["key"][d] for d in dims)
        prev = kpi.figures(stats.get((0, key), kpi.Stats()), None, *window)
        group["previous"] = {"metrics": _doc(prev), "delta": {k: _change(group["metrics"][k]["value"], prev[k].value)
                                                              for k in group["metrics"]}}


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 2)


def top_issues(store: Store, engine: SlaEngine, since: int, until: int, tz: str, limit: int = 10,
               where: kpi_store.Where = ()) -> list[TopIssue]:
    """Tags by volume in [since, until) with the change against the previous period and their
    reopen and SLA-breach (resolution) rates: the support lead's root-cause view."""
    now = kpi_report(store, engine, since, until, ["tag"], False, tz, where)
    before = kpi_report(store, engine, *periods.previous(since, until), ["tag"], False, tz, where)
    old = {g["key"]["tag"]: g["metrics"]["tickets_created"]["value"] for g in before["groups"]}
    issues: list[TopIssue] = []
    for group in now["groups"][:limit]:
        m, tag = group["metrics"], group["key"]["tag"]
        sla = m["sla_resolution_pct"]
        created = int(m["tickets_created"]["value"] or 0)
        issues.append({"tag": tag, "tickets": created, "change": created - int(old.get(tag) or 0),
                       "reopen_pct": m["reopen_pct"]["value"],
                       "breach_pct": None if sla["value"] is None else round(100 - sla["value"], 2)})
    return issues


def window_figures(store: Store, windows: list[tuple[int, int]], where: kpi_store.Where = ()) -> list[dict]:
    """Every figure of each window (consecutive, half-open), as kpi_report's documents give them."""
    stats, _ = window_stats(store, windows, where=where)
    return [_doc(kpi.figures(stats.get((w, ()), kpi.Stats()), None, s, e)) for w, (s, e) in enumerate(windows)]


def daily_trend(store: Store, since: int, until: int, tz: str, where: kpi_store.Where = ()
                ) -> dict[str, list[float | None]]:
    """Per day of [since, until): tickets created, backlog at the day's end, CSAT % (for sparklines)."""
    days = periods.split(since, until, "day", tz)
    stats, _ = window_stats(store, [(s, e) for _, s, e in days], where=where)
    trend: dict[str, list] = {"tickets_created": [], "backlog": [], "csat_pct": []}
    for w in range(len(days)):
        day = stats.get((w, ()), kpi.Stats())
        trend["tickets_created"].append(day.created)
        trend["backlog"].append(day.backlog)
        trend["csat_pct"].append(kpi.survey_figures(day.surveys, "csat")["csat_pct"].value)
    return trend
