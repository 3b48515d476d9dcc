"""`cstool config show`: every resolved value and where it came from."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from cstool.config.defaults import default_config_dict
from cstool.config.model import Settings


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, sub in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, sub, out)
    else:
        out[prefix] = value


def effective_values(settings: Settings, password_set: bool) -> list[dict[str, Any]]:
    """Every setting as {key, value, source}: file values over defaults, then flags and env.

    Whole arrays of tables (sla.policies, escalation.tiers) come from one place: the file if
    it has them, else the defaults. The SMTP password is never shown, only whether it is set."""
    defaults: dict[str, Any] = {}
    _flatten("", default_config_dict(), defaults)
    file_values: dict[str, Any] = {}
    if settings.config_path is not None:
        _flatten("", tomllib.loads(settings.config_path.read_text(encoding="utf-8")), file_values)
    merged = {k: (v, "default") for k, v in defaults.items()}
    for prefix in ("sla.policies", "escalation.tiers"):
        if any(k.startswith(prefix) for k in file_values):
            merged = {k: v for k, v in merged.items() if not k.startswith(prefix)}
    merged.update({k: (v, f"file {settings.config_path}") for k, v in file_values.items()})
    merged["store.path"] = (str(settings.db_path), settings.origins["store.path"])
    merged["mail.password"] = ("******" if password_set else "(not set)",
                               "env CSTOOL_SMTP_PASSWORD(_FILE)")
    return [{"key": k, "value": v if isinstance(v, str) else _show(v), "source": s}
            for k, (v, s) in sorted(merged.items())]


def _show(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)
