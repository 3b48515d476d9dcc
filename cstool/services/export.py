"""A warehouse export: the store as Parquet files partitioned by UTC month (docs/export.md),
for DuckDB, Spark, BigQuery or ClickHouse. The only user of pyarrow, imported when an export
runs (it is an optional extra: `pip install 'cstool[parquet]'`).

The files are written into a hidden folder beside DIR and renamed to DIR at the end: a reader
never sees half an export, and a failed one leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, TypedDict

from cstool.core.errors import CannotCreate, ConfigError
from cstool.store import Store
from cstool.store.export import DATASETS, Dataset, rows_by_month

SCHEMA_VERSION = 1  # of the exported files (docs/export.md): raised when a column changes meaning or type


class ExportedSet(TypedDict):
    dataset: str
    rows: int
    files: int


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError("cstool export --format parquet needs pyarrow: pip install 'cstool[parquet]'") from exc
    return pa, pq


def _types(pa: Any) -> dict[str, Any]:
    # (Parquet has no whole-second timestamps: instants are milliseconds, always whole seconds)
    return {"text": pa.string(), "int": pa.int64(), "real": pa.float64(), "time": pa.timestamp("ms", tz="UTC"),
            "tags": pa.list_(pa.string())}


def export_parquet(store: Store, directory: Path) -> list[ExportedSet]:
    """Every dataset into DIR/<dataset>/month=YYYY-MM/part-0.parquet (month=none: no instant),
    plus DIR/_schema.json; DIR must not exist or be empty. Call inside one snapshot of the store."""
    pa, pq = _pyarrow()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise CannotCreate(f"{directory} exists and is not an empty folder: choose a new one (nothing was written)")
    partial = directory.parent / f".{directory.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        done = [_write(store, dataset, partial, pa, pq) for dataset in DATASETS]
        (partial / "_schema.json").write_text(json.dumps(schema_document(), indent=2) + "\n", encoding="utf-8")
        if directory.exists():
            directory.rmdir()
        partial.rename(directory)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return done


def _write(store: Store, dataset: Dataset, root: Path, pa: Any, pq: Any) -> ExportedSet:
    types = _types(pa)
    schema = pa.schema([(name, types[kind]) for name, kind, _ in dataset.columns])
    rows_written = files = 0
    folder = root / dataset.name
    folder.mkdir(parents=True)
    for month, rows in rows_by_month(store, dataset):
        arrays = []
        for (_, kind, _), values in zip(dataset.columns, zip(*rows)):
            if kind == "tags":
                values = tuple(json.loads(v) if v else [] for v in values)
            if kind == "time":
                arrays.append(pa.array(values, type=pa.timestamp("s", tz="UTC")).cast(types[kind]))
            else:
                arrays.append(pa.array(values, type=types[kind]))
        part = folder / f"month={month}"
        part.mkdir()
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), part / "part-0.parquet", compression="zstd")
        rows_written += len(rows)
        files += 1
    if not files:  # an empty dataset still has its file, so that every glob and schema reader finds it
        (folder / "month=none").mkdir()
        pq.write_table(schema.empty_table(), folder / "month=none" / "part-0.parquet", compression="zstd")
        files = 1
    return {"dataset": dataset.name, "rows": rows_written, "files": files}


def schema_document() -> dict[str, Any]:
    """What `_schema.json` says of the files: each dataset's columns and their types."""
    names = {"text": "string", "int": "int64", "real": "float64", "time": "timestamp[ms, UTC]",
             "tags": "list<string>"}
    return {"schema_version": SCHEMA_VERSION, "partitioning": "hive: month=YYYY-MM (UTC), month=none",
            "datasets": {d.name: {"partitioned_by": d.month_of.split(".")[-1],
                                  "columns": {name: names[kind] for name, kind, _ in d.columns}}
                         for d in DATASETS}}
