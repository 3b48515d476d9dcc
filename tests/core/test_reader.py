"""The chunked record reader against the csv module fed line by line: the same records, record
numbers, starting lines, raw text and blank lines, whatever the quoting, line endings and
chunk boundaries."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.core.errors import DataError
from cstool.core.ingest import reader

FIELD = st.text(alphabet=["a", "b", "é", " ", ",", ";", '"', "\n", "\r", "\t"], max_size=6)


def _reference(text: str, delimiter: str):
    """(records as (number, line, fields, raw), blank lines) the slow way."""
    lines = _physical(text)
    state = {"consumed": 0, "buffer": []}

    def feed():
        for line in lines:
            state["consumed"] += 1
            state["buffer"].append(line)
            yield line

    rows = csv.reader(feed(), delimiter=delimiter, strict=True)
    next(rows)
    state["buffer"].clear()
    records, blanks, number = [], [], 0
    while True:
        start = state["consumed"] + 1
        try:
            fields = next(rows)
        except StopIteration:
            return records, blanks
        raw = "".join(state["buffer"])
        state["buffer"].clear()
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            blanks.append(start)
            continue
        number += 1
        records.append((number, start, fields, raw))


def _physical(text: str) -> list[str]:
    """Lines split on \\n only, as the byte stream is."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    return lines + ([parts[-1]] if parts[-1] else [])


def _ours(text: str, delimiter: str):
    reader._Lines.CHUNK, size = 7, reader._Lines.CHUNK  # tiny chunks: records straddle them
    try:
        source = reader.open_csv(io.BytesIO(text.encode()), "t.csv", delimiter=delimiter)
        records = [r for chunk in source.chunks for r in chunk]
    finally:
        reader._Lines.CHUNK = size
    return records, source.blank_lines


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(FIELD, min_size=1, max_size=4), max_size=8),
       endings=st.lists(st.sampled_from(["\n", "\r\n", "\n\n", "\n   \n"]), min_size=8, max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_chunked_reader_matches_csv(rows, endings, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["h1", "h2"])
    text = out.getvalue()
    for row, ending in zip(rows, endings):
        line = io.StringIO()
        csv.writer(line, delimiter=delimiter, lineterminator="").writerow(row)
        text += line.getvalue() + ending
    try:
        expected = _reference(text, delimiter)
    except csv.Error:
        with pytest.raises(DataError):
            _ours(text, delimiter)
        return
    assert _ours(text, delimiter) == expected


def test_unterminated_quote_names_the_line():
    with pytest.raises(DataError, match="line 3: malformed CSV"):
        _ours('a,b\n1,2\n3,"4\n5,6\n', ",")


def test_undecodable_byte_in_a_later_chunk_names_line_and_offset(monkeypatch):
    monkeypatch.setattr(reader._Lines, "CHUNK", 7)
    data = b"a,b\n1,2\n3,4\n5,\xff\n"
    source = reader.open_csv(io.BytesIO(data), "t.csv")
    with pytest.raises(DataError, match=r"line 4, byte offset 14: cannot decode byte 0xff"):
        list(source.chunks)
