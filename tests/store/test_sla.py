"""cstool.store.sla: the SQL classification of stored clocks (STATE_SQL) is the SQL twin of
cstool.core.sla.clock.evaluate, and RANK_SQL orders like URGENCY."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.core.sla.calendar import ALWAYS_OPEN, BusinessCalendar
from cstool.core.sla.clock import URGENCY, Clock, evaluate
from cstool.store import open_store
from cstool.store.sla import CLOCK_COLUMNS, RANK_SQL, STATE_SQL, clock_row

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
def test_stored_state_in_sql_equals_evaluate(tmp_path_factory, drawn):
    calendar = BusinessCalendar(ALWAYS_OPEN)
    with open_store(tmp_path_factory.mktemp("c") / "c.db") as store:
        with store.write() as conn:
            conn.executemany(f"INSERT INTO sla_clocks ({', '.join(CLOCK_COLUMNS)}) VALUES "
                             f"({', '.join('?' * len(CLOCK_COLUMNS))})",
                             [clock_row("s", str(i), c, T0, "f") for i, c in enumerate(drawn)])
        for as_of in range(T0, T0 + 42):
            rows = store.conn.execute(f"SELECT ticket_id, {STATE_SQL} FROM sla_clocks c", {"as_of": as_of})
            found = {int(i): state for i, state in rows}
            assert found == {i: evaluate(c, calendar, as_of).state for i, c in enumerate(drawn)}, as_of


def test_rank_sql_orders_states_as_urgency(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        ranks = {s: store.conn.execute(f"SELECT {RANK_SQL} FROM (SELECT ? AS state)", (s,)).fetchone()[0]
                 for s in URGENCY}
    assert ranks == URGENCY
    assert sorted(URGENCY, key=URGENCY.get)[:2] == ["breached", "at_risk"]


def test_stopped_clocks_business_seconds_are_copied_onto_the_tickets(demo_db):
    """The KPI scans read sla_* from the ticket rows: they must equal the stored clocks."""
    conn = sqlite3.connect(demo_db)
    try:
        def clock(metric, column):
            return (f"(SELECT c.{column} FROM sla_clocks c WHERE c.source = t.source AND c.ticket_id = t.id "
                    f"AND c.metric = '{metric}' AND c.cycle = 0 AND c.mode = 'stopped')")

        differ = conn.execute(
            f"SELECT count(*) FROM tickets t WHERE sla_first_response_s IS NOT {clock('first_response', 'elapsed')} "
            f"OR sla_resolution_s IS NOT {clock('resolution', 'elapsed')} "
            f"OR sla_resolution_paused_s IS NOT {clock('resolution', 'paused_seconds')}").fetchone()[0]
        filled = conn.execute("SELECT count(sla_first_response_s), count(sla_resolution_s) FROM tickets").fetchone()
    finally:
        conn.close()
    assert differ == 0 and min(filled) > 1000
