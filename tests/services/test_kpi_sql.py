"""The SQL aggregation (cstool.store.kpi through cstool.services.kpi.window_stats) against the
record-level reference (cstool.core.kpi.record_stats): the same stats for every window and group,
on the demo store and on a random store full of edge cases."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from cstool.core import kpi, periods
from cstool.services.kpi import window_stats
from cstool.store import open_store

D, H = 86400, 3600
T0 = 1_700_000_000


def _records(conn: sqlite3.Connection):
    conn.row_factory = sqlite3.Row
    tickets = []
    for row in conn.execute(
            "SELECT source, id, created_at, first_response_at, resolution_at, status, reopens, replies, findings, "
            "tags, team, channel, reported FROM tickets"):
        t = dict(row)
        t["reported"] = json.loads(t["reported"] or "{}")
        t["tags"] = json.loads(t["tags"] or "[]")
        tickets.append(t)
    by_id = {(t["source"], t["id"]): t for t in tickets}
    surveys = [dict(r) for r in conn.execute("SELECT source, ticket_id, kind, score, label, scale_max, submitted_at "
                                              "FROM surveys")]
    clocks = [dict(r) for r in conn.execute("SELECT source, ticket_id, metric, mode, started_at, stopped_at, due_at, "
                                             "elapsed, paused_seconds, note FROM sla_clocks "
                                             "WHERE cycle = 0 AND metric IN ('first_response', 'resolution')")]
    conn.row_factory = None
    for t in tickets:  # business seconds: those of a clock stopped at its own event
        t.update(first_response_business_s=None, resolution_business_s=None, resolution_paused_s=None)
    for c in clocks:
        if c["mode"] == "stopped" and c["note"] is None:
            t = by_id[c["source"], c["ticket_id"]]
            if c["metric"] == "first_response":
                t["first_response_business_s"] = c["elapsed"]
            else:
                t["resolution_business_s"], t["resolution_paused_s"] = c["elapsed"], c["paused_seconds"]
    return tickets, surveys, clocks, by_id


def _keys(ticket: dict | None, dims: tuple[str, ...]) -> list[tuple]:
    keys = [()]
    for dim in dims:
        if dim == "tag":
            values = (ticket or {}).get("tags") or ["(none)"]
        else:
            values = [(ticket or {}).get(dim) or "(none)"]
        keys = [k + (v,) for k in keys for v in values]
    return keys


def _partition(rows, ticket_of, dims) -> dict[tuple, list]:
    groups: dict[tuple, list] = {}
    for row in rows:
        for key in _keys(ticket_of(row), dims):
            groups.setdefault(key, []).append(row)
    return groups


def _normal(stats: kpi.Stats) -> tuple:
    samples = {k: sorted(x for run in (v if isinstance(v, kpi.Runs) else [v]) for x in run)
               for k, v in stats.samples.items()}
    return (stats.created, stats.resolved, stats.one_touch, stats.reopened, stats.backlog, list(stats.ages), samples,
            {m: list(c) for m, c in stats.sla.items()}, {k: float(v) for k, v in stats.surveys.items()},
            dict(stats.reported))


def _check(path, windows, dims=(), joined_from=0):
    store = open_store(path, create=False)
    try:
        got, joined_sla = window_stats(store, windows, dims, joined_from)
        tickets, surveys, clocks, by_id = _records(store.conn)
    finally:
        store.close()
    groups = {name: _partition(rows, ticket_of, dims) for name, rows, ticket_of in (
        ("tickets", tickets, lambda t: t), ("surveys", surveys, lambda s: by_id.get((s["source"], s["ticket_id"]))),
        ("clocks", clocks, lambda c: by_id[c["source"], c["ticket_id"]]))}
    keys = set().union(*(g.keys() for g in groups.values()))
    empty = _normal(kpi.Stats())
    compared = 0
    for w, (start, end) in enumerate(windows):
        for key in keys:
            expected = kpi.record_stats(groups["tickets"].get(key, []), groups["surveys"].get(key, []),
                                        groups["clocks"].get(key, []), start, end)
            actual = got.get((w, key), kpi.Stats())
            assert _normal(actual) == _normal(expected), (w, key)
            compared += _normal(expected) != empty
    assert not {k for k in got if k[1] not in keys}
    if not dims:  # (grouped, a ticket with several tags would count in several groups)
        assert joined_sla == kpi.sla_counts(clocks, windows[joined_from][0], windows[-1][1])
    return compared


def test_demo_store_weekly_by_nothing_team_and_tag(demo_db):
    since, until = 1767225600, 1774972800  # 2026-01-01 .. 2026-03-31T16:00Z
    weeks = [(s, e) for _, s, e in periods.split(since, until, "week", "Europe/Berlin")]
    assert _check(demo_db, weeks) == len(weeks)
    assert _check(demo_db, weeks, ("team",), joined_from=3) > 4 * len(weeks) - 4
    assert _check(demo_db, [(since - 90 * D, since), (since, until)], ("tag",), joined_from=1) > 10


def test_demo_store_one_window_and_days(demo_db):
    assert _check(demo_db, [(0, 1774972800)]) == 1
    days = [(s, e) for _, s, e in periods.split(1774051200, 1774972800, "day", "UTC")]
    assert _check(demo_db, days, ("channel",)) > len(days)


def _edge_survey(rng: random.Random, n: int, base: int) -> tuple:
    kind = rng.choice(["csat", "csat", "nps", "ces"])
    score = {"csat": rng.choice([1, 2, 3, 4, 5, 9, 10, None]), "nps": rng.choice([0, 6, 7, 9, 10, None]),
             "ces": rng.choice([1, 4, 5, 7])}[kind]
    label = rng.choice(["good", "bad", ""]) if kind == "csat" and rng.random() < 0.3 else None
    scale = 10 if kind == "csat" and score in (9, 10) else rng.choice([None, 5, 0])
    return ("t", f"S{n}", rng.choice([f"T{n}", f"T{n}", None]), kind, score, label, scale,
            base + rng.randrange(-D, 10 * D))


def _edge_clocks(rng, n: int, base: int, first: tuple, resolution: tuple, notes: list) -> list:
    """One ticket's compact clock row (without its rowid): each clock met, late, still running,
    without a deadline, of unknown stop, or stopped by another event than its own."""
    row = [n, base, T0 + 40 * D]
    for prefix, (stop, elapsed, paused_s) in (("fr", first), ("res", resolution)):
        due = None if rng.random() < 0.05 else base + rng.randrange(H, 6 * D)
        if rng.random() < 0.08:  # the data cannot place its stop
            row += [4, None, None, None, None]
            continue
        row += [0 if stop else 1, stop, due, elapsed if stop else None, paused_s if stop else None]
        if stop and rng.random() < 0.05:  # no business time from it
            notes.append((n, prefix))
    return row


@pytest.fixture(scope="module")
def edge_store(tmp_path_factory):
    """Tickets with every shape the figures distinguish: undated, unanswered, resolved before
    created (a finding), solved without a resolution time, open forever, reopened, several
    tags or none, vendor-reported business times; surveys with labels, other scales, no score,
    no ticket; clocks met, late, still running, without a deadline, of unknown stop."""
    path = tmp_path_factory.mktemp("edge") / "edge.db"
    open_store(path).close()
    rng = random.Random(11)
    conn = sqlite3.connect(path)
    tickets, surveys, clocks, notes = [], [], [], []
    for n in range(600):
        created = None if rng.random() < 0.04 else T0 + rng.randrange(-5 * D, 40 * D)
        base = created if created is not None else T0 + rng.randrange(40 * D)
        first = base + rng.randrange(60, 20 * H) if rng.random() < 0.8 else None
        shape = rng.random()
        if shape < 0.6:
            resolved, status = base + rng.randrange(H, 12 * D), rng.choice(["solved", "closed"])
        elif shape < 0.65:
            resolved, status = base - rng.randrange(H, D), "solved"         # resolved before created
        elif shape < 0.72:
            resolved, status = None, "solved"                               # no resolution time
        else:
            resolved, status = None, rng.choice(["open", "pending", None])
        findings = "resolved_before_created" if resolved is not None and created is not None and resolved < created \
            else None
        tags = rng.choice([[], ["billing"], ["bug", "api"], ["api"]])
        reported = rng.choice([None, json.dumps({"first_reply_business": rng.randrange(600)}),
                               json.dumps({"full_resolution_business": rng.randrange(9000) + 0.5})])
        fr_business = rng.choice([None, rng.randrange(5000)])
        res_business, paused = (rng.randrange(90000), rng.randrange(3 * H)) if rng.random() < 0.5 else (None, None)
        tickets.append(("t", f"T{n}", created, first, resolved, status, rng.randrange(3), rng.randrange(4), findings,
                        json.dumps(tags), rng.choice(["A", "B", None, ""]), rng.choice(["email", "chat"]), reported,
                        fr_business, res_business, paused))
        clocks.append(_edge_clocks(rng, n, base, (first, fr_business, None), (resolved, res_business, paused),
                                   notes))
        if rng.random() < 0.5:
            surveys.append(_edge_survey(rng, n, base))
    midnight = (T0 // D + 3) * D
    for n, (created, resolved) in enumerate([(T0 + 2 * D, T0 + 30 * D), (midnight, midnight + D), (midnight - D, midnight),
                                             (T0, T0 + 45 * D - 1)]):  # on the edges of windows
        tickets.append(("t", f"E{n}", created, None, resolved, "solved", 0, 1, None, "[]", "A", "chat", None, None,
                        None, None))
        clocks.append([600 + n, created, T0 + 40 * D, 3, None, None, None, None, 0, resolved, midnight, None, None])
    conn.executemany("INSERT INTO tickets (rowid, source, id, created_at, first_response_at, resolution_at, status, "
                     "reopens, replies, findings, tags, team, channel, reported, row_hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'h')",
                     [(n + 1, *t[:13]) for n, t in enumerate(tickets)])
    conn.execute("INSERT INTO clock_names VALUES (1, 'p', 'm', '24x7', '1h', '8h', '')")
    conn.executemany("INSERT INTO clocks (ticket, names, started_at, last_event_at, fr_mode, fr_stopped_at, fr_due_at, "
                     "fr_elapsed, fr_paused_seconds, res_mode, res_stopped_at, res_due_at, res_elapsed, "
                     "res_paused_seconds) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(row[0] + 1, *row[1:]) for row in clocks])
    for n, prefix in notes:
        conn.execute(f"UPDATE clocks SET {prefix}_note = 'not its own event' WHERE ticket = ?", (n + 1,))
    conn.executemany("INSERT INTO surveys (source, id, ticket_id, kind, score, label, scale_max, submitted_at, row_hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'h')", surveys)
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("dims", [(), ("team",), ("tag",), ("tag", "channel")])
def test_edge_store_days_and_weeks(edge_store, dims):
    days = [(s, e) for _, s, e in periods.split(T0, T0 + 30 * D, "day", "UTC")]
    assert _check(edge_store, days, dims, joined_from=5) >= len(days)
    weeks = [(T0 - 7 * D, T0)] + [(s, e) for _, s, e in periods.split(T0, T0 + 45 * D, "week", "UTC")]
    assert _check(edge_store, weeks, dims, joined_from=1) >= len(weeks)


def test_edge_store_one_window_through_index_and_scan(edge_store):
    assert _check(edge_store, [(T0 + 3 * D, T0 + 4 * D)]) == 1      # a narrow range: through the indexes
    assert _check(edge_store, [(T0 - 30 * D, T0 + 90 * D)]) == 1     # nearly everything: plain scans


def test_consecutive_windows_joined_give_the_whole_period(edge_store):
    """The headline of a period split by week: the weeks' stats joined (samples as sorted runs,
    the last week's backlog, SLA over the whole) equal the stats of the whole period."""
    weeks = [(s, e) for _, s, e in periods.split(T0, T0 + 45 * D, "week", "UTC")]
    store = open_store(edge_store, create=False)
    try:
        parts, sla = window_stats(store, weeks)
        tickets, surveys, clocks, _ = _records(store.conn)
    finally:
        store.close()
    joined = kpi.Stats.consecutive([parts.get((w, ()), kpi.Stats()) for w in range(len(weeks))], sla)
    whole = kpi.record_stats(tickets, surveys, clocks, weeks[0][0], weeks[-1][1])
    assert kpi.figures(joined, None, *weeks[0]) == kpi.figures(whole, None, *weeks[0])
    assert any(len(run) > 1 for run in joined.samples["resolution"])


def test_order_statistics_across_sorted_runs():
    import random

    rng = random.Random(5)
    for _ in range(2000):
        runs = [sorted(rng.choice([rng.randint(0, 20), rng.random() * 10]) for _ in range(rng.randint(0, 9)))
                for _ in range(rng.randint(1, 6))]
        values = sorted(x for run in runs for x in run)
        if values:
            k = rng.randrange(len(values))
            assert kpi.Runs(runs).kth(k) == values[k]
            assert kpi.duration_figures("d", kpi.Runs(runs)) == kpi.duration_figures("d", values)
