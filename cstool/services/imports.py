"""Importing one CSV file: decode, pick the preset, parse, and write it in one transaction.

The one core function the `cstool import` commands call. The caller opens the stream and
passes the clock; errors are raised as CstoolError subclasses for the CLI to map.
"""

from __future__ import annotations

import gc
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from cstool.core.errors import DataError, UsageError
from cstool.core.ingest.binding import bind_header
from cstool.core.ingest.parser import RowParser, parse_rows
from cstool.core.ingest.presets import OTHER_PRESETS, TICKET_PRESETS, detect_preset
from cstool.core.ingest.reader import open_csv
from cstool.core.ingest.records import FIELD_TYPES, ImportOptions, Item, Summary
from cstool.core.ingest.servicenow import group_incidents
from cstool.store.connection import Store
from cstool.store.imports import ImportResult, ticket_time_lookup, write_import


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
    size_hint: int | None = None        # bytes, if known: large files parse in parallel
    progress: Callable[[int], None] | None = None  # called with the number of items so far


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


PARALLEL_BYTES = 8 << 20  # files above this are parsed in a second process while this one writes


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@dataclass
class _Parsed:
    """A file opened and bound, ready to stream its items."""

    meta: dict
    items: Iterator[Item]
    summary: Summary
    finalize: Callable[[], tuple[int, str]]  # -> (blank lines, sha256), after the items are exhausted


def _open_and_parse(stream: IO[bytes], name: str, request: ImportRequest,
                    lookup: Callable[[str], int | None]) -> _Parsed:
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
    grouped = preset.name == "servicenow-events"  # (one ticket per incident from its rows)
    items = parse_rows(source_csv, parser, summary, lookup, batched=not grouped)
    if grouped:
        items = group_incidents(items, summary)
    id_column = binding.fields.get("id", [None])[0]
    meta = {"preset": preset.name, "why": why, "encoding": source_csv.encoding, "delimiter": source_csv.delimiter,
            "source": source, "key_name": source_csv.header[id_column] if id_column is not None else None}
    return _Parsed(meta, items, summary, lambda: (len(source_csv.blank_lines), hashing.sha.hexdigest()))


def import_stream(store: Store, stream: IO[bytes], name: str, request: ImportRequest,
                  clock: Callable[[], int]) -> ImportResult:
    """Import one file. Raises DataError for file-level problems; row problems are rejects.

    Large files (`request.size_hint` above PARALLEL_BYTES) are parsed in a forked child while
    this process writes; surveys stay in-process (they look up their tickets in the store).
    The cyclic garbage collector is paused meanwhile: records make no cycles, and its passes
    over the batches in flight cost a tenth of the import."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _import(store, stream, name, request, clock)
    finally:
        if paused:
            gc.enable()


def _import(store: Store, stream: IO[bytes], name: str, request: ImportRequest,
            clock: Callable[[], int]) -> ImportResult:
    started = clock()
    parallel = (request.size_hint or 0) > PARALLEL_BYTES and request.kind != "surveys" and _can_fork()
    if parallel:
        from cstool.services.parallel_parse import parse_in_parallel

        parsed = _Parsed(*parse_in_parallel(_open_and_parse, stream, name, request))
    else:
        lookup = (ticket_time_lookup(store, request.source or "generic") if request.kind == "surveys"
                  else (lambda _id: None))
        parsed = _open_and_parse(stream, name, request, lookup)
    meta, summary = parsed.meta, parsed.summary
    result = ImportResult(file=name, kind=request.kind, preset=meta["preset"], why=meta["why"],
                          encoding=meta["encoding"], delimiter=meta["delimiter"], summary=summary)

    def finish() -> dict:
        blank, sha = parsed.finalize()
        summary.skipped += blank
        return {"finished_at": clock(), "sha256": sha}

    return write_import(store, result, _with_progress(parsed.items, summary, request.progress), source=meta["source"],
                        key_name=meta["key_name"], started_at=started, finish=finish,
                        max_rejects=request.max_rejects, dry_run=request.dry_run)


def _with_progress(items: Iterator[Item], summary: Summary, progress) -> Iterator[Item]:
    if progress is None:
        yield from items
        return
    n = 0
    for item in items:
        n += len(item.value.rows) + len(item.value.others) if item.kind == "batch" else 1
        if n % 20000 < (2000 if item.kind == "batch" else 1):
            progress(n)
        yield item
