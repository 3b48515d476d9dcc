"""The KPI report as text: headline with changes and sparklines, every figure, groups, top
issues; and as Markdown or HTML tables for pasting into a wiki or an e-mail."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from cstool.core.kpi import HEADLINE, better
from cstool.core.models import FigureDoc, KpiDocument, TopIssue
from cstool.render import Column
from cstool.render.plain import html_page, html_table, markdown_table, md_cell
from cstool.render.table import print_table
from cstool.render.values import change, data_age_json, data_age_lines, figure, figure_kind, iso_instant

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

CSV_COLUMNS = [Column(k, k) for k in ("group", "metric", "value", "n", "low_sample", "previous", "delta")]
INTERVAL_COLUMNS = [Column(k, k) for k in ("ci_low", "ci_high", "flag")]  # (kpi --intervals)
SPARKS = "▁▂▃▄▅▆▇█"
# the figures of the groups table: (key, short header, rank on a narrow terminal)
GROUP_FIGURES = (("tickets_created", "Created", 0), ("tickets_resolved", "Resolved", 3), ("backlog", "Backlog", 2),
                 ("first_response_median_s", "1st response", 4), ("sla_resolution_pct", "SLA resol.", 1),
                 ("csat_pct", "CSAT", 1), ("fcr_pct", "FCR", 5), ("reopen_pct", "Reopened", 6))
GROUP_COLUMNS = tuple(key for key, _, _ in GROUP_FIGURES)
# Figures as people read them; the machine formats keep the keys (docs/semantics.md#kpi-formulas).
LABELS = {"tickets_created": "Tickets created", "tickets_resolved": "Tickets resolved",
          "backlog": "Backlog (open at the end)", "fcr_pct": "First-contact resolution", "reopen_pct": "Reopened",
          "sla_first_response_pct": "SLA first response", "sla_resolution_pct": "SLA resolution", "csat_pct": "CSAT",
          "csat_avg": "CSAT average (1-5)", "csat_responses": "CSAT answers", "nps": "NPS",
          "promoters_pct": "NPS promoters", "passives_pct": "NPS passives", "detractors_pct": "NPS detractors",
          "nps_responses": "NPS answers", "ces_avg": "CES average (1-7)", "ces_easy_pct": "CES easy (5-7)",
          "ces_responses": "CES answers", "churn_pct": "Customer churn", "clv": "Customer lifetime value"}
_DURATION_LABELS = {"first_response": "First response", "resolution": "Resolution"}


def label(key: str) -> str:
    """`first_response_business_median_s` reads "First response median (business)"; a key with
    no label reads as itself, underscores as spaces."""
    if key in LABELS:
        return LABELS[key]
    if key.startswith("backlog_age_"):
        return f"Backlog aged {key.removeprefix('backlog_age_')}"
    for base, text in _DURATION_LABELS.items():
        for stat in ("median", "p90", "mean"):
            if key == f"{base}_{stat}_s":
                return f"{text} {stat}"
            if key == f"{base}_business_{stat}_s":
                return f"{text} {stat} (business)"
    return key.replace("_", " ")
LOW_SAMPLE_NOTE = "* fewer than 30 observations"


def json_document(doc: KpiDocument, tz: str, explain: str | None = None) -> dict[str, Any]:
    """The document with its period bounds in ISO-8601; with `explain` (the start of its
    command line), each figure of the period and of the groups with the command that lists the
    records behind it."""
    out: dict[str, Any] = {**doc, "since": iso_instant(doc["since"], tz), "until": iso_instant(doc["until"], tz)}
    if explain:
        out["metrics"] = _explained(doc["metrics"], explain, {})
        out["groups"] = [{**g, "metrics": _explained(g["metrics"], explain, g["key"])} for g in doc["groups"]]
    if doc["previous"]:
        out["previous"] = {**doc["previous"], "since": iso_instant(doc["previous"]["since"], tz),
                           "until": iso_instant(doc["previous"]["until"], tz)}
    if "data" in doc:
        out["data"] = data_age_json(doc["data"], tz)
    return out


def _explained(figures: dict[str, Any], explain: str, group: dict[str, str]) -> dict[str, Any]:
    from shlex import join

    tail = join([x for dim, value in group.items() for x in ("--group", f"{dim}={value}")])
    return {k: {**v, "explain": f"{explain} --explain {k}" + (f" {tail}" if tail else "")} for k, v in figures.items()}


def _age(doc: KpiDocument) -> list[str]:
    """The data-age lines of the document (a stale-data warning first), none when not measured."""
    return data_age_lines(doc["data"], doc["timezone"]) if "data" in doc else []


def _interval(fig: FigureDoc) -> dict[str, Any]:
    ci = fig.get("ci")
    return {"ci_low": ci[0], "ci_high": ci[1]} if ci else {}


def csv_rows(doc: KpiDocument) -> list[dict[str, Any]]:
    """One row per figure: the period's (with previous value and change), then each group's
    (with `kpi --intervals`, ci_low, ci_high and flag too)."""
    prev = doc["previous"]
    rows: list[dict[str, Any]] = [
        {"group": "", "metric": k, **v, **_interval(v), "previous": prev["metrics"][k]["value"] if prev else None,
         "delta": prev["delta"].get(k) if prev else None} for k, v in doc["metrics"].items()]
    for g in doc["groups"]:
        before = g.get("previous")
        rows += [{"group": group_label(g["key"]), "metric": k, **v, **_interval(v),
                  "previous": before["metrics"][k]["value"] if before else None,
                  "delta": before["delta"][k] if before else None} for k, v in g["metrics"].items()]
    return rows


def wide_rows(doc: KpiDocument) -> tuple[list[dict[str, Any]], list[Column]]:
    """One row per group (the period itself when there are none), one column per figure (and,
    with --compare previous, one `<figure>_delta` column after each): for spreadsheets."""
    keys = list(doc["metrics"])
    compared = doc["previous"] is not None
    dims = list(doc["groups"][0]["key"]) if doc["groups"] else []
    names = [c for k in keys for c in ([k, f"{k}_delta"] if compared else [k])]

    shown = {k for g in doc["groups"] for k, f in g["metrics"].items() if "ci" in f} or \
        {k for k, f in doc["metrics"].items() if "ci" in f}
    names = [c for k in names for c in ([k, f"{k}_ci_low", f"{k}_ci_high", f"{k}_flag"] if k in shown else [k])]

    def row(key: dict[str, str], metrics: dict[str, FigureDoc], delta: dict[str, float | None]) -> dict[str, Any]:
        cells = {**key, **{k: f["value"] for k, f in metrics.items()}, **{f"{k}_delta": d for k, d in delta.items()}}
        for k, f in metrics.items():
            cells.update({f"{k}_{name}": v for name, v in _interval(f).items()}, **{f"{k}_flag": f.get("flag")})
        return cells

    if doc["groups"]:
        rows = [row(g["key"], g["metrics"], g["previous"]["delta"] if "previous" in g else {}) for g in doc["groups"]]
    else:
        rows = [row({}, doc["metrics"], doc["previous"]["delta"] if doc["previous"] else {})]
    return rows, [Column(c, c) for c in dims + names]


def sparkline(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = (hi - lo) or 1
    return "".join(" " if v is None else SPARKS[int((v - lo) / span * (len(SPARKS) - 1))] for v in values)


def show(key: str, value) -> str:
    """A figure for people: durations as 2h 15m, percentages with %, counts with separators."""
    return figure(value, figure_kind(key))


FLAGS = {"above": " ↑", "below": " ↓"}
FLAG_NOTE = "↑ / ↓: the group's 95 % interval lies wholly above / below the period's figure"


def marked(key: str, fig: FigureDoc) -> str:
    """A figure with ` *` when it comes from fewer than 30 observations, and ↑ or ↓ when
    `kpi --intervals` flags it above or below the period's figure."""
    return show(key, fig["value"]) + (" *" if fig["low_sample"] else "") + FLAGS.get(fig.get("flag") or "", "")


def change_style(key: str, delta) -> str:
    """Green when the change is an improvement, red when it is worse, dim for none."""
    if delta == 0:
        return "dim"
    good = None if delta is None else better(key, delta)
    return "" if good is None else ("green" if good else "red")


def group_label(key: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def figure_rows(doc: KpiDocument, keys: Iterable[str] | None = None) -> list[tuple[str, str, int, str, float | None]]:
    """(key, figure marked, n, previous figure or '', delta or None) for `keys` (default: all)."""
    prev = doc["previous"]
    rows = []
    for key in keys or doc["metrics"]:
        fig = doc["metrics"][key]
        before = show(key, prev["metrics"][key]["value"]) if prev else ""
        rows.append((key, marked(key, fig), fig["n"], before, prev["delta"].get(key) if prev else None))
    return rows


def _tables(doc: KpiDocument) -> list[tuple[list[str], list[list[str]]]]:
    """(headers, rows) of the figures and, with --by, of the groups: labels, not keys."""
    figures = [[label(key), value, f"{n:,}", before, change(delta, figure_kind(key))]
               for key, value, n, before, delta in figure_rows(doc)]
    out = [(["Figure", "Value", "n", "Previous", "Change"], figures)]
    if doc["groups"]:
        columns = group_columns(doc)
        out.append(([c.header for c in columns], [[r[c.key] for c in columns] for r in group_records(doc)]))
    return out


def markdown(doc: KpiDocument, title: str) -> str:
    lines = [f"## {md_cell(title)}", "", *(f"{md_cell(line)}  " for line in _age(doc))]
    for headers, rows in _tables(doc):
        lines += ["", markdown_table(headers, rows)]
    lines += ["", "\\" + LOW_SAMPLE_NOTE]
    return "\n".join(lines) + "\n"


def html_report(doc: KpiDocument, title: str, explain: str | None = None,
                trend: dict[str, list[float | None]] | None = None) -> str:
    """One standalone UTF-8 page with charts as inline SVG (render/report_charts.kpi_charts), each
    with its numbers; with `explain` (see json_document), each figure of the period has a
    footnote giving the command that lists the records behind it."""
    from cstool.render.charts import figure
    from cstool.render.report_charts import kpi_charts

    tables = _tables(doc)
    keys = list(doc["metrics"])
    notes = list(range(1, len(keys) + 1)) if explain else None
    charts = [figure(c) for c in kpi_charts(doc, trend, doc["timezone"])]
    body = [f"<h1>{html.escape(title)}</h1>", *(f"<p>{html.escape(line)}</p>" for line in _age(doc)),
            html_table(*tables[0], notes=notes), *charts,
            *(html_table(headers, rows) for headers, rows in tables[1:]), f"<p>{html.escape(LOW_SAMPLE_NOTE)}</p>"]
    if explain:
        body.append("<h2>The records behind each figure</h2><ol>" + "".join(
            f"<li id=\"note-{i}\"><code>{html.escape(f'{explain} --explain {key}')}</code></li>"
            for i, key in enumerate(keys, 1)) + "</ol>")
    return html_page(title, "\n".join(body))


def churn_line(link: dict[str, Any]) -> str:
    """`Churn after a bad experience: 4.7% of 403 customers, without: 5.4% of 184; ratio 0.87 (95 % 0.41-1.83)`."""
    if not link["available"]:
        return f"Churn after a bad experience: n/a: {link['reason']}"
    bad, none = link["bad"], link["none"]

    def rate(g: dict[str, Any]) -> str:
        return f"{show('churn_pct', g['churn_pct'])} of {g['customers']:,}" if g["customers"] else "no customers"

    ratio = ("" if link["rate_ratio"] is None else f"; ratio {link['rate_ratio']:g}" +
             (f" (95 % {link['ci'][0]:g}-{link['ci'][1]:g})" if link["ci"] else ""))
    return (f"Churn after a bad experience (SLA breach, reopen or CSAT <= 2): {rate(bad)} customers, without: "
            f"{rate(none)}{ratio}")


def print_kpis(console: Console, doc: KpiDocument, title: str, trend: dict[str, list[float | None]] | None,
               issues: list[TopIssue] | None) -> None:
    """The table view: headline with changes and daily sparklines, every figure, groups, top issues."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    head = Table(box=None, header_style="bold")
    for name in ("Headline", "Value", "n", "Previous", "Change", "Daily trend"):
        head.add_column(name, justify="left" if name in ("Headline", "Daily trend") else "right")
    for key, value, n, before, delta in figure_rows(doc, HEADLINE):
        head.add_row(label(key), value, f"{n:,}", before,
                     Text(change(delta, figure_kind(key)), style=change_style(key, delta) if delta is not None else ""),
                     sparkline(trend[key]) if trend and key in trend else "")
    console.print(Panel(head, title=title, title_align="left", expand=False))
    for line in _age(doc):
        console.print(Text(line, style="bold red" if line.startswith("STALE") else "dim"))
    console.print("")
    figures = [{"metric": label(key), "value": value, "n": n, "previous": before,
                "change": change(delta, figure_kind(key))} for key, value, n, before, delta in figure_rows(doc)]
    print_table(console, figures, FIGURE_COLUMNS, title="All figures")
    if doc["groups"]:
        console.print("")
        print_table(console, group_records(doc), group_columns(doc), title="Groups (by volume)")
        if any("ci" in f for g in doc["groups"] for f in g["metrics"].values()):
            console.print(FLAG_NOTE, markup=False)
    if issues:
        console.print("")
        print_table(console, [dict(zip(("tag", "tickets", "change", "reopen", "breach"), issue_cells(i)))
                              for i in issues], ISSUE_COLUMNS,
                    title="Top issues (tags by volume, change vs the previous period)")
    if doc["metrics"]["churn_pct"]["value"] is None and doc["metrics"]["churn_pct"]["n"] == 0:
        console.print("churn_pct and clv are n/a: import customers (cstool import customers) to get them", markup=False)
    if "churn_link" in doc:
        console.print(churn_line(doc["churn_link"]), markup=False)
    console.print(LOW_SAMPLE_NOTE, markup=False)


FIGURE_COLUMNS = [Column("metric", "Figure"), Column("value", "Value", "number"), Column("n", "n", "number"),
                  Column("previous", "Previous", "number", rank=1), Column("change", "Change", "number")]
ISSUE_COLUMNS = [Column("tag", "Tag", "id"), Column("tickets", "Tickets", "number"),
                 Column("change", "Change", "number"), Column("reopen", "Reopened", "number", rank=1),
                 Column("breach", "SLA breached", "number", rank=2)]
def group_columns(doc: KpiDocument) -> list[Column]:
    """One column per `--by` dimension (always shown), then the group figures by rank."""
    dims = list(doc["groups"][0]["key"]) if doc["groups"] else []
    return ([Column(f"by:{d}", d.replace("_", " ").capitalize(), "id") for d in dims] +
            [Column(key, header, "number", rank=rank) for key, header, rank in GROUP_FIGURES])


def group_records(doc: KpiDocument) -> list[dict[str, Any]]:
    """The groups as table rows: dimension values and marked figures (with --compare previous,
    each followed by its change: `85.2% ▲ 3.1`)."""
    def cell(g, k: str) -> str:
        delta = g["previous"]["delta"][k] if "previous" in g else None
        return marked(k, g["metrics"][k]) + (f" {change(delta, figure_kind(k))}" if delta is not None else "")

    return [{**{f"by:{d}": v for d, v in g["key"].items()}, **{k: cell(g, k) for k in GROUP_COLUMNS}}
            for g in doc["groups"]]


def issue_cells(issue: TopIssue) -> list[str]:
    """tag, tickets, change, reopened %, SLA breached % of one top issue."""
    return [issue["tag"], f"{issue['tickets']:,}", f"{issue['change']:+d}", show("reopen_pct", issue["reopen_pct"]),
            show("breach_pct", issue["breach_pct"])]
