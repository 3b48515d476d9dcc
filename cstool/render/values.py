"""Single values as text for people: table cells, KPI figures, changes and time left. One
function per kind of value, used by every view (the terminal, plain text, Markdown, HTML)."""

from __future__ import annotations

from typing import Any

from cstool.core.formats import format_seconds, iso_instant, local_time
from cstool.core.models import DataAge

__all__ = ["change", "data_age_json", "data_age_lines", "figure", "figure_kind", "format_seconds", "human",
           "iso_instant", "local_time", "many", "time_left"]


def human(value, kind: str, tz: str = "UTC") -> str:
    """One cell: local times, `2h 15m` durations, `91.2%`, `1,234`, scores to one decimal; ''
    for None; never a Python repr (`{'a_b': 2}` reads `a b 2`, True `yes`). Kinds: text | id |
    time | duration | number | pct | score."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {human(v, 'number', tz)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(human(v, kind, tz) for v in value)
    if kind == "time":
        return local_time(value, tz)
    if kind == "duration":
        return format_seconds(value)
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "score":
        return f"{value:.1f}"
    if kind == "number" and isinstance(value, float):
        return f"{value:,.2f}"
    if kind == "number" and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figure_kind(key: str) -> str:
    """How a KPI figure reads, from its key: `…_s` durations, `…_pct` percentages, else numbers."""
    return "duration" if key.endswith("_s") else "pct" if key.endswith("_pct") else "number"


def figure(value, kind: str) -> str:
    """A figure for people; 'n/a' when it cannot be computed."""
    return "n/a" if value is None else human(value, kind)


def change(delta, kind: str, digits: int = 2) -> str:
    """A change as an arrow and its size (`▲ 41`, `▼ 2h 9m`, `▼ 6.86`), `±0` for none, '' when
    unknown; numbers to `digits` decimals without trailing zeros."""
    if delta is None:
        return ""
    if delta == 0:
        return "±0"
    arrow = "▲" if delta > 0 else "▼"
    if kind == "duration":
        return f"{arrow} {format_seconds(abs(delta))}"
    return f"{arrow} {abs(delta):,.{digits}f}".rstrip("0").rstrip(".")


def time_left(overdue: int | None, remaining: int | None, overdue_word: str = "overdue") -> str:
    """`overdue 6d 7h` when `overdue` is given, else `3h 10m left`, '' when neither is known."""
    if overdue is not None:
        return f"{overdue_word} {format_seconds(overdue)}"
    if remaining is None:
        return ""
    return f"{format_seconds(remaining)} left"


def data_age_lines(age: DataAge, tz: str) -> list[str]:
    """`Data: newest ticket 2026-03-31 17:55 (2h 5m old), last import 1h 3m ago`, after a
    `STALE DATA: …` line when the data is older than [store] max_data_age (each under 80 columns)."""
    newest, imported = age["newest_ticket_at"], age["newest_import_at"]
    old = format_seconds(age["age_seconds"] or 0)
    when = f"newest ticket {local_time(newest, tz)} ({old} old)" if newest is not None else "no tickets"
    last = (f"last import {format_seconds(max(age['import_age_seconds'] or 0, 0))} ago" if imported is not None
            else "nothing imported")
    lines = [f"Data: {when}, {last}"]
    if age["stale"]:
        what = f"newest ticket is {old} old" if newest is not None else "no ticket data"
        lines.insert(0, f"STALE DATA: {what} (max_data_age {format_seconds(age['max_age_seconds'])}): "
                        "check the import")
    return lines


def data_age_json(age: DataAge, tz: str) -> dict[str, Any]:
    """The data age with its instants in ISO-8601."""
    return {**age, "newest_ticket_at": iso_instant(age["newest_ticket_at"], tz),
            "newest_import_at": iso_instant(age["newest_import_at"], tz)}


def many(n: int, word: str, plural: str | None = None) -> str:
    """`1 ticket`, `2 tickets`, `1,234 tickets` (`plural` for irregular words)."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"
