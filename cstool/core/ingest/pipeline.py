"""One file from bytes to items: decode, pick the preset, bind the header, parse the rows. Pure
over the stream it is given (the caller opens it); the store lookup for surveys comes in as a
callable."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from cstool.core.ingest.binding import bind_header
from cstool.core.ingest.parser import RowParser, parse_rows
from cstool.core.ingest.presets import choose_preset
from cstool.core.ingest.reader import open_csv
from cstool.core.ingest.records import FIELD_TYPES, ImportOptions, Item, Summary, TicketTimes
from cstool.core.ingest.servicenow import group_incidents


class HashingReader(io.RawIOBase):
    """Passes bytes through while computing their sha256."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.sha = stream, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        self.sha.update(data)
        buffer[: len(data)] = data
        return len(data)


@dataclass
class ParseRequest:
    """How to read one file: its kind, preset, column mapping, encoding, delimiter, source name
    and conversion options."""

    kind: str
    preset: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    source: str | None = None           # defaults to the preset name
    options: ImportOptions | None = None


@dataclass
class Parsed:
    """A file opened and bound, ready to stream its items."""

    meta: dict[str, Any]
    items: Iterator[Item]
    summary: Summary
    finalize: Callable[[], tuple[int, str]]  # -> (blank lines, sha256), after the items are exhausted


def open_and_parse(stream: IO[bytes], name: str, request: ParseRequest, lookup: TicketTimes) -> Parsed:
    hashing = HashingReader(stream)
    source_csv = open_csv(io.BufferedReader(hashing, 1 << 16), name, encoding=request.encoding,
                          delimiter=request.delimiter)
    preset, why = choose_preset(request.kind, request.preset, source_csv.header, name)
    source = request.source or preset.name
    options = request.options or ImportOptions(source=source)
    options.source = source
    binding = bind_header(source_csv.header, preset, request.mapping, name, tuple(FIELD_TYPES[request.kind]))
    parser = RowParser(request.kind, preset, binding, options, source_csv.header, name)
    summary = Summary()
    grouped = preset.name == "servicenow-events"  # (one ticket per incident from its rows)
    items = parse_rows(source_csv, parser, summary, lookup, batched=not grouped)
    if grouped:
        items = group_incidents(items, summary)
    id_column = binding.fields.get("id", [None])[0]
    meta = {"preset": preset.name, "why": why, "encoding": source_csv.encoding, "delimiter": source_csv.delimiter,
            "source": source, "key_name": source_csv.header[id_column] if id_column is not None else None}
    return Parsed(meta, items, summary, lambda: (len(source_csv.blank_lines), hashing.sha.hexdigest()))
