"""The `cstool` app: global options, command groups, and the process entry point."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from cstool import __version__
from cstool.cli import (
    calendar,
    customer,
    db,
    demo,
    escalation,
    export,
    followups,
    forecast,
    history,
    imports,
    kpi,
    report,
    sla,
    spikes,
    themes,
    tickets,
    workload,
)
from cstool.cli import config as config_commands
from cstool.cli.common import reset_state, state

GLOBAL_VALUED = ("--db", "--config")       # global options that take a value
GLOBAL_FLAGS = ("--quiet", "-q", "--debug", "--wide", "--no-pager")


def hoist_globals(group, args: list[str]) -> list[str]:
    """`cstool sla check --db x.db -q` as `cstool --db x.db -q sla check`: global options given
    after the command move before it, unless that command has an option of the same name
    (`demo --db`). Nothing after `--` moves."""
    i, command = 0, group
    while i < len(args) and args[i].startswith("-"):  # the global options already in front
        i += 2 if args[i] in GLOBAL_VALUED else 1
    while i < len(args) and hasattr(command, "commands") and args[i] in command.commands:  # (typer's own click)
        command, i = command.commands[args[i]], i + 1
    if command is group:
        return args
    own = {name for p in command.params for name in getattr(p, "opts", [])}
    moved: list[str] = []
    rest: list[str] = []
    j = i
    while j < len(args):
        token = args[j]
        name = token.split("=", 1)[0]
        if token == "--":
            rest += args[j:]
            break
        if name in GLOBAL_VALUED and name not in own:
            taken = 1 if "=" in token else 2
            moved += args[j:j + taken]
            j += taken
            continue
        (moved if token in GLOBAL_FLAGS and token not in own else rest).append(token)
        j += 1
    return moved + args[:i] + rest if moved else args


class _Root(typer.core.TyperGroup):
    """The root group: global options are accepted after the command too (hoist_globals)."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, hoist_globals(self, list(args)))


app = typer.Typer(
    cls=_Root,
    name="cstool",
    help="Support-operations toolkit: import helpdesk exports, check SLAs on business-hours "
         "calendars, report KPIs, escalate.\n\nStart with `cstool demo`, then see `cstool COMMAND --help`.",
    no_args_is_help=True,
    add_completion=True,   # --install-completion / --show-completion (Typer's own)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich markup would eat "[mail]" and print <bool> beside every flag
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"cstool {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[Optional[str], typer.Option("--db", metavar="PATH", help="SQLite store path (env CSTOOL_DB; default "
                                              "from config, else ./cstool.db).", show_default=False)] = None,
    config: Annotated[Optional[str], typer.Option("--config", metavar="PATH", help="Config file (env CSTOOL_CONFIG; "
                                                  "default ./cstool.toml, then the user config dir).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = False,
    wide: Annotated[bool, typer.Option("--wide", help="Tables show every column, however wide the terminal "
                                       "(by default a narrow table hides its least important columns).")] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Print long tables straight to the terminal (by "
                                           "default one taller than the screen goes through $PAGER, or less).")]
    = False,
) -> None:
    reset_state(flag_db=db, flag_config=config, debug=debug, quiet=quiet, wide=wide, no_pager=no_pager)


app.add_typer(demo.app)
app.add_typer(config_commands.app, name="config")
app.add_typer(imports.app, name="import")
app.add_typer(history.app, name="imports")
app.add_typer(calendar.app, name="calendar")
app.add_typer(sla.app, name="sla")
app.add_typer(tickets.app)
app.add_typer(kpi.app)
app.add_typer(report.app)
app.add_typer(escalation.app)
app.add_typer(customer.app)
app.add_typer(followups.app, name="followups")
app.add_typer(export.app)
app.add_typer(forecast.app, name="forecast")
app.add_typer(spikes.app)
app.add_typer(themes.app)
app.add_typer(workload.app)
app.add_typer(workload.staffing_app, name="staffing")
app.add_typer(db.app, name="db")


def _nagios_requested(argv: list[str]) -> bool:
    """Monitoring reads exit 3 for any error, usage errors included (`--format nagios`)."""
    pairs = zip(argv, argv[1:] + [""])
    return any(a in ("--format", "-f") and b == "nagios" or a in ("--format=nagios", "-fnagios") for a, b in pairs)


def run() -> None:
    """Console-script entry point: survive a closed pipe and a non-UTF-8 stdout."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        app()
    except SystemExit as exc:
        if exc.code == 2 and _nagios_requested(sys.argv[1:]) and not state().exit_reported:
            sys.stdout.write("SLA UNKNOWN - usage error (see stderr)\n")
            sys.exit(3)
        raise
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
