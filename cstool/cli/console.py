"""Rich consoles for stdout (data) and stderr (diagnostics).

No ANSI at all (colour or style) when the stream is not a terminal, with NO_COLOR, or with
TERM=dumb; FORCE_COLOR or CLICOLOR_FORCE (not 0) colour a piped stream too (NO_COLOR still
wins). A piped table is laid out wide (COLUMNS, else 200) so nothing is folded at 80.
"""

from __future__ import annotations

import os
import sys
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
    return _console(sys.stdout)


def err_console() -> Console:
    return _console(sys.stderr)
