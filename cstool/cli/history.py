"""`cstool imports [show ID | undo ID]`: the import history, one import, and undoing one."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import (
    EVERY_ROW,
    FieldsOpt,
    Listing,
    RecordFormat,
    SortOpt,
    command,
    emit,
    format_option,
    limit_option,
    now,
    state,
)
from cstool.render import Format
from cstool.render import history as view

app = typer.Typer(help="The import history: every import with its counts, one import's rejects, and undo.",
                  invoke_without_command=True)

ImportId = Annotated[int, typer.Argument(metavar="ID", help="The import's id (the first column of cstool imports).",
                                         show_default=False)]


@app.callback()
def imports(
    ctx: typer.Context,
    source: Annotated[Optional[str], typer.Option("--source", help="Only the imports of this source.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only tickets, surveys, events or customers.")] = None,
    limit: Annotated[Optional[int], limit_option(0, "Imports")] = None,
    sort: SortOpt = None,
    fields: FieldsOpt = None,
    fmt: RecordFormat = Format.table,
) -> None:
    """Every import, oldest first: id, when, kind, file, sha256, preset, source, rows read / inserted / updated / unchanged / skipped / rejected, findings, and whether it was undone.

    Example: cstool imports --source zendesk; cstool imports show 12; cstool imports undo 12 --dry-run
    """
    if ctx.invoked_subcommand is not None:
        return
    _list_imports(source, kind, fmt, Listing.of(view.IMPORT_MACHINE, fields, sort, limit, fmt, 0))


@command(app, "list", hidden=True)
def _list_imports(source: Optional[str] = None, kind: Optional[str] = None, fmt: Format = Format.table,
                  listing: Listing = EVERY_ROW) -> None:
    from cstool.services.history import list_imports

    app_state = state()
    tz = app_state.settings().config.timezone
    with app_state.read_store() as store:
        records = listing.arrange(list_imports(store, source, kind))
    emit(fmt, view.IMPORT_MACHINE, table=lambda console: view.print_imports(console, records, tz),
         document=lambda: [view.machine_import(r, tz) for r in records],
         csv_rows=lambda: [view.csv_import(r, tz) for r in records], fields=listing.fields)


@command(app, "show")
def show(import_id: ImportId, fmt: RecordFormat = Format.table) -> None:
    """One import: its counts and findings, then every rejected row (record, line, column, value, reason, raw line). With -f csv, only the rejects: fix them and import that file again.

    Example: cstool imports show 12 -f csv > rejects-12.csv
    """
    from cstool.services.history import show_import

    app_state = state()
    tz = app_state.settings().config.timezone
    with app_state.read_store() as store:
        record = show_import(store, import_id)
    emit(fmt, view.REJECT_MACHINE, table=lambda console: view.print_import(console, record, tz),
         document=lambda: {**view.machine_import(record, tz), "rejects": record["rejects"]},
         csv_rows=lambda: view.reject_records(record))


@command(app, "undo")
def undo(
    import_id: ImportId,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    fmt: Annotated[Format, format_option("table", "json", help="table: lines on stderr; json: the counts on "
                                         "stdout.")] = Format.table,
) -> None:
    """Undo the latest import of a source: the rows it inserted are deleted, the rows it updated get their prior values back (tickets, surveys, events, customers), and the SLA clocks of the tickets it touched are recomputed; one transaction. An older import is refused while a later import of the same source stands: undo that one first.

    Example: cstool imports undo 12 --dry-run; cstool imports undo 12
    """
    from cstool.services.history import undo_import
    from cstool.services.sla import SlaEngine

    app_state = state()
    config = app_state.settings().config
    with app_state.open_store(create=False) as store:
        plan = undo_import(store, SlaEngine(config), import_id, when=now(), dry_run=dry_run)
    if fmt is Format.json:
        emit(fmt, [], table=lambda console: None, document=lambda: view.machine_plan(plan, config.timezone))
    elif not app_state.quiet or dry_run:
        for line in view.undo_lines(plan):
            print(f"cstool: {line}" if not line.startswith(" ") else line, file=sys.stderr)
