"""`cstool followups [done|undo]`: the closed-loop feedback queue."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import (
    EVERY_ROW,
    AsOfOpt,
    FieldsOpt,
    Listing,
    RecordFormat,
    SortOpt,
    command,
    emit,
    limit_option,
    now,
    parse_instant,
    state,
)
from cstool.render import Format
from cstool.render import followups as view

app = typer.Typer(help="The closed-loop feedback queue: detractors and low CSAT not yet followed up.",
                  invoke_without_command=True)

@app.callback()
def followups(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Answers of the last N days.")] = 14,
    as_of: AsOfOpt = None,
    limit: Annotated[Optional[int], limit_option(0, "Answers")] = None,
    sort: SortOpt = None,
    fields: FieldsOpt = None,
    fmt: RecordFormat = Format.table,
) -> None:
    """Detractors (NPS 0-6) and CSAT of 2 or less from the last N days, not yet followed up, with customer, ticket, score, comment (its sentiment and themes) and owner (the ticket's assignee, else its team).

    Example: cstool followups --days 7; cstool followups done S00042 --note "called, refund issued"
    """
    if ctx.invoked_subcommand is not None:
        return
    _list_followups(days, as_of, fmt, Listing.of(view.FOLLOWUP_MACHINE, fields, sort, limit, fmt, 0))


@command(app, "list", hidden=True)
def _list_followups(days: int = 14, as_of: Optional[str] = None, fmt: Format = Format.table,
                    listing: Listing = EVERY_ROW) -> None:
    from cstool.services.followups import followup_queue

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    with app_state.read_store(texts=True) as store:
        rows = listing.arrange(followup_queue(store, when, days))
    tz = config.timezone
    emit(fmt, view.FOLLOWUP_MACHINE, table=lambda console: view.print_followups(console, rows, tz, days),
         document=lambda: view.machine_records(rows, tz), fields=listing.fields)


@command(app, "done")
def followup_done(survey: Annotated[str, typer.Argument(help="Survey answer id (or SOURCE:ID).")],
                  note: Annotated[Optional[str], typer.Option("--note", help="What was done.")] = None) -> None:
    """Mark a follow-up as done (stored with the time and the note); it leaves the queue.

    Example: cstool followups done S00042 --note "called, refund issued"
    """
    from cstool.services.followups import mark_followup

    with state().open_store(create=False) as store:
        source, sid = mark_followup(store, survey, now(), note)
    if not state().quiet:
        print(f"cstool: follow-up {source}:{sid} marked done", file=sys.stderr)


@command(app, "undo")
def followup_undo(survey: Annotated[str, typer.Argument(help="Survey answer id (or SOURCE:ID).")]) -> None:
    """Put a follow-up back in the queue.

    Example: cstool followups undo S00042
    """
    from cstool.services.followups import mark_followup

    with state().open_store(create=False) as store:
        source, sid = mark_followup(store, survey, None, None)
    if not state().quiet:
        print(f"cstool: follow-up {source}:{sid} is open again", file=sys.stderr)
