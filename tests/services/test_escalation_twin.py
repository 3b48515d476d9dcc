"""The escalation tiers decided in SQL (cstool.store.escalation_tiers) are the twin of the rules
themselves (cstool.core.escalation.escalate): on generated tickets with a backlog, business
calendars, pauses and next-response cycles, for the sample's tiers, the defaults and drawn ones,
every ticket SQL decides gets the tier the rules give it, and the queue is the one the rules make."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from conftest import SAMPLE_CONFIG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstool.config import default_config, load_config
from cstool.core.escalation import Rule, Tier
from cstool.core.sla.duration import Duration
from cstool.services import escalation
from cstool.services.sla import SlaEngine, refresh_clocks
from cstool.store import escalation_tiers as tiers_store
from cstool.store import open_store

END = int(datetime(2026, 3, 27, tzinfo=UTC).timestamp())
INSTANTS = (END - 3 * 86400, END, END + 5 * 3600, END + 2 * 86400, END + 9 * 86400)
H = 3600


def _write_tickets(folder, n: int = 1500, seed: int = 3) -> dict[str, object]:
    """Tickets created over the 12 days before END, most of them still open, on every policy of
    the sample configuration: replies and customer answers (next-response cycles), pauses
    (pending, on hold), customer tiers (one outside ASCII), unassigned ones, reopens, tags, and
    CSAT / NPS answers (some only labelled)."""
    import csv
    import random

    rng = random.Random(seed)
    iso = lambda at: datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    paths = {k: folder / f"{k}.csv" for k in ("tickets", "events", "surveys")}
    with open(paths["tickets"], "w", newline="") as tf, open(paths["events"], "w", newline="") as ef, \
            open(paths["surveys"], "w", newline="") as sf:
        tickets, events, surveys = csv.writer(tf), csv.writer(ef), csv.writer(sf)
        tickets.writerow(["id", "customer_id", "customer_tier", "priority", "status", "team", "assignee",
                          "created_at", "reopens", "tags"])
        events.writerow(["ticket_id", "at", "type", "value"])
        surveys.writerow(["id", "ticket_id", "customer_id", "kind", "score", "submitted_at"])
        for i in range(n):
            created = END - rng.randint(0, 12 * 86400)
            customer = f"C{rng.randint(0, 300)}"
            status, at = "open", created
            events.writerow([f"T{i}", iso(created), "customer_reply", ""])
            for _ in range(rng.randint(0, 5)):
                at += rng.randint(60, 30 * H)
                if at >= END:
                    break
                kind = rng.choice(["agent_reply", "customer_reply", "status"])
                status = rng.choice(["open", "pending", "on_hold", "solved"]) if kind == "status" else status
                events.writerow([f"T{i}", iso(at), kind, status if kind == "status" else ""])
            tickets.writerow([f"T{i}", customer, rng.choice(["vip", "enterprise", "standard", "Ünternehmen", ""]),
                              rng.choice(["urgent", "high", "normal", "low"]), status,
                              rng.choice(["Billing", "Technical", "Accounts"]), rng.choice(["Ana", "Bo", ""]),
                              iso(created), rng.choice([0, 0, 1, 2, 3]), rng.choice(["", "outage", "billing,login"])])
            if rng.random() < 0.3:
                kind = rng.choice(["csat", "nps"])
                score = rng.randint(1, 5 if kind == "csat" else 10)
                labelled = kind == "csat" and rng.random() < 0.3  # (Zendesk's "Good" / "Bad" ratings)
                surveys.writerow([f"S{i}", f"T{i}", customer, kind, rng.choice(["Good", "Bad"]) if labelled else score,
                                  iso(created + rng.randint(0, H))])
    return paths


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from typer.testing import CliRunner

    from cstool.cli.main import app

    folder = tmp_path_factory.mktemp("esc")
    paths = _write_tickets(folder)
    db = folder / "g.db"
    for kind in ("tickets", "events", "surveys"):
        result = CliRunner().invoke(app, ["--db", str(db), "--config", str(SAMPLE_CONFIG), "import", kind,
                                          str(paths[kind])], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    config = load_config(SAMPLE_CONFIG)
    with open_store(db) as store:
        refresh_clocks(store, SlaEngine(config))
    return db, config


def _by_the_rules(store, engine, as_of) -> list:
    """The queue of every ticket with an open clock through the rules alone (as before SQL)."""
    rids = [r for (r,) in store.conn.execute(
        "SELECT ticket FROM clocks WHERE fr_mode IN (1, 2) OR res_mode IN (1, 2) "
        "UNION SELECT ticket FROM clock_cycles WHERE mode IN (1, 2)")]
    return escalation.queue_entries(store, engine, as_of, {}, rids)


def _compare(db, config, tiers: tuple[Tier, ...], instants=INSTANTS) -> tuple[int, int]:
    """Asserts the twin on every instant; returns (tickets SQL decided, tickets left to the rules)."""
    engine = SlaEngine(dataclasses.replace(config, tiers=tiers))
    decided = undecided = 0
    with open_store(db) as store:
        exact = {i for i, name in store.conn.execute("SELECT id, calendar FROM clock_names")
                 if engine.calendars[name].always_open}
        for as_of in instants:
            by_rules = _by_the_rules(store, engine, as_of)
            expected = {e["rid"]: e["tier_rank"] for e in by_rules}
            tiers_store.decide_tiers(store, tiers, as_of, {}, exact)
            found = dict(store.conn.execute("SELECT rid, rank FROM temp.escalated"))
            sure = {rid: rank for rid, rank in found.items() if rank != tiers_store.UNDECIDED}
            assert sure == {rid: rank for rid, rank in expected.items() if rid in sure}, as_of
            assert not set(expected) - set(found), as_of  # (nothing the rules escalate is left out)
            decided, undecided = decided + len(sure), undecided + len(found) - len(sure)
            queue = escalation.build_queue(store, engine, as_of)
            assert queue.entries == by_rules, as_of
            assert queue.sizes == {t.name: sum(e["tier"] == t.name for e in by_rules) for t in reversed(tiers)}
    return decided, undecided


def test_sample_tiers_in_sql_are_the_rules_tiers(generated):
    db, config = generated
    decided, undecided = _compare(db, config, config.tiers)
    assert decided > 1000 and undecided < decided  # (most of the backlog decided in SQL)


def test_default_tiers_in_sql_are_the_rules_tiers(generated):
    db, config = generated
    decided, _ = _compare(db, config, default_config().tiers)
    assert decided > 1000


def test_a_breach_forecast_rule_is_left_to_the_rules_only_where_it_could_fire(generated):
    db, config = generated
    tiers = (Tier("Likely", (Rule(breach_probability=0.6),)),
             Tier("Late", (Rule(metric="resolution", breached_for=Duration(8 * H)),)))
    decided, undecided = _compare(db, config, tiers, (END,))
    assert decided > 500 and undecided > 0


def test_shares_beyond_the_target_are_told_on_every_calendar(generated):
    db, config = generated
    for share in (1.05, 1.2, 1.5, 2.0):  # (each the highest tier: what it cannot tell goes to the rules)
        tiers = (Tier("Used up", (Rule(sla_used=1.0),)), Tier("Beyond", (Rule(sla_used=share),)))
        decided, undecided = _compare(db, config, tiers, (END, END + 2 * 86400))
        assert decided > 300 and undecided > 0


durations = st.sampled_from([Duration(s) for s in (0, 30 * 60, 4 * H, 2 * 86400, 30 * 86400)])
rules = st.builds(
    Rule,
    metric=st.sampled_from(["any", "first_response", "resolution", "next_response"]),
    sla_used=st.one_of(st.none(), st.sampled_from([0.0, 0.25, 0.5, 0.75, 0.9, 1.0, 1.5, 3.0])),
    breached_for=st.one_of(st.none(), durations),
    priority=st.one_of(st.none(), st.sampled_from([("urgent",), ("high", "normal"), ("",)])),
    unassigned_for=st.one_of(st.none(), durations),
    reopens=st.one_of(st.none(), st.integers(0, 3)),
    csat_at_most=st.one_of(st.none(), st.integers(1, 4)),
    nps_detractor=st.one_of(st.none(), st.just(True)),
    customer_tier=st.one_of(st.none(), st.sampled_from([("vip",), ("VIP", "gold"), ("standard", "Ünterneh")])),
    age=st.one_of(st.none(), durations),
    tags=st.one_of(st.none(), st.sampled_from([("outage",), ("billing", "login")])),
    team=st.one_of(st.none(), st.sampled_from([("Billing",), ("Technical", "Accounts")])))
tier_lists = st.lists(st.lists(rules, max_size=3), min_size=1, max_size=4).map(
    lambda tiers: tuple(Tier(f"T{i}", tuple(r)) for i, r in enumerate(tiers)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tiers=tier_lists)
def test_drawn_tiers_in_sql_are_the_rules_tiers(generated, tiers):
    db, config = generated
    _compare(db, config, tiers, (END - 3 * 86400, END + 5 * 3600))


def test_a_run_records_every_ticket_and_the_reasons_of_those_written_out(generated, tmp_path):
    import json
    import shutil

    db, config = generated
    copy = shutil.copy(db, tmp_path / "copy.db")
    engine = SlaEngine(config)
    with open_store(copy) as store:
        everyone = {(e["source"], e["ticket_id"]): e for e in _by_the_rules(store, engine, END)}
        for shown in (2, None, 0):
            queue = escalation.build_queue(store, engine, END, shown=shown)
            escalation.record_run(store, engine, END, queue)
            log = {(s, t): (tier, rank, reasons) for s, t, tier, rank, reasons in store.conn.execute(
                "SELECT source, ticket_id, tier, tier_rank, reasons FROM escalation_log WHERE as_of = ?", (END,))}
            assert {k: v[:2] for k, v in log.items()} == {k: (e["tier"], e["tier_rank"]) for k, e in everyone.items()}
            written = {k: json.loads(v[2]) for k, v in log.items() if v[2] is not None}
            assert written == {(e["source"], e["ticket_id"]): e["reasons"] for e in queue.entries}
            assert len(written) == (len(everyone) if shown is None else shown * len(config.tiers) if shown else 0)
