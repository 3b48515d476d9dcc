"""`--watch N`: a wallboard that redraws a command's table in place every N seconds (rich Live)
with the refresh time, until Ctrl-C (exit 0). Refused when stdout is not a terminal."""

from __future__ import annotations

import contextlib
import io
import sys
import time
from collections.abc import Callable
from typing import Any

import typer

from cstool.core.errors import UsageError


def watch_option() -> Any:
    return typer.Option("--watch", min=1, metavar="SECONDS", help="Redraw the table every SECONDS on a terminal "
                        "(a wallboard; Ctrl-C stops it).")


def watched(seconds: int | None, fmt: Any, frame: Callable[[], None]) -> bool:
    """Run `frame` as a wallboard when --watch was given (True), else leave it to the caller."""
    if seconds is None:
        return False
    if not sys.stdout.isatty():
        raise UsageError("--watch redraws a terminal: stdout is not one (run it in a terminal, or drop --watch "
                         "and rerun the command from cron or a loop)")
    if getattr(fmt, "value", fmt) != "table":
        raise UsageError("--watch draws the table: drop --format")
    _loop(seconds, frame)
    return True


def _loop(seconds: int, frame: Callable[[], None]) -> None:
    from rich.console import Console, Group
    from rich.live import Live
    from rich.text import Text

    from cstool.cli.console import drawing_on, out_console

    screen = out_console()
    try:
        with Live(console=screen, auto_refresh=False, screen=False, transient=False) as live:
            while True:
                buffer = io.StringIO()
                canvas = Console(file=buffer, width=screen.width, force_terminal=screen.is_terminal,
                                 color_system="truecolor" if screen.color_system else None, highlight=False,
                                 soft_wrap=False, emoji=False)
                # (stderr notes would break the drawing; an exit code such as --fail-on's belongs to one run)
                with drawing_on(canvas), contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(typer.Exit):
                    frame()
                stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                head = Text(f"every {seconds}s, refreshed {stamp}; Ctrl-C to stop", style="dim")
                lines = Text.from_ansi(buffer.getvalue()).split("\n")[: max(screen.height - 2, 5)]
                live.update(Group(head, *lines), refresh=True)
                time.sleep(seconds)
    except KeyboardInterrupt:
        return
