"""What every command shares: global state, option aliases, the clock, errors -> exit codes."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional
from zoneinfo import ZoneInfo

import typer

from cstool.config import Settings, resolve_settings
from cstool.core.errors import CstoolError, UsageError
from cstool.core.formats import FractionalSeconds, parse_iso
from cstool.render import Column, Format

if TYPE_CHECKING:
    from rich.console import Console

    from cstool.services.sla import SlaEngine
    from cstool.store import Store

AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", metavar="TIME", help="Evaluate as of this instant instead of now: ISO-8601 (naive = config time zone) or relative (yesterday, -2h, 7d ago, last monday).")]


@dataclass
class AppState:
    flag_db: str | None = None
    flag_config: str | None = None
    debug: bool = False
    quiet: bool = False
    wide: bool = False                   # tables show every column, whatever the width
    no_pager: bool = False               # long tables on a terminal are not sent through $PAGER
    exit_reported: bool = False          # a command chose its exit code itself (e.g. Nagios 2)
    _settings: Settings | None = None

    def settings(self) -> Settings:
        """Resolve config and DB path once (flag > env > file > default)."""
        if self._settings is None:
            self._settings = resolve_settings(self.flag_db, self.flag_config, os.environ, Path.cwd(),
                                              Path(typer.get_app_dir("cstool")))
        return self._settings

    def open_store(self, create: bool = False) -> Store:
        from cstool.store import open_store

        settings = self.settings()
        return open_store(settings.db_path, create=create, busy_timeout=settings.config.busy_timeout, now=now())

    @contextmanager
    def read_store(self, engine: SlaEngine | None = None, texts: bool = False) -> Iterator[Store]:
        """The store of a read command, inside one snapshot of it (with `engine`, SLA clocks
        refreshed first: services.sla.reading; with `texts`, the newest comments and subjects
        read), so that every figure comes from one state."""
        with self.open_store(create=False) as store, snapshot(store, engine, texts):
            yield store


_current = AppState()


def state() -> AppState:
    """This invocation's global options (set by the app callback before any command runs)."""
    return _current


def reset_state(**options) -> AppState:
    global _current
    _current = AppState(**options)
    return _current


def now() -> int:
    """The one place that reads the wall clock (UTC epoch seconds)."""
    return int(time.time())


def parse_instant(text: str | None, tz: str, option: str = "--as-of") -> int:
    """ISO-8601 or a relative time (`yesterday`, `-2h`, `7d ago`, `last monday`: core.periods)
    -> epoch seconds; naive values are read in `tz`; None means now. A relative time is echoed
    once on stderr as the absolute instant it stands for."""
    if text is None:
        return now()
    from cstool.core.periods import relative_instant

    relative = relative_instant(text, now(), tz)
    if relative is not None:
        if not state().quiet:
            from cstool.core.formats import iso_instant

            warn(f"{option} {text} = {iso_instant(relative, tz)}")
        return relative
    return instant_argument(text, tz, option, "an ISO-8601 instant such as 2026-03-31T16:00:00Z, or now, today, "
                                              "yesterday, -2h, 7d ago, last monday")


def instant_argument(text: str, tz: str | ZoneInfo, what: str, expected: str) -> int:
    """An instant given on the command line, or a usage error naming `what` and the expected form."""
    try:
        return parse_iso(text, tz)
    except FractionalSeconds:
        raise UsageError(f"{what} {text!r}: fractions of a second are not supported; give whole seconds") from None
    except ValueError:
        raise UsageError(f"{what} {text!r}: expected {expected}") from None


def duration_seconds(text: str, option: str) -> int:
    """A counted duration given on the command line (`1d`, `4h`, `30m`) in seconds."""
    from cstool.core.sla.duration import parse_duration

    try:
        duration = parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
    if duration.business_days or duration.seconds <= 0:
        raise UsageError(f"{option} {text!r}: expected a positive duration such as 1d, 4h or 30m (not business days)")
    return duration.seconds


def emit(fmt: Format, columns: list[Column], *, table: Callable[[Console], None], document: Callable[[], Any],
         csv_rows: Callable[[], list[dict[str, Any]]] | None = None, fields: list[str] | None = None) -> None:
    """Write one result in `fmt` on stdout: json `document()`, jsonl/csv/tsv `csv_rows()` (default:
    the document's records) under `columns`, any other format through `table(console)`; with
    `fields` (--fields), only those fields, in that order, in every format. Only the form asked
    for is built."""
    from cstool.cli.console import paged
    from cstool.render.listing import pick, pick_columns
    from cstool.render.machine import write_csv, write_json, write_jsonl
    from cstool.render.table import fields_shown

    if fmt is Format.json:
        doc = document()
        write_json([pick(r, fields) for r in doc] if isinstance(doc, list) else pick(doc, fields), sys.stdout)
    elif fmt is Format.jsonl:
        rows = (csv_rows or document)()
        write_jsonl((pick(r, fields) for r in (rows if isinstance(rows, list) else [rows])), sys.stdout)
    elif fmt in (Format.csv, Format.tsv):
        rows = (csv_rows or document)()
        write_csv(rows if isinstance(rows, list) else [rows], pick_columns(columns, fields), sys.stdout,
                  "\t" if fmt is Format.tsv else ",")
    else:
        with fields_shown(fields), paged(not state().no_pager) as console:
            table(console)


def format_option(*choices: str, help: str = "Output format.") -> Any:
    """`--format/-f` offering only `choices` (case-insensitive), parsed into a Format."""

    def parse(text: str) -> Format:
        if isinstance(text, Format):
            return text
        if text.lower() not in choices:
            raise typer.BadParameter(f"{text!r}: this command prints {', '.join(choices)}")
        return Format(text.lower())

    return typer.Option("--format", "-f", metavar="|".join(choices), parser=parse, help=help,
                        autocompletion=lambda incomplete: [c for c in choices if c.startswith(incomplete.lower())])


RECORDS = ("table", "json", "jsonl", "csv", "tsv")
RecordFormat = Annotated[Format, format_option(*RECORDS)]
FieldsOpt = Annotated[Optional[str], typer.Option(
    "--fields", metavar="A,B,C", help="Only these fields, in this order, in every format (the json keys / csv "
    "header; --format csv shows them all).")]
SortOpt = Annotated[Optional[str], typer.Option(
    "--sort", metavar="FIELD[:desc]", help="Sort by this field (a json key), ascending or with :desc descending.")]


def limit_option(default: int, what: str = "Rows") -> Any:
    return typer.Option("--limit", min=0, metavar="N", help=f"{what} at most (0 = all); when not given, {default} in "
                        "the table and all in the other formats.")


def rows_wanted(limit: int | None, fmt: Format, default: int) -> int | None:
    """How many rows to print (None: all): an explicit --limit in every format, else `default`
    rows in the table and all of them elsewhere."""
    if limit is None:
        return default if fmt is Format.table else None
    return limit or None


@dataclass(frozen=True)
class Listing:
    """--fields, --sort and --limit of one list command, checked against its machine fields."""

    fields: list[str] | None
    sort: tuple[str, bool] | None
    limit: int | None

    @classmethod
    def of(cls, columns: list[Column], fields: str | None, sort: str | None, limit: int | None, fmt: Format,
           default: int) -> Listing:
        from cstool.render.listing import parse_fields, parse_sort

        names = [c.key for c in columns]
        return cls(parse_fields(fields, names), parse_sort(sort, names), rows_wanted(limit, fmt, default))

    def arrange(self, records: list, value=None, cut: bool = True) -> list:
        """The records sorted (--sort) and, with `cut`, cut to --limit."""
        from cstool.render.listing import sort_records

        ordered = sort_records(records, self.sort, value)
        return ordered[:self.limit] if self.limit and cut else ordered


def warn(message: str) -> None:
    print(f"cstool: {message}", file=sys.stderr)


@contextmanager
def snapshot(store: Store, engine: SlaEngine | None, texts: bool = False) -> Iterator[None]:
    """One read snapshot of `store` (see AppState.read_store); afterwards, on a read-only store
    whose SLA clocks (or texts) were behind, a warning that they could not be refreshed."""
    if engine is None and not texts:
        with store.snapshot():
            yield
        return
    from cstool.services.sla import reading

    with reading(store, engine, texts):
        yield
    if store.stale_texts:
        warn(f"warning: {store.path} is read-only, so the newest comments and subjects could not be read: "
             "their sentiment and themes are missing; run cstool once as the store's owner to read them")
    if store.stale_clocks:
        warn(f"warning: {store.path} is read-only, so the SLA clocks could not be refreshed: figures use "
             "the clocks of the last refresh (tickets imported since have none); run cstool once as the "
             "store's owner to refresh them")


def report_error(exc: CstoolError, debug: bool) -> int:
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    print(f"cstool: error: {exc}", file=sys.stderr)
    return exc.exit_code


@contextmanager
def fitted_tables() -> Iterator[None]:
    """The tables of one command fitted to the terminal (render.table), then one note on stderr
    naming the columns hidden for width."""
    from cstool.render.table import hidden_note, layout

    with layout(wide=state().wide) as fitted:
        yield
    note = hidden_note(fitted.hidden)
    if note and not state().quiet:
        warn(note)


class PlainCommand(typer.core.TyperCommand):
    """A command whose options without a metavar read `--team TEAM` in --help, not `<str>`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.param_type_name == "option" and not getattr(param, "is_flag", False) and not param.metavar:
                param.metavar = max(param.opts, key=len).lstrip("-").upper().replace("-", "_")


def command(group: typer.Typer, *args, **kwargs):
    """Register a command whose CstoolErrors become one stderr line and their exit code."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            try:
                with fitted_tables():
                    return fn(*a, **k)
            except CstoolError as exc:
                raise typer.Exit(report_error(exc, state().debug)) from None
            except Exception as exc:  # noqa: BLE001 - the last line of defence
                if type(exc).__module__.startswith("typer") or isinstance(exc, BrokenPipeError) or state().debug:
                    raise
                print(f"cstool: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the "
                      "traceback)", file=sys.stderr)
                raise typer.Exit(1) from None

        return group.command(*args, cls=kwargs.pop("cls", PlainCommand), **kwargs)(wrapper)

    return decorate


EVERY_ROW = Listing(None, None, None)   # no --fields, --sort or --limit
