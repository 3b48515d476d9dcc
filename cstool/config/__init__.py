"""Configuration: `cstool.toml` -> frozen dataclasses, and where each value came from.

`defaults` states the built-in defaults once (the document `config init` writes), `validate`
turns a document into a `Config`, `discovery` applies the precedence flag > environment > file >
default, `show` lists every value with its origin. Nothing here reads the environment: the CLI
passes it in.
"""

from cstool.config.defaults import CONFIG_NAME, DEFAULT_DB, default_config_dict
from cstool.config.discovery import find_config, load_config, resolve_settings
from cstool.config.model import Config, MailConfig, Settings
from cstool.config.show import effective_values
from cstool.config.validate import default_config, parse_config

__all__ = ["CONFIG_NAME", "DEFAULT_DB", "Config", "MailConfig", "Settings", "default_config", "default_config_dict",
           "effective_values", "find_config", "load_config", "parse_config", "resolve_settings"]
