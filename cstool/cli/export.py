"""`cstool export`: the store as Parquet files for a warehouse (docs/export.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from cstool.cli.common import command, state

app = typer.Typer()


@command(app, "export")
def export(directory: Annotated[Path, typer.Argument(help="A new (or empty) folder to write the files into.")],
           fmt: Annotated[Literal["parquet"], typer.Option("--format", "-f", help="File format.")] = "parquet",
           ) -> None:
    """Write tickets with their computed SLA clocks, next-response cycles, events, surveys and
    customers as Parquet files partitioned by UTC month, with their schema in _schema.json: the
    same data loads into DuckDB, Spark, BigQuery or ClickHouse. Needs pyarrow
    (pip install 'cstool[parquet]').

    Example: cstool export --format parquet /data/cstool-export && duckdb -c "SELECT count(*) FROM
    '/data/cstool-export/tickets/*/*.parquet'"
    """
    from cstool.services.export import export_parquet
    from cstool.services.sla import SlaEngine

    app_state = state()
    engine = SlaEngine(app_state.settings().config)
    with app_state.read_store(engine) as store:
        done = export_parquet(store, directory)
    if not app_state.quiet:
        print(f"cstool: exported to {directory} (schema in _schema.json):", file=sys.stderr)
        for d in done:
            files = "1 file" if d["files"] == 1 else f"{d['files']:,} files"
            print(f"  {d['dataset']:<21} {d['rows']:>12,} rows in {files}", file=sys.stderr)
