"""The README documents the whole command line (in the style of sqlite-utils' test_docs.py): every
command and every option appears in it, and every command's --help carries an example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from cstool.cli.main import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, path: tuple[str, ...] = ()):
    """(path, command) of every visible command, groups included."""
    if path:
        yield path, group
    if hasattr(group, "commands"):  # a group (typer carries its own click: duck-typed)
        for name, sub in group.commands.items():
            if not sub.hidden:
                yield from _commands(sub, path + (name,))


COMMANDS = list(_commands(typer.main.get_command(app)))
OPTIONS = sorted({(" ".join(path), opt) for path, cmd in COMMANDS for p in cmd.params if p.param_type_name == "option"
                  for opt in p.opts if opt.startswith("--") and opt != "--help"})
GLOBAL = [opt for p in typer.main.get_command(app).params for opt in p.opts if opt.startswith("--")]


def test_the_command_line_is_what_the_tests_enumerate():
    paths = {" ".join(p) for p, _ in COMMANDS}
    assert {"demo", "import tickets", "sla check", "kpi", "report", "followups done", "db backup"} <= paths
    assert ("sla check", "--fail-on") in OPTIONS


@pytest.mark.parametrize("path", sorted({" ".join(p) for p, _ in COMMANDS}))
def test_every_command_is_in_the_readme(path):
    assert re.search(rf"cstool {re.escape(path)}\b", README), f"`cstool {path}` is not in the README"


@pytest.mark.parametrize("command, option", OPTIONS + [("", opt) for opt in GLOBAL])
def test_every_option_is_in_the_readme(command, option):
    assert re.search(rf"{re.escape(option)}\b", README), f"{option} of `cstool {command}` is not in the README"


@pytest.mark.parametrize("path", sorted({" ".join(p) for p, c in COMMANDS if not hasattr(c, "commands")}))
def test_every_command_help_has_an_example(cli, path):
    result = cli(*path.split(), "--help")
    assert result.exit_code == 0
    assert re.search(r"Example", result.stdout), f"`cstool {path} --help` has no example"
    assert "cstool " in result.stdout.split("Example", 1)[1], "the example shows a cstool command line"


@pytest.mark.parametrize("path", sorted({" ".join(p) for p, c in COMMANDS if not hasattr(c, "commands")}))
def test_every_command_takes_dash_h_and_its_help_hides_nothing(cli, path):
    """-h as well as --help; plain help text: no markup eats `[mail]`, no `<bool>` beside a flag."""
    short, long = cli(*path.split(), "-h"), cli(*path.split(), "--help")
    assert short.exit_code == 0 and short.stdout == long.stdout
    assert "<bool>" not in short.stdout


def test_the_report_help_keeps_its_config_table_names(cli):
    assert "[mail]" in cli("report", "--help").stdout
