"""`cstool import tickets|surveys|events|customers FILE…`."""

from __future__ import annotations

import gzip
import inspect
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cstool.cli.common import command, format_option, now, parse_instant, state, warn
from cstool.cli.console import err_console
from cstool.core.errors import CannotCreate, DataError, InputMissing, UsageError
from cstool.core.ingest.presets import TICKET_PRESETS
from cstool.render import Column, Format
from cstool.render.machine import write_csv, write_json
from cstool.render.table import print_table
from cstool.render.values import many

if TYPE_CHECKING:
    from collections.abc import Callable

    from cstool.services.imports import ImportRequest
    from cstool.store import Store
    from cstool.store.imports import ImportResult

app = typer.Typer(help="Import CSV exports (.csv, .csv.gz or - for stdin) into the store.",
                  no_args_is_help=True)

PROGRESS_BYTES = 20 << 20
SCALES = {"1-5": (1, 5), "0-10": (0, 10), "1-10": (1, 10), "1-7": (1, 7)}
REJECT_COLUMNS = [Column("record", "record"), Column("line", "line"), Column("column", "column"), Column("value", "value"),
                  Column("error_type", "error_type"), Column("message", "message"), Column("raw", "raw")]
SUMMARY_COLUMNS = [Column("file", "File", "id"), Column("preset", "Preset", rank=3),
                   Column("rows_read", "Read", "number"), Column("inserted", "Inserted", "number"),
                   Column("updated", "Updated", "number", rank=1), Column("unchanged", "Unchanged", "number", rank=1),
                   Column("skipped", "Skipped", "number", rank=2), Column("rejected", "Rejected", "number"),
                   Column("findings", "Findings", wrap=True), Column("import_id", "Import", "number", rank=4)]


def _param(name: str, annotation, default) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


FILES = inspect.Parameter("files", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Annotated[
    list[str], typer.Argument(help="CSV files (.csv, .csv.gz) or - for stdin; each in its own transaction.",
                              show_default=False)])
COMMON = [
    _param("mapping", Annotated[Optional[list[str]], typer.Option(
        "--map", help="FIELD=COLUMN (a header name, or #N for the N-th column); repeatable.")], None),
    _param("tz", Annotated[Optional[str], typer.Option(
        "--tz", help="Time zone of naive timestamps (default: the config file's defaults.timezone).")], None),
    _param("dayfirst", Annotated[bool, typer.Option("--dayfirst", help="Read 01/02/2026 as 1 February.")], False),
    _param("date_format", Annotated[Optional[str], typer.Option(
        "--date-format", help="strptime format of the time columns, e.g. '%d/%m/%Y %H:%M'.")], None),
    _param("encoding", Annotated[Optional[str], typer.Option(
        "--encoding", help="Text encoding (default: UTF-8, or UTF-16 by BOM), e.g. cp1252.")], None),
    _param("delimiter", Annotated[Optional[str], typer.Option(
        "--delimiter", help="Field delimiter (default: sniffed from the header).")], None),
    _param("max_rejects", Annotated[int, typer.Option(
        "--max-rejects", min=0, help="Commit the good rows if at most N are rejected (default 0: "
        "any reject aborts the file).")], 0),
    _param("rejects", Annotated[Optional[Path], typer.Option(
        "--rejects", help="Also write the rejected rows (with reasons) to this CSV (mode 0600).")], None),
    _param("source", Annotated[Optional[str], typer.Option(
        "--source", help="Name of the system the ids belong to (default: the preset name).")], None),
    _param("dry_run", Annotated[bool, typer.Option("--dry-run", help="Validate and report; write nothing.")], False),
    _param("fmt", Annotated[Format, format_option("table", "json", help="Summary format: table (stderr) or json "
                                                  "(stdout).")], Format.table),
]
PRESET = _param("preset", Annotated[str, typer.Option(
    "--preset", help="auto | " + " | ".join(TICKET_PRESETS) + " (auto detects by header and says which).")], "auto")
SURVEY_ONLY = [
    _param("kind", Annotated[Optional[str], typer.Option(
        "--kind", help="csat | nps | ces for every row (default: the file's kind column).")], None),
    _param("scale", Annotated[Optional[str], typer.Option(
        "--scale", help="Score scale: 1-5, 0-10, 1-10 or 1-7 (default per kind: csat 1-5, nps 0-10, ces 1-7).")], None),
    _param("submitted_at", Annotated[Optional[str], typer.Option(
        "--submitted-at", help="Submission time for rows without one and without a linked ticket.")], None),
]

EXAMPLES = {
    "tickets": "cstool import tickets export.csv --preset zendesk\n\n"
               "cstool import tickets incidents.csv.gz --preset servicenow-events --dayfirst",
    "surveys": "cstool import surveys nps.csv --kind nps --encoding cp1252 --scale 1-10 "
               "--map score=nps --submitted-at 2024-01-01",
    "events": "cstool import events events.csv   # ticket_id,at,type,value",
    "customers": "cstool import customers customers.csv   # id,email,name,tier,signup_at,churned_at,revenue",
}


def _open(path: str):
    """(binary stream, display name, size hint in bytes of CSV text or None)."""
    if path == "-":
        return sys.stdin.buffer, "<stdin>", None
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise InputMissing(f"{path}: no such file") from None
    except OSError as exc:
        raise InputMissing(f"{path}: cannot read: {exc.strerror}") from None
    size = os.fstat(handle.fileno()).st_size
    if path.endswith(".gz"):
        return gzip.GzipFile(fileobj=handle), path, size * 5
    return handle, path, size


@contextmanager
def _progress_bar(name: str, size: int | None, enabled: bool):
    """A rows and rows/s bar on stderr for large files when stderr is a terminal."""
    if not enabled or size is None or size < PROGRESS_BYTES or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} rows"),
                  TextColumn("{task.fields[rate]:,.0f} rows/s"), TimeElapsedColumn(),
                  console=err_console(), transient=True) as bar:
        task = bar.add_task(f"importing {name}", total=None, rate=0.0)
        started = time.monotonic()

        def update(rows: int) -> None:
            bar.update(task, completed=rows, rate=rows / max(time.monotonic() - started, 1e-6))

        yield update


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    result = {}
    for pair in pairs or []:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UsageError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. --map score=nps")
        result[field.strip()] = column.strip()
    return result


def _summary_record(result: ImportResult, dry_run: bool) -> dict:
    """The per-file summary; an aborted file wrote nothing, a dry run tells what it would write."""
    s = result.summary
    wrote = result.committed or dry_run
    return {"file": result.file, "preset": result.preset, "rows_read": s.rows_read,
            "inserted": result.inserted if wrote else 0, "updated": result.updated if wrote else 0,
            "unchanged": result.unchanged if wrote else 0, "skipped": s.skipped,
            "rejected": s.rejected, "findings": {k: v for k, v in sorted(s.findings.items()) if v},
            "import_id": result.import_id if result.committed else None}


def _open_rejects(path: Path | None) -> int | None:
    """The --rejects file opened before anything is imported (so an unwritable path fails before
    any row is committed): never through a symbolic link, always private (0600)."""
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        why = "is a symbolic link; give a real path" if os.path.islink(path) else exc.strerror
        raise CannotCreate(f"--rejects {path}: {why}") from None
    os.fchmod(fd, 0o600)
    return fd


def _write_rejects(fd: int, rows: list[dict]) -> None:
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
        write_csv(rows, REJECT_COLUMNS, out)


def _describe(result: ImportResult, dry_run: bool) -> list[str]:
    s = result.summary
    lines = [f"{result.file}: preset {result.preset} ({result.why}); encoding {result.encoding}; "
             f"delimiter {result.delimiter!r}"]
    if s.layouts:
        lines.append("  time layouts: " + ", ".join(f"{k}={v}" for k, v in s.layouts.items()))
    if s.surveys_derived:
        lines.append(f"  {s.surveys_derived} CSAT answers taken from the satisfaction column")
    if s.events_derived:
        lines.append(f"  {s.events_derived} status events taken from the audit rows")
    if s.findings.get("no_creation_time"):
        lines.append(f"  {s.findings['no_creation_time']} tickets have no creation time in this export: kept, "
                     "left out of creation-based figures")
    if dry_run:
        lines.append("  dry run: nothing written")
    return lines


def _check_inputs(files: list[str]) -> None:
    """Every input file is there before a store is created or written for it (exit 66)."""
    for path in files:
        if path != "-" and not os.path.isfile(path):
            raise InputMissing(f"{path}: no such file" if not os.path.exists(path) else f"{path}: not a file")


def _check_options(fmt: Format, scale: str | None, kind: str | None, zone: str) -> None:
    if scale is not None and scale not in SCALES:
        raise UsageError(f"--scale {scale!r}: expected one of {', '.join(SCALES)}")
    if kind is not None and kind not in ("csat", "nps", "ces"):
        raise UsageError(f"--kind {kind!r}: expected csat, nps or ces")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except Exception:
        raise UsageError(f"--tz {zone!r}: expected an IANA time zone such as Europe/Berlin") from None


def _run(kind: str, files: list[str], *, mapping, tz, dayfirst, date_format, encoding, delimiter, max_rejects,
         rejects, source, dry_run, fmt, preset="auto", kind_=None, scale=None, submitted_at=None) -> None:
    from cstool.core.ingest.records import ImportOptions
    from cstool.services.imports import ImportRequest

    app_state = state()
    settings = app_state.settings()
    zone = tz or settings.config.timezone
    _check_options(fmt, scale, kind_, zone)
    request_map = _mapping(mapping)
    _check_inputs(files)
    submitted = parse_instant(submitted_at, zone, "--submitted-at") if submitted_at else None

    def request_for(size: int | None) -> ImportRequest:
        options = ImportOptions(source="", tz=zone, dayfirst=dayfirst or None, date_format=date_format,
                                as_of=now(), survey_kind=kind_, scale=SCALES.get(scale), submitted_at=submitted)
        return ImportRequest(kind=kind, preset=preset, mapping=request_map, encoding=encoding, delimiter=delimiter,
                             max_rejects=max_rejects, dry_run=dry_run, source=source, options=options,
                             size_hint=size)

    rejects_fd = _open_rejects(rejects)
    summaries: list[dict] = []
    all_rejects: list[dict] = []
    created = False
    try:
        with app_state.open_store(create=True) as store:
            created = store.created
            failed = _import_files(store, files, request_for, summaries, all_rejects, fmt)
    except BaseException:
        _forget_unused(created, summaries)
        _finish(summaries, all_rejects, rejects_fd, fmt, len(files), after_error=True)
        raise
    _forget_unused(created, summaries)
    _finish(summaries, all_rejects, rejects_fd, fmt, len(files))
    if failed is not None:
        shown = failed.rejects[:LISTED_REJECTS]
        problems = "\n".join(f"  record {r.record} (line {r.line}) {r.error_type}"
                             f"{' in ' + repr(r.column) if r.column else ''}: {r.message}" for r in shown)
        more = len(failed.rejects) - len(shown)
        if more:
            problems += f"\n  … and {more:,} more ({'listed in ' + str(rejects) if rejects else 'all of them with --rejects FILE'})"
        raise DataError(f"{failed.file}: {many(failed.summary.rejected, 'row')} rejected, nothing written "
                        f"(--max-rejects {max_rejects}):\n{problems}")


def _forget_unused(created: bool, summaries: list[dict]) -> None:
    """A store this command created and committed nothing to (every file refused, a dry run, a
    full disk) is removed: a failed first import leaves no empty store behind."""
    if created and not any(s["import_id"] is not None for s in summaries):
        from cstool.store.connection import remove_store_files

        remove_store_files(state().settings().db_path)


LISTED_REJECTS = 20  # reject lines on stderr; --rejects FILE has every one


def _finish(summaries: list[dict], rejects: list[dict], rejects_fd: int | None, fmt: Format, files: int,
            after_error: bool = False) -> None:
    """The summary of every file imported (also when a later file or step failed: what was
    committed is always told), then the --rejects file."""
    quiet = state().quiet
    if summaries and fmt is Format.json:
        write_json(summaries if files > 1 else summaries[0], sys.stdout)
    elif summaries and not quiet:
        print_table(err_console(), summaries, SUMMARY_COLUMNS, title="Import summary")
    if summaries and after_error:
        warn(f"the {many(len(summaries), 'file')} in the summary {'was' if len(summaries) == 1 else 'were'} "
             "imported before the error below")
    if rejects_fd is not None:
        try:
            _write_rejects(rejects_fd, rejects)
        except OSError as exc:
            kept = " (the import summarised above was committed)" if summaries and not after_error else ""
            raise CannotCreate(f"--rejects: the rejected rows could not be written: {exc.strerror}{kept}; "
                               "they are also listed in the store (`cstool db info`)") from None


def _import_files(store: Store, files: list[str], request_for: Callable[[int | None], ImportRequest],
                  summaries: list[dict], rejects: list[dict], fmt: Format) -> ImportResult | None:
    """Import each file in its own transaction, appending its summary and rejects as it lands;
    the result of a file whose rejects stopped it (nothing of it written), or None."""
    from cstool.services.imports import import_stream

    quiet = state().quiet
    for path in files:
        stream, name, size = _open(path)
        request = request_for(size)
        try:
            with _progress_bar(name, size, not quiet) as progress:
                request.progress = progress
                result = import_stream(store, stream, name, request, now)
        except KeyboardInterrupt:
            print(f"cstool: interrupted: nothing of {name} was written", file=sys.stderr)
            raise
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        summaries.append(_summary_record(result, request.dry_run))
        rejects += [{"file": name, **r.__dict__} for r in result.rejects]
        if not quiet and fmt is Format.table:
            for line in _describe(result, request.dry_run):
                warn(line)
        if result.rejects and not result.committed and not request.dry_run:
            return result
    return None


def _register(kind: str, extra: list[inspect.Parameter], help_text: str) -> None:
    def handler(**kwargs):
        if "kind" in kwargs:
            kwargs["kind_"] = kwargs.pop("kind")
        _run(kind, **kwargs)

    params = [FILES, *extra, *COMMON]
    handler.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    handler.__annotations__ = {p.name: p.annotation for p in params}
    handler.__doc__ = f"{help_text}\n\nExample:\n\n{EXAMPLES[kind]}"
    handler.__name__ = f"import_{kind}"
    command(app, kind)(handler)


_register("tickets", [PRESET], "Import tickets from a helpdesk export (Zendesk, Freshdesk, Jira, ServiceNow, "
          "Kaggle or cstool's generic headers).")
_register("surveys", SURVEY_ONLY, "Import CSAT, NPS or CES survey answers (blank or NA scores are counted as "
          "unanswered, not rejected).")
_register("events", [], "Import ticket events: status changes, agent/customer replies, notes, assignments.")
_register("customers", [], "Import customers: tier, signup, churn date and revenue.")
