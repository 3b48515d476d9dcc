"""cstool.store.tickets: the SQL twin of "open at T" (cstool.core.tickets.is_open_at) gives the
same answer on the same tickets, at every instant that matters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.core.tickets import is_open_at
from cstool.store import open_store
from cstool.store.tickets import count_open_at, find_tickets, open_at

T0 = 1_700_000_000
instant = st.one_of(st.none(), st.integers(T0, T0 + 50))
ticket = st.fixed_dictionaries({
    "created_at": instant, "resolution_at": instant,
    "status": st.sampled_from([None, "new", "open", "pending", "on_hold", "solved", "closed"])})


def _store(path, tickets):
    store = open_store(path)
    with store.write() as conn:
        conn.execute("DELETE FROM tickets")
        conn.executemany("INSERT INTO tickets (source, id, created_at, resolution_at, status, row_hash) "
                         "VALUES ('s', ?, ?, ?, ?, '')",
                         [(str(i), t["created_at"], t["resolution_at"], t["status"]) for i, t in enumerate(tickets)])
    return store


@settings(max_examples=60, deadline=None)
@given(st.lists(ticket, max_size=25))
def test_open_at_in_sql_equals_the_rule(tmp_path_factory, tickets):
    with _store(tmp_path_factory.mktemp("t") / "t.db", tickets) as store:
        for at in range(T0 - 1, T0 + 52):
            expected = {str(i) for i, t in enumerate(tickets) if is_open_at(t, at)}
            found = {i for (i,) in store.conn.execute(f"SELECT id FROM tickets WHERE {open_at(':at')}", {"at": at})}
            assert found == expected, at
            assert count_open_at(store, at) == len(expected)


def test_the_rule_by_example():
    assert is_open_at({"created_at": 10, "resolution_at": 20}, 15)
    assert is_open_at({"created_at": 10, "resolution_at": 20}, 20)      # resolved at T: still open at T
    assert not is_open_at({"created_at": 10, "resolution_at": 20}, 21)
    assert not is_open_at({"created_at": 10, "resolution_at": None}, 10)  # created at T: not yet open
    assert is_open_at({"created_at": None, "resolution_at": None, "status": "pending"}, 10)
    assert not is_open_at({"created_at": 1, "resolution_at": None, "status": "closed"}, 10)


def test_find_tickets_by_id_or_source_and_id(tmp_path):
    with _store(tmp_path / "t.db", [{"created_at": None, "resolution_at": None, "status": None}]) as store:
        assert find_tickets(store, "0") == [("s", "0")]
        assert find_tickets(store, "s:0") == [("s", "0")]
        assert find_tickets(store, "x:0") == []
