"""The record builders of each kind of file: a ticket (with its findings and the survey its
satisfaction column gives), a survey answer, an event, a customer. Each takes the converted
values of one row and returns its items, or appends rejects to `problems`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cstool.core.ingest import convert
from cstool.core.ingest.reader import RawRecord
from cstool.core.ingest.records import FIELD_TYPES, Item, Reject, Summary, TicketTimes, row_hash, to_row
from cstool.core.ingest.times import is_null
from cstool.core.models import (
    DEFAULT_SCALES,
    EVENT_TYPES,
    FINDING_FUTURE_DATE,
    FINDING_NO_CREATED_AT,
    FINDING_RESOLVED_BEFORE_CREATED,
    FINDING_RESOLVED_BEFORE_FIRST_RESPONSE,
    FINDING_RESPONSE_BEFORE_CREATED,
    SURVEY_KINDS,
    TICKET_TIME_FIELDS,
    Record,
)

if TYPE_CHECKING:
    from cstool.core.ingest.parser import RowParser

# Worded 5-point satisfaction answers (Freshdesk and others) -> 1-5 scores.
CSAT_WORDS = {"extremely satisfied": 5, "extremely happy": 5, "very satisfied": 5, "satisfied": 4,
              "happy": 4, "neutral": 3, "dissatisfied": 2, "unhappy": 2, "unsatisfied": 2,
              "extremely dissatisfied": 1, "extremely unhappy": 1, "very dissatisfied": 1}


def _required(parser: RowParser, raw: RawRecord, values: Record, name: str, problems: list[Reject]) -> None:
    if values.get(name) is None:
        positions = parser.binding.fields.get(name)
        problems.append(parser._reject(raw, positions[0] if positions else None,
                                       "MISSING REQUIRED FIELD", f"{name} is empty"))


def _build_ticket(parser: RowParser, raw: RawRecord, values: Record, kept: Record, summary: Summary,
                  ticket_times: TicketTimes, problems: list[Reject]) -> list[Item]:
    _required(parser, raw, values, "id", problems)
    if "created_at" in parser.binding.fields:
        _required(parser, raw, values, "created_at", problems)
    reported: dict[str, int] = {}
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


def ticket_findings(t: Record, as_of: int | None) -> list[str]:
    """Data-quality findings (docs/semantics.md#data-quality-findings) of one ticket record; the order is fixed."""
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


def _csat_from_ticket(parser: RowParser, raw: RawRecord, ticket: Record, problems: list[Reject]) -> Record | None:
    pos = parser.binding.csat
    assert pos is not None, "called for files with a satisfaction column"
    cell = raw.fields[pos].strip()
    low = cell.lower()
    if is_null(cell) or low in ("offered", "unoffered", "not offered"):
        return None
    score: float | None = None
    label = None
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


def _survey(parser: RowParser, raw: RawRecord, values: Record, kept: Record, summary: Summary,
            ticket_times: TicketTimes, problems: list[Reject]) -> list[Item]:
    options = parser.options
    kind = options.survey_kind or (values.get("kind") or "").strip().lower() or None
    if kind not in SURVEY_KINDS:
        pos = parser.binding.fields.get("kind", [None])[0]
        problems.append(parser._reject(raw, pos, "MISSING REQUIRED FIELD" if kind is None else "CAST",
                                       f"survey kind {kind!r}: expected csat, nps or ces (column kind "
                                       "or --kind)"))
        return []
    text = values.get("score")
    if text is None or is_null(text):
        summary.skipped += 1
        return [Item("skip", "unanswered")]
    scale = options.scale or DEFAULT_SCALES[kind]
    score, label = None, None
    pos = parser.binding.fields["score"][0]
    if kind == "csat" and text.strip().lower().startswith(("good", "bad")):
        label = "good" if text.strip().lower().startswith("good") else "bad"
    else:
        try:
            score = parser.numbers.get("score", convert.number)(text)
        except ValueError as exc:
            problems.append(parser._reject(raw, pos, "CAST", f"score={text!r}: {exc}"))
            return []
        assert score is not None, "a null score was skipped above"
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
    return [Item("record", to_row("surveys", {"id": survey_id, "ticket_id": ticket_id,
                            "customer_id": values.get("customer_id"),
                            "kind": kind, "score": score, "scale_min": scale[0], "scale_max": scale[1],
                            "label": label, "comment": values.get("comment"), "submitted_at": when,
                            "raw": {**kept, **({"score": text} if "," in text else {})},
                            "extra": parser.extras(raw)}), (raw.number, raw.line, raw.raw))]


def _event(parser: RowParser, raw: RawRecord, values: Record, kept: Record, summary: Summary,
           ticket_times: TicketTimes, problems: list[Reject]) -> list[Item]:
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
                                             "value": value, "extra": parser.extras(raw)}),
                 (raw.number, raw.line, raw.raw))]


def _customer(parser: RowParser, raw: RawRecord, values: Record, kept: Record, summary: Summary,
              ticket_times: TicketTimes, problems: list[Reject]) -> list[Item]:
    _required(parser, raw, values, "id", problems)
    if problems:
        return []
    record = {name: values.get(name) for name in FIELD_TYPES["customers"]}
    record["raw"], record["extra"] = kept, parser.extras(raw)
    return [Item("record", to_row("customers", record), (raw.number, raw.line, raw.raw))]


BUILDERS = {"tickets": _build_ticket, "surveys": _survey, "events": _event, "customers": _customer}
