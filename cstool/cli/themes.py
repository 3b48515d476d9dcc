"""`cstool themes`: what survey comments (or ticket subjects) talk about, and how it feels."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, command, emit, format_option, parse_instant, state
from cstool.cli.kpi import PeriodOpt, SinceOpt, UntilOpt, period_bounds
from cstool.core.errors import UsageError
from cstool.render import Format

app = typer.Typer()
KINDS = ("csat", "nps", "ces")


@command(app, "themes")
def themes(
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    kind: Annotated[Optional[list[str]], typer.Option("--kind", help="csat, nps or ces answers only (repeat; "
                                                      "default all).")] = None,
    where: Annotated[Optional[list[str]], typer.Option(
        "--where", metavar="DIM=VALUE", help="Only answers about (or tickets with) this channel, priority, team, "
        "assignee, tag or customer_tier; repeat to combine.")] = None,
    of: Annotated[str, typer.Option("--of", metavar="comments|subjects", help="Read the survey comments (default) "
                                    "or the ticket subjects.")] = "comments",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Themes shown.")] = 15,
    as_of: AsOfOpt = None,
    fmt: Annotated[Format, format_option("table", "json", "jsonl", "csv", "tsv")] = Format.table,
) -> None:
    """The key phrases most mentioned in the period's comments (--period all: every comment, dated or not), each with its volume and share, its change against the period before, the sentiment of the comments (English is scored; other languages are told apart and left unscored) and the CSAT, NPS and CES of the answers that mention it.

    Example: cstool themes --period last-week --kind nps

    Subjects: cstool themes --of subjects --where team=Billing -f csv > billing-themes.csv
    """
    from cstool.core import periods
    from cstool.render import themes as view
    from cstool.render.values import iso_instant
    from cstool.services.filters import parse_where
    from cstool.services.texts import themes as find_themes
    from cstool.store.report import time_bounds

    if of not in ("comments", "subjects"):
        raise UsageError(f"--of {of!r}: expected comments or subjects")
    kinds = tuple(kind or KINDS)
    if set(kinds) - set(KINDS):
        raise UsageError(f"--kind {sorted(set(kinds) - set(KINDS))}: expected csat, nps or ces")
    if kind and of == "subjects":
        raise UsageError("--kind chooses survey answers: it goes with --of comments")
    app_state = state()
    tz = app_state.settings().config.timezone
    when = parse_instant(as_of, tz)
    what = of[:-1]
    with app_state.read_store(texts=True) as store:
        lo, hi = period_bounds(since, until, period, when, tz, time_bounds(store)[0])
        every = period == "all"  # (every text, those without a date too, and no period before)
        doc = find_themes(store, None if every else lo, hi, None if every else periods.previous(lo, hi), kinds,
                          parse_where(store, where or []), what, limit)
    shown = (None, hi) if every else (lo, hi)
    emit(fmt, view.THEME_MACHINE, table=lambda console: view.print_themes(console, doc, what, shown, tz),
         document=lambda: {"since": None if every else iso_instant(lo, tz), "until": None if every else
                           iso_instant(hi, tz), "of": of, **doc,
                           "themes": view.theme_records(doc, what)},
         csv_rows=lambda: view.theme_records(doc, what))
