"""`cstool forecast backtest`: how well the breach forecast would have done over a period."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool.cli.common import command, duration_seconds, emit, format_option, parse_instant, state
from cstool.core.errors import UsageError
from cstool.render import Format

app = typer.Typer(help="Breach forecasts: back-test the probability that running SLA clocks breach.",
                  no_args_is_help=True)


@command(app, "backtest")
def backtest(
    since: Annotated[str, typer.Option("--since", help="First instant (date or ISO instant, config time zone).")],
    until: Annotated[str, typer.Option("--until", help="End, exclusive.")],
    every: Annotated[str, typer.Option("--every", help="Step between the instants replayed.")] = "1d",
    fmt: Annotated[Format, format_option("table", "json")] = Format.table,
) -> None:
    """Replay [since, until): at each instant forecast every running clock from the data known then, and score the forecasts against what happened (Brier score, reliability) next to two baselines, the group's breach rate and the share of the target used.

    Example: cstool forecast backtest --since 2026-01-15 --until 2026-03-25 --every 1d

    Machines: cstool forecast backtest --since 2026-03-01 --until 2026-03-25 -f json
    """
    from cstool.render import forecast as view
    from cstool.services.forecast import backtest as replay
    from cstool.services.sla import SlaEngine

    app_state = state()
    config = app_state.settings().config
    tz = config.timezone
    lo, hi = parse_instant(since, tz, "--since"), parse_instant(until, tz, "--until")
    step = duration_seconds(every, "--every")
    if hi <= lo:
        raise UsageError("--until must be after --since")
    if (hi - lo) // step > 1000:
        raise UsageError(f"--every {every}: {(hi - lo) // step:,} instants; at most 1,000 (a longer step)")
    engine = SlaEngine(config)
    with app_state.read_store(engine) as store:
        doc = replay(store, engine, lo, hi, step)
    emit(fmt, [], table=lambda console: view.print_backtest(console, doc, tz),
         document=lambda: view.backtest_document(doc, tz))
