"""cstool.config.discovery: precedence flag > env > file > default, and the search order of the config file."""

from __future__ import annotations

from cstool.config import resolve_settings


def test_precedence_flag_beats_env_beats_file_beats_default(tmp_path):
    (tmp_path / "cstool.toml").write_text('[store]\npath = "from-file.db"\n')
    app_dir = tmp_path / "app"
    env = {"CSTOOL_DB": "/tmp/from-env.db"}
    s = resolve_settings("/tmp/from-flag.db", None, env, tmp_path, app_dir)
    assert (str(s.db_path), s.origins["store.path"]) == ("/tmp/from-flag.db", "--db")
    s = resolve_settings(None, None, env, tmp_path, app_dir)
    assert (str(s.db_path), s.origins["store.path"]) == ("/tmp/from-env.db", "env CSTOOL_DB")
    s = resolve_settings(None, None, {}, tmp_path, app_dir)
    assert s.db_path == tmp_path / "from-file.db"
    (tmp_path / "cstool.toml").unlink()
    s = resolve_settings(None, None, {}, tmp_path, app_dir)
    assert (s.db_path, s.origins["store.path"]) == (tmp_path / "cstool.db", "default")


def test_config_file_search_order(tmp_path):
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "cstool.toml").write_text('[defaults]\ntimezone = "Asia/Tokyo"\n')
    assert resolve_settings(None, None, {}, tmp_path, app_dir).config.timezone == "Asia/Tokyo"
    (tmp_path / "cstool.toml").write_text('[defaults]\ntimezone = "Europe/Paris"\n')
    assert resolve_settings(None, None, {}, tmp_path, app_dir).config.timezone == "Europe/Paris"
    (tmp_path / "env.toml").write_text('[defaults]\ntimezone = "America/Chicago"\n')
    env = {"CSTOOL_CONFIG": str(tmp_path / "env.toml")}
    assert resolve_settings(None, None, env, tmp_path, app_dir).config.timezone == "America/Chicago"
    (tmp_path / "flag.toml").write_text('[defaults]\ntimezone = "Africa/Cairo"\n')
    assert resolve_settings(None, str(tmp_path / "flag.toml"), env, tmp_path, app_dir).config.timezone == "Africa/Cairo"
