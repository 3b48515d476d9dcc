"""Rich consoles for stdout (data) and stderr (diagnostics).

No ANSI at all (colour or style) when the stream is not a terminal, with NO_COLOR, or with
TERM=dumb. A piped table is laid out wide (COLUMNS, else 200) so nothing is folded at 80.
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
    plain = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb" or not is_tty
    if plain:
        return Console(file=stream, width=width, highlight=False, soft_wrap=False, emoji=False, color_system=None)
    return Console(file=stream, width=width, highlight=False, soft_wrap=False, emoji=False)


def out_console() -> Console:
    return _console(sys.stdout)


def err_console() -> Console:
    return _console(sys.stderr)
