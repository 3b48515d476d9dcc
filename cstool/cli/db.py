"""`cstool db info` and `cstool db backup`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cstool.cli.common import FieldsOpt, RecordFormat, command, emit, state
from cstool.render import Column, Format
from cstool.render.table import print_table
from cstool.render.values import human
from cstool.store import backup_store, store_info

app = typer.Typer(help="Inspect and back up the SQLite store.", no_args_is_help=True)


@command(app, "info")
def info(fmt: RecordFormat = Format.table, fields: FieldsOpt = None) -> None:
    """Path, schema version, size and row counts of the store.

    Example: cstool --db support.db db info --format json
    """
    with state().read_store() as store:
        data = store_info(store)
    rows = [{"key": "path", "value": data["path"]}, {"key": "schema_version", "value": data["schema_version"]},
            {"key": "size_bytes", "value": data["size_bytes"]}]
    rows += [{"key": f"rows.{table}", "value": count} for table, count in data["rows"].items()]
    columns = [Column("key", "Key"), Column("value", "Value", "id")]
    shown = [{**r, "value": human(r["value"], "number")} for r in rows]  # (1,234 for people, 1234 in csv)
    from cstool.render.listing import parse_fields

    picked = parse_fields(fields, [c.key for c in columns])
    emit(fmt, columns, table=lambda console: print_table(console, shown, columns, title="cstool store"),
         document=lambda: rows if picked else data, csv_rows=lambda: rows, fields=picked)


@command(app, "backup")
def backup(path: Annotated[Path, typer.Argument(help="Where to write the copy (must not exist).")]) -> None:
    """Copy the store with SQLite's online backup API (safe while another process writes).

    Example: cstool db backup /backups/cstool-$(date +%F).db
    """
    with state().open_store(create=False) as store:
        size = backup_store(store, path)
    if not state().quiet:
        print(f"cstool: backed up to {path} ({size:,} bytes)", file=sys.stderr)
