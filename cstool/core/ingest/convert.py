"""Single-value converters. Each returns the canonical value or raises ValueError with a
message that says what was expected; None stands for a null sentinel."""

from __future__ import annotations

import re
from collections.abc import Callable

from cstool.core.ingest.times import is_null
from cstool.core.ingest.vocab import PRIORITY, STATUS, normalise

_HMS = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")


def text(value: str) -> str | None:
    return None if value is None or not value.strip() else value


def ident(value: str) -> str | None:
    value = value.strip() if value is not None else None
    return value or None


def whole(value: str) -> int | None:
    if is_null(value):
        return None
    number = float(value)
    if number != int(number) or number < 0:
        raise ValueError(f"{value!r} is not a whole non-negative number")
    return int(number)


def number(value: str) -> float | None:
    if is_null(value):
        return None
    try:
        return float(value.replace(",", ".") if value.count(",") == 1 and "." not in value else value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None


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
