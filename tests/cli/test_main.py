"""The `cstool` app itself: version, usage errors, no ANSI when piped or with NO_COLOR (colour with FORCE_COLOR), a closed pipe, `python -m cstool`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cstool import __version__

ANSI = "\x1b["


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"cstool {__version__}\n"


def test_usage_error_exits_2(cli):
    assert cli("db", "info", "--format", "yaml").exit_code == 2
    assert cli("no-such-command").exit_code == 2


def test_db_info_json_is_one_document_and_no_ansi(cli, demo_db):
    result = cli("--db", demo_db, "db", "info", "--format", "json")
    assert result.exit_code == 0
    assert ANSI not in result.stdout
    import json

    doc = json.loads(result.stdout)
    assert doc["rows"]["tickets"] == 2821 and doc["rows"]["customers"] == 600


def test_piped_table_has_no_ansi_and_keeps_long_values_whole(cli, tmp_path):
    db = tmp_path / ("a-rather-long-directory-name-" * 3)
    db.mkdir()
    result = cli("--db", db / "store.db", "config", "show")
    assert result.exit_code == 0
    assert ANSI not in result.stdout
    assert "…" not in result.stdout
    line = next(line for line in result.stdout.splitlines() if line.startswith("store.path"))
    assert line.split()[1] == str(db / "store.db")


def test_no_color_env_means_no_ansi_even_on_a_terminal(tmp_path):
    code = ("import os, pty, sys\n"
            "pid, fd = pty.fork()\n"
            "if pid == 0:\n"
            "    os.environ['NO_COLOR'] = '1'\n"
            "    os.execv(sys.executable, [sys.executable, '-m', 'cstool', 'config', 'show'])\n"
            "out = b''\n"
            "while True:\n"
            "    try:\n"
            "        chunk = os.read(fd, 65536)\n"
            "    except OSError:\n"
            "        break\n"
            "    if not chunk:\n"
            "        break\n"
            "    out += chunk\n"
            "os.waitpid(pid, 0)\n"
            "sys.stdout.write(out.decode())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path).stdout
    assert "defaults.timezone" in out
    assert "\x1b[3" not in out and "\x1b[1m" not in out


def test_closed_pipe_is_quiet(tmp_path):
    proc = subprocess.run(f"{sys.executable} -m cstool config show --format csv | head -1", shell=True,
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.stdout == "key,value,source\n"
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "cstool", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == f"cstool {__version__}"


@pytest.mark.parametrize("env, ansi", [({"FORCE_COLOR": "1"}, True), ({"CLICOLOR_FORCE": "1"}, True),
                                       ({"CLICOLOR_FORCE": "0"}, False), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
                                       ({}, False)])
def test_force_color_colours_a_pipe_and_no_color_still_wins(tmp_path, env, ansi):
    clean = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR")}
    out = subprocess.run([sys.executable, "-m", "cstool", "config", "show"], capture_output=True, text=True,
                         cwd=tmp_path, env={**clean, **env}).stdout
    assert "defaults.timezone" in out
    assert ("\x1b[" in out) is ansi


def test_global_options_are_accepted_after_the_command(cli, demo_db, tmp_path):
    from conftest import REFERENCE, SAMPLE_CONFIG

    before = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "sla", "check", "--as-of", REFERENCE, "-f", "json")
    after = cli("sla", "check", "--as-of", REFERENCE, "--db", demo_db, f"--config={SAMPLE_CONFIG}", "-q", "-f", "json")
    assert after.exit_code == 0 and after.stdout == before.stdout
    assert cli("db", "info", "--db", tmp_path / "missing.db").exit_code == 66  # (the hoisted --db is the one used)
    built = cli("demo", "--db", tmp_path / "d.db", "-q")                    # demo's own --db stays demo's
    assert built.exit_code == 0 and (tmp_path / "d.db").exists()


def test_hoisting_stops_at_a_double_dash_and_leaves_a_command_s_own_options():
    import typer

    from cstool.cli.main import app, hoist_globals

    root = typer.main.get_command(app)
    assert hoist_globals(root, ["sla", "check", "--db", "x.db", "--debug"]) == ["--db", "x.db", "--debug", "sla",
                                                                                  "check"]
    assert hoist_globals(root, ["--quiet", "kpi", "--db=y.db"]) == ["--db=y.db", "--quiet", "kpi"]
    assert hoist_globals(root, ["demo", "--db", "d.db"]) == ["demo", "--db", "d.db"]
    assert hoist_globals(root, ["sla", "show", "--", "--db"]) == ["sla", "show", "--", "--db"]
