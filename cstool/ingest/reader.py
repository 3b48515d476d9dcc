"""Decoding and splitting a CSV byte stream into records, keeping each record's physical lines.

The caller opens the file (path, .gz or stdin) and hands in a binary stream; this module
never touches the file system. Encodings: UTF-8 (BOM stripped), UTF-16 by BOM, or the one
given; cp1252's five undefined bytes decode to the C1 control of the same value, as Windows
itself does, so no byte is lost. Undecodable bytes are a DataError naming line and offset.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from typing import IO, Iterator

from cstool.errors import DataError

MAX_RECORD_BYTES = 1 << 20  # LINE SIZE OVER MAXIMUM beyond this
_DELIMITERS = (",", ";", "\t", "|")
csv.field_size_limit(1 << 30)


def _c1_passthrough(exc: UnicodeDecodeError):
    byte = exc.object[exc.start]
    if 0x80 <= byte <= 0x9F:
        return chr(byte), exc.start + 1
    raise exc


codecs.register_error("cstool-c1", _c1_passthrough)


@dataclass
class RawRecord:
    number: int          # 1-based record number, header excluded
    line: int            # physical line where the record starts
    fields: list[str]
    raw: str             # the record's physical text (for rejects)


@dataclass
class CsvSource:
    """An opened CSV: its header, detected encoding and delimiter, and the record stream."""

    name: str
    header: list[str]
    encoding: str
    delimiter: str
    records: Iterator[RawRecord]
    blank_lines: list[int] = field(default_factory=list)


def _decoded_lines(stream: IO[bytes], encoding: str, name: str, start_offset: int) -> Iterator[str]:
    errors = "cstool-c1" if codecs.lookup(encoding).name == "cp1252" else "strict"
    offset, number = start_offset, 0
    for number, raw in enumerate(stream, 1):
        try:
            yield raw.decode(encoding, errors)
        except UnicodeDecodeError as exc:
            hint = " (try --encoding cp1252)" if codecs.lookup(encoding).name == "utf-8" else ""
            raise DataError(f"{name}: line {number}, byte offset {offset + exc.start}: "
                            f"cannot decode byte 0x{raw[exc.start]:02x} as {encoding}{hint}") from None
        offset += len(raw)


def _sniff_encoding(stream: IO[bytes], requested: str | None) -> tuple[str, int, IO[bytes]]:
    head = stream.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        rest = head + stream.read()
        text = rest.decode("utf-16")
        return "utf-16", 0, io.BytesIO(text.encode("utf-8"))
    bom = 3 if head.startswith(codecs.BOM_UTF8) else 0
    encoding = requested or "utf-8"
    body = io.BufferedReader(_Prepend(head[bom:], stream), buffer_size=1 << 16)
    return ("utf-8-sig" if bom and not requested else encoding), bom, body


class _Prepend(io.RawIOBase):
    """A raw stream that first returns `head`, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def sniff_delimiter(header_line: str) -> str:
    """The candidate that splits the header into the most columns (quotes respected)."""
    best, best_count = ",", 1
    for candidate in _DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=candidate)))
        if count > best_count:
            best, best_count = candidate, count
    return best


def open_csv(stream: IO[bytes], name: str, *, encoding: str | None = None,
             delimiter: str | None = None) -> CsvSource:
    """Decode `stream`, read the header, and return a CsvSource streaming the records."""
    try:
        codecs.lookup(encoding or "utf-8")
    except LookupError:
        raise DataError(f"{name}: unknown encoding {encoding!r} (try utf-8 or cp1252)") from None
    used, bom, body = _sniff_encoding(stream, encoding)
    decode_as = "utf-8" if used in ("utf-8-sig", "utf-16") else used
    lines = _decoded_lines(body, decode_as, name, bom)
    tracker = _LineTracker(lines)
    header_line = next(iter(tracker.peek_first()), None)
    if header_line is None:
        raise DataError(f"{name}: the file is empty (no header line)")
    delim = delimiter or sniff_delimiter(header_line)
    if len(delim) != 1:
        raise DataError(f"{name}: --delimiter must be one character, got {delim!r}")
    reader = csv.reader(tracker, delimiter=delim, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"{name}: line 1: cannot read the header: {exc}") from None
    tracker.take()
    source = CsvSource(name=name, header=[h.strip() for h in header], encoding=used,
                       delimiter=delim, records=iter(()))
    source.records = _records(reader, tracker, name, source.blank_lines)
    return source


class _LineTracker:
    """Feeds lines to csv.reader and remembers which physical lines each record used."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.buffer: list[str] = []
        self.consumed = 0  # physical lines handed out so far
        self._first: list[str] = []

    def peek_first(self) -> list[str]:
        first = next(self.lines, None)
        self._first = [first] if first is not None else []
        return self._first

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._first:
            line = self._first.pop()
        else:
            line = next(self.lines)
        self.buffer.append(line)
        self.consumed += 1
        return line

    def take(self) -> str:
        raw = "".join(self.buffer)
        self.buffer.clear()
        return raw


def _records(reader, tracker: _LineTracker, name: str, blank_lines: list[int]) -> Iterator[RawRecord]:
    number = 0
    while True:
        start = tracker.consumed + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"{name}: line {start}: malformed CSV ({exc}); check quoting "
                            "(an unterminated quote swallows the rest of the file)") from None
        raw = tracker.take()
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            blank_lines.append(start)
            continue
        number += 1
        yield RawRecord(number=number, line=start, fields=fields, raw=raw)
