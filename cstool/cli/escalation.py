"""`cstool escalations`: the tiered escalation queues."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstool.cli.common import (
    AsOfOpt,
    FieldsOpt,
    Listing,
    RecordFormat,
    SortOpt,
    command,
    emit,
    limit_option,
    parse_instant,
    snapshot,
    state,
    warn,
)
from cstool.cli.watch import watch_option, watched
from cstool.render import Format
from cstool.render import escalation as view

app = typer.Typer()

@command(app, "escalations")
def escalations(
    tier: Annotated[Optional[str], typer.Option("--tier", help="Only this tier.")] = None,
    team: Annotated[Optional[str], typer.Option("--team", help="Only this team.")] = None,
    assignee: Annotated[Optional[str], typer.Option("--assignee", help="Only this assignee.")] = None,
    as_of: AsOfOpt = None,
    new_since: Annotated[Optional[str], typer.Option(
        "--new-since", help="LAST (the previous recorded run) or an ISO instant: only tickets that entered "
        "their tier since then.")] = None,
    limit: Annotated[Optional[int], limit_option(20, "Tickets per tier")] = None,
    sort: SortOpt = None,
    fields: FieldsOpt = None,
    fmt: RecordFormat = Format.table,
    watch: Annotated[Optional[int], watch_option()] = None,
) -> None:
    """Tiered escalation queues, highest tier first, most urgent first within a tier, with every reason in words. Each run is recorded (once per --as-of) so a nightly run can show what is new.

    Example: cstool escalations --as-of 2026-03-31T16:00:00Z --new-since LAST

    Wallboard: cstool escalations --watch 60 (its refreshes are not recorded as runs)
    """
    from cstool.core.filters import choice

    config = state().settings().config
    if new_since is not None and new_since.strip().upper() == "LAST":
        new_since = "LAST"
    since = new_since if new_since in (None, "LAST") else parse_instant(new_since, config.timezone, "--new-since")
    tier = choice("--tier", tier, [t.name for t in config.tiers])
    listing = Listing.of(view.ESCALATION_MACHINE, fields, sort, limit, fmt, 20)
    filters = {"tier": tier, "team": team, "assignee": assignee}
    if not watched(watch, fmt, lambda: _queues(as_of, filters, since, listing, fmt, record=False)):
        _queues(as_of, filters, since, listing, fmt)


def _queues(as_of: str | None, filters: dict, since, listing: Listing, fmt: Format, record: bool = True) -> None:
    from cstool.services.escalation import build_queue, record_run
    from cstool.services.filters import unmatched_filters
    from cstool.services.sla import SlaEngine

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    tier, team, assignee = filters["tier"], filters["team"], filters["assignee"]
    engine = SlaEngine(config)
    # The table shows the first tickets of each tier: only those are written out, unless --sort
    # reorders the whole queue first.
    shown = (listing.limit or None) if fmt is Format.table and not listing.sort else None
    with app_state.open_store(create=False) as store:
        with snapshot(store, engine):
            for problem in unmatched_filters(store, {"team": team, "assignee": assignee}):
                warn(f"warning: {problem}")
            run = build_queue(store, engine, when, filters, since, shown)
        if record:
            record_run(store, engine, when, run)
        if store.read_only and record:
            warn(f"warning: {store.path} is read-only: this run was not recorded in the escalation history")
    tz = config.timezone
    sizes = {name: n for name, n in run.sizes.items() if not tier or name.lower() == tier.lower()}
    queue = listing.arrange(run.entries, cut=fmt is not Format.table)  # (the table cuts each tier)
    emit(fmt, view.ESCALATION_MACHINE,
         table=lambda console: view.print_queues(console, queue, sizes, tz, listing.limit or 0, since is not None),
         document=lambda: view.queue_records(queue, tz), csv_rows=lambda: view.csv_records(queue, tz),
         fields=listing.fields)
