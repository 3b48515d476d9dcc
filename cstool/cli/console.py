"""Rich consoles for stdout (data) and stderr (diagnostics).

No ANSI at all (colour or style) when the stream is not a terminal, with NO_COLOR, or with
TERM=dumb; FORCE_COLOR or CLICOLOR_FORCE (not 0) colour a piped stream too (NO_COLOR still
wins). A piped table is laid out wide (COLUMNS, else 200) so nothing is folded at 80.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def _console(stream) -> Console:
    from rich.console import Console  # imported when output is drawn, not at start-up

    is_tty = stream.isatty()
    width = None
    if not is_tty:
        width = int(os.environ.get("COLUMNS", "0") or 0) or 200
    env = os.environ
    forced = bool(env.get("FORCE_COLOR")) or env.get("CLICOLOR_FORCE", "0") not in ("", "0")
    plain = bool(env.get("NO_COLOR")) or env.get("TERM") == "dumb" or not (is_tty or forced)
    if plain:
        return Console(file=stream, width=width, highlight=False, soft_wrap=False, emoji=False, color_system=None)
    return Console(file=stream, width=width, highlight=False, soft_wrap=False, emoji=False,
                   force_terminal=True if forced else None)


def out_console() -> Console:
    screen = _screen.get()
    return screen if screen is not None else _console(sys.stdout)


def err_console() -> Console:
    return _console(sys.stderr)


_screen: ContextVar[Console | None] = ContextVar("cstool_screen", default=None)


@contextmanager
def drawing_on(console: Console) -> Iterator[None]:
    """Inside this block `out_console()` is `console` (a --watch frame drawn off screen)."""
    token = _screen.set(console)
    try:
        yield
    finally:
        _screen.reset(token)


@contextmanager
def paged(enabled: bool = True) -> Iterator[Console]:
    """The stdout console; on a terminal, what is drawn on it goes through $PAGER (default
    `less`, with LESS=FRX: it quits at once when the text fits one screen) when it is taller than
    the screen. Off when piped, inside --watch, with --no-pager (`enabled`), or without a pager."""
    console = out_console()
    if not enabled or _screen.get() is not None or not sys.stdout.isatty():
        yield console
        return
    with console.capture() as captured:
        yield console
    text = captured.get()
    if text.count("\n") < console.height - 1 or not _page(text):
        sys.stdout.write(text)


def _page(text: str) -> bool:
    import shutil
    import subprocess

    command = os.environ.get("PAGER") or "less"
    if not command.strip() or not shutil.which(command.split()[0]):
        return False
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        subprocess.run(command, shell=True, input=text, text=True, env=env, check=False)
    except OSError:
        return False
    return True
