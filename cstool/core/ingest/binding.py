"""Binding a file's header to canonical fields: presets, --map overrides, and the rest as extra."""

from __future__ import annotations

from dataclasses import dataclass, field

from cstool.core.errors import DataError, UsageError
from cstool.core.ingest.presets import Preset, Reported


@dataclass
class Binding:
    """Column positions: `fields[name]` is a list of positions (several for repeated headers),
    `reported[pos]` the vendor durations, `extra[pos]` the kept header name of unmapped columns."""

    fields: dict[str, list[int]] = field(default_factory=dict)
    reported: dict[int, Reported] = field(default_factory=dict)
    extra: dict[int, str] = field(default_factory=dict)
    csat: int | None = None
    width: int = 0


def _position(spec: str, lowered: list[str], file: str) -> list[int]:
    if spec.startswith("#") and spec[1:].isdigit():
        pos = int(spec[1:]) - 1
        if not 0 <= pos < len(lowered):
            raise UsageError(f"--map: {spec} is not a column of {file} (it has {len(lowered)} columns)")
        return [pos]
    hits = [i for i, h in enumerate(lowered) if h == spec.strip().lower()]
    if not hits:
        raise UsageError(f"--map: {file} has no column {spec!r}; its columns are: "
                         + ", ".join(repr(h) for h in lowered))
    return hits


def bind_header(header: list[str], preset: Preset, mapping: dict[str, str], file: str,
                allowed_fields: tuple[str, ...]) -> Binding:
    """Resolve the header; raise DataError for duplicate/empty headers nobody mapped or a
    missing required column, UsageError for a bad --map."""
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    binding = Binding(width=len(header))
    claimed: set[int] = set()
    for name, spec in mapping.items():
        if name not in allowed_fields:
            raise UsageError(f"--map {name}=…: {name!r} is not a field; fields are: " + ", ".join(allowed_fields))
        binding.fields[name] = _position(spec, lowered, file)
        claimed.update(binding.fields[name])
    for name, aliases in preset.columns.items():
        if name in binding.fields:
            continue
        for alias in aliases:
            hits = [i for i, h in enumerate(lowered) if h == alias and i not in claimed]
            if hits:
                binding.fields[name] = hits
                claimed.update(hits)
                break
    for i, h in enumerate(lowered):
        if i in claimed:
            continue
        if h in preset.reported:
            binding.reported[i] = preset.reported[h]
        elif preset.csat_column and h == preset.csat_column:
            binding.csat = i
        else:
            continue
        claimed.add(i)
    _check_headers(header, lowered, claimed, preset, file)
    for i, h in enumerate(header):
        if i not in claimed:
            binding.extra[i] = h.strip() or ("_row" if i == 0 else f"_column{i + 1}")
    missing = [f for f in preset.required if f not in binding.fields]
    if missing:
        looked = "; ".join(f"{f}: {', '.join(preset.columns.get(f, ()))}" for f in missing)
        raise DataError(f"{file}: MISSING COLUMNS: no column for required field(s) {', '.join(missing)} "
                        f"(looked for {looked}); name one with --map FIELD=COLUMN")
    return binding


def _check_headers(header: list[str], lowered: list[str], claimed: set[int], preset: Preset, file: str) -> None:
    seen: dict[str, int] = {}
    for i, h in enumerate(lowered):
        if i in claimed:
            continue
        if not h and i != 0:
            raise DataError(f"{file}: column {i + 1} has an empty header; name it with "
                            f"--map FIELD=#{i + 1} or fix the header line")
        if h and h in seen and h not in preset.repeated:
            raise DataError(f"{file}: header {header[i].strip()!r} appears twice (columns {seen[h] + 1} "
                            f"and {i + 1}); map one with --map FIELD=#{i + 1}")
        seen.setdefault(h, i)
