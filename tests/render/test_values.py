"""cstool.render.values: one way to write each kind of value, by example."""

from __future__ import annotations

import pytest

from cstool.render.values import change, figure, figure_kind, human, time_left


@pytest.mark.parametrize("value, kind, text", [
    (None, "number", ""), (1774972800, "time", "2026-03-31 16:00"), (8100, "duration", "2h 15m"),
    (85.234, "pct", "85.2%"), (40.0, "score", "40.0"), (1234.5, "number", "1,234.50"), (2821, "number", "2,821"),
    ("T02364", "id", "T02364"),
])
def test_human(value, kind, text):
    assert human(value, kind) == text


def test_figures_read_by_their_key_and_say_n_a_when_unknown():
    assert [figure_kind(k) for k in ("resolution_median_s", "csat_pct", "nps", "backlog")] == [
        "duration", "pct", "number", "number"]
    assert figure(None, "pct") == "n/a"
    assert figure(91.25, "pct") == "91.2%"


@pytest.mark.parametrize("delta, kind, digits, text", [
    (None, "number", 2, ""), (0, "number", 2, "±0"), (0.0, "duration", 2, "±0"), (41, "number", 2, "▲ 41"),
    (-6.86, "pct", 2, "▼ 6.86"), (-4.18, "pct", 1, "▼ 4.2"), (2.0, "pct", 1, "▲ 2"), (1000, "number", 2, "▲ 1,000"),
    (-7740.0, "duration", 2, "▼ 2h 9m"),
])
def test_change(delta, kind, digits, text):
    assert change(delta, kind, digits) == text


def test_time_left():
    assert time_left(974553, -5000) == "overdue 11d 6h"
    assert time_left(60, None, "overdue by") == "overdue by 1m"
    assert time_left(None, 11400) == "3h 10m left"
    assert time_left(None, None) == ""


def test_counts_in_words_agree_with_their_number():
    from cstool.render.values import many

    assert (many(0, "ticket"), many(1, "ticket"), many(1234, "ticket")) == ("0 tickets", "1 ticket", "1,234 tickets")
    assert many(1, "open ticket") == "1 open ticket" and many(2, "query", "queries") == "2 queries"


def test_sla_states_are_coloured_in_tables_and_keep_their_word():
    from cstool.render import Column
    from cstool.render.table import table_lines

    records = [{"ticket_id": "T1", "state": s} for s in ("breached", "at_risk", "met", "running")]
    lines, hidden = table_lines(records, [Column("ticket_id", "Ticket", "id"), Column("state", "State")], 80)
    assert [line.plain for line in lines] == ["Ticket  State", "T1      breached", "T1      at_risk", "T1      met",
                                              "T1      running"]
    styled = [[(line.plain[s.start:s.end], str(s.style)) for s in line.spans] for line in lines[1:]]
    assert styled == [[("breached", "red")], [("at_risk", "yellow")], [("met", "green")], []]
    assert hidden == []
