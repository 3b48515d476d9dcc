"""`cstool heatmap` and `cstool staffing calc|plan`: when the work arrives and the people it needs."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, command, duration_seconds, emit, format_option, now, parse_instant, state, warn
from cstool.core.errors import UsageError
from cstool.render import Format

app = typer.Typer()
staffing_app = typer.Typer(help="Agents needed: the Erlang C calculator, and a plan for the coming week.",
                           no_args_is_help=True)
RECORDS = ("table", "json", "jsonl", "csv", "tsv")


def _share(text: str, option: str, allow_zero: bool = False) -> float:
    from cstool.core.sla.duration import parse_percent

    try:
        return parse_percent(text, zero_ok=allow_zero)
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected a percentage such as {'30%' if allow_zero else '85%'}") from None


def _target(text: str) -> tuple[float, int]:
    """`80%/20s` -> (0.8, 20): the share answered within the time."""
    share, _, within = text.partition("/")
    if not within:
        raise UsageError(f"--target {text!r}: expected SHARE/TIME such as 80%/20s (80 % answered within 20 s)")
    return _share(share, "--target"), duration_seconds(within, "--target")


@command(app, "heatmap")
def heatmap(
    metric: Annotated[str, typer.Option("--metric", help="created | breaches | frt (first-response median).")]
    = "created",
    since: Annotated[Optional[str], typer.Option("--since", help="Start (date or ISO instant, config time zone); "
                                                 "default: 4 weeks before today.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="End, exclusive; default: today's midnight.")]
    = None,
    where: Annotated[Optional[list[str]], typer.Option(
        "--where", metavar="DIM=VALUE", help="Only tickets with this channel, priority, team, assignee, tag or "
        "customer_tier (repeat to combine).")] = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[Format, format_option(*RECORDS)] = Format.table,
) -> None:
    """A day-of-week x hour heat map in the configured time zone: tickets created, SLA deadlines missed, or the median first-response time, by the local hour they fall in.

    Example: cstool heatmap --metric created --since 2026-01-05 --until 2026-03-30

    Breaches of one team: cstool heatmap --metric breaches --where team=Billing -f csv
    """
    from cstool.core.periods import last_days
    from cstool.render import workload as view
    from cstool.render.values import local_time
    from cstool.services.filters import parse_where
    from cstool.services.heatmap import METRICS
    from cstool.services.heatmap import heatmap as cells
    from cstool.services.sla import SlaEngine

    if metric not in METRICS:
        raise UsageError(f"--metric {metric!r}: expected {', '.join(METRICS)}")
    if (since is None) != (until is None):
        raise UsageError("--since and --until go together")
    app_state = state()
    config = app_state.settings().config
    tz = config.timezone
    when = parse_instant(as_of, tz)
    lo, hi = ((parse_instant(since, tz, "--since"), parse_instant(until, tz, "--until")) if since is not None else
              last_days(when, tz, 28))
    if hi <= lo:
        raise UsageError("--until must be after --since")
    with app_state.read_store(SlaEngine(config) if metric == "breaches" else None) as store:
        records = cells(store, metric, lo, hi, tz, parse_where(store, where or []))
    label = {"created": "Tickets created", "breaches": "SLA deadlines missed", "frt": "First-response median"}[metric]
    title = f"{label} by local hour\n{local_time(lo, tz)} – {local_time(hi, tz)} ({tz})"
    emit(fmt, view.HEAT_MACHINE, table=lambda console: view.print_heatmap(
        console, records, title, "duration" if metric == "frt" else "number"), document=lambda: records)


TargetOpt = Annotated[str, typer.Option("--target", metavar="SHARE/TIME", help="Service level: 80%/20s = 80 % "
                                        "answered within 20 s.")]
ShrinkOpt = Annotated[str, typer.Option("--shrinkage", help="Share of paid time not on contacts (breaks, "
                                        "training, absence).")]
OccupancyOpt = Annotated[str, typer.Option("--max-occupancy", help="Busiest share of time an agent may be kept "
                                           "on contacts.")]


@command(staffing_app, "calc")
def calc(
    arrivals: Annotated[float, typer.Option("--arrivals", min=0, help="Contacts arriving per interval.")],
    aht: Annotated[str, typer.Option("--aht", help="Average handle time (talk and wrap-up), e.g. 3m.")],
    target: TargetOpt,
    interval: Annotated[str, typer.Option("--interval", help="The interval the arrivals come in.")] = "30m",
    shrinkage: ShrinkOpt = "0%",
    max_occupancy: OccupancyOpt = "100%",
    fmt: Annotated[Format, format_option("table", "json")] = Format.table,
) -> None:
    """The Erlang C calculator: agents needed for a service level, with the service level, average speed of answer and occupancy they give.

    Example: cstool staffing calc --arrivals 100 --interval 30m --aht 3m --target 80%/20s --shrinkage 30%
    """
    from cstool.core.staffing import erlang_staffing
    from cstool.render import workload as view

    level, within = _target(target)
    result = erlang_staffing(arrivals, duration_seconds(interval, "--interval"), duration_seconds(aht, "--aht"), level,
                             within, _share(shrinkage, "--shrinkage", allow_zero=True),
                             _share(max_occupancy, "--max-occupancy"))
    emit(fmt, [], table=lambda console: view.print_calc(console, result), document=lambda: result)


@command(staffing_app, "plan")
def plan(
    channel: Annotated[str, typer.Option("--channel", help="The channel to staff (chat and phone: Erlang C; "
                                         "e-mail, web, social: workload).")],
    target: TargetOpt,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=52, help="Full weeks of history the arrivals are "
                                       "forecast from.")] = 8,
    aht: Annotated[Optional[str], typer.Option("--aht", help="Average handle time; for chat and phone the default "
                                               "is the median first response to resolution of their tickets.")] = None,
    shrinkage: ShrinkOpt = "0%",
    max_occupancy: OccupancyOpt = "85%",
    as_of: AsOfOpt = None,
    fmt: Annotated[Format, format_option(*RECORDS)] = Format.table,
) -> None:
    """Agents needed per hour of the coming week: arrivals forecast as the mean of the same local hour over the last full weeks, handle time from the data or --aht; Erlang C for live channels, a workload model (the work that arrived within the target time is done within it) for the others.

    Example: cstool staffing plan --channel chat --target 80%/20s --weeks 8 --shrinkage 30%

    E-mail: cstool staffing plan --channel email --target 90%/4h --aht 6m -f csv
    """
    from cstool.render import workload as view
    from cstool.services.staffing import staffing_plan

    app_state = state()
    tz = app_state.settings().config.timezone
    when = parse_instant(as_of, tz) if as_of is not None else now()
    with app_state.read_store() as store:
        doc = staffing_plan(store, channel.lower(), when, tz, weeks, _target(target),
                            duration_seconds(aht, "--aht") if aht else None,
                            _share(shrinkage, "--shrinkage", allow_zero=True), _share(max_occupancy, "--max-occupancy"))
    if doc["warning"]:
        warn(f"warning: {doc['warning']}")
    emit(fmt, view.PLAN_MACHINE, table=lambda console: view.print_plan(console, doc, tz),
         document=lambda: view.plan_document(doc, tz), csv_rows=lambda: doc["hours"])
