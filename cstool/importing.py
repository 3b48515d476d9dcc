"""Importing one CSV file: decode, pick the preset, parse, and write it in one transaction.

The one core function the `cstool import` commands call. The caller opens the stream and
passes the clock; errors are raised as CstoolError subclasses for the CLI to map.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import IO, Callable

from cstool.errors import DataError, UsageError
from cstool.ingest.binding import bind_header
from cstool.ingest.presets import OTHER_PRESETS, TICKET_PRESETS, detect_preset
from cstool.ingest.reader import open_csv
from cstool.ingest.records import FIELD_TYPES, ImportOptions, RowParser, Summary, parse_rows
from cstool.ingest.servicenow import group_incidents
from cstool.store.connection import Store
from cstool.store.writes import ImportResult, ticket_time_lookup, write_import

KINDS = ("tickets", "surveys", "events", "customers")


class HashingReader(io.RawIOBase):
    """Passes bytes through while computing their sha256."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.sha = stream, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.sha.update(data)
        buffer[: len(data)] = data
        return len(data)


@dataclass
class ImportRequest:
    kind: str
    preset: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    max_rejects: int = 0
    dry_run: bool = False
    source: str | None = None           # defaults to the preset name
    options: ImportOptions | None = None


def choose_preset(kind: str, requested: str, header: list[str], file: str):
    """(preset, why) for this file; `auto` detects ticket presets by header signature."""
    if kind != "tickets":
        if requested not in ("auto", "generic"):
            raise UsageError(f"--preset {requested}: {kind} imports take the generic format only")
        return OTHER_PRESETS[kind], "generic format"
    if requested != "auto":
        if requested not in TICKET_PRESETS:
            raise UsageError(f"--preset {requested!r}: expected auto or one of " + ", ".join(TICKET_PRESETS))
        return TICKET_PRESETS[requested], "--preset"
    preset, candidates = detect_preset(header)
    if preset is None and candidates:
        raise DataError(f"{file}: the header fits several presets ({', '.join(candidates)}); choose one with --preset")
    if preset is None:
        raise DataError(f"{file}: no preset recognises this header; use --preset generic with --map "
                        f"FIELD=COLUMN, or one of: {', '.join(TICKET_PRESETS)}")
    return preset, "auto: header has " + ", ".join(repr(s) for s in preset.signature)


def import_stream(store: Store, stream: IO[bytes], name: str, request: ImportRequest,
                  clock: Callable[[], int]) -> ImportResult:
    """Import one file. Raises DataError for file-level problems; row problems are rejects."""
    started = clock()
    hashing = HashingReader(stream)
    source_csv = open_csv(io.BufferedReader(hashing, 1 << 16), name, encoding=request.encoding,
                          delimiter=request.delimiter)
    preset, why = choose_preset(request.kind, request.preset, source_csv.header, name)
    source = request.source or preset.name
    options = request.options or ImportOptions(source=source)
    options.source = source
    binding = bind_header(source_csv.header, preset, request.mapping, name, tuple(FIELD_TYPES[request.kind]))
    parser = RowParser(request.kind, preset, binding, options, source_csv.header, name)
    summary = Summary()
    lookup = ticket_time_lookup(store, source) if request.kind == "surveys" else (lambda _id: None)
    grouped = preset.name == "servicenow-events"
    items = parse_rows(source_csv, parser, summary, lookup, unique_ids=not grouped)
    if grouped:
        items = group_incidents(items, summary)
    result = ImportResult(file=name, kind=request.kind, preset=preset.name, why=why,
                          encoding=source_csv.encoding, delimiter=source_csv.delimiter, summary=summary)

    def finish() -> dict:
        summary.skipped += len(source_csv.blank_lines)
        return {"finished_at": clock(), "sha256": hashing.sha.hexdigest()}

    return write_import(store, result, items, source=source, started_at=started, finish=finish,
                        max_rejects=request.max_rejects, dry_run=request.dry_run)
