"""Rows -> canonical records + rejects, for every kind (tickets, surveys, events, customers).

`parse_rows` is a generator of `Item`s: a record to write, a derived survey (a ticket export's
satisfaction column) or event (ServiceNow audit states), a reject, or a skip. It keeps a
running `Summary`. Nothing here touches the store: links to stored tickets come in through
the `ticket_times` callable.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable, Iterator

from cstool.core.errors import DataError
from cstool.core.ingest import convert
from cstool.core.ingest.binding import Binding
from cstool.core.ingest.fastpath import SlowPath, compile_ticket_fast_path
from cstool.core.ingest.presets import Preset
from cstool.core.ingest.reader import MAX_RECORD_BYTES, CsvSource, RawRecord
from cstool.core.ingest.times import AmbiguousDates, TimeColumn, choose_layout, is_null
from cstool.core.ingest.vocab import normalise_channel
from cstool.core.models import (
    DEFAULT_SCALES,
    EVENT_TYPES,
    FINDING_FUTURE_DATE,
    FINDING_RESOLVED_BEFORE_CREATED,
    FINDING_RESOLVED_BEFORE_FIRST_RESPONSE,
    FINDING_RESPONSE_BEFORE_CREATED,
    JSON_FIELDS,
    ROWS,
    SURVEY_KINDS,
    TICKET_TIME_FIELDS,
)

SAMPLE_SIZE = 500
# Worded 5-point satisfaction answers (Freshdesk and others) -> 1-5 scores.
CSAT_WORDS = {"extremely satisfied": 5, "extremely happy": 5, "very satisfied": 5, "satisfied": 4,
              "happy": 4, "neutral": 3, "dissatisfied": 2, "unhappy": 2, "unsatisfied": 2,
              "extremely dissatisfied": 1, "extremely unhappy": 1, "very dissatisfied": 1}
FINDING_NO_CREATED_AT = "no_creation_time"

FIELD_TYPES = {
    "tickets": {"id": "ident", "subject": "text", "customer_id": "ident", "customer_email": "text",
                "customer_name": "text", "customer_tier": "text", "channel": "channel",
                "priority": "priority", "status": "status", "team": "text", "assignee": "text",
                **dict.fromkeys(TICKET_TIME_FIELDS, "time"), "reopens": "whole", "replies": "whole",
                "tags": "tags"},
    "surveys": {"id": "ident", "ticket_id": "ident", "customer_id": "ident", "kind": "text",
                "score": "text", "comment": "text", "submitted_at": "time"},
    "events": {"ticket_id": "ident", "at": "time", "type": "text", "value": "text"},
    "customers": {"id": "ident", "email": "text", "name": "text", "tier": "text",
                  "signup_at": "time", "churned_at": "time", "revenue": "number"},
}
_VOCAB = {"priority", "status", "channel"}
_SIMPLE = {"ident": convert.ident, "text": convert.text, "whole": convert.whole,
           "number": convert.number, "channel": normalise_channel,
           "priority": convert.vocabulary("priority"), "status": convert.vocabulary("status")}


@dataclass
class ImportOptions:
    source: str
    tz: str = "UTC"
    dayfirst: bool | None = None
    date_format: str | None = None
    as_of: int | None = None                  # instants after it are `future_date` findings
    survey_kind: str | None = None
    scale: tuple[int, int] | None = None
    submitted_at: int | None = None


@dataclass
class Reject:
    record: int
    line: int
    column: str | None
    error_type: str
    message: str
    raw: str


@dataclass
class Summary:
    rows_read: int = 0
    rejected: int = 0
    skipped: int = 0
    findings: Counter = field(default_factory=Counter)
    surveys_derived: int = 0
    events_derived: int = 0
    layouts: dict[str, str] = field(default_factory=dict)


@dataclass
class Item:
    """kind: record | survey | event | reject | skip. Records, surveys and events carry a row
    tuple in storage order (models.ROWS); `origin` is (record number, line, raw text) of the
    source row, for rejects the store may still raise (duplicate keys)."""

    kind: str
    value: object
    origin: tuple | None = None


@dataclass
class RecordBatch:
    """Many records of the file's own kind at once, plus any items that came after them;
    `origins[i]` (record number, line, raw text) belongs to `rows[i]`."""

    rows: list[tuple]
    origins: list[tuple]
    others: list[Item]


def to_row(kind: str, record: dict) -> tuple:
    """A record dict -> its row tuple in storage order, JSON fields serialised, hash filled."""
    values = []
    for name in ROWS[kind]:
        value = record.get(name)
        if name == "tags":
            value = json.dumps(value or [], ensure_ascii=False)
        elif name in JSON_FIELDS:
            value = dumps(value)
        values.append(value)
    if "row_hash" in ROWS[kind] and values[-1] is None:
        values[-1] = row_hash(tuple(values[:-1]))
    return tuple(values)


def row_hash(values) -> str:
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


def dumps(value) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


class RowParser:
    """Converts one RawRecord of a given kind; time layouts are chosen by `prepare`."""

    def __init__(self, kind: str, preset: Preset, binding: Binding, options: ImportOptions,
                 header: list[str], file: str):
        self.kind, self.preset, self.binding, self.options = kind, preset, binding, options
        self.header, self.file = header, file
        self.types = FIELD_TYPES[kind]
        self.times: dict[str, TimeColumn] = {}
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
            dayfirst = bool(self.options.dayfirst) or layout.startswith("%d")
            self.times[name] = TimeColumn(layout, parse, self.options.tz, dayfirst)
            layouts[self.header[pos]] = layout
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
        return Reject(raw.number, raw.line, column, kind, message, raw.raw)

    def fast_path(self):
        """The compiled converter for this file's rows, or None (see ingest.fastpath)."""
        return compile_ticket_fast_path(self, FINDING_NO_CREATED_AT)

    def _plan(self) -> list[tuple]:
        """(name, position, converter, kind) per bound field, built once per file."""
        plan = []
        for name, positions in self.binding.fields.items():
            ftype = self.types.get(name, "text")
            if ftype == "tags":
                continue
            if ftype == "time":
                plan.append((name, positions[0], self.times[name].convert, "time"))
            else:
                plan.append((name, positions[0], _SIMPLE[ftype], "vocab" if ftype in _VOCAB else "plain"))
        return plan

    def values(self, raw: RawRecord) -> tuple[dict, dict, list[Reject]]:
        """Canonical values, raw text of interpreted values, and CAST rejects."""
        out: dict = {}
        kept: dict = {}
        problems: list[Reject] = []
        fields = raw.fields
        nulls = self.nulls
        for name, pos, convert_value, kind in self.plan:
            value = fields[pos]
            if nulls and value.strip().lower() in nulls:
                value = ""
            try:
                if kind == "time":
                    result, interpreted = convert_value(value)
                    if interpreted:
                        kept[name] = value  # a naive time or another layout: keep what we read
                else:
                    result = convert_value(value)
                    if kind == "vocab" and result is not None and value != result:
                        kept[name] = value
            except ValueError as exc:
                problems.append(self._reject(raw, pos, "CAST", f"{self.header[pos]}={value!r}: {exc}"))
                continue
            out[name] = result
        if self.tag_cells:
            out["tags"] = convert.split_tags([(fields[p], sep) for p, sep in self.tag_cells])
        return out, kept, problems

    def extras(self, raw: RawRecord) -> dict:
        extra: dict = {}
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
    head: list[tuple] = []
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
        rows: list[tuple] = []
        origins: list[tuple] = []
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


def _one(parser: RowParser, raw: RawRecord, summary: Summary, ticket_times, fast) -> Iterator[Item]:
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
    build = {"tickets": _build_ticket, "surveys": _survey, "events": _event, "customers": _customer}[parser.kind]
    items = [] if problems else build(parser, raw, values, kept, summary, ticket_times, problems)
    if problems:
        summary.rejected += 1
        for problem in problems:
            yield Item("reject", problem)
        return
    yield from items


def _required(parser: RowParser, raw: RawRecord, values: dict, name: str, problems: list) -> None:
    if values.get(name) is None:
        positions = parser.binding.fields.get(name)
        problems.append(parser._reject(raw, positions[0] if positions else None,
                                       "MISSING REQUIRED FIELD", f"{name} is empty"))


def _build_ticket(parser: RowParser, raw, values: dict, kept: dict, summary: Summary, ticket_times, problems):
    _required(parser, raw, values, "id", problems)
    if "created_at" in parser.binding.fields:
        _required(parser, raw, values, "created_at", problems)
    reported: dict = {}
    for pos, spec in parser.binding.reported.items():
        try:
            seconds = convert.duration_seconds(raw.fields[pos], spec.unit)
        except ValueError as exc:
            problems.append(parser._reject(raw, pos, "CAST", f"{parser.header[pos]}: {exc}"))
            continue
        if seconds is None:
            continue
        reported[spec.key] = seconds
        if spec.derives and values.get(spec.derives) is None and values.get("created_at") is not None:
            values[spec.derives] = values["created_at"] + seconds
            kept.setdefault("derived", []).append(spec.derives)
    if problems:
        return []
    for name in ("subject", "customer_id", "customer_email", "customer_name", "customer_tier", "channel",
                 "priority", "status", "team", "assignee", *TICKET_TIME_FIELDS, "reopens", "replies"):
        values.setdefault(name, None)
    values.setdefault("tags", [])
    values["resolution_at"] = values["resolved_at"] if values["resolved_at"] is not None else values["closed_at"]
    findings = ticket_findings(values, parser.options.as_of)
    if "created_at" not in parser.binding.fields:
        findings.append(FINDING_NO_CREATED_AT)
    summary.findings.update(findings)
    values["findings"] = ",".join(findings) or None
    values["row_hash"] = ""  # tickets: unchanged rows are found by comparing the stored columns
    values["reported"] = reported
    values["raw"] = kept
    values["extra"] = parser.extras(raw)
    items = [Item("record", to_row("tickets", values), (raw.number, raw.line, raw.raw))]
    if parser.binding.csat is not None:
        survey = _csat_from_ticket(parser, raw, values, problems)
        if survey:
            summary.surveys_derived += 1
            items.append(Item("survey", to_row("surveys", survey), (raw.number, raw.line, raw.raw)))
    return items


def ticket_findings(t: dict, as_of: int | None) -> list[str]:
    """Data-quality findings (DESIGN §5) of one ticket record; the order is fixed."""
    found = []
    created, first, resolution = t.get("created_at"), t.get("first_response_at"), t.get("resolution_at")
    if created is not None and resolution is not None and resolution < created:
        found.append(FINDING_RESOLVED_BEFORE_CREATED)
    if created is not None and first is not None and first < created:
        found.append(FINDING_RESPONSE_BEFORE_CREATED)
    if first is not None and resolution is not None and resolution < first:
        found.append(FINDING_RESOLVED_BEFORE_FIRST_RESPONSE)
    if as_of is not None and any((t.get(f) or 0) > as_of for f in TICKET_TIME_FIELDS):
        found.append(FINDING_FUTURE_DATE)
    return found


def _csat_from_ticket(parser: RowParser, raw, ticket: dict, problems) -> dict | None:
    pos = parser.binding.csat
    cell = raw.fields[pos].strip()
    low = cell.lower()
    if is_null(cell) or low in ("offered", "unoffered", "not offered"):
        return None
    score, label = None, None
    if low in CSAT_WORDS:
        score = CSAT_WORDS[low]
    elif low.startswith(("good", "awesome")):
        label = "good"
    elif low.startswith(("bad", "not good")):
        label = "bad"
    else:
        try:
            score = float(cell)
        except ValueError:
            problems.append(parser._reject(raw, pos, "CAST", f"{parser.header[pos]}={cell!r}: not a score"))
            return None
    when = ticket["resolution_at"] if ticket["resolution_at"] is not None else ticket["created_at"]
    return {"id": f"csat:{ticket['id']}", "ticket_id": ticket["id"], "customer_id": ticket["customer_id"],
            "kind": "csat", "score": score, "scale_min": 1, "scale_max": 5, "label": label,
            "comment": None, "submitted_at": when, "extra": {"from": parser.header[pos]}}


def _survey(parser: RowParser, raw, values: dict, kept: dict, summary: Summary, ticket_times, problems):
    options = parser.options
    kind = options.survey_kind or (values.get("kind") or "").strip().lower() or None
    if kind not in SURVEY_KINDS:
        pos = parser.binding.fields.get("kind", [None])[0]
        problems.append(parser._reject(raw, pos, "MISSING REQUIRED FIELD" if kind is None else "CAST",
                                       f"survey kind {kind!r}: expected csat, nps or ces (column kind "
                                       "or --kind)"))
        return []
    text = values.get("score")
    if is_null(text):
        summary.skipped += 1
        return [Item("skip", "unanswered")]
    scale = options.scale or DEFAULT_SCALES[kind]
    score, label = None, None
    pos = parser.binding.fields["score"][0]
    if kind == "csat" and text.strip().lower().startswith(("good", "bad")):
        label = "good" if text.strip().lower().startswith("good") else "bad"
    else:
        try:
            score = convert.number(text)
        except ValueError as exc:
            problems.append(parser._reject(raw, pos, "CAST", f"score={text!r}: {exc}"))
            return []
        if not scale[0] <= score <= scale[1]:
            problems.append(parser._reject(raw, pos, "CAST", f"score={text!r}: outside the "
                                           f"{kind} scale {scale[0]}-{scale[1]} (set --scale)"))
            return []
    ticket_id = values.get("ticket_id")
    when = values.get("submitted_at")
    if when is None and ticket_id:
        when = ticket_times(ticket_id)
    if when is None:
        when = options.submitted_at
    if when is None:
        problems.append(parser._reject(raw, parser.binding.fields.get("submitted_at", [None])[0],
                                       "MISSING REQUIRED FIELD", "no submitted_at, no linked ticket with a "
                                       "time, and no --submitted-at"))
        return []
    survey_id = values.get("id") or (f"{kind}:{ticket_id}" if ticket_id else "h:" + row_hash(raw.fields))
    return [Item("record", to_row("surveys", {"id": survey_id, "ticket_id": ticket_id, "customer_id": values.get("customer_id"),
                            "kind": kind, "score": score, "scale_min": scale[0], "scale_max": scale[1],
                            "label": label, "comment": values.get("comment"), "submitted_at": when,
                            "extra": parser.extras(raw)}), (raw.number, raw.line, raw.raw))]


def _event(parser: RowParser, raw, values: dict, kept: dict, summary: Summary, ticket_times, problems):
    for name in ("ticket_id", "at", "type"):
        _required(parser, raw, values, name, problems)
    etype = (values.get("type") or "").strip().lower()
    value = values.get("value") or ""
    pos = parser.binding.fields["type"][0]
    if not problems and etype not in EVENT_TYPES:
        problems.append(parser._reject(raw, pos, "CAST", f"type={etype!r}: expected one of "
                                       + ", ".join(EVENT_TYPES)))
    elif etype in ("status", "priority") and not problems:
        try:
            value = convert.vocabulary(etype)(value) or ""
        except ValueError as exc:
            problems.append(parser._reject(raw, parser.binding.fields.get("value", [pos])[0], "CAST", str(exc)))
    if problems:
        return []
    return [Item("record", to_row("events", {"ticket_id": values["ticket_id"], "at": values["at"], "type": etype,
                                             "value": value, "extra": parser.extras(raw)}))]


def _customer(parser: RowParser, raw, values: dict, kept: dict, summary: Summary, ticket_times, problems):
    _required(parser, raw, values, "id", problems)
    if problems:
        return []
    record = {name: values.get(name) for name in FIELD_TYPES["customers"]}
    record["extra"] = parser.extras(raw)
    return [Item("record", to_row("customers", record), (raw.number, raw.line, raw.raw))]
