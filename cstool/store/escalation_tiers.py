"""The escalation tiers decided in SQL: the twin of `core.escalation.escalate` for the tier of
every open ticket, so that a backlog of a hundred thousand open tickets is counted and recorded
without a Python object per ticket (docs/semantics.md#escalations). A test compares the two.

Each condition of a rule reads, per ticket, as 2 (holds), 0 (does not) or 1 (cannot be told in
SQL: the business seconds of a running clock on a calendar with closed hours, a breach
forecast, a customer tier outside ASCII). A rule is the minimum of its conditions, a tier the
maximum of its rules (Kleene's three-valued AND and OR), and a ticket's tier the highest tier
that holds when every tier above it does not. A ticket whose answer depends on a 1 is
decided by `escalate` itself (rank UNDECIDED here); those are the open clocks not yet breached
on business calendars, few in any backlog."""

from __future__ import annotations

from cstool.core.escalation import Rule, Tier
from cstool.store.connection import Store, sql_list
from cstool.store.sla import OPEN_MODES, PAUSED

UNDECIDED, NONE = -2, -1
_BIG = 1 << 62


class _Clock:
    """One kind of clock of a ticket row `c` (or the cycles `y` in a subquery), as SQL."""

    def __init__(self, prefix: str, exact: str):
        self.p, self.exact = prefix, exact

    def col(self, name: str) -> str:
        return f"{self.p}{name}"

    def is_open(self) -> str:
        return f"{self.col('mode')} {OPEN_MODES}"

    def breached(self) -> str:
        due = self.col("due_at")
        return f"{due} IS NOT NULL AND :as_of > {due}"

    def used_at_least(self, u: str) -> str:
        """2 / 0 / 1: the clock's used share of its target at :as_of (`evaluate`) is at least :u."""
        elapsed, target, since = self.col("elapsed"), self.col("target_seconds"), self.col("elapsed_since")
        running = f"({elapsed} + max(:as_of, {since}) - {since}) * 1.0 / {target}"  # (exact on a 24x7 calendar)
        return (f"CASE WHEN NOT ({self.is_open()}) THEN 0 WHEN coalesce({target}, 0) = 0 THEN 2 * (0.0 >= {u}) "
                f"WHEN {self.col('mode')} = {PAUSED} THEN 2 * ({elapsed} * 1.0 / {target} >= {u}) "
                f"WHEN {self.exact} THEN 2 * ({running} >= {u}) "
                # Past the deadline the target is used up (the deadline is where it is); before it, the
                # business seconds are at most the wall seconds.
                f"WHEN :as_of > {self.col('due_at')} THEN CASE WHEN {u} <= 1 THEN 2 ELSE 1 END "
                f"WHEN {running} < {u} THEN 0 ELSE 1 END")

    def breached_for(self, seconds: int) -> str:
        return f"2 * ({self.is_open()} AND {self.breached()} AND :as_of - {self.col('due_at')} > {seconds})"

    def forecastable(self) -> str:
        """1 when a forecast could exist (an open clock not yet breached), else 0."""
        return f"({self.is_open()} AND NOT coalesce({self.breached()}, 0))"

    def due(self) -> str:
        return f"CASE WHEN {self.is_open()} THEN coalesce({self.col('due_at')}, {_BIG}) ELSE {_BIG} END"


class TierSql:
    """The SQL of the tiers over `clocks c JOIN tickets t` (plus the cycles when there are any)."""

    def __init__(self, tiers: tuple[Tier, ...], exact_names: set[int], cycles: bool):
        self.tiers, self.cycles = tiers, cycles
        self.params: dict[str, float] = {}
        exact = f"c.names IN ({', '.join(str(n) for n in sorted(exact_names))})"
        self.parts = {"first_response": _Clock("c.fr_", exact), "resolution": _Clock("c.res_", exact)}
        self.cycle = _Clock("y.", exact)

    def _over(self, metric: str, value) -> str:
        """The maximum of `value(clock)` over the ticket's clocks of `metric` ("any": all)."""
        terms = [value(part) for name, part in self.parts.items() if metric in ("any", name)]
        if self.cycles and metric in ("any", "next_response"):
            terms.append(f"coalesce((SELECT max({value(self.cycle)}) FROM clock_cycles y WHERE y.ticket = c.ticket "
                         f"AND y.mode {OPEN_MODES}), 0)")
        return f"max({', '.join(terms)}, 0)" if terms else "0"

    def _share(self, value: float) -> str:
        name = f"u{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def rule(self, rule: Rule) -> str:
        """2 / 1 / 0 for one rule on the ticket (a rule without conditions never fires)."""
        terms = []
        if rule.sla_used is not None:
            u = self._share(rule.sla_used)
            terms.append(self._over(rule.metric, lambda clock: clock.used_at_least(u)))
        if rule.breach_probability is not None:
            terms.append(self._over(rule.metric, lambda clock: clock.forecastable()))
        if rule.breached_for is not None:
            terms.append(self._over(rule.metric, lambda clock: clock.breached_for(rule.breached_for.seconds)))
        terms += [f"2 * ({condition})" for condition in _ticket_conditions(rule)]
        if rule.customer_tier is not None:
            wanted = sql_list(sorted({x.lower() for x in rule.customer_tier}))
            # (SQLite's lower() folds ASCII only: a tier spelled outside it is left to Python)
            terms.append("CASE WHEN coalesce(t.customer_tier, '') GLOB '*[^ -~]*' THEN 1 "
                         f"ELSE 2 * (lower(coalesce(t.customer_tier, '')) IN ({wanted})) END")
        return f"min({', '.join(terms)}, 2)" if terms else "0"

    def rank(self) -> tuple[str, list[str]]:
        """(the ticket's tier rank: 0 = lowest, NONE or UNDECIDED; over the columns v0, v1, ...
        that hold each tier's 2 / 1 / 0, which it also returns)."""
        cases, columns = [], []
        for rank in reversed(range(len(self.tiers))):
            rules = [self.rule(r) for r in self.tiers[rank].rules]
            value = f"max({', '.join(rules)}, 0)" if rules else "0"
            cases.append(f"WHEN v{rank} = 2 THEN {rank} WHEN v{rank} = 1 THEN {UNDECIDED}")
            columns.append(f"{value} AS v{rank}")
        return f"CASE {' '.join(cases)} ELSE {NONE} END", columns

    def select(self, source: str, where: str) -> str:
        """rid, source, ticket_id, the earliest deadline of the ticket's open clocks, rank (at
        least one tier)."""
        rank, columns = self.rank()
        dues = [part.due() for part in self.parts.values()]
        if self.cycles:
            dues.append(f"coalesce((SELECT min({self.cycle.due()}) FROM clock_cycles y WHERE y.ticket = c.ticket "
                        f"AND y.mode {OPEN_MODES}), {_BIG})")
        due = f"nullif(min({', '.join(dues)}), {_BIG})"
        return (f"SELECT rid, source, ticket_id, due, {rank} AS rank FROM (SELECT c.ticket AS rid, t.source AS source, "
                f"t.id AS ticket_id, {due} AS due, {', '.join(columns)} FROM {source} WHERE {where})")


def _ticket_conditions(rule: Rule) -> list[str]:
    """The rule's conditions on the ticket row `t` and the latest answers `a` (SQL booleans)."""
    out = []
    if rule.priority is not None:
        out.append(f"coalesce(t.priority, '') IN ({sql_list(rule.priority)})")
    if rule.unassigned_for is not None:
        out.append(f"coalesce(t.assignee, '') = '' AND :as_of - coalesce(t.created_at, :as_of) > "
                   f"{rule.unassigned_for.seconds}")
    if rule.reopens is not None:
        out.append(f"coalesce(t.reopens, 0) >= {int(rule.reopens)}")
    if rule.csat_at_most is not None:
        out.append(f"coalesce({_latest('csat')} <= {float(rule.csat_at_most)!r}, 0)")
    if rule.nps_detractor:
        out.append(f"coalesce({_latest('nps')} <= 6, 0)")
    if rule.age is not None:
        out.append(f":as_of - coalesce(t.created_at, :as_of) > {rule.age.seconds}")
    if rule.tags is not None:
        out.append(f"EXISTS (SELECT 1 FROM json_each(t.tags) WHERE value IN ({sql_list(rule.tags)}))")
    if rule.team is not None:
        out.append(f"coalesce(t.team, '') IN ({sql_list(rule.team)})")
    return out


def _latest(kind: str) -> str:
    return f"(SELECT score FROM temp.latest_answers a WHERE a.customer_id = t.customer_id AND a.kind = '{kind}')"


def latest_answers_sql() -> str:
    """The latest CSAT and NPS score of each customer at or before :as_of (a label reads 5 when
    good, else 1), the twin of store/escalation.latest_answers."""
    score = "CASE WHEN score IS NULL THEN CASE WHEN label = 'good' THEN 5.0 ELSE 1.0 END ELSE score END"
    return ("SELECT customer_id, kind, score FROM (SELECT customer_id, kind, "
            f"{score} AS score, row_number() OVER (PARTITION BY customer_id, kind "
            "ORDER BY submitted_at DESC, rowid DESC) AS n FROM surveys WHERE kind IN ('csat', 'nps') AND "
            "submitted_at <= :as_of AND coalesce(customer_id, '') != '' AND (score IS NOT NULL OR "
            "coalesce(label, '') != '')) WHERE n = 1")


def needs_answers(tiers: tuple[Tier, ...]) -> bool:
    return any(r.csat_at_most is not None or r.nps_detractor for tier in tiers for r in tier.rules)


ESCALATED = "temp.escalated"  # the run's tickets: rid, source, ticket_id, due, rank


def decide_tiers(store: Store, tiers: tuple[Tier, ...], as_of: int, filters: dict, exact_names: set[int]) -> list[int]:
    """Every ticket with an open clock (of the `filters`' team and assignee) into ESCALATED with
    its tier rank as far as SQL can tell; returns the rowids of the UNDECIDED ones."""
    from cstool.store.sla_queries import clock_conditions

    q = store.conn.execute
    q(f"DROP TABLE IF EXISTS {ESCALATED}")
    q("CREATE TEMP TABLE escalated (rid INTEGER PRIMARY KEY, source TEXT, ticket_id TEXT, due INTEGER, "
      "rank INTEGER)")
    if not tiers:  # (a configuration may have none: then nothing escalates)
        return []
    cycles = q("SELECT 1 FROM clock_cycles LIMIT 1").fetchone() is not None
    args = {"as_of": as_of}
    if needs_answers(tiers):
        q("DROP TABLE IF EXISTS temp.latest_answers")
        q(f"CREATE TEMP TABLE latest_answers AS {latest_answers_sql()}", args)
        q("CREATE INDEX temp.latest_answers_key ON latest_answers(customer_id, kind)")
    sql = TierSql(tiers, exact_names, cycles)
    common, params = clock_conditions(filters)
    open_rows = (f"SELECT ticket FROM clocks WHERE fr_mode {OPEN_MODES} UNION SELECT ticket FROM clocks "
                 f"WHERE res_mode {OPEN_MODES}" + (f" UNION SELECT ticket FROM clock_cycles WHERE mode {OPEN_MODES}"
                                                   if cycles else ""))
    select = sql.select("clocks c JOIN tickets t ON t.rowid = c.ticket",
                        " AND ".join([f"c.ticket IN ({open_rows})", *common]))
    q(f"INSERT INTO {ESCALATED} SELECT * FROM ({select}) WHERE rank != {NONE}", {**params, **sql.params, **args})
    return [rid for (rid,) in q(f"SELECT rid FROM {ESCALATED} WHERE rank = {UNDECIDED}")]


def clock_calendars(store: Store) -> dict[int, str]:
    """{clock_names id: the calendar's name} (the names on 24x7 calendars are told exactly)."""
    return dict(store.conn.execute("SELECT id, calendar FROM clock_names"))


def pick(store: Store, rids: list[int]) -> str:
    """The tickets `rids` into a temporary table; returns its name (for sla_queries.open_clock_rows)."""
    store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS escalation_rids (rid INTEGER PRIMARY KEY)")
    store.conn.execute("DELETE FROM temp.escalation_rids")
    store.conn.executemany("INSERT INTO temp.escalation_rids VALUES (?)", [(r,) for r in rids])
    return "temp.escalation_rids"


def settle(store: Store, ranks: dict[int, int | None]) -> None:
    """The ranks the rules decided for the UNDECIDED tickets ({rowid: rank, None: no tier}); the
    tickets without a tier leave the run."""
    store.conn.executemany(f"UPDATE {ESCALATED} SET rank = ? WHERE rid = ?",
                           [(NONE if r is None else r, rid) for rid, r in ranks.items()])
    store.conn.execute(f"DELETE FROM {ESCALATED} WHERE rank < 0")


def keep_rank(store: Store, rank: int) -> None:
    store.conn.execute(f"DELETE FROM {ESCALATED} WHERE rank != ?", (rank,))


def _listed(previous: int | None) -> str:
    """The run's tickets that are listed: those above their tier of the recorded run `previous`
    (a ticket it did not hold counts as below every tier), all when there is none."""
    if previous is None:
        return "1"
    return (f"coalesce((SELECT l.tier_rank FROM escalation_log l WHERE l.as_of = {int(previous)} AND "
            "l.source = e.source AND l.ticket_id = e.ticket_id), -1) < e.rank")


def tier_sizes(store: Store, previous: int | None = None) -> dict[int, int]:
    """{rank: tickets} of the run (with `previous`, only those new since that recorded run)."""
    return dict(store.conn.execute(f"SELECT rank, count(*) FROM {ESCALATED} e WHERE {_listed(previous)} "
                                   "GROUP BY rank"))


def first_of_each_tier(store: Store, limit: int | None, previous: int | None = None) -> list[int]:
    """The rowids of the first `limit` tickets of each tier (None: all) in the queue's order:
    earliest deadline first (none last), then ticket id (one bounded sort per tier); with
    `previous`, of those new since that recorded run."""
    listed = _listed(previous)
    cut = "" if limit is None else f" LIMIT {int(limit)}"
    ranks = [rank for (rank,) in store.conn.execute(f"SELECT DISTINCT rank FROM {ESCALATED}")]
    return [rid for rank in ranks for (rid,) in store.conn.execute(
        f"SELECT rid FROM {ESCALATED} e WHERE rank = ? AND {listed} ORDER BY due IS NULL, due, ticket_id, source{cut}",
        (rank,))]


def record_run(store: Store, as_of: int, names: list[str], written: list[tuple[str, str, str, int, str]]) -> None:
    """Replace the history of run `as_of` with the run's tickets: every tier and rank, and the
    reasons of the tickets written out (`written`: source, ticket_id, tier, rank, reasons as
    JSON); the others' reasons NULL."""
    tier = ("CASE rank " + " ".join(f"WHEN {i} THEN {sql_list([n])}" for i, n in enumerate(names)) + " END"
            if names else "NULL")  # (no tiers: no rows)
    with store.write() as conn:
        conn.execute("DELETE FROM escalation_log WHERE as_of = ?", (as_of,))
        conn.executemany("INSERT INTO escalation_log VALUES (?, ?, ?, ?, ?, ?)", [(as_of, *row) for row in written])
        conn.execute(f"INSERT OR IGNORE INTO escalation_log SELECT ?, source, ticket_id, {tier}, rank, NULL "
                     f"FROM {ESCALATED} ORDER BY source, ticket_id", (as_of,))  # (in the order of the log's key)
