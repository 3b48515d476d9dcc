"""The nightly summary as rich text: headline figures vs the previous period, backlog, findings."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from cstool.render.values import local_time

HEADLINE = [("created", "Tickets created", "count", 0), ("resolved", "Tickets resolved", "count", 1),
            ("csat_pct", "CSAT", "pct", 1), ("nps", "NPS", "score", 1), ("ces_avg", "CES (1-7)", "score", 1)]


def _value(period: dict, key: str):
    value = period[key]
    return value["value"] if isinstance(value, dict) else value


def _fmt(value, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "score":
        return f"{value:.1f}"
    return f"{value:,}"


def _delta(now, before, kind: str, higher_is_better: int) -> str:
    if now is None or before is None:
        return ""
    diff = now - before
    if diff == 0:
        return "±0"
    good = (diff > 0) == bool(higher_is_better)
    arrow = "▲" if diff > 0 else "▼"
    text = f"{arrow} {abs(diff):,.1f}" if kind != "count" else f"{arrow} {abs(diff):,}"
    return f"[{'green' if good else 'red'}]{text}[/]"


def render_summary(console: Console, summary: dict, tz: str) -> None:
    cur, prev = summary["current"], summary["previous"]
    head = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    head.add_column("Figure")
    head.add_column("Last 7 days", justify="right")
    head.add_column("n", justify="right")
    head.add_column("Week before", justify="right")
    head.add_column("Change", justify="right")
    for key, label, kind, better in HEADLINE:
        now_v, before_v = _value(cur, key), _value(prev, key)
        n = cur[key]["n"] if isinstance(cur[key], dict) else ""
        mark = " *" if isinstance(cur[key], dict) and cur[key]["low_sample"] else ""
        head.add_row(label, _fmt(now_v, kind) + mark, f"{n}" if n != "" else "", _fmt(before_v, kind),
                     _delta(now_v, before_v, kind, better) if key != "created" else "")
    backlog = Table(box=None, header_style="bold")
    for name in ("status", "priority", "team"):
        backlog.add_column(name.title())
        backlog.add_column("", justify="right")
    columns = [summary[f"backlog_by_{n}"] for n in ("status", "priority", "team")]
    for i in range(max(len(c) for c in columns) if any(columns) else 0):
        cells = []
        for column in columns:
            cells += [column[i]["key"], f"{column[i]['count']:,}"] if i < len(column) else ["", ""]
        backlog.add_row(*cells)
    rows = summary["store"]["rows"]
    parts = [head, "", f"Backlog at {local_time(summary['as_of'], tz)}: {cur['backlog']:,} open tickets", backlog, "",
             f"Store: {rows.get('tickets', 0):,} tickets, {rows.get('ticket_events', 0):,} events, "
             f"{rows.get('surveys', 0):,} surveys, {rows.get('customers', 0):,} customers "
             f"({summary['store']['path']})"]
    if "sla" in summary:
        sla = summary["sla"]
        parts.append(f"SLA: {sla['breached']:,} tickets breached, {sla['at_risk']:,} at risk "
                     f"(cstool sla check)")
        parts.append("Escalations: " + ", ".join(f"{tier} {n:,}" for tier, n in summary["escalations"].items())
                     + " (cstool escalations)")
    findings = {k: v for k, v in summary["findings"].items() if v}
    if findings:
        parts.append("Data-quality findings in recent imports: " +
                     ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in sorted(findings.items())))
    parts.append("* fewer than 30 observations")
    console.print(Panel(Group(*parts), title=f"cstool summary as of {local_time(summary['as_of'], tz)} ({tz})",
                        title_align="left", expand=False))
