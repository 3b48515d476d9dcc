"""Durations as written in config and on the command line: `90s`, `30m`, `4h`, `1h30m`, `2d`, `3bd`.

`d` is 24 hours of counted time; `bd` is business days (docs/semantics.md#business-time) and cannot be mixed
with other units. Percentages (`25%`) are parsed by `parse_share`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cstool.core.formats import DAY_SECONDS, format_seconds

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": DAY_SECONDS}
_PART = re.compile(r"(\d+)(bd|d|h|m|s)")
EXPECTED = "a duration such as 90s, 30m, 4h, 1h30m, 2d or 3bd"


@dataclass(frozen=True)
class Duration:
    """Either `seconds` of counted time, or `business_days` (bd), never both."""

    seconds: int = 0
    business_days: int = 0

    def __str__(self) -> str:
        if self.business_days:
            return f"{self.business_days}bd"
        return format_seconds(self.seconds, compact=True)


def parse_duration(text: str) -> Duration:
    """Parse `1h30m`-style text; raise ValueError naming the expected form."""
    s = str(text).strip().lower()
    pos, seconds, bdays, units = 0, 0, 0, []
    for m in _PART.finditer(s):
        if m.start() != pos:
            break
        pos = m.end()
        n, unit = int(m.group(1)), m.group(2)
        units.append(unit)
        if unit == "bd":
            bdays += n
        else:
            seconds += n * _UNIT_SECONDS[unit]
    if not s or pos != len(s) or len(set(units)) != len(units):
        raise ValueError(f"{text!r} is not {EXPECTED}")
    if bdays and seconds:
        raise ValueError(f"{text!r} mixes bd with other units; use one or the other")
    return Duration(seconds=seconds, business_days=bdays)


def parse_percent(text: str, zero_ok: bool = False) -> float:
    """`25%` -> 0.25: above 0 and up to 100 %, or with `zero_ok` from 0 and below 100 % (a
    share of time taken away, such as shrinkage); raise ValueError naming the expected form."""
    s = str(text).strip()
    try:
        pct = float(s[:-1]) if s.endswith("%") else float("nan")
    except ValueError:
        pct = float("nan")
    if pct != pct:  # (NaN: no number before the %)
        raise ValueError(f"{text!r} is not a percentage such as 25%")
    if not (0 <= pct < 100 if zero_ok else 0 < pct <= 100):
        raise ValueError(f"{text!r} must be a percentage between 0 and 100")
    return pct / 100


def parse_share(text: str) -> float | Duration:
    """`25%` -> 0.25 (share of the target); anything else must be a duration."""
    s = str(text).strip()
    return parse_percent(s) if s.endswith("%") else parse_duration(s)
