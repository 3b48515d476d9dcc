"""`cstool tickets` (services/tickets, store/ticket_rows): the SQL path against the Python one,
instants written in SQL against `iso_instant`, CSV fast path against the cell-by-cell writer,
and each filter against the same rule in Python."""

from __future__ import annotations

import io
import shutil

import pytest
from conftest import REFERENCE, SAMPLE_CONFIG

from cstool.config import load_config
from cstool.core.formats import iso_instant, offset_spans, parse_iso
from cstool.core.tickets import is_open_at
from cstool.render.tickets import write_csv_rows
from cstool.services.sla import SlaEngine, explain_ticket, refresh_clocks
from cstool.services.tickets import TicketListing
from cstool.store import open_store
from cstool.store import sla as sla_store
from cstool.store.ticket_rows import COLUMNS, TicketQuery, iso_sql

AS_OF = parse_iso(REFERENCE, "UTC")


@pytest.fixture(scope="module")
def sample(demo_db, tmp_path_factory):
    """The demo store with its clocks computed for the sample config, and its engine."""
    path = tmp_path_factory.mktemp("tickets") / "d.db"
    shutil.copy(demo_db, path)
    engine = SlaEngine(load_config(SAMPLE_CONFIG))
    with open_store(path, create=False) as store:
        refresh_clocks(store, engine)
    return path, engine


def _rows(path, engine, force: bool = False, **query) -> list[tuple]:
    with open_store(path, create=False) as store:
        listing = TicketListing(store, engine, TicketQuery(**{"as_of": AS_OF, "tz": "Europe/Berlin", **query}))
        return [values for values, _ in listing.rows(force_python=force)]


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"])
def test_instants_written_in_sql_are_those_iso_instant_writes(tmp_path, tz):
    lo, hi = parse_iso("2019-06-01T00:00:00Z", "UTC"), parse_iso("2027-06-01T00:00:00Z", "UTC")
    spans = offset_spans(tz, lo, hi)
    instants = [lo - 86400 * 400, lo, hi - 1, hi, hi + 10**8]  # outside the spans too
    for start, _, _ in spans:
        instants += [start - 1, start, start + 1, start + 1800]
    with open_store(tmp_path / "x.db") as store:
        store.conn.create_function("cstool_iso", 1, lambda x: iso_instant(x, tz))
        written = [store.conn.execute(f"SELECT {iso_sql('x', spans, hi)} FROM (SELECT ? AS x)", (x,)).fetchone()[0] for x in instants]
    assert written == [iso_instant(x, tz) for x in instants]
    assert len(spans) > (1 if tz not in ("Asia/Kolkata", "UTC") else 0)


def test_rows_from_sql_equal_rows_finished_in_python(sample):
    path, engine = sample
    fast, slow = _rows(path, engine), _rows(path, engine, force=True)
    assert fast == slow
    states = {r[COLUMNS.index("resolution_state")] for r in fast}
    assert {"breached", "at_risk", "met", "running"} <= states
    assert {r[COLUMNS.index("next_response_cycles")] for r in fast} - {None, 0}  # cycles are counted


def test_the_clocks_at_an_earlier_instant_are_computed_from_the_data_known_then(sample):
    path, engine = sample
    earlier = AS_OF - 20 * 86400
    rows = {r[1]: r for r in _rows(path, engine, as_of=earlier)}
    with open_store(path, create=False) as store:
        for ticket_id in sorted(rows)[::97]:
            _, clocks = explain_ticket(store, engine, ticket_id, earlier)
            by_metric = {c["metric"]: c for c in clocks}
            row = rows[ticket_id]
            assert row[COLUMNS.index("first_response_state")] == by_metric["first_response"]["state"], ticket_id
            assert row[COLUMNS.index("resolution_state")] == by_metric["resolution"]["state"], ticket_id
            assert row[COLUMNS.index("resolution_clock_business_seconds")] == \
                by_metric["resolution"]["elapsed_business_seconds"] or by_metric["resolution"]["mode"] != "running"


def test_filters_select_what_the_same_rules_select_in_python(sample):
    path, engine = sample
    every = _rows(path, engine)
    with open_store(path, create=False) as store:
        tickets = {t["id"]: t for t, _ in sla_store.tickets_with_events(store, None)}
    col = COLUMNS.index
    assert [r[1] for r in _rows(path, engine, open_at=AS_OF)] == \
        [r[1] for r in every if is_open_at(tickets[r[1]], AS_OF)]
    assert [r[1] for r in _rows(path, engine, where=(("team", "Billing"), ("tag", "refund")))] == \
        [r[1] for r in every if r[col("team")] == "Billing" and "refund" in tickets[r[1]]["tags"]]
    since, until = AS_OF - 30 * 86400, AS_OF - 10 * 86400
    assert [r[1] for r in _rows(path, engine, created_since=since, created_until=until)] == \
        [r[1] for r in every if since <= tickets[r[1]]["created_at"] < until]
    breached = [r[1] for r in _rows(path, engine, states=("breached",), metric="resolution")]
    assert breached == [r[1] for r in every if r[col("resolution_state")] == "breached"] and breached
    late = [r[1] for r in _rows(path, engine, states=("breached", "at_risk"))]
    assert late == [r[1] for r in every if {r[col("first_response_state")], r[col("resolution_state")],
                                            r[col("next_response_state")]} & {"breached", "at_risk"}
                    or (r[col("next_response_breached")] or 0) > 0]
    customer = every[0][col("customer_id")]
    assert [r[1] for r in _rows(path, engine, customer=customer.lower() if "@" in customer else customer)] == \
        [r[1] for r in every if r[col("customer_id")] == customer]
    by_due = _rows(path, engine, sort=("resolution_due_at", True))
    dues = [tickets[r[1]]["id"] for r in by_due[:5]]
    assert len(dues) == 5 and by_due[0][col("resolution_due_at")] >= by_due[4][col("resolution_due_at")]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_csv_lines_from_sql_equal_the_cell_by_cell_writer(sample, delimiter):
    """Every sample row: the line the SQL writes (rows not flagged care) against render/machine."""
    path, engine = sample
    with open_store(path, create=False) as store:
        query = TicketQuery(as_of=AS_OF, tz="Europe/Berlin", joined_tags=True)
        fast = list(TicketListing(store, engine, query, delimiter=delimiter).blocks())
        slow = list(TicketListing(store, engine, query, delimiter=delimiter).blocks(force_python=True))
    assert sum(not care for block in fast for _, care in block) > 1000  # (most rows take the fast path)
    a, b = io.StringIO(), io.StringIO()
    write_csv_rows(list(COLUMNS), fast, a, delimiter)
    write_csv_rows(list(COLUMNS), slow, b, delimiter)
    assert a.getvalue() == b.getvalue()


def test_ranges_read_by_a_second_process_give_the_same_csv(sample, monkeypatch):
    from cstool.services import tickets as service
    from cstool.store import ticket_rows

    path, engine = sample
    monkeypatch.setattr(ticket_rows, "SPAN", 97)  # (about 30 ranges, two in three read by the worker)

    def csv_text(parallel_from: int) -> str:
        monkeypatch.setattr(service, "PARALLEL_FROM", parallel_from)
        out = io.StringIO()
        with open_store(path, create=False) as store, store.snapshot():
            query = TicketQuery(as_of=AS_OF, tz="Europe/Berlin", joined_tags=True)
            write_csv_rows(list(COLUMNS), TicketListing(store, engine, query, delimiter=",").blocks(), out)
        return out.getvalue()

    started, real = [], service.Worker
    monkeypatch.setattr(service, "Worker", lambda *a, **k: started.append(a) or real(*a, **k))
    alone = csv_text(10**9)
    assert not started
    assert csv_text(2) == alone and alone.count("\n") > 2000
    assert len(started) == 1


def test_the_state_filter_at_an_earlier_instant_reads_the_clocks_known_then(sample):
    """Tickets with data after --as-of are filtered in Python (services/tickets), the others in SQL."""
    path, engine = sample
    earlier = AS_OF - 20 * 86400
    every = _rows(path, engine, as_of=earlier)
    col = COLUMNS.index
    for states, metric in ((("breached",), "resolution"), (("running", "at_risk"), None)):
        names = [f"{metric}_state"] if metric else ["first_response_state", "resolution_state", "next_response_state"]
        expected = [r[1] for r in every if any(r[col(n)] in states for n in names)]
        assert [r[1] for r in _rows(path, engine, as_of=earlier, states=states, metric=metric)] == expected
        assert len(expected) > 10
