"""`cstool kpi`: KPIs for a period, grouped and compared with the previous period."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, SortOpt, command, format_option, limit_option, now, parse_instant, state
from cstool.cli.console import paged
from cstool.core.errors import UsageError
from cstool.core.formats import DAY_SECONDS
from cstool.core.models import KpiDocument, TopIssue
from cstool.render import Format
from cstool.render.machine import write_csv, write_json, write_jsonl
from cstool.render.values import local_time

app = typer.Typer()
TREND_DAYS = 120  # the table view draws daily sparklines for periods up to this long


def period_bounds(since, until, period, as_of: int, tz: str, first) -> tuple[int, int]:
    """[since, until) of --since/--until or --period (default last-7d); `first` is the store's first instant."""
    from cstool.core import periods

    if (since is None) != (until is None):
        raise UsageError("--since and --until go together (or use --period)")
    if since is not None:
        if period:
            raise UsageError("give --since/--until or --period, not both")
        try:
            lo, hi = parse_instant(since, tz, "--since"), parse_instant(until, tz, "--until")
        except UsageError:
            raise UsageError("--since/--until: expected dates such as 2026-03-01, ISO instants, or relative "
                             "times such as yesterday, 7d ago, last monday") from None
        if hi <= lo:
            raise UsageError("--until must be after --since")
        return lo, hi
    try:
        return periods.named_period(period or "last-7d", as_of, tz, first)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None


SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Start (date or ISO instant, config time zone).")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="End, exclusive.")]
PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", help="yesterday | last-7d (default) | last-week | mtd | last-month | qtd | ytd | all")]
ExplainOpt = Annotated[Optional[str], typer.Option(
    "--explain", metavar="METRIC", help="List the tickets (or survey answers, clocks, customers) behind this one "
    "figure.")]
GroupOpt = Annotated[Optional[list[str]], typer.Option(
    "--group", metavar="DIM=VALUE", help="With --explain: the figure of this group (one per --by dimension).")]


LayoutOpt = Annotated[str, typer.Option("--layout", metavar="long|wide", help="csv/tsv/jsonl: long (one row per "
                                       "figure, the default) or wide (one row per group, one column per figure).")]
IntervalsOpt = Annotated[bool, typer.Option(
    "--intervals", help="95 % intervals for shares (Wilson) and medians (order statistics); a group is flagged above "
    "or below the period only when its interval excludes the period's figure.")]


@command(app, "kpi")
def kpi(
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    by: Annotated[Optional[list[str]], typer.Option(
        "--by", help="Group by channel, priority, team, assignee, tag, customer_tier, theme (the 12 key phrases of "
        "the most tickets' subjects and comments), day, week or month (up to two).")] = None,
    compare: Annotated[Optional[str], typer.Option("--compare", help="previous: add the previous period and "
                                                   "the changes.")] = None,
    where: Annotated[Optional[list[str]], typer.Option(
        "--where", metavar="DIM=VALUE", help="Only tickets (and their survey answers) with this channel, priority, "
        "team, assignee, tag or customer_tier; repeat to combine (all must hold).")] = None,
    sort: SortOpt = None,
    limit: Annotated[Optional[int], limit_option(0, "Groups")] = None,
    layout: LayoutOpt = "long",
    as_of: AsOfOpt = None,
    explain: ExplainOpt = None,
    group: GroupOpt = None,
    intervals: IntervalsOpt = False,
    fmt: Annotated[Format, format_option("table", "json", "jsonl", "csv", "tsv", "markdown", "html")] = Format.table,
) -> None:
    """KPIs for a period (half-open [since, until) in the config time zone), each with its sample size; figures from fewer than 30 observations are marked.

    Example: cstool kpi --period last-week --compare previous --by channel

    Leaderboard: cstool kpi --by assignee --sort csat_pct:desc --limit 10 --where team=Billing

    Spreadsheet: cstool kpi --by team --compare previous -f csv --layout wide > teams.csv

    Drill down: cstool kpi --period last-month --by week --by team --explain sla_resolution_pct --group week=2026-W12 --group team=Billing

    Fair comparison: cstool kpi --by assignee --intervals (an agent with 4 surveys is not flagged for one bad answer)
    """
    from cstool.services.filters import parse_where
    from cstool.services.sla import SlaEngine
    from cstool.store.report import time_bounds

    dims = _dims(by or [])
    _check(compare, layout, group, explain)
    app_state = state()
    config = app_state.settings().config
    tz = config.timezone
    when = parse_instant(as_of, tz)
    engine = SlaEngine(config)
    with app_state.read_store(engine, texts="theme" in dims) as store:
        lo, hi = period_bounds(since, until, period, when, tz, time_bounds(store)[0])
        pairs = parse_where(store, where or [])
        if explain:
            from cstool.cli.kpi_explain import explain_figure

            explain_figure(store, engine, lo, hi, dims, pairs, explain, group or [], tz, fmt)
            return
        doc, trend, issues = _document(store, engine, (lo, hi), dims, (compare == "previous", intervals), pairs,
                                       when, fmt, (sort, limit))
    title = f"KPIs {local_time(lo, tz)} – {local_time(hi, tz)} ({tz})" + "".join(f", {d}={v}" for d, v in pairs)
    from cstool.core.kpi_explain import explain_command

    _emit(doc, fmt, tz, title, trend, issues, layout, explain_command(lo, hi, tz, dims, pairs))


def _check(compare: str | None, layout: str, group: list[str] | None, explain: str | None) -> None:
    if compare not in (None, "previous"):
        raise UsageError(f"--compare {compare!r}: expected previous")
    if layout not in ("long", "wide"):
        raise UsageError(f"--layout {layout!r}: expected long or wide")
    if group and not explain:
        raise UsageError("--group names the figure to --explain: give --explain METRIC too")


def _document(store, engine, period: tuple[int, int], dims: list[str], options: tuple[bool, bool], pairs, when: int,
              fmt: Format, arrange: tuple[str | None, int | None]):
    """(the KPI document with its data age, the daily trend and top issues for the table or None)."""
    from cstool.services.freshness import data_age_of
    from cstool.services.kpi import kpi_report

    config = engine.config
    lo, hi = period
    compare, intervals = options
    churn = None
    if fmt in (Format.table, Format.json):
        from cstool.services.churn import churn_beside

        churn = churn_beside(store, lo, hi)  # (its SQL runs while the KPI passes run)
    doc = kpi_report(store, engine, lo, hi, dims, compare, config.timezone, pairs, intervals)
    _arrange(doc, *arrange)
    doc["data"] = data_age_of(store, when, now(), config.max_data_age)
    if churn is not None:
        doc["churn_link"] = churn()
    trend, issues = None, None
    if fmt in (Format.table, Format.html) and hi - lo <= TREND_DAYS * DAY_SECONDS:
        from cstool.services.kpi import daily_trend, top_issues

        trend = daily_trend(store, lo, hi, config.timezone, pairs)
        issues = top_issues(store, engine, lo, hi, config.timezone, where=pairs) if fmt is Format.table else None
    return doc, trend, issues


def _dims(dims: list[str]) -> list[str]:
    from cstool.core.kpi import DIMENSIONS, TIME_DIMS

    bad = [d for d in dims if d not in DIMENSIONS]
    if bad or len(dims) > 2 or len([d for d in dims if d in TIME_DIMS]) > 1 or len(set(dims)) != len(dims):
        raise UsageError(f"--by {dims}: up to two of {', '.join(DIMENSIONS)} (at most one of day/week/month)")
    return dims


def _arrange(doc: KpiDocument, sort: str | None, limit: int | None) -> None:
    """The groups sorted by a figure or a dimension (--sort) and cut to --limit."""
    from cstool.render.listing import parse_sort, sort_records

    dims = list(doc["groups"][0]["key"]) if doc["groups"] else []
    order = parse_sort(sort, [*doc["metrics"], *dims])
    groups = sort_records(doc["groups"], order, lambda g, name: g["metrics"][name]["value"] if name in g["metrics"]
                          else g["key"].get(name))
    doc["groups"] = groups[:limit] if limit else groups


def _emit(doc: KpiDocument, fmt: Format, tz: str, title: str, trend: dict[str, list[float | None]] | None,
          issues: list[TopIssue] | None, layout: str, explain: str) -> None:
    from cstool.render import kpi as view

    intervals = any("ci" in f for f in doc["metrics"].values())
    rows, columns = view.wide_rows(doc) if layout == "wide" else (
        view.csv_rows(doc), view.CSV_COLUMNS + (view.INTERVAL_COLUMNS if intervals else []))
    if fmt is Format.json:
        write_json(view.json_document(doc, tz, explain), sys.stdout)
    elif fmt is Format.jsonl:
        write_jsonl(rows, sys.stdout)
    elif fmt in (Format.csv, Format.tsv):
        write_csv(rows, columns, sys.stdout, "\t" if fmt is Format.tsv else ",")
    elif fmt is Format.markdown:
        sys.stdout.write(view.markdown(doc, title))
    elif fmt is Format.html:
        sys.stdout.write(view.html_report(doc, title, explain, trend))
    else:
        with paged(not state().no_pager) as console:
            view.print_kpis(console, doc, title, trend, issues)
