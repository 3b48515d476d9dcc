"""The compiled fast path must give exactly what the general converter gives, row for row."""

from __future__ import annotations

import io
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.core.ingest.binding import bind_header
from cstool.core.ingest.fastpath import SlowPath
from cstool.core.ingest.kinds import _build_ticket
from cstool.core.ingest.parser import RowParser
from cstool.core.ingest.presets import GENERIC_TICKETS
from cstool.core.ingest.reader import open_csv
from cstool.core.ingest.records import FIELD_TYPES, ImportOptions, Summary

HEADER = ["id", "subject", "customer_id", "channel", "priority", "status", "created_at", "first_response_at",
          "resolved_at", "closed_at", "updated_at", "reopens", "replies", "tags", "note"]

times = st.sampled_from(["", "2026-03-02T09:00:00Z", "2026-03-02T09:00:00+02:00", "2026-03-02 09:00:00",
                         "2026-03-29 02:30:00", "2026-10-25 02:30:00", "1900-01-01 00:00:00", "2099-01-01T00:00:00Z",
                         " 2026-03-02T10:00:00Z", "2026-03-01T23:00:00-05:00", "garbage"])
texts = st.sampled_from(["", " ", "Login fails", "=cmd", "Ünïcode ✓", "a,b"])
vocab = st.sampled_from(["", "High", "high", "URGENT", "2 - High", "Medium", "nonsense", " low "])
statuses = st.sampled_from(["", "Open", "solved", "Pending", "On hold", "Waiting for customer", "weird"])
channels = st.sampled_from(["", "Email", "Phone call", "Twitter", "carrier pigeon"])
wholes = st.sampled_from(["", "0", "3", "007", "2.0", "-1", "x"])
tags = st.sampled_from(["", "a", "a;b", "b, a, b", "NA", " x "])
row = st.tuples(st.sampled_from(["T1", " T2 ", "", "0042"]), texts, st.sampled_from(["", "C1"]), channels, vocab,
                statuses, times, times, times, times, times, wholes, wholes, tags, texts)


def _parser(tz: str):
    text = ",".join(HEADER) + "\n" + ",".join(["x"] * len(HEADER)) + "\n"
    source = open_csv(io.BytesIO(text.encode()), "t.csv")
    binding = bind_header(source.header, GENERIC_TICKETS, {}, "t.csv", tuple(FIELD_TYPES["tickets"]))
    parser = RowParser("tickets", GENERIC_TICKETS, binding, ImportOptions(source="generic", tz=tz, as_of=1800000000),
                       source.header, "t.csv")
    parser.prepare([])
    return parser


PARSERS = {tz: _parser(tz) for tz in ("UTC", "Europe/Berlin")}


def _slow(parser, fields):
    from cstool.core.ingest.reader import RawRecord

    raw = RawRecord(1, 2, list(fields), ",".join(fields) + "\n")
    if parser.structural(raw):
        return None
    values, kept, problems = parser.values(raw)
    summary = Summary()
    items = [] if problems else _build_ticket(parser, raw, values, kept, summary, None, problems)
    if problems:
        return None
    return items[0].value, summary.findings


@settings(max_examples=400, deadline=None)
@given(row, st.sampled_from(sorted(PARSERS)))
def test_fast_and_slow_paths_agree(fields, tz):
    parser = PARSERS[tz]
    fast = parser.fast_path()
    assert fast is not None
    slow = _slow(parser, fields)
    try:
        fast_row, found = fast(list(fields), ",".join(fields) + "\n")
    except SlowPath:
        return  # the general converter decides; nothing to compare
    assert slow is not None, f"fast path accepted a row the general converter rejects: {fields}"
    assert fast_row == slow[0]
    assert Counter(found) == slow[1]


def test_fast_path_is_used_for_plain_rows():
    fast = PARSERS["UTC"].fast_path()
    row, found = fast(["T1", "s", "C1", "Email", "High", "Open", "2026-03-02T09:00:00Z", "", "", "", "", "0", "1",
                       "a;b", ""], "raw\n")
    assert row[0] == "T1" and row[6:9] == ("email", "high", "open") and found == []
