"""Which config file applies and where the store is: flag > environment > config file > default,
in one function (`resolve_settings`). The environment is passed in, never read here."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from cstool.config.defaults import CONFIG_NAME, DEFAULT_DB
from cstool.config.model import Config, Settings
from cstool.config.validate import default_config, parse_config
from cstool.core.errors import ConfigError


def find_config(flag: str | None, env: Mapping[str, str], cwd: Path, app_dir: Path) -> tuple[Path | None, str]:
    """Which config file applies, and why: --config, CSTOOL_CONFIG, ./cstool.toml, app dir."""
    if flag:
        return Path(flag), "--config"
    if env.get("CSTOOL_CONFIG"):
        return Path(env["CSTOOL_CONFIG"]), "env CSTOOL_CONFIG"
    for candidate, why in ((cwd / CONFIG_NAME, "./cstool.toml"), (app_dir / CONFIG_NAME, "app dir")):
        if candidate.is_file():
            return candidate, why
    return None, "none found"


def resolve_settings(flag_db: str | None, flag_config: str | None, env: Mapping[str, str],
                     cwd: Path, app_dir: Path) -> Settings:
    """Apply the precedence flag > env > file > default to the config file and the DB path."""
    path, path_why = find_config(flag_config, env, cwd, app_dir)
    if path is not None and not path.is_file():
        raise ConfigError(f"{path}: config file not found (given by {path_why}); "
                          "create one with `cstool config init`")
    config = load_config(path) if path else default_config()
    origins = {"config": f"{path} ({path_why})" if path else "none (built-in defaults)"}
    if flag_db:
        db, origins["store.path"] = Path(flag_db), "--db"
    elif env.get("CSTOOL_DB"):
        db, origins["store.path"] = Path(env["CSTOOL_DB"]), "env CSTOOL_DB"
    elif config.store_path:
        db = Path(config.store_path)
        if not db.is_absolute() and path is not None:
            db = path.parent / db
        origins["store.path"] = f"file {path}"
    else:
        db, origins["store.path"] = cwd / DEFAULT_DB, "default"
    return Settings(config=config, config_path=path, db_path=db, origins=origins)


def load_config(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, str(path))
