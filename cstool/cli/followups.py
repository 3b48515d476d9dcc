"""`cstool followups [done|undo]`: the closed-loop feedback queue."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, FormatOpt, command, now, parse_instant, state
from cstool.cli.console import out_console
from cstool.core.errors import UsageError
from cstool.render import Column, Format
from cstool.render.machine import write_csv, write_json
from cstool.render.table import print_table
from cstool.render.values import iso_instant

app = typer.Typer(help="The closed-loop feedback queue: detractors and low CSAT not yet followed up.",
                  invoke_without_command=True)

FOLLOWUP_COLUMNS = [Column("survey_id", "Survey", "id"), Column("submitted_at", "Answered", "time"),
                    Column("kind", "Kind"), Column("score", "Score"), Column("customer", "Customer", "id"),
                    Column("ticket_id", "Ticket", "id"), Column("owner", "Owner"), Column("comment", "Comment")]
FOLLOWUP_MACHINE = [Column(k, k) for k in ("source", "survey_id", "kind", "score", "comment", "submitted_at",
                                            "ticket_id", "customer_id", "customer_name", "customer_email",
                                            "customer_tier", "owner")]


@app.callback()
def followups(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Answers of the last N days.")] = 14,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Detractors (NPS 0-6) and CSAT of 2 or less from the last N days, not yet followed up, with customer, ticket, score, comment and owner (the ticket's assignee, else its team).

    Example: cstool followups --days 7; cstool followups done S00042 --note "called, refund issued"
    """
    if ctx.invoked_subcommand is not None:
        return
    _list_followups(days, as_of, fmt)


@command(app, "list", hidden=True)
def _list_followups(days: int = 14, as_of: Optional[str] = None, fmt: Format = Format.table) -> None:
    from cstool.services.followups import followup_queue

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    with app_state.open_store(create=False) as store:
        rows = followup_queue(store, when, days)
    tz = config.timezone
    if fmt is Format.json:
        write_json([{**r, "submitted_at": iso_instant(r["submitted_at"], tz)} for r in rows], sys.stdout)
    elif fmt is Format.csv:
        write_csv([{**r, "submitted_at": iso_instant(r["submitted_at"], tz)} for r in rows], FOLLOWUP_MACHINE,
                  sys.stdout)
    else:
        shown = [{**r, "customer": r["customer_email"] or r["customer_id"] or ""} for r in rows]
        print_table(out_console(), shown, FOLLOWUP_COLUMNS, tz=tz, title=f"Follow-ups: {len(rows)} open",
                    empty=f"No detractor or low-CSAT answer waits for a follow-up (last {days} days).")


@command(app, "done")
def followup_done(survey: Annotated[str, typer.Argument(help="Survey answer id (or SOURCE:ID).")],
                  note: Annotated[Optional[str], typer.Option("--note", help="What was done.")] = None) -> None:
    """Mark a follow-up as done (stored with the time and the note); it leaves the queue."""
    from cstool.services.followups import mark_followup

    with state().open_store(create=False) as store:
        source, sid = mark_followup(store, survey, now(), note)
    if not state().quiet:
        print(f"cstool: follow-up {source}:{sid} marked done", file=sys.stderr)


@command(app, "undo")
def followup_undo(survey: Annotated[str, typer.Argument(help="Survey answer id (or SOURCE:ID).")]) -> None:
    """Put a follow-up back in the queue."""
    from cstool.services.followups import mark_followup

    with state().open_store(create=False) as store:
        source, sid = mark_followup(store, survey, None, None)
    if not state().quiet:
        print(f"cstool: follow-up {source}:{sid} is open again", file=sys.stderr)
