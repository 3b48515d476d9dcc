"""Which spreadsheet cells need care: the rule render/machine applies cell by cell, and the check
that a whole CSV line written elsewhere (by SQL) needs none of it."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # a cell starting so could run as a formula


def plain_line(line: str, delimiter: str, cells: int, starts: bool = True) -> bool:
    """True when `line`, its `cells` values joined by `delimiter` as they are, is what the careful
    writer would write: no cell holds the delimiter (the count says so), a quote, CR or LF, and
    (unless `starts` is False: the caller knows) none starts like a formula. (A negative number
    fails the check too: it only costs time.)"""
    if line.count(delimiter) != cells - 1 or '"' in line or "\r" in line or "\n" in line:
        return False
    if not starts:
        return True
    return not line.startswith(FORMULA_STARTS) and not any(delimiter + start in line for start in FORMULA_STARTS
                                                           if start != delimiter)


def plain_text(text: str, delimiter: str, cells: int, lines: int, separator: str = "\n",
               starts: bool = True) -> bool:
    """`plain_line` of each of the `lines` lines of `text` (joined by `separator`) at once, in a
    few scans of the whole text: True when all are plain."""
    if text.count(delimiter) != lines * (cells - 1) or text.count(separator) != lines - 1:
        return False
    if '"' in text or "\r" in text or (separator != "\n" and "\n" in text):
        return False
    return not starts or (not text.startswith(FORMULA_STARTS) and
                           not any(p.search(text) for p in _starts(delimiter, separator)))


def _starts(delimiter: str, separator: str) -> list[re.Pattern[str]]:
    """One pattern per formula character, found after the delimiter or the separator. (Each
    starts with its character: the regex engine then skips to it at memchr speed, where one
    pattern for them all would step through every character.)"""
    key = delimiter + separator
    if key not in _STARTS:
        _STARTS[key] = [re.compile(f"{re.escape(c)}(?<=[{re.escape(key)}]{re.escape(c)})") for c in FORMULA_STARTS
                        if c != delimiter]  # (a cell cannot start with the delimiter: the count would say)
    return _STARTS[key]


_STARTS: dict[str, list[re.Pattern[str]]] = {}
