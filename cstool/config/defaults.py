"""The built-in defaults, stated once, in the shape of the TOML file: `cstool config init`
writes this document, and the configuration objects of a run without a file (or of the keys a
file leaves out) are parsed from it by the same validator as a user's file."""

from __future__ import annotations

import copy
from typing import Any

CONFIG_NAME = "cstool.toml"
DEFAULT_DB = "cstool.db"
MAIL_SECURITY = ("starttls", "ssl", "none")
SSL_PORT = 465

# What a policy gets for each key it leaves out.
POLICY_DEFAULTS: dict[str, Any] = {"calendar": "24x7", "at_risk": "25%",
                                   "pause": {"resolution": ["pending", "on_hold"]}}

_DEFAULTS: dict[str, Any] = {
    "defaults": {"timezone": "UTC"},
    "store": {"path": DEFAULT_DB, "busy_timeout": "30s", "max_data_age": "26h"},
    "calendars": {},
    "sla": {
        "policies": [
            {
                "name": "default",
                **POLICY_DEFAULTS,
                "targets": {
                    "urgent": {"first_response": "1h", "resolution": "4h"},
                    "high": {"first_response": "4h", "resolution": "1d"},
                    "normal": {"first_response": "8h", "resolution": "3d"},
                    "low": {"first_response": "1d", "resolution": "5d"},
                },
            }
        ]
    },
    "escalation": {
        "tiers": [  # ServiceNow-style notifications at 50, 75 and 100 % of a target
            {"name": "Tier 1", "rules": [{"sla_used": "50%"}]},
            {"name": "Tier 2", "rules": [{"sla_used": "75%"}, {"priority": ["urgent"], "unassigned_for": "30m"}]},
            {"name": "Team lead", "rules": [{"sla_used": "100%"}, {"reopens": 2}]},
            {"name": "Management", "rules": [{"metric": "resolution", "breached_for": "4h"}]},
        ]
    },
    "mail": {"host": "localhost", "port": 587, "security": "starttls", "username": "",
             "from": "cstool@localhost", "to": []},
}


def default_config_dict() -> dict[str, Any]:
    """The complete default configuration (a fresh copy), as `cstool config init` writes it."""
    return copy.deepcopy(_DEFAULTS)


def default_of(table: str, key: str) -> Any:
    """The default of one key of a top-level table, e.g. ("mail", "host")."""
    return copy.deepcopy(_DEFAULTS[table][key])
