"""`cstool kpi`: KPIs for a period, grouped and compared with the previous period."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, FormatOpt, command, now, parse_instant, state
from cstool.cli.console import out_console
from cstool.core.errors import UsageError
from cstool.core.formats import DAY_SECONDS
from cstool.core.models import KpiDocument, TopIssue
from cstool.render import Format
from cstool.render.machine import write_csv, write_json
from cstool.render.values import local_time

app = typer.Typer()
TREND_DAYS = 120  # the table view draws daily sparklines for periods up to this long


def _period(since, until, period, as_of: int, tz: str, first) -> tuple[int, int]:
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


@command(app, "kpi")
def kpi(
    since: Annotated[Optional[str], typer.Option("--since", help="Start (date or ISO instant, config time zone).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="End, exclusive.")] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", help="yesterday | last-7d (default) | last-week | mtd | last-month | qtd | ytd | all")] = None,
    by: Annotated[Optional[list[str]], typer.Option(
        "--by", help="Group by channel, priority, team, assignee, tag, customer_tier, day, week or month "
        "(up to two).")] = None,
    compare: Annotated[Optional[str], typer.Option("--compare", help="previous: add the previous period and "
                                                   "the changes.")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """KPIs for a period (half-open [since, until) in the config time zone), each with its sample size; figures from fewer than 30 observations are marked.

    Example: cstool kpi --period last-week --compare previous --by channel
    """
    from cstool.core.kpi import DIMENSIONS, TIME_DIMS
    from cstool.services.freshness import data_age_of
    from cstool.services.kpi import kpi_report
    from cstool.services.sla import SlaEngine
    from cstool.store.report import time_bounds

    dims = list(by or [])
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad or len(dims) > 2 or len([d for d in dims if d in TIME_DIMS]) > 1 or len(set(dims)) != len(dims):
        raise UsageError(f"--by {dims}: up to two of {', '.join(DIMENSIONS)} (at most one of day/week/month)")
    if compare not in (None, "previous"):
        raise UsageError(f"--compare {compare!r}: expected previous")
    if fmt is Format.nagios or fmt is Format.text:
        raise UsageError("--format: kpi prints table, json, csv, markdown or html")
    app_state = state()
    config = app_state.settings().config
    tz = config.timezone
    when = parse_instant(as_of, tz)
    engine = SlaEngine(config)
    with app_state.read_store(engine) as store:
        lo, hi = _period(since, until, period, when, tz, time_bounds(store)[0])
        doc = kpi_report(store, engine, lo, hi, dims, compare == "previous", tz)
        doc["data"] = data_age_of(store, when, now(), config.max_data_age)
        trend, issues = None, None
        if fmt is Format.table and hi - lo <= TREND_DAYS * DAY_SECONDS:
            from cstool.services.kpi import daily_trend, top_issues

            trend = daily_trend(store, lo, hi, tz)
            issues = top_issues(store, engine, lo, hi, tz)
    title = f"KPIs {local_time(lo, tz)} – {local_time(hi, tz)} ({tz})"
    _emit(doc, fmt, tz, title, trend, issues)


def _emit(doc: KpiDocument, fmt: Format, tz: str, title: str, trend: dict[str, list[float | None]] | None,
          issues: list[TopIssue] | None) -> None:
    from cstool.render import kpi as view

    if fmt is Format.json:
        write_json(view.json_document(doc, tz), sys.stdout)
    elif fmt is Format.csv:
        write_csv(view.csv_rows(doc), view.CSV_COLUMNS, sys.stdout)
    elif fmt is Format.markdown:
        sys.stdout.write(view.markdown(doc, title))
    elif fmt is Format.html:
        sys.stdout.write(view.html_report(doc, title))
    else:
        view.print_kpis(out_console(), doc, title, trend, issues)
