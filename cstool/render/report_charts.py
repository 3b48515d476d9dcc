"""The nightly report's charts, as chart records (render/charts draws them) from the report's
`charts` data: the headline KPIs week by week, SLA and breaches by team, the backlog over time,
volume by channel, the day x hour heat map and the backlog's aging."""

from __future__ import annotations

from typing import Any

from cstool.core.models import KpiDocument, ReportDocument
from cstool.render.kpi import label

TREND = (("tickets_created", "count"), ("tickets_resolved", "count"), ("csat_pct", "pct"),
         ("sla_first_response_pct", "pct"), ("sla_resolution_pct", "pct"), ("first_response_median_s", "duration"))


def _value(metrics: dict, key: str) -> float | None:
    figure = metrics.get(key)
    return figure["value"] if figure else None


def _breaches(metrics: dict, key: str) -> int:
    """Clocks of the SLA figure that were not met: n x (100 - pct) / 100."""
    figure = metrics.get(key) or {}
    if figure.get("value") is None:
        return 0
    return round(figure["n"] * (100 - figure["value"]) / 100)


def _known(groups: list[tuple[str, dict]], *keys: str) -> list[tuple[str, dict]]:
    """The groups with a figure for one of `keys` (not the empty `(none)` group of answers without a ticket)."""
    return [(name, m) for name, m in groups if any(_value(m, k) for k in keys)]


def chart(id: str, title: str, kind: str, unit: str, axes: tuple[str, str], categories: list,
          series: list[dict[str, Any]], highlight: int | None = None) -> dict[str, Any]:
    """A chart record (render/charts); `axes` is (x label, y label)."""
    return {"id": id, "title": title, "kind": kind, "unit": unit, "x_label": axes[0], "y_label": axes[1],
            "categories": categories, "series": series, "highlight": highlight}


def _pair(groups: list[tuple[str, dict]], value) -> list[dict[str, Any]]:
    """The first-response and resolution series of SLA figures by group."""
    return [{"name": name, "values": [value(m, key) for _, m in groups]}
            for name, key in (("first response", "sla_first_response_pct"), ("resolution", "sla_resolution_pct"))]


def report_charts(report: ReportDocument) -> list[dict[str, Any]]:
    data = report["charts"]
    periods, teams = data["periods"], _known(data["teams"], "tickets_created", "sla_resolution_pct")
    channels = _known(data["channels"], "tickets_created")
    labels = [p for p, _ in periods]
    last = len(labels) - 1 if labels else None
    charts: list[dict[str, Any]] = []
    if labels:
        charts.append(chart("chart-trend", "Headline KPIs: this period (orange) and the 7 before", "lines", "count",
                            ("period from", ""), labels,
                            [{"name": label(k), "unit": unit, "values": [_value(m, k) for _, m in periods]}
                             for k, unit in TREND], last))
        charts.append(chart("chart-backlog", "Backlog: open tickets at each period's end", "lines", "count",
                            ("period from", "open tickets"), labels,
                            [{"name": "Open tickets", "unit": "count",
                              "values": [_value(m, "backlog") for _, m in periods]}], last))
    if teams:
        charts.append(chart("chart-sla-teams", "SLA compliance by team (share of clocks met)", "bars", "pct",
                            ("% of clocks met in the period", "team"), [t for t, _ in teams], _pair(teams, _value)))
        charts.append(chart("chart-breaches-teams", "SLA breaches by team", "bars", "count",
                            ("clocks breached in the period", "team"), [t for t, _ in teams],
                            _pair(teams, _breaches)))
    if channels:
        charts.append(chart("chart-channels", "Tickets created by channel", "bars", "count",
                            ("tickets created in the period", "channel"), [c for c, _ in channels],
                            [{"name": "tickets", "values": [_value(m, "tickets_created") for _, m in channels]}]))
    charts.append(chart("chart-heatmap", f"When tickets arrive: created per hour, last 4 weeks ({report['timezone']})",
                        "heat", "count", ("hour of the day (local)", "day"), [],
                        [{"name": "tickets", "values": data["heatmap"]}]))
    charts.append(chart("chart-aging", "Backlog aging: open tickets at the period's end by age", "bars", "count",
                        ("open tickets", "age"), [b for b, _ in data["aging"]],
                        [{"name": "open tickets", "values": [f["value"] for _, f in data["aging"]]}]))
    return charts


def kpi_charts(doc: KpiDocument, trend: dict[str, list[float | None]] | None, tz: str) -> list[dict[str, Any]]:
    """`kpi -f html`'s charts: the daily trend of the period, and with one grouping dimension the
    groups' volume and SLA compliance."""
    from cstool.core.periods import split

    charts: list[dict[str, Any]] = []
    if trend:
        days = [label_[5:] for label_, _, _ in split(doc["since"], doc["until"], "day", tz)]
        charts.append(chart("chart-daily", "Day by day: created, open at the day's end, CSAT", "lines", "count",
                            ("day", ""), days,
                            [{"name": label(k), "unit": unit, "values": trend[k]}
                             for k, unit in (("tickets_created", "count"), ("backlog", "count"), ("csat_pct", "pct"))
                             if k in trend], len(days) - 1))
    dims = list(doc["groups"][0]["key"]) if doc["groups"] else []
    if len(dims) == 1 and dims[0] not in ("day", "week", "month"):
        groups = _known([(str(g["key"][dims[0]]), g["metrics"]) for g in doc["groups"]], "tickets_created")[:20]
        names = [n for n, _ in groups]
        charts.append(chart("chart-groups", f"Tickets created by {dims[0]}", "bars", "count",
                            ("tickets created in the period", dims[0]), names,
                            [{"name": "tickets", "values": [_value(m, "tickets_created") for _, m in groups]}]))
        charts.append(chart("chart-groups-sla", f"SLA compliance by {dims[0]} (share of clocks met)", "bars", "pct",
                            ("% of clocks met in the period", dims[0]), names, _pair(groups, _value)))
    return charts
