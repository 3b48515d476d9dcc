"""The KPI report as text: headline with deltas and sparklines, detailed table, groups; and as
Markdown or HTML tables for pasting into a wiki or an e-mail."""

from __future__ import annotations

import html

from cstool.sla.duration import format_seconds

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
