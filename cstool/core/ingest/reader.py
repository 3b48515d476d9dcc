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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NoReturn, cast

from cstool.core.errors import DataError

MAX_RECORD_BYTES = 1 << 20  # LINE SIZE OVER MAXIMUM beyond this
_DELIMITERS = (",", ";", "\t", "|")
csv.field_size_limit(1 << 30)


def _c1_passthrough(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
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
    chunks: Iterator[list[tuple[int, int, list[str], str]]]  # lists of (number, line, fields, raw)
    blank_lines: list[int] = field(default_factory=list)


class _Lines:
    """Decoded physical lines of a byte stream, one at a time or a chunk at a time, counting
    lines and bytes so an undecodable byte is reported by line and offset."""

    CHUNK = 1 << 18  # bytes per chunk read

    def __init__(self, stream: IO[bytes], encoding: str, name: str, start_offset: int):
        self.stream, self.encoding, self.name = stream, encoding, name
        self.errors = "cstool-c1" if codecs.lookup(encoding).name == "cp1252" else "strict"
        self.offset, self.number = start_offset, 0

    def chunk(self, hint: int | None = None) -> list[str]:
        """The next lines, about `hint` bytes of them (at least one line unless at the end)."""
        raw = self.stream.readlines(hint or self.CHUNK)
        try:
            text = [line.decode(self.encoding, self.errors) for line in raw]
        except UnicodeDecodeError:
            self._fail(raw)
        self.number += len(raw)
        self.offset += sum(map(len, raw))
        return text

    def _fail(self, raw: list[bytes]) -> NoReturn:
        offset = self.offset
        for number, line in enumerate(raw, self.number + 1):
            try:
                line.decode(self.encoding, self.errors)
            except UnicodeDecodeError as exc:
                hint = " (try --encoding cp1252)" if codecs.lookup(self.encoding).name == "utf-8" else ""
                raise DataError(f"{self.name}: line {number}, byte offset {offset + exc.start}: cannot decode "
                                f"byte 0x{line[exc.start]:02x} as {self.encoding}{hint}") from None
            offset += len(line)
        raise DataError(f"{self.name}: lines {self.number + 1}-{self.number + len(raw)}: cannot decode them as "
                        f"{self.encoding}")


SNIFF_BYTES = 1 << 16  # bytes looked at to tell what a file is


def _what_it_is(head: bytes) -> str | None:
    """A file that is not CSV text, named by its first bytes (None: it may be CSV)."""
    if head.startswith(b"PK\x03\x04"):
        return ("a ZIP archive (an Excel .xlsx or OpenDocument workbook?): open it and save it as CSV "
                "(\"CSV UTF-8\"), then import that file")
    if head.startswith(b"%PDF-"):
        return "a PDF document, not CSV: export the data from the helpdesk as CSV"
    if head.startswith((b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"SQLite format 3")):
        return "a binary file (an old Excel .xls, an image or a database), not CSV text"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """utf-16-le or -be when every other byte of an ASCII-looking head is NUL."""
    sample = head[:4096] if len(head) % 2 == 0 else head[:4095]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _utf8_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # (only a character cut at the end of the sample)
    return True


def _sniff_encoding(stream: IO[bytes], requested: str | None, name: str = "<stream>"
                    ) -> tuple[str, int, IO[bytes]]:
    """(encoding used, BOM length, the byte stream to read) after looking at the first bytes: a
    gzip stream is read through gzip, UTF-16 (by BOM, or by its NUL bytes) is re-encoded as UTF-8,
    CR-only line endings become LF, and what is not CSV text is refused naming what it is."""
    head = stream.read(SNIFF_BYTES)
    if head.startswith(b"\x1f\x8b"):  # gzip without a .gz name
        import gzip

        unzipped = cast(IO[bytes], gzip.GzipFile(fileobj=_joined(head, stream)))
        return _sniff_encoding(unzipped, requested, name)
    what = _what_it_is(head)
    if what:
        raise DataError(f"{name}: this is {what}")
    has_bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    wide = None if requested or has_bom else _utf16_without_bom(head)
    if has_bom or wide:
        text = (head + stream.read()).decode(wide or "utf-16")
        return "utf-16", 0, io.BytesIO(text.encode("utf-8"))
    if not requested and b"\x00" in head and not _utf8_text(head):  # (a stray NUL in text is one row's reject)
        raise DataError(f"{name}: this holds binary content (NUL bytes), not CSV text; if it is text in another "
                        "encoding, pass --encoding")
    bom = 3 if head.startswith(codecs.BOM_UTF8) else 0
    encoding = requested or "utf-8"
    raw: io.RawIOBase = _Prepend(head[bom:], stream)
    if b"\r" in head and b"\n" not in head:  # classic Mac line endings
        raw = _CrToLf(raw)
    body = io.BufferedReader(raw, buffer_size=1 << 16)
    return ("utf-8-sig" if bom and not requested else encoding), bom, body


def _joined(head: bytes, stream: IO[bytes]) -> IO[bytes]:
    return io.BufferedReader(_Prepend(head, stream), buffer_size=1 << 16)


class _CrToLf(io.RawIOBase):
    """Reads a stream whose lines end in CR alone as if they ended in LF."""

    def __init__(self, raw: io.RawIOBase):
        self.raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer) or 0
        buffer[:n] = bytes(buffer[:n]).replace(b"\r", b"\n")
        return n


class _Prepend(io.RawIOBase):
    """A raw stream that first returns `head`, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
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
    used, bom, body = _sniff_encoding(stream, encoding, name)
    decode_as = "utf-8" if used in ("utf-8-sig", "utf-16") else used
    lines = _Lines(body, decode_as, name, bom)
    tracker = _LineTracker(lines)
    header_line = next(iter(tracker.peek_first()), None)
    if header_line is None:
        raise DataError(f"{name}: the file is empty (no header line)")
    try:
        delim = delimiter or sniff_delimiter(header_line)
    except csv.Error as exc:
        raise DataError(f"{name}: line 1: cannot read the header: {exc} (a carriage return inside a "
                        "header name? quote the header or remove it)") from None
    if len(delim) != 1:
        raise DataError(f"{name}: --delimiter must be one character, got {delim!r}")
    reader = csv.reader(tracker, delimiter=delim, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"{name}: line 1: cannot read the header: {exc}") from None
    tracker.take()
    source = CsvSource(name=name, header=[h.strip() for h in header], encoding=used,
                       delimiter=delim, chunks=iter(()))
    source.chunks = _record_chunks(tracker, reader, delim, name, source.blank_lines)
    return source


class _LineTracker:
    """Feeds lines to csv.reader from the current chunk (loading the next one when a quoted
    field runs on) and remembers which physical lines each record used."""

    def __init__(self, lines: _Lines):
        self.lines = lines
        self.chunk: list[str] = []
        self.index = 0      # next line of the chunk to hand out
        self.consumed = 0   # physical lines handed out so far
        self.buffer: list[str] = []

    def peek_first(self) -> list[str]:
        self.chunk, self.index = self.lines.chunk(1), 0
        return self.chunk

    def __iter__(self) -> _LineTracker:
        return self

    def __next__(self) -> str:
        if self.index >= len(self.chunk):
            self.chunk, self.index = self.lines.chunk(), 0
            if not self.chunk:
                raise StopIteration
        line = self.chunk[self.index]
        self.index += 1
        self.buffer.append(line)
        self.consumed += 1
        return line

    def take(self) -> str:
        raw = "".join(self.buffer)
        self.buffer.clear()
        return raw


def _record_chunks(tracker: _LineTracker, reader: Iterator[list[str]], delim: str, name: str,
                   blank_lines: list[int]) -> Iterator[list[tuple[int, int, list[str], str]]]:
    """Records as chunks of (number, starting line, fields, raw text). A line with no quote
    character and no stray carriage return is split on the delimiter directly (what csv would
    do, at a fraction of the cost); any other goes through the csv reader, which may pull the
    following lines of a quoted multi-line field."""
    number = 0
    while True:
        if tracker.index >= len(tracker.chunk):
            tracker.chunk, tracker.index = tracker.lines.chunk(), 0
            if not tracker.chunk:
                return
        out = []
        chunk, i, consumed = tracker.chunk, tracker.index, tracker.consumed
        while i < len(chunk):
            line = chunk[i]
            if '"' not in line:
                body = line[:-1] if line[-1:] == "\n" else line
                if body[-1:] == "\r":
                    body = body[:-1]
                if "\r" not in body:
                    i += 1
                    consumed += 1
                    fields = body.split(delim)
                    if len(fields) == 1 and not fields[0].strip():
                        blank_lines.append(consumed)
                        continue
                    number += 1
                    out.append((number, consumed, fields, line))
                    continue
            tracker.index, tracker.consumed = i, consumed
            start = consumed + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise DataError(f"{name}: line {start}: malformed CSV ({exc}); check quoting "
                                "(an unterminated quote swallows the rest of the file)") from None
            raw = tracker.take()
            chunk, i, consumed = tracker.chunk, tracker.index, tracker.consumed
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                blank_lines.append(start)
                continue
            number += 1
            out.append((number, start, fields, raw))
        tracker.index, tracker.consumed = i, consumed
        if out:
            yield out
