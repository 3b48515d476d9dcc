"""Rows -> canonical records + rejects, for every kind (tickets, surveys, events, customers).

`parse_rows` is a generator of `Item`s: a record to write, a derived survey (a ticket export's
satisfaction column) or event (ServiceNow audit states), a reject, or a skip. It keeps a
running `Summary`. Nothing here touches the store: links to stored tickets come in through
the `ticket_times` callable. The per-kind record builders are in `kinds`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

from cstool.core.errors import DataError
from cstool.core.ingest import convert
from cstool.core.ingest.binding import Binding
from cstool.core.ingest.fastpath import SlowPath, compile_ticket_fast_path
from cstool.core.ingest.kinds import BUILDERS
from cstool.core.ingest.presets import Preset
from cstool.core.ingest.reader import MAX_RECORD_BYTES, CsvSource, RawRecord
from cstool.core.ingest.records import (
    FIELD_TYPES,
    FastPath,
    ImportOptions,
    Item,
    Origin,
    RecordBatch,
    Reject,
    Summary,
    TicketTimes,
)
from cstool.core.ingest.times import YEAR, AmbiguousDates, TimeColumn, choose_layout
from cstool.core.ingest.vocab import normalise_channel
from cstool.core.models import FINDING_NO_CREATED_AT, Record, Row

SAMPLE_SIZE = 500  # rows read before the time layouts are chosen
_VOCAB = {"priority", "status", "channel"}
_SIMPLE = {"ident": convert.ident, "text": convert.text, "whole": convert.whole,
           "number": convert.number, "channel": normalise_channel,
           "priority": convert.vocabulary("priority"), "status": convert.vocabulary("status")}


class RowParser:
    """Converts one RawRecord of a given kind; time layouts are chosen by `prepare`."""

    def __init__(self, kind: str, preset: Preset, binding: Binding, options: ImportOptions,
                 header: list[str], file: str):
        self.kind, self.preset, self.binding, self.options = kind, preset, binding, options
        self.header, self.file = header, file
        self.types = FIELD_TYPES[kind]
        self.times: dict[str, TimeColumn] = {}
        self.numbers: dict[str, Callable[[str], float | None]] = {}
        # fields bound to a repeated header: every cell must agree (docs/semantics.md#import-guarantees)
        self.repeats = {name: positions for name, positions in binding.fields.items()
                        if len(positions) > 1 and name != "tags"}
        self.nulls = frozenset(v.lower() for v in preset.null_values)
        lowered = [h.strip().lower() for h in header]
        self.tag_cells = [(pos, preset.tag_separators.get(lowered[pos]))
                          for pos in binding.fields.get("tags", [])]

    def prepare(self, sample: list[RawRecord]) -> dict[str, str]:
        """Choose one time layout per time column from the sample; return {column: layout}."""
        layouts = {}
        for name, positions in self.binding.fields.items():
            if self.types.get(name) != "time":
                continue
            pos = positions[0]
            values = [r.fields[pos] for r in sample if pos < len(r.fields)]
            try:
                layout, parse = choose_layout(values, dayfirst=self.options.dayfirst,
                                              date_format=self.options.date_format)
            except AmbiguousDates as exc:
                raise DataError(f"{self.file}: column {self.header[pos]!r}: {exc}; day-first vs "
                                "month-first is never guessed: pass --dayfirst or --date-format") from None
            latest = self.options.as_of + YEAR if self.options.as_of is not None else None
            self.times[name] = TimeColumn(layout, parse, self.options.tz, latest)
            layouts[self.header[pos]] = layout
        for name, positions in self.binding.fields.items():  # (a survey's score is a number too)
            if self.types.get(name) == "number" or (self.kind == "surveys" and name == "score"):
                pos = positions[0]
                number_layout = convert.number_layout([r.fields[pos] for r in sample if pos < len(r.fields)])
                self.numbers[name] = convert.number_in(number_layout)
                if number_layout != "plain":
                    layouts[self.header[pos]] = number_layout
        self.plan = self._plan()
        return layouts

    def structural(self, raw: RawRecord) -> Reject | None:
        """Problems of the row's shape: column count, NUL bytes, size."""
        width = self.binding.width
        if "\x00" in raw.raw:
            return self._reject(raw, None, "INVALID CHARACTER", "the record contains a NUL byte")
        if len(raw.raw) > MAX_RECORD_BYTES:
            return self._reject(raw, None, "LINE SIZE OVER MAXIMUM",
                                f"the record is {len(raw.raw)} characters (maximum {MAX_RECORD_BYTES})")
        if len(raw.fields) < width:
            return self._reject(raw, None, "MISSING COLUMNS",
                                f"{len(raw.fields)} columns, the header has {width}")
        if len(raw.fields) > width:
            return self._reject(raw, None, "TOO MANY COLUMNS",
                                f"{len(raw.fields)} columns, the header has {width}")
        return None

    def _reject(self, raw: RawRecord, pos: int | None, kind: str, message: str) -> Reject:
        column = self.header[pos] if pos is not None else None
        value = raw.fields[pos] if pos is not None and pos < len(raw.fields) else None
        return Reject(raw.number, raw.line, column, kind, message, raw.raw, value)

    def fast_path(self) -> FastPath | None:
        """The compiled converter for this file's rows, or None (see ingest.fastpath)."""
        return compile_ticket_fast_path(self, FINDING_NO_CREATED_AT)

    def _plan(self) -> list[tuple[str, int, Callable[[str], Any], str]]:
        """(name, position, converter, kind) per bound field, built once per file."""
        plan: list[tuple[str, int, Callable[[str], Any], str]] = []
        for name, positions in self.binding.fields.items():
            ftype = self.types.get(name, "text")
            if ftype == "tags":
                continue
            if ftype == "time":
                plan.append((name, positions[0], self.times[name].convert, "time"))
            elif ftype == "number":
                plan.append((name, positions[0], self.numbers[name], "number"))
            else:
                plan.append((name, positions[0], _SIMPLE[ftype], "vocab" if ftype in _VOCAB else
                             "text" if ftype in ("ident", "text") else "plain"))
        return plan

    def values(self, raw: RawRecord) -> tuple[Record, Record, list[Reject]]:
        """Canonical values, raw text of interpreted values, and CAST rejects."""
        out: Record = {}
        kept: Record = {}
        problems: list[Reject] = []
        fields = raw.fields
        nulls = self.nulls
        for name, pos, convert_value, kind in self.plan:
            value = fields[pos]
            if name in self.repeats:
                value, problem = self._agreed(raw, self.repeats[name])
                if problem is not None:
                    problems.append(problem)
                    continue
            if nulls and value.strip().lower() in nulls:
                value = ""
            try:
                if kind == "time":
                    result, interpreted = convert_value(value)
                    if interpreted:
                        kept[name] = value  # a naive time or another layout: keep what we read
                else:
                    result = convert_value(value)
                    if (kind in ("vocab", "text") and value and result != value) or (
                            kind == "number" and "," in value):
                        kept[name] = value  # (a normalised or trimmed value, a number read with separators)
            except ValueError as exc:
                problems.append(self._reject(raw, pos, "CAST", f"{self.header[pos]}={value!r}: {exc}"))
                continue
            out[name] = result
        if self.tag_cells:
            out["tags"] = convert.split_tags([(fields[p], sep) for p, sep in self.tag_cells])
        return out, kept, problems

    def _agreed(self, raw: RawRecord, positions: list[int]) -> tuple[str, Reject | None]:
        """The one value of cells under a repeated header: the non-empty one they agree on, or
        a reject naming the columns and values that differ."""
        cells = [(p, raw.fields[p]) for p in positions if raw.fields[p].strip(convert.ASCII_SPACE)]
        if len({value for _, value in cells}) > 1:
            (a, x), (b, y) = cells[0], next(c for c in cells if c[1] != cells[0][1])
            return "", self._reject(raw, b, "CAST", f"repeated header {self.header[a]!r}: column {a + 1} holds "
                                                   f"{x!r} and column {b + 1} holds {y!r}")
        return (cells[0][1] if cells else raw.fields[positions[0]]), None

    def extras(self, raw: RawRecord) -> Record:
        extra: Record = {}
        for pos, name in self.binding.extra.items():
            value = raw.fields[pos]
            if value == "":
                continue
            if name in extra:
                previous = extra[name]
                extra[name] = (previous if isinstance(previous, list) else [previous]) + [value]
            else:
                extra[name] = value
        return extra


def parse_rows(source: CsvSource, parser: RowParser, summary: Summary,
               ticket_times: Callable[[str], int | None] = lambda _id: None, batched: bool = True) -> Iterator[Item]:
    """Stream Items for every record of `source`; `summary` is updated as they go. With a
    compiled fast path and `batched`, its records come as Item("batch", RecordBatch) of a
    chunk of the file each (in file order with the other items).
    Duplicate keys are the store's to find (it sees every row without holding them all)."""
    head: list[tuple[int, int, list[str], str]] = []
    for chunk in source.chunks:
        head.extend(chunk)
        if len(head) >= SAMPLE_SIZE:
            break
    summary.layouts = parser.prepare([RawRecord(*r) for r in head[:SAMPLE_SIZE]])
    fast = parser.fast_path()
    for chunk in chain([head], source.chunks):
        summary.rows_read += len(chunk)
        if fast is None or not batched:
            for r in chunk:
                yield from _one(parser, RawRecord(*r), summary, ticket_times, fast)
            continue
        rows: list[Row] = []
        origins: list[Origin] = []
        for number, line, fields, raw in chunk:
            try:
                row, findings = fast(fields, raw)
            except SlowPath:
                others = list(_one(parser, RawRecord(number, line, fields, raw), summary, ticket_times, None))
                yield Item("batch", RecordBatch(rows, origins, others))
                rows, origins = [], []
                continue
            if findings:
                summary.findings.update(findings)
            rows.append(row)
            origins.append((number, line, raw))
        if rows:
            yield Item("batch", RecordBatch(rows, origins, []))


def _one(parser: RowParser, raw: RawRecord, summary: Summary, ticket_times: TicketTimes,
         fast: FastPath | None) -> Iterator[Item]:
    """The items of one record: through the fast path if it takes it, else the general converter."""
    if fast is not None:
        try:
            row, findings = fast(raw.fields, raw.raw)
        except SlowPath:
            pass
        else:
            if findings:
                summary.findings.update(findings)
            yield Item("record", row, (raw.number, raw.line, raw.raw))
            return
    problem = parser.structural(raw)
    if problem:
        summary.rejected += 1
        yield Item("reject", problem)
        return
    values, kept, problems = parser.values(raw)
    build = BUILDERS[parser.kind]
    items = [] if problems else build(parser, raw, values, kept, summary, ticket_times, problems)
    if problems:
        summary.rejected += 1
        for problem in problems:
            yield Item("reject", problem)
        return
    yield from items
