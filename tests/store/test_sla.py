"""cstool.store.sla: the SQL classification of stored clocks (`state_sql`) is the SQL twin of
cstool.core.sla.clock.evaluate, RANK_SQL orders like URGENCY, and the compact clock rows read
back (through the view `sla_clocks`) as the clocks that were written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.core.sla.calendar import ALWAYS_OPEN, BusinessCalendar
from cstool.core.sla.clock import URGENCY, Clock, evaluate
from cstool.store import open_store
from cstool.store.sla import MODE_CODES, ClockWriter, clock_from_row
from cstool.store.sla_queries import RANK_SQL, state_sql

T0 = 1_700_000_000
small = st.integers(T0, T0 + 40)


@st.composite
def clocks(draw) -> Clock:
    mode = draw(st.sampled_from(["stopped", "running", "paused", "n/a"]))
    start = T0
    due = None if mode == "n/a" else draw(small if mode != "paused" else st.one_of(st.none(), small))
    stopped = draw(small) if mode == "stopped" else None
    risk = draw(st.one_of(st.none(), small)) if mode == "running" else None
    return Clock(metric="resolution", cycle=0, policy="p", matched="m", calendar="24x7", target="1h",
                 target_seconds=None if mode == "n/a" else 40, started_at=start, stopped_at=stopped, due_at=due,
                 risk_at=risk, elapsed_business_seconds=0, paused_seconds=0, mode=mode,
                 elapsed_since=start if mode == "running" else None)


@settings(max_examples=40, deadline=None)
@given(st.lists(clocks(), min_size=1, max_size=12))
def test_stored_state_in_sql_equals_evaluate(drawn):
    calendar = BusinessCalendar(ALWAYS_OPEN)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE x (i, mode, stopped_at, due_at, risk_at)")
    conn.executemany("INSERT INTO x VALUES (?, ?, ?, ?, ?)",
                     [(i, MODE_CODES[c.mode], c.stopped_at, c.due_at, c.risk_at) for i, c in enumerate(drawn)])
    state = state_sql("mode", "stopped_at", "due_at", "risk_at", {m: str(code) for m, code in MODE_CODES.items()})
    for as_of in range(T0, T0 + 42):
        found = dict(conn.execute(f"SELECT i, {state} FROM x", {"as_of": as_of}))
        assert found == {i: evaluate(c, calendar, as_of).state for i, c in enumerate(drawn)}, as_of


def _ticket_clocks(draw_first: Clock, draw_resolution: Clock, cycles: list[Clock]) -> list[Clock]:
    first = Clock(**{**_fields(draw_first), "metric": "first_response"})
    resolution = Clock(**{**_fields(draw_resolution), "metric": "resolution", "target": "8h"})
    return [first, resolution] + [Clock(**{**_fields(c), "metric": "next_response", "cycle": n, "target": "2h",
                                           "started_at": T0 + n}) for n, c in enumerate(cycles, 1)]


def _fields(clock: Clock) -> dict:
    from dataclasses import asdict

    return asdict(clock)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(clocks(), clocks(), st.lists(clocks(), max_size=2)), min_size=1, max_size=6))
def test_compact_rows_read_back_as_the_clocks_written(tmp_path_factory, drawn):
    with open_store(tmp_path_factory.mktemp("c") / "c.db") as store:
        written = {}
        with store.write() as conn:
            writer = ClockWriter(store)
            for i, (a, b, cycles) in enumerate(drawn):
                rowid = conn.execute("INSERT INTO tickets (source, id, row_hash) VALUES ('s', ?, 'h')",
                                     (f"T{i}",)).lastrowid
                for c in cycles:
                    c.pauses = [(T0, T0 + 5), (T0 + 9, None)] if c.mode == "paused" else []
                written[f"T{i}"] = _ticket_clocks(a, b, cycles)
                writer.add(rowid, written[f"T{i}"], T0 + 50)
            writer.flush()
        cur = store.conn.execute("SELECT * FROM sla_clocks ORDER BY ticket_id, metric, cycle")
        names = [d[0] for d in cur.description]
        read: dict[str, list[Clock]] = {}
        for row in cur:
            record = dict(zip(names, row))
            assert record["last_event_at"] == T0 + 50
            read.setdefault(record["ticket_id"], []).append(clock_from_row(record))
    order = {"first_response": 0, "resolution": 1, "next_response": 2}
    assert {k: sorted(v, key=lambda c: (order[c.metric], c.cycle)) for k, v in read.items()} == written


def test_rank_sql_orders_states_as_urgency(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        ranks = {s: store.conn.execute(f"SELECT {RANK_SQL} FROM (SELECT ? AS state)", (s,)).fetchone()[0]
                 for s in URGENCY}
    assert ranks == URGENCY
    assert sorted(URGENCY, key=URGENCY.get)[:2] == ["breached", "at_risk"]


@pytest.fixture(scope="module")
def eventless_store(tmp_path_factory):
    """The sample tickets without their events (so no next-response cycles), clocks computed."""
    from conftest import ROOT, SAMPLE_CONFIG

    from cstool.config import load_config
    from cstool.services.sla import SlaEngine, refresh_clocks

    path = tmp_path_factory.mktemp("eventless") / "e.db"
    subprocess.run([sys.executable, "-m", "cstool", "--quiet", "--db", str(path), "import", "tickets",
                    str(ROOT / "sample_data" / "tickets.csv")], check=True)
    with open_store(path) as store:
        refresh_clocks(store, SlaEngine(load_config(SAMPLE_CONFIG)))
        assert store.conn.execute("SELECT count(*) FROM clock_cycles").fetchone()[0] == 0
    return path


@pytest.mark.parametrize("filters", [{}, {"team": "billing"}, {"priority": "urgent"}, {"policy": "vip"}])
def test_late_counts_and_first_rows_equal_the_general_queries(eventless_store, filters):
    """The counts without grouping (one row per ticket) equal the grouped counts, and the most
    urgent rows picked through the deadline indexes are the first rows of the full ordering."""
    from cstool.store import sla_queries

    with open_store(eventless_store) as store:
        lo, hi = store.conn.execute("SELECT min(created_at), max(created_at) + 10 * 86400 FROM tickets").fetchone()
        # (and just before the last data of tickets whose stored clocks were late by then: they
        # are computed live, so the counts must leave them out)
        before_data = [at - 1 for (at,) in store.conn.execute(
            "SELECT last_event_at FROM clocks WHERE (res_mode IN (1, 2) AND res_due_at < last_event_at - 1) OR "
            "(fr_mode IN (1, 2) AND fr_due_at < last_event_at - 1) ORDER BY ticket LIMIT 5")]
        assert before_data
        seen = 0
        for as_of in [*range(lo, hi, (hi - lo) // 40), *before_data]:
            fast = sla_queries.open_clock_counts(store, as_of, filters)
            assert fast == sla_queries._grouped_counts(store, as_of, filters), as_of
            every = sla_queries.open_clock_rows(store, as_of, filters, {"breached", "at_risk"}, None)
            for limit in (1, 7, 50):
                first = sla_queries.open_clock_rows(store, as_of, filters, {"breached", "at_risk"}, limit)
                assert first == every[:limit], (as_of, limit)
            seen += fast["breached"] + fast["at_risk"]
        assert seen > 0 or filters
