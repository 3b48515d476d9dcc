"""A compiled fast path for ticket rows: one generated function per file and way of reading it.

The general converter (parser.RowParser) calls one function per field and builds dicts; on a
million rows that costs more than SQLite itself. For files whose columns need only the common
conversions, this module generates straight-line code that turns a row into its storage tuple.
Any row it is not sure about (a bad value, a null sentinel it does not inline, a ragged row)
raises SlowPath and goes through the general converter instead, so both paths give the same
record and the same rejects: the fast path only ever handles rows the slow path would accept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cstool.core.ingest import convert
from cstool.core.ingest.reader import MAX_RECORD_BYTES
from cstool.core.ingest.records import FastPath
from cstool.core.models import (
    FINDING_FUTURE_DATE,
    FINDING_RESOLVED_BEFORE_CREATED,
    FINDING_RESOLVED_BEFORE_FIRST_RESPONSE,
    FINDING_RESPONSE_BEFORE_CREATED,
    TICKET_ROW,
)

if TYPE_CHECKING:
    from cstool.core.ingest.parser import RowParser

SUPPORTED = {"ident", "text", "channel", "priority", "status", "time", "whole", "tags"}
_MISS = object()


class SlowPath(Exception):
    """This row needs the general converter."""


def _memo(cache: dict[str, str | None], conv: Callable[[str], str | None], value: str) -> str | None:
    result = conv(value)  # ValueError -> the caller turns it into SlowPath
    if len(cache) < 10_000:
        cache[value] = result
    return result


def _tags_json(cache: dict[str, str], cell: str) -> str:
    tags = convert.split_tags([(cell, None)])
    text = json.dumps(tags, ensure_ascii=False) if tags else "[]"
    if len(cache) < 10_000:
        cache[cell] = text
    return text


def _whole(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else convert.whole(value)  # (10 digits: maybe > MAX_WHOLE)


def compile_ticket_fast_path(parser: RowParser, no_creation_finding: str) -> FastPath | None:
    """The generated `fast(fields, raw) -> (row, findings)` for this parser, or None when the
    file needs something only the general converter does (vendor durations, satisfaction
    columns, vendor null sentinels, repeated extra headers). A code generator: it writes the
    function's source line by line, then compiles it."""
    binding = parser.binding
    if parser.kind != "tickets" or binding.reported or binding.csat is not None or parser.nulls:
        return None
    if len(set(binding.extra.values())) != len(binding.extra) or parser.repeats:
        return None
    types = parser.types
    if any(types.get(name) not in SUPPORTED for name in binding.fields):
        return None
    env: dict[str, Any] = {"SlowPath": SlowPath, "_MISS": _MISS, "_memo": _memo, "_whole": _whole, "json": json,
                 "dumps": json.JSONEncoder(ensure_ascii=False).encode,
                 "split_tags": convert.split_tags,
                 "W": binding.width, "MAXB": MAX_RECORD_BYTES, "AS_OF": parser.options.as_of,
                 "EXTRA": tuple(binding.extra.items()), "TAG_CELLS": tuple(parser.tag_cells)}
    body = ["def fast(f, raw):",
            "    if len(f) != W or len(raw) > MAXB or '\\x00' in raw:",
            "        raise SlowPath",
            "    kept = None",
            "    try:"]
    out = {}
    for name, positions in binding.fields.items():
        out[name] = f"v_{name}"
        body += _field_code(parser, name, types[name], positions[0], env)
    body += ["    except (ValueError, OverflowError):", "        raise SlowPath from None"]
    body += _tags_code(parser, env)
    if "id" in out:
        body += ["    if v_id is None:", "        raise SlowPath"]
    if "created_at" in out:
        body += ["    if v_created_at is None:", "        raise SlowPath"]
    body += _findings_code(out, "created_at" in binding.fields, no_creation_finding)
    body.append("    extra = {k: f[i] for i, k in EXTRA if f[i] != ''} if EXTRA else None")
    values = {name: out.get(name, "None") for name in TICKET_ROW}
    values.update({"resolution_at": "resolution", "tags": "tags_json",
                   "reported": "None", "findings": "','.join(found) or None",
                   "raw": "json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None",
                   "extra": "json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None",
                   "row_hash": "''"})
    body.append("    return (" + ", ".join(values[n] for n in TICKET_ROW) + "), found")
    exec(compile("\n".join(body), f"<fast path for {parser.file}>", "exec"), env)  # noqa: S102 - our own code
    fast: FastPath = env["fast"]
    return fast


def _field_code(parser: RowParser, name: str, ftype: str, pos: int, env: dict[str, Any]) -> list[str]:
    """The lines that convert field `name` from cell `pos` into `v_<name>` (inside the try)."""
    var = f"v_{name}"
    if ftype in ("ident", "text"):  # (the rule of convert.ident / convert.text; what they change is kept)
        read = f"f[{pos}].strip(WS) or None" if ftype == "ident" else f"f[{pos}] if f[{pos}].strip(WS) else None"
        env["WS"] = convert.ASCII_SPACE
        return [f"        {var} = {read}",
                f"        if {var} != f[{pos}] and f[{pos}]:",
                "            kept = kept or {}",
                f"            kept[{name!r}] = f[{pos}]"]
    if ftype in ("channel", "priority", "status"):
        env[f"C_{name}"], env[f"M_{name}"] = convert.vocabulary(ftype) if ftype != "channel" else _channel, {}
        return [f"        {var} = M_{name}.get(f[{pos}], _MISS)",
                f"        if {var} is _MISS:",
                f"            {var} = _memo(M_{name}, C_{name}, f[{pos}])",
                f"        if {var} is not None and {var} != f[{pos}]:",
                "            kept = kept or {}",
                f"            kept[{name!r}] = f[{pos}]"]
    if ftype == "time" and parser.times[name].layout == "iso8601":
        # inlined TimeColumn.convert for ISO-8601: empty -> None, naive -> zone, keep naive text
        env["fromiso"], env["ZONE"], env["LATEST"] = datetime.fromisoformat, parser.times[name].zone, \
            parser.times[name].latest
        return [f"        _s = f[{pos}]",
                "        if not _s:",
                f"            {var} = None",
                "        elif _s[0] == '1':",
                "            raise SlowPath",
                "        else:",
                "            _d = fromiso(_s)",
                "            if _d.tzinfo is None:",
                "                _d = _d.replace(tzinfo=ZONE)",
                "                kept = kept or {}",
                f"                kept[{name!r}] = _s",
                f"            {var} = int(_d.timestamp())",
                f"            if not 0 <= {var} <= LATEST:",
                "                raise SlowPath"]
    if ftype == "time":
        env[f"T_{name}"] = parser.times[name].convert
        return [f"        {var}, _i = T_{name}(f[{pos}])",
                "        if _i:",
                "            kept = kept or {}",
                f"            kept[{name!r}] = f[{pos}]"]
    if ftype == "whole":
        return [f"        {var} = int(f[{pos}]) if f[{pos}].isdigit() and len(f[{pos}]) < 10 else _whole(f[{pos}])"]
    return []  # tags: after the loop


def _tags_code(parser: RowParser, env: dict[str, Any]) -> list[str]:
    """The lines that set `tags_json`."""
    if len(parser.tag_cells) == 1 and parser.tag_cells[0][1] is None:
        # one tags cell split on , or ; (the common case): the JSON of a cell is memoised
        env["TAGS_JSON"], env["TAGS_CELL"] = {}, parser.tag_cells[0][0]
        env["_tags_json"] = _tags_json
        return ["    _t = f[TAGS_CELL]",
                "    tags_json = TAGS_JSON.get(_t) or _tags_json(TAGS_JSON, _t)"]
    if "tags" in parser.binding.fields:
        return ["    tags_json = dumps(split_tags([(f[p], s) for p, s in TAG_CELLS])) or '[]'"]
    return ["    tags_json = '[]'"]


def _findings_code(out: dict[str, str], has_created: bool, no_creation_finding: str) -> list[str]:
    """The lines that set `resolution` and the data-quality `found` list (as kinds.ticket_findings)."""
    def get(name: str) -> str:
        return out.get(name, "None")

    created, first = get("created_at"), get("first_response_at")
    body = [f"    resolution = {get('resolved_at')} if {get('resolved_at')} is not None else {get('closed_at')}",
            "    found = []",
            f"    if {created} is not None and resolution is not None and resolution < {created}:",
            f"        found.append({FINDING_RESOLVED_BEFORE_CREATED!r})",
            f"    if {created} is not None and {first} is not None and {first} < {created}:",
            f"        found.append({FINDING_RESPONSE_BEFORE_CREATED!r})",
            f"    if {first} is not None and resolution is not None and resolution < {first}:",
            f"        found.append({FINDING_RESOLVED_BEFORE_FIRST_RESPONSE!r})"]
    times = [out[n] for n in ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at") if n in out]
    if times:
        future = " or ".join(f"({t} or 0) > AS_OF" for t in times)
        body += [f"    if AS_OF is not None and ({future}):", f"        found.append({FINDING_FUTURE_DATE!r})"]
    if not has_created:
        body.append(f"    found.append({no_creation_finding!r})")
    return body


def _channel(value: str) -> str | None:
    from cstool.core.ingest.vocab import normalise_channel

    return normalise_channel(value)
