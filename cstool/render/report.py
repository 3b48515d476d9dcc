"""The nightly report as plain text, Markdown or HTML: the same sections and tables in each."""

from __future__ import annotations

import html

from cstool.render.kpi import show
from cstool.render.plain import html_table, markdown_table, mask_email, text_table
from cstool.render.values import local_time
from cstool.core.sla.duration import format_seconds
from cstool.services.report import REPORT_HEADLINE


def _change(key: str, delta) -> str:
    if delta is None:
        return ""
    if key.endswith("_s"):
        return ("-" if delta < 0 else "+") + format_seconds(abs(delta))
    return f"{delta:+g}"


def _sections(report: dict, tz: str, show_pii: bool) -> list[tuple[str, list[str], list[list[str]], str]]:
    kpis = report["kpis"]
    prev = kpis["previous"] or {}
    headline = [[key, show(key, kpis["metrics"][key]["value"]) + (" *" if kpis["metrics"][key]["low_sample"] else ""),
                 str(kpis["metrics"][key]["n"]), show(key, prev.get("metrics", {}).get(key, {}).get("value")),
                 _change(key, prev.get("delta", {}).get(key))]
                for key in REPORT_HEADLINE]
    sla = report["sla"]
    worst = [[f["ticket_id"], f["subject"] or "", f["team"] or "", f["assignee"] or "", f["metric"], f["state"],
              local_time(f["due_at"], tz), f["customer_id"] or "",
              (f["customer_email"] or "") if show_pii else mask_email(f["customer_email"])]
             for f in report["worst"]]
    tiers = [[tier, str(n)] for tier, n in report["escalations"].items()]
    issues = [[i["tag"], str(i["tickets"]), f"{i['change']:+d}", show("reopen_pct", i["reopen_pct"]),
               show("breach_pct", i["breach_pct"])] for i in report["top_issues"]]
    findings = [[k.replace("_", " "), str(v)] for k, v in sorted(report["findings"].items()) if v]
    return [
        ("Headline (vs the previous period)", ["figure", "value", "n", "previous", "change"], headline,
         "* fewer than 30 observations"),
        (f"SLA: {sla['breached']} tickets breached, {sla['at_risk']} at risk, {sla['open']} open — worst five",
         ["ticket", "subject", "team", "assignee", "metric", "state", "due", "customer", "e-mail"], worst, ""),
        ("Escalation queues", ["tier", "tickets"], tiers, ""),
        ("Top issues (tags by volume)", ["tag", "tickets", "change", "reopened", "SLA breached"], issues, ""),
        ("Data-quality findings in recent imports", ["finding", "rows"], findings, ""),
    ]


def _title(report: dict, tz: str) -> str:
    return (f"cstool nightly report {local_time(report['since'], tz)} – {local_time(report['until'], tz)} ({tz}), "
            f"as of {local_time(report['as_of'], tz)}")


def render_text(report: dict, tz: str, show_pii: bool = False) -> str:
    parts = [_title(report, tz), ""]
    for title, headers, rows, note in _sections(report, tz, show_pii):
        parts += [title, text_table(headers, rows) if rows else "(none)", *([note] if note else []), ""]
    return "\n".join(parts)


def render_markdown(report: dict, tz: str, show_pii: bool = False) -> str:
    parts = [f"# {_title(report, tz)}", ""]
    for title, headers, rows, note in _sections(report, tz, show_pii):
        parts += [f"## {title}", "", markdown_table(headers, rows) if rows else "(none)", *([note] if note else []), ""]
    return "\n".join(parts)


def render_html(report: dict, tz: str, show_pii: bool = False) -> str:
    parts = [f"<html><body><h1>{html.escape(_title(report, tz))}</h1>"]
    for title, headers, rows, note in _sections(report, tz, show_pii):
        parts += [f"<h2>{html.escape(title)}</h2>", html_table(headers, rows) if rows else "<p>(none)</p>",
                  f"<p>{html.escape(note)}</p>" if note else ""]
    parts.append("</body></html>")
    return "\n".join(parts)
