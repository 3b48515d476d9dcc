"""Command-line filters checked against what they can match (docs/semantics.md#filters): a
value outside a fixed vocabulary or the config is a usage error listing the valid values, never
an empty answer that reads as an all-clear; a free value (a team, an assignee) that no ticket
has is reported with the closest values that exist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import get_close_matches

from cstool.core.errors import UsageError


def choice(option: str, value: str | None, choices: Iterable[str], aliases: Mapping[str, str] | None = None
           ) -> str | None:
    """`value` as one of `choices` (case-insensitive; `aliases` maps other spellings, lower-case,
    to a choice), None for None; anything else is a UsageError naming the valid values."""
    if value is None:
        return None
    names = list(choices)
    by_key = {name.lower(): name for name in names}
    key = value.strip().lower()
    if key in by_key:
        return by_key[key]
    if aliases and key in aliases:
        return aliases[key]
    near = get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    hint = f" (did you mean {by_key[near[0]]!r}?)" if near else ""
    valid = ", ".join(names) if names else "none are configured"
    raise UsageError(f"{option} {value!r}: no such value{hint}; valid values: {valid}")


def unmatched(option: str, value: str | None, existing: Iterable[str]) -> str | None:
    """A warning when `value` equals none of `existing` (case-insensitive), naming the closest
    existing values; None when it matches one (or when no value was given)."""
    if value is None:
        return None
    known = {name.lower(): name for name in existing if name}
    if value.strip().lower() in known:
        return None
    near = [known[k] for k in get_close_matches(value.strip().lower(), list(known), n=3, cutoff=0.5)]
    closest = f"; closest: {', '.join(near)}" if near else f"; there are {len(known)} in the store"
    return f"{option} {value!r} matches no ticket in the store{closest}"
