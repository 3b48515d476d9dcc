"""What only happens on a real terminal (a pseudo-terminal here): the --watch wallboard and the
pager; and that both stay out of the way of pipes."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import sys
import time

import pytest
from conftest import REFERENCE, SAMPLE_CONFIG


@pytest.fixture
def store(demo_db, tmp_path):
    shutil.copy(demo_db, tmp_path / "demo.db")
    shutil.copy(SAMPLE_CONFIG, tmp_path / "cstool.toml")
    return tmp_path


def on_terminal(args: list[str], env: dict[str, str], interrupt_after: str | None = None,
                timeout: float = 60) -> tuple[str, int]:
    """(what `python -m cstool ARGS` drew on an 80x24 pseudo-terminal, its exit status); with
    `interrupt_after`, Ctrl-C (SIGINT) once that text has appeared."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: cstool on the terminal
        os.environ.update({"COLUMNS": "80", "LINES": "24", **env})
        os.execv(sys.executable, [sys.executable, "-m", "cstool", *args])
    out, deadline, sent = b"", time.monotonic() + timeout, False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if interrupt_after and not sent and interrupt_after.encode() in out:
            os.kill(pid, signal.SIGINT)
            sent = True
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return out.decode(errors="replace"), os.waitstatus_to_exitcode(status)


def test_watch_is_refused_when_stdout_is_not_a_terminal(cli, store):
    result = cli("--db", store / "demo.db", "sla", "check", "--watch", "5")
    assert result.exit_code == 2 and "--watch redraws a terminal: stdout is not one" in result.stderr
    result = cli("--db", store / "demo.db", "escalations", "--watch", "5")
    assert result.exit_code == 2 and "stdout is not one" in result.stderr


def test_watch_redraws_with_its_refresh_time_and_ctrl_c_exits_0(store):
    args = ["--db", str(store / "demo.db"), "--config", str(store / "cstool.toml"), "sla", "check", "--watch", "1",
            "--as-of", REFERENCE]
    out, code = on_terminal(args, {"NO_COLOR": "1"}, interrupt_after="Left / overdue")
    assert code == 0
    assert "every 1s, refreshed " in out and "T02364" in out and "Traceback" not in out


def test_a_long_table_goes_through_the_pager_and_no_pager_turns_it_off(store):
    args = ["--db", str(store / "demo.db"), "--config", str(store / "cstool.toml"), "customer", "C0152",
            "--as-of", REFERENCE]
    env = {"NO_COLOR": "1", "PAGER": "sed s/^/PAGED:/"}
    out, code = on_terminal(args, env)
    lines = [line for line in out.splitlines() if line.strip()]
    assert code == 0 and len(lines) > 24 and all(line.startswith("PAGED:") for line in lines)
    out, code = on_terminal(["--no-pager", *args], env)
    assert code == 0 and "PAGED:" not in out and "Timeline (newest first)" in out


def test_a_table_that_fits_the_screen_is_not_paged(store):
    args = ["--db", str(store / "demo.db"), "--config", str(store / "cstool.toml"), "sla", "check", "--limit", "3",
            "--as-of", REFERENCE]
    out, code = on_terminal(args, {"NO_COLOR": "1", "PAGER": "sed s/^/PAGED:/"})
    assert code == 0 and "PAGED:" not in out and "T02364" in out
