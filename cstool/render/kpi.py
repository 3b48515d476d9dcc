"""The KPI report as text: headline with deltas and sparklines, detailed table, groups; and as
Markdown or HTML tables for pasting into a wiki or an e-mail."""

from __future__ import annotations

import html

from cstool.core.sla.duration import format_seconds

SPARKS = "▁▂▃▄▅▆▇█"
HEADLINE = ("tickets_created", "tickets_resolved", "backlog", "csat_pct", "nps", "sla_first_response_pct",
            "sla_resolution_pct", "first_response_median_s", "resolution_median_s")
GROUP_COLUMNS = ("tickets_created", "tickets_resolved", "backlog", "first_response_median_s", "sla_resolution_pct",
                 "csat_pct", "fcr_pct", "reopen_pct")


def sparkline(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = (hi - lo) or 1
    return "".join(" " if v is None else SPARKS[int((v - lo) / span * (len(SPARKS) - 1))] for v in values)


def show(key: str, value) -> str:
    """A figure for people: durations as 2h 15m, percentages with %, counts with separators."""
    if value is None:
        return "n/a"
    if key.endswith("_s"):
        return format_seconds(value)
    if key.endswith("_pct"):
        return f"{value:.1f}%"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def show_delta(key: str, delta, better_fn) -> tuple[str, str]:
    """(text, style) of a change: arrows, and green when better, red when worse."""
    if delta is None:
        return "", ""
    if delta == 0:
        return "±0", "dim"
    arrow = "▲" if delta > 0 else "▼"
    text = f"{arrow} {format_seconds(abs(delta))}" if key.endswith("_s") else f"{arrow} {abs(delta):,.2f}".rstrip("0").rstrip(".")
    good = better_fn(key, delta)
    return text, "" if good is None else ("green" if good else "red")


def group_label(key: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def markdown(doc: dict, title: str) -> str:
    lines = [f"## {title}", "", "| metric | value | n | previous | change |", "|---|---:|---:|---:|---:|"]
    prev = doc.get("previous") or {}
    for key, fig in doc["metrics"].items():
        before = prev.get("metrics", {}).get(key, {}).get("value") if prev else None
        delta = prev.get("delta", {}).get(key) if prev else None
        mark = " *" if fig["low_sample"] else ""
        lines.append(f"| {key} | {show(key, fig['value'])}{mark} | {fig['n']} | "
                     f"{show(key, before) if prev else ''} | {'' if delta is None else delta} |")
    if doc["groups"]:
        lines += ["", "| group | " + " | ".join(GROUP_COLUMNS) + " |", "|---|" + "---:|" * len(GROUP_COLUMNS)]
        for g in doc["groups"]:
            lines.append(f"| {group_label(g['key'])} | " +
                         " | ".join(show(k, g["metrics"][k]["value"]) for k in GROUP_COLUMNS) + " |")
    lines += ["", "\\* fewer than 30 observations"]
    return "\n".join(lines) + "\n"


def html_report(doc: dict, title: str) -> str:
    esc = html.escape
    prev = doc.get("previous") or {}
    rows = []
    for key, fig in doc["metrics"].items():
        before = prev.get("metrics", {}).get(key, {}).get("value") if prev else None
        rows.append(f"<tr><td>{esc(key)}</td><td>{esc(show(key, fig['value']))}{' *' if fig['low_sample'] else ''}"
                    f"</td><td>{fig['n']}</td><td>{esc(show(key, before)) if prev else ''}</td></tr>")
    out = [f"<h2>{esc(title)}</h2>", "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">",
           "<tr><th>metric</th><th>value</th><th>n</th><th>previous</th></tr>", *rows, "</table>"]
    if doc["groups"]:
        out += ["<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">",
                "<tr><th>group</th>" + "".join(f"<th>{k}</th>" for k in GROUP_COLUMNS) + "</tr>"]
        for g in doc["groups"]:
            out.append(f"<tr><td>{esc(group_label(g['key']))}</td>" +
                       "".join(f"<td>{esc(show(k, g['metrics'][k]['value']))}</td>" for k in GROUP_COLUMNS) + "</tr>")
        out.append("</table>")
    out.append("<p>* fewer than 30 observations</p>")
    return "\n".join(out) + "\n"


def print_kpis(console, doc: dict, title: str, trend, issues, better) -> None:
    """The table view: headline with changes and daily sparklines, every figure, groups, top issues."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    prev = doc["previous"] or {}
    head = Table(box=None, header_style="bold")
    for name, justify in (("Headline", "left"), ("Value", "right"), ("n", "right"), ("Previous", "right"),
                          ("Change", "right"), ("Daily trend", "left")):
        head.add_column(name, justify=justify)
    for key in HEADLINE:
        fig = doc["metrics"][key]
        before = prev.get("metrics", {}).get(key, {}).get("value") if prev else None
        text, style = show_delta(key, prev.get("delta", {}).get(key) if prev else None, better)
        head.add_row(key, show(key, fig["value"]) + (" *" if fig["low_sample"] else ""), f"{fig['n']:,}",
                     show(key, before) if prev else "", Text(text, style=style),
                     sparkline(trend[key]) if trend and key in trend else "")
    console.print(Panel(head, title=title, title_align="left", expand=False))
    detail = Table(title="All figures", title_justify="left", header_style="bold")
    for name in ("Metric", "Value", "n", "Previous", "Change"):
        detail.add_column(name, justify="left" if name == "Metric" else "right")
    for key, fig in doc["metrics"].items():
        before = prev.get("metrics", {}).get(key, {}).get("value") if prev else None
        text, style = show_delta(key, prev.get("delta", {}).get(key) if prev else None, better)
        detail.add_row(key, show(key, fig["value"]) + (" *" if fig["low_sample"] else ""), f"{fig['n']:,}",
                       show(key, before) if prev else "", Text(text, style=style))
    console.print(detail)
    if doc["groups"]:
        groups = Table(title="Groups (by volume)", title_justify="left", header_style="bold")
        groups.add_column("Group", overflow="fold")
        for key in GROUP_COLUMNS:
            groups.add_column(key, justify="right")
        for g in doc["groups"]:
            groups.add_row(Text(group_label(g["key"])),
                           *(show(k, g["metrics"][k]["value"]) + (" *" if g["metrics"][k]["low_sample"] else "")
                             for k in GROUP_COLUMNS))
        console.print(groups)
    if issues:
        top = Table(title="Top issues (tags by volume, change vs the previous period)", title_justify="left",
                    header_style="bold")
        for name in ("Tag", "Tickets", "Change", "Reopened", "SLA breached"):
            top.add_column(name, justify="left" if name == "Tag" else "right")
        for i in issues:
            top.add_row(Text(i["tag"]), f"{i['tickets']:,}", f"{i['change']:+d}", show("reopen_pct", i["reopen_pct"]),
                        show("breach_pct", i["breach_pct"]))
        console.print(top)
    if doc["metrics"]["churn_pct"]["value"] is None and doc["metrics"]["churn_pct"]["n"] == 0:
        console.print("churn_pct and clv are n/a: import customers (cstool import customers) to get them", markup=False)
    console.print("* fewer than 30 observations", markup=False)
