"""The nightly report as plain text, Markdown or HTML: the same sections and tables in each."""

from __future__ import annotations

import html

from cstool.core.kpi import HEADLINE
from cstool.core.kpi_explain import explain_command
from cstool.core.models import ReportDocument
from cstool.render.kpi import LOW_SAMPLE_NOTE, figure_rows, issue_cells, label
from cstool.render.plain import html_page, html_table, markdown_table, mask_email, md_cell, text_table
from cstool.render.values import change, data_age_lines, figure_kind, local_time, many


def _sections(report: ReportDocument, tz: str, show_pii: bool) -> list[tuple[str, list[str], list[list[str]], str]]:
    headline = [[label(key), value, f"{n:,}", before, change(delta, figure_kind(key))]
                for key, value, n, before, delta in figure_rows(report["kpis"], HEADLINE)]
    sla = report["sla"]
    worst = [[f["ticket_id"], f["subject"] or "", f["team"] or "", f["assignee"] or "", f["metric"], f["state"],
              local_time(f["due_at"], tz), f["customer_id"] or "",
              (f["customer_email"] or "") if show_pii else mask_email(f["customer_email"])]
             for f in report["worst"]]
    likely = [[f["ticket_id"], f["subject"] or "", f["team"] or "", f["assignee"] or "", f["metric"],
               local_time(f["due_at"], tz), f"{f['p_breach']:.0%}", f"{f['forecast_basis']} (n={f['forecast_n']:,})"]
              for f in report["likely"]]
    spikes = [[f"{s['dimension']}={s['value']}", f"{s['observed']:,}", f"{s['expected']:g}",
               local_time(s["window_start"], tz)] for s in report["spikes"]]
    tiers = [[tier, f"{n:,}"] for tier, n in report["escalations"].items()]
    issues = [issue_cells(i) for i in report["top_issues"]]
    findings = [[k.replace("_", " "), f"{v:,}"] for k, v in sorted(report["findings"].items()) if v]
    return [
        ("Headline (vs the previous period)", ["figure", "value", "n", "previous", "change"], headline,
         LOW_SAMPLE_NOTE),
        (f"SLA: {many(sla['breached'], 'ticket')} breached, {sla['at_risk']:,} at risk, {sla['open']:,} open — "
         "worst five",
         ["ticket", "subject", "team", "assignee", "metric", "state", "due", "customer", "e-mail"], worst, ""),
        ("Likely to breach today (forecast of 50 % or more, not breached yet)",
         ["ticket", "subject", "team", "assignee", "metric", "due", "forecast", "learnt from"], likely, ""),
        ("Volume spikes in the last 4 hours (cstool spikes --customers: who to contact first)",
         ["group", "tickets", "expected", "since"], spikes, ""),
        ("Escalation queues", ["tier", "tickets"], tiers, ""),
        ("Top issues (tags by volume)", ["tag", "tickets", "change", "reopened", "SLA breached"], issues, ""),
        _detractors(report, show_pii),
        _churn(report),
        ("Data-quality findings in recent imports", ["finding", "rows"], findings, ""),
    ]


QUOTE = 140  # characters of an example comment in the report


def _detractors(report: ReportDocument, show_pii: bool) -> tuple[str, list[str], list[list[str]], str]:
    from cstool.core.text import mask_pii

    doc = report["detractor_themes"]

    def quote(comment: str) -> str:
        text = " ".join((comment if show_pii else mask_pii(comment)).split())
        return f"“{text[:QUOTE - 1]}…”" if len(text) > QUOTE else f"“{text}”"

    rows = [[t["theme"], f"{t['mentions']:,}", f"{t['previous']:,}",
             "" if t["sentiment"] is None else f"{t['sentiment']:+.2f}",
             " ".join(quote(e["comment"]) for e in t["examples"])] for t in doc["themes"]]
    note = (f"{many(doc['read'], 'detractor comment')} read (NPS 0-6, CSAT of 2 or less); sentiment from -1 to 1, "
            "English only" + ("" if show_pii else "; e-mail addresses and numbers in the comments masked"))
    return ("What detractors talk about", ["theme", "comments", "period before", "sentiment", "examples"], rows, note)


def _churn(report: ReportDocument) -> tuple[str, list[str], list[list[str]], str]:
    link = report["churn_link"]
    if not link["available"]:
        return ("Does support experience cost customers?", [], [], f"n/a: {link['reason']}")
    rows = [[label, f"{g['customers']:,}", f"{g['churned']:,}", "" if g["churn_pct"] is None else f"{g['churn_pct']}%"]
            for label, g in (("had a bad experience", link["bad"]), ("had none", link["none"]))]
    ratio = "n/a" if link["rate_ratio"] is None else f"{link['rate_ratio']:g}" + (
        f" (95 % interval {link['ci'][0]:g}-{link['ci'][1]:g})" if link["ci"] else
        " (no interval: no churn in a group)")
    return ("Does support experience cost customers? (active customers of the period; bad = an SLA breach, a "
            "reopen or a CSAT of 2 or less)", ["customers", "active", "churned since", "churn"], rows,
            f"churn rate ratio: {ratio}")


def _title(report: ReportDocument, tz: str) -> str:
    team = f" for team {report['team']}" if report.get("team") else ""
    return (f"cstool nightly report{team} {local_time(report['since'], tz)} – {local_time(report['until'], tz)} "
            f"({tz}), as of {local_time(report['as_of'], tz)}")


def _head(report: ReportDocument, tz: str) -> tuple[list[str], str, list[str]]:
    """(the stale-data warning, if any: the very first line; the title; the data-age line)."""
    age = data_age_lines(report["data"], tz)
    return age[:-1], _title(report, tz), age[-1:]


def render_text(report: ReportDocument, tz: str, show_pii: bool = False) -> str:
    stale, title, age = _head(report, tz)
    parts = [*stale, title, *age, ""]
    for title, headers, rows, note in _sections(report, tz, show_pii):
        parts += [title, text_table(headers, rows) if rows else "(none)", *([note] if note else []), ""]
    return "\n".join(parts)


def render_markdown(report: ReportDocument, tz: str, show_pii: bool = False) -> str:
    stale, title, age = _head(report, tz)
    parts = [*(f"**{md_cell(line)}**" for line in stale), f"# {md_cell(title)}", "", *map(md_cell, age), ""]
    for title, headers, rows, note in _sections(report, tz, show_pii):
        parts += [f"## {md_cell(title)}", "", markdown_table(headers, rows) if rows else "(none)",
                  *([note] if note else []), ""]
    return "\n".join(parts)


def render_html(report: ReportDocument, tz: str, show_pii: bool = False, images: dict[str, str] | None = None) -> str:
    """One standalone UTF-8 page: the tables, and the charts as inline SVG, or with `images`
    (chart id -> `cid:` address of its PNG: the e-mail) as images; each chart with its numbers."""
    from cstool.render.charts import figure
    from cstool.render.report_charts import report_charts

    stale, title, age = _head(report, tz)
    parts = [*(f'<p style="color:#b00020"><strong>{html.escape(line)}</strong></p>' for line in stale),
             f"<h1>{html.escape(title)}</h1>", *(f"<p>{html.escape(line)}</p>" for line in age)]
    notes = list(range(1, len(HEADLINE) + 1))
    sections = _sections(report, tz, show_pii)
    charts = [figure(c, (images or {}).get(c["id"]) if images is not None else None) for c in report_charts(report)]
    for i, (title, headers, rows, note) in enumerate(sections):
        table = html_table(headers, rows, notes=notes if i == 0 else None) if rows else "<p>(none)</p>"
        parts += [f"<h2>{html.escape(title)}</h2>", table, f"<p>{html.escape(note)}</p>" if note else ""]
        if i == 0:
            parts += ["<h2>Charts</h2>", *charts]
    command = explain_command(report["kpis"]["since"], report["kpis"]["until"], tz)
    parts.append("<h2>The records behind each figure</h2><ol>" + "".join(
        f"<li id=\"note-{n}\"><code>{html.escape(f'{command} --explain {key}')}</code></li>"
        for n, key in zip(notes, HEADLINE)) + "</ol>")
    return html_page(_title(report, tz), "\n".join(parts))


def report_subject(report: ReportDocument, day: str) -> str:
    """`[cstool] Support KPIs 2026-11-21: 3 breaches, CSAT 91% (+2)` (stable: a mail filter can match it)."""
    kpis = report["kpis"]
    csat = kpis["metrics"]["csat_pct"]["value"]
    delta = kpis["previous"]["delta"].get("csat_pct") if kpis["previous"] else None
    csat_text = "CSAT n/a" if csat is None else f"CSAT {csat:.0f}%" + (f" ({delta:+.0f})" if delta is not None else "")
    n = report["sla"]["breached"]
    stale = "[STALE DATA] " if report["data"]["stale"] else ""
    team = f" ({report['team']})" if report.get("team") else ""
    return f"{stale}[cstool] Support KPIs{team} {day}: {n} breach{'es' if n != 1 else ''}, {csat_text}"
