"""Importing one CSV file: parse it (core/ingest/pipeline, in a forked process for large files)
and write it in one transaction (store/imports).

The caller opens the stream and passes the clock; errors are raised as CstoolError subclasses
for the CLI to map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from cstool.core.ingest.pipeline import Parsed, ParseRequest, open_and_parse
from cstool.core.ingest.records import Item, Summary
from cstool.services.memory import cyclic_gc_paused
from cstool.store.connection import Store
from cstool.store.imports import ImportResult, ticket_time_lookup, write_import


@dataclass
class ImportRequest(ParseRequest):
    """How to read one file, and how to write it."""

    max_rejects: int = 0
    dry_run: bool = False
    size_hint: int | None = None        # bytes, if known: large files parse in parallel
    progress: Callable[[int], None] | None = None  # called with the number of items so far


PARALLEL_BYTES = 8 << 20  # files above this are parsed in a second process while this one writes


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def import_stream(store: Store, stream: IO[bytes], name: str, request: ImportRequest,
                  clock: Callable[[], int]) -> ImportResult:
    """Import one file. Raises DataError for file-level problems; row problems are rejects.

    Large files (`request.size_hint` above PARALLEL_BYTES) are parsed in a forked child while
    this process writes; surveys stay in-process (they look up their tickets in the store).
    The cyclic garbage collector is paused meanwhile (services/memory)."""
    with cyclic_gc_paused():
        return _import(store, stream, name, request, clock)


def _import(store: Store, stream: IO[bytes], name: str, request: ImportRequest,
            clock: Callable[[], int]) -> ImportResult:
    started = clock()
    parallel = (request.size_hint or 0) > PARALLEL_BYTES and request.kind != "surveys" and _can_fork()
    if parallel:
        from cstool.services.parallel_parse import parse_in_parallel

        parsed = Parsed(*parse_in_parallel(stream, name, request))
    else:
        lookup = (ticket_time_lookup(store, request.source or "generic") if request.kind == "surveys"
                  else (lambda _id: None))
        parsed = open_and_parse(stream, name, request, lookup)
    meta, summary = parsed.meta, parsed.summary
    result = ImportResult(file=name, kind=request.kind, preset=meta["preset"], why=meta["why"],
                          encoding=meta["encoding"], delimiter=meta["delimiter"], summary=summary)

    def finish() -> dict:
        blank, sha = parsed.finalize()
        summary.rows_read += blank  # (a blank line is read and skipped: read = inserted + updated + unchanged
        summary.skipped += blank    #  + skipped + rejected, docs/semantics.md#what-an-import-counts)
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
