"""The nightly summary as rich text: headline figures vs the previous period, backlog, findings."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table

from cstool.render.kpi import LOW_SAMPLE_NOTE, change_style
from cstool.render.values import change, figure, local_time, many

# (summary key, label, the KPI key whose direction decides the colour, how the value reads)
SUMMARY_ROWS = [("created", "Tickets created", "tickets_created", "number"),
                ("resolved", "Tickets resolved", "tickets_resolved", "number"),
                ("csat_pct", "CSAT", "csat_pct", "pct"), ("nps", "NPS", "nps", "score"),
                ("ces_avg", "CES (1-7)", "ces_avg", "score")]


def _value(period: dict, key: str):
    value = period[key]
    return value["value"] if isinstance(value, dict) else value


def _delta(now, before, key: str, kind: str) -> str:
    if now is None or before is None:
        return ""
    diff = now - before
    style = change_style(key, diff)
    text = change(diff, kind, digits=1)
    return f"[{style}]{text}[/]" if style else text


def render_summary(console: Console, summary: dict, tz: str) -> None:
    cur, prev = summary["current"], summary["previous"]
    head = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    head.add_column("Figure")
    head.add_column("Last 7 days", justify="right")
    head.add_column("n", justify="right")
    head.add_column("Week before", justify="right")
    head.add_column("Change", justify="right")
    for key, label, kpi_key, kind in SUMMARY_ROWS:
        now_v, before_v = _value(cur, key), _value(prev, key)
        n = cur[key]["n"] if isinstance(cur[key], dict) else ""
        mark = " *" if isinstance(cur[key], dict) and cur[key]["low_sample"] else ""
        head.add_row(label, figure(now_v, kind) + mark, f"{n}" if n != "" else "", figure(before_v, kind),
                     _delta(now_v, before_v, kpi_key, kind) if key != "created" else "")
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
    parts: list[RenderableType] = [
        head, "", f"Backlog at the period's end ({local_time(summary['until'], tz)}): {cur['backlog']:,} tickets",
        f"Open now ({local_time(summary['as_of'], tz)}): {sum(r['count'] for r in summary['backlog_by_status']):,} "
        "tickets", backlog, "",
        f"Store: {rows.get('tickets', 0):,} tickets, {rows.get('ticket_events', 0):,} events, "
        f"{rows.get('surveys', 0):,} surveys, {rows.get('customers', 0):,} customers ({summary['store']['path']})"]
    if "sla" in summary:
        sla = summary["sla"]
        parts.append(f"SLA: {many(sla['breached'], 'ticket')} breached, {sla['at_risk']:,} at risk "
                     f"(cstool sla check)")
        parts.append("Escalations: " + ", ".join(f"{tier} {n:,}" for tier, n in summary["escalations"].items())
                     + " (cstool escalations)")
    findings = {k: v for k, v in summary["findings"].items() if v}
    if findings:
        parts.append("Data-quality findings in recent imports: " +
                     ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in sorted(findings.items())))
    parts.append(LOW_SAMPLE_NOTE)
    console.print(Panel(Group(*parts), title=f"cstool summary as of {local_time(summary['as_of'], tz)} ({tz})",
                        title_align="left", expand=False))
