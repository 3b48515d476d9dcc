"""What a list prints: `--fields a,b,c` (which fields, in which order) and `--sort FIELD[:desc]`,
the same in every format. Fields are the machine names (the json keys and csv header)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cstool.core.errors import UsageError
from cstool.render import Column


def parse_fields(text: str | None, valid: Sequence[str]) -> list[str] | None:
    """`ticket_id,state` -> ['ticket_id', 'state'] (None when not given); unknown names are a
    usage error that lists the valid ones."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in valid]
    if unknown or not names:
        raise UsageError(f"--fields {text!r}: {'unknown ' + ', '.join(unknown) if unknown else 'no field named'}; "
                         f"expected some of {', '.join(valid)}")
    return names


def parse_sort(text: str | None, valid: Sequence[str]) -> tuple[str, bool] | None:
    """`csat_pct:desc` -> ('csat_pct', True); `team` or `team:asc` -> ('team', False)."""
    if text is None:
        return None
    name, _, direction = text.partition(":")
    if name not in valid or direction.lower() not in ("", "asc", "desc"):
        raise UsageError(f"--sort {text!r}: expected FIELD, FIELD:asc or FIELD:desc with FIELD one of "
                         f"{', '.join(valid)}")
    return name, direction.lower() == "desc"


def sort_records(records: list, sort: tuple[str, bool] | None, value=None) -> list:
    """Records in the order `--sort` asks for (stable: ties keep their order), values that are
    missing last in either direction; `value(record, name)` reads a field (default: the key)."""
    if sort is None:
        return records
    name, descending = sort
    read = value or (lambda record, key: record.get(key))
    known = [r for r in records if read(r, name) is not None]
    missing = [r for r in records if read(r, name) is None]
    known.sort(key=lambda r: _comparable(read(r, name)), reverse=descending)
    return known + missing


def _comparable(value: Any) -> tuple:
    """Numbers before text, each in its own order (a column can mix them: `n/a` beside 90.5)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, str(value).casefold())


def pick(record: dict, fields: list[str] | None) -> dict:
    return record if fields is None else {name: record.get(name) for name in fields}


def pick_columns(columns: list[Column], fields: list[str] | None) -> list[Column]:
    """The columns named in `fields`, in that order (a name without a column gets a plain one)."""
    if fields is None:
        return columns
    by_key = {c.key: c for c in columns}
    return [by_key.get(name) or Column(name, name, _kind(name)) for name in fields]


def _kind(name: str) -> str:
    return "time" if name.endswith("_at") else "duration" if name.endswith("_seconds") else "text"


def machine_fields(columns: Iterable[Column]) -> list[str]:
    return [c.key for c in columns]
