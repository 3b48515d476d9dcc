"""Single-value converters. Each returns the canonical value or raises ValueError with a
message that says what was expected; None stands for a null sentinel."""

from __future__ import annotations

import re
from collections.abc import Callable

from cstool.core.ingest.times import is_null
from cstool.core.ingest.vocab import PRIORITY, STATUS, normalise

_HMS = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")


ASCII_SPACE = " \t\r\n\f\v"  # the only characters trimmed (a no-break space is part of a value)


def text(value: str) -> str | None:
    """Text as written; None when it is empty or only ASCII white space."""
    return None if value is None or not value.strip(ASCII_SPACE) else value


def ident(value: str) -> str | None:
    """An id with ASCII white space trimmed at both ends (nothing else changed); None when empty."""
    value = value.strip(ASCII_SPACE) if value is not None else None
    return value or None


MAX_WHOLE = 1_000_000_000       # counts (reopens, replies) above this are typos, not data
MAX_NUMBER = 1e15               # amounts and scores beyond this are typos, not data
_WHOLE = re.compile(r"\d+(\.0*)?")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = {"thousands comma": re.compile(r"[+-]?\d{1,3}(,\d{3})*(\.\d+)?"),
            "decimal comma": re.compile(r"[+-]?(\d{1,3}(\.\d{3})*|\d+)(,\d+)?")}


def whole(value: str) -> int | None:
    """A whole non-negative count: digits (a `.0` tail allowed), at most MAX_WHOLE."""
    if is_null(value):
        return None
    text = value.strip()
    if not _WHOLE.fullmatch(text) or int(text.split(".")[0]) > MAX_WHOLE:
        raise ValueError(f"{value!r} is not a whole number from 0 to {MAX_WHOLE:,}")
    return int(text.split(".")[0])


def number_layout(sample: list[str]) -> str:
    """How a number column writes its separators, from its values (never per value):
    `decimal comma` when some value can only be read that way (`12,5`, `1.234,50`),
    `thousands comma` when some value can only be read that way (`1,234.50`, `1,000,000`),
    else `plain` (then `4,900`, which could be either, is rejected)."""
    decimal = thousands = False
    for value in sample:
        text = value.strip().lstrip("+-")
        if "," not in text:
            continue
        if re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,}", text):
            thousands = True
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+|\d+,(\d{1,2}|\d{4,})", text):
            decimal = True
    return "decimal comma" if decimal and not thousands else "thousands comma" if thousands and not decimal \
        else "plain"


def number_in(layout: str) -> Callable[[str], float | None]:
    """The converter of a number column written in `layout`: a plain finite number (within
    MAX_NUMBER), with the layout's separators; anything else is a ValueError."""
    grouped = _GROUPED.get(layout)

    def convert(value: str) -> float | None:
        if is_null(value):
            return None
        text = value.strip()
        if _PLAIN.fullmatch(text) and layout != "decimal comma":
            result = float(text)
        elif grouped is not None and grouped.fullmatch(text):
            result = float(text.replace(",", "") if layout == "thousands comma" else
                           text.replace(".", "").replace(",", "."))
        elif layout == "plain" and "," in text:
            raise ValueError(f"{value!r}: a comma could be a thousands or a decimal separator, and no value of "
                             "this column shows which: write the number without separators")
        elif layout != "plain" and re.fullmatch(r"[+-]?[\d.,]+", text):
            raise ValueError(f"{value!r} does not fit the column's layout ({layout}, shown by its other values)")
        else:
            raise ValueError(f"{value!r} is not a number (digits, a sign and a decimal point)")
        if not -MAX_NUMBER < result < MAX_NUMBER:
            raise ValueError(f"{value!r} is outside the numbers cstool accepts (±{MAX_NUMBER:.0e})")
        return result

    return convert


number = number_in("plain")


def vocabulary(kind: str) -> Callable[[str], str | None]:
    vocab = {"priority": PRIORITY, "status": STATUS}[kind]
    allowed = sorted(set(vocab.values()))

    def convert(value: str) -> str | None:
        try:
            return normalise(vocab, value)
        except KeyError:
            raise ValueError(f"unknown {kind} {value!r} (known: {', '.join(allowed)} and vendor "
                             "spellings of them)") from None

    return convert


def duration_seconds(value: str, unit: str) -> int | None:
    """A vendor-reported duration in `min`, `hours` or `hms` (H:MM:SS, hours beyond 24 allowed)."""
    if is_null(value):
        return None
    value = value.strip()
    if unit == "hms":
        m = _HMS.match(value)
        if not m:
            raise ValueError(f"{value!r} is not a duration H:MM:SS")
        seconds = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
        return seconds or None  # Freshdesk writes 00:00:00 for "no response"
    amount = float(value)
    if amount < 0:
        raise ValueError(f"{value!r} is a negative duration")
    return round(amount * (60 if unit == "min" else 3600))


def split_tags(cells: list[tuple[str, str | None]]) -> list[str]:
    """Tags from (cell, separator) pairs; separator None splits on , and ;. Order kept, no repeats."""
    tags: list[str] = []
    for cell, separator in cells:
        if is_null(cell):
            continue
        parts = cell.split(separator) if separator else re.split(r"[,;]", cell)
        for part in parts:
            part = part.strip()
            if part and part not in tags:
                tags.append(part)
    return tags
