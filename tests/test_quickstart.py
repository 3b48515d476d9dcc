"""The README's Quickstart: exactly two set-up commands, and the demo one works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
DEMO = "python -m venv .venv && . .venv/bin/activate && pip install . && cstool demo"
TESTS = "pip install -e '.[test]' && pytest"


def quickstart_commands() -> list[str]:
    text = README.read_text()
    section = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_quickstart_has_exactly_the_two_commands():
    assert quickstart_commands() == [DEMO, TESTS]


def test_ci_runs_the_same_commands():
    ci = (README.parent / ".ci" / "run").read_text()
    assert DEMO in ci and TESTS in ci


def test_the_demo_command_prints_the_summary(tmp_path):
    """`cstool demo` as the installed entry point would run it, in a fresh directory."""
    proc = subprocess.run([sys.executable, "-m", "cstool", "demo"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "cstool summary as of 2026-03-31 18:00 (Europe/Berlin)" in proc.stdout
    assert "Open now (2026-03-31 18:00): 79 tickets" in proc.stdout
    assert (tmp_path / "cstool.db").exists() and (tmp_path / "cstool.toml").exists()
    again = subprocess.run([sys.executable, "-m", "cstool", "demo"], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0, "rebuilding over a demo store must work"
    assert again.stdout == proc.stdout
