"""Deterministic generator of cstool's sample data (seeded; run it to rebuild the CSVs).

    python sample_data/generate.py            # writes tickets/events/surveys/customers CSVs here

Reference time ("now" of the demo): 2026-03-31T16:00:00Z. About 3,000 tickets over the 90 days
before it, five channels, four priorities, four teams, twelve agents, business-hours and weekly
volume patterns, a holiday, late and on-time responses, pending pauses, reopens, VIP customers,
and the events, surveys and customers that go with them. The config lives in cstool.toml.
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent
REFERENCE = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
START = REFERENCE - timedelta(days=90)
BERLIN = ZoneInfo("Europe/Berlin")
HOLIDAYS = {datetime(2026, 1, 1).date(), datetime(2026, 1, 6).date()}
CHANNELS = [("email", 40), ("chat", 25), ("phone", 15), ("web", 12), ("social", 8)]
PRIORITIES = [("urgent", 5), ("high", 20), ("normal", 55), ("low", 20)]
TEAMS = {"Billing": ["Ana Ruiz", "Ben Okafor", "Chen Wei"],
         "Technical": ["Dara Kim", "Eli Novak", "Femi Adeyemi"],
         "Onboarding": ["Gita Rao", "Hugo Blanc", "Ines Sousa"],
         "Accounts": ["Jon Berg", "Kai Meyer", "Lea Fischer"]}
TIERS = [("standard", 70), ("premium", 18), ("enterprise", 9), ("vip", 3)]
SUBJECTS = {
    "Billing": ["Invoice shows wrong VAT", "Double charge on card", "Refund not received",
                "Change billing address", "Upgrade plan pricing question"],
    "Technical": ["App crashes on login", "Export to CSV fails", "API returns 500",
                  "Sync stuck at 99%", "Password reset email never arrives"],
    "Onboarding": ["Help importing contacts", "SSO setup with Okta", "Training session request",
                   "Workspace migration", "Invite teammates not working"],
    "Accounts": ["Close my account", "Transfer ownership", "GDPR data request",
                 "Add a second admin", "Account locked after failed logins"],
}
TAGS = {"Billing": ["billing", "refund", "invoice"], "Technical": ["bug", "outage", "api", "login"],
        "Onboarding": ["setup", "sso", "import"], "Accounts": ["gdpr", "account", "security"]}
FIRST_RESPONSE_MIN = {"urgent": 40, "high": 150, "normal": 300, "low": 900}
CSAT_COMMENTS = {1: ["Nobody answered for days.", "Still broken."], 2: ["Slow and unhelpful."],
                 3: ["Okay in the end."], 4: ["Quick fix, thanks."], 5: ["Fantastic help!", "Solved in minutes."]}
NPS_COMMENTS = {"det": ["Too many outages lately.", "Support is slow."], "pas": ["Fine product."],
                "pro": ["Love it, recommend to everyone.", "Great team."]}


def pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def creation_times(rng: random.Random) -> list[datetime]:
    times = []
    day = START.astimezone(BERLIN).date()
    while day <= REFERENCE.astimezone(BERLIN).date():
        weight = 0.25 if day.weekday() >= 5 else 1.0
        weight = 0.15 if day in HOLIDAYS else weight
        weight *= 1.0 + 0.25 * (day.weekday() == 0)  # Monday peak
        weight *= 1.0 + 0.4 * (day - START.date()).days / 90  # growth
        for _ in range(int(rng.gauss(33 * weight, 4 * weight))):
            hour = rng.choices(range(24), [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 13, 10, 13, 14, 13, 11, 9,
                                           6, 4, 3, 2, 2, 1])[0]
            local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                             tzinfo=BERLIN)
            if START <= local < REFERENCE:
                times.append(local.astimezone(UTC))
        day += timedelta(days=1)
    return sorted(times)


def customers(rng: random.Random, n: int = 600):
    rows = []
    for i in range(1, n + 1):
        tier = pick(rng, TIERS)
        signup = REFERENCE - timedelta(days=rng.randint(100, 1500))
        churned = ""
        if rng.random() < 0.06:
            churned = iso(REFERENCE - timedelta(days=rng.randint(1, 120)))
        revenue = {"standard": 49, "premium": 199, "enterprise": 1490, "vip": 4900}[tier]
        rows.append({"id": f"C{i:04d}", "email": f"customer{i:04d}@example.com",
                     "name": f"Customer {i:04d}", "tier": tier, "signup_at": iso(signup),
                     "churned_at": churned, "revenue": f"{revenue * rng.uniform(0.8, 1.2):.2f}"})
    return rows


def lifecycle(rng, tid, created, priority, team, agent):
    """Events of one ticket up to REFERENCE: replies, pauses, solves, reopens, closes."""
    events = [(created, "status", "new"), (created, "customer_reply", "")]
    t = created + timedelta(minutes=rng.randint(1, 20))
    if rng.random() < 0.93:
        events.append((t, "assign", agent))
    late = rng.random() < 0.18
    wait = rng.expovariate(1 / FIRST_RESPONSE_MIN[priority]) * (3.5 if late else 1)
    t = created + timedelta(minutes=max(3, wait))
    reopens_left = 1 if rng.random() < 0.09 else 0
    reopens_left += 1 if reopens_left and rng.random() < 0.3 else 0
    cycles = 0
    if rng.random() < 0.3 and not reopens_left:  # answered and solved at the first touch
        events += [(t, "agent_reply", agent), (t, "status", "solved"), (t + timedelta(days=4), "status", "closed")]
        return sorted([e for e in events if e[0] <= REFERENCE], key=lambda e: e[0])
    while True:
        events.append((t, "agent_reply", agent))
        events.append((t, "status", "open"))
        cycles += 1
        if rng.random() < 0.35 and cycles < 4:  # ask the customer, wait for them
            events.append((t, "status", "pending"))
            t += timedelta(hours=rng.expovariate(1 / 14))
            events.append((t, "customer_reply", ""))
            events.append((t, "status", "open"))
            t += timedelta(minutes=rng.expovariate(1 / FIRST_RESPONSE_MIN[priority]) + 5)
            continue
        if rng.random() < 0.05:
            events.append((t, "status", "on_hold"))
            t += timedelta(hours=rng.uniform(4, 48))
            events.append((t, "status", "open"))
        t += timedelta(hours=rng.expovariate(1 / {"urgent": 2, "high": 8, "normal": 20, "low": 40}[priority]))
        if rng.random() < 0.04:  # a few tickets stay stuck with no progress
            t += timedelta(days=rng.uniform(5, 20))
        events.append((t, "agent_reply", agent))
        events.append((t, "status", "solved"))
        if reopens_left:
            reopens_left -= 1
            t += timedelta(hours=rng.uniform(2, 60))
            events.append((t, "customer_reply", ""))
            events.append((t, "status", "open"))
            t += timedelta(minutes=rng.expovariate(1 / FIRST_RESPONSE_MIN[priority]) + 5)
            continue
        events.append((t + timedelta(days=4), "status", "closed"))
        break
    if rng.random() < 0.03:
        events.append((created + timedelta(minutes=rng.randint(5, 60)), "note", "internal note"))
    return sorted([e for e in events if e[0] <= REFERENCE], key=lambda e: e[0])


def ticket_row(tid, created, priority, channel, team, agent, customer, subject, tags, events):
    status, first, resolved, closed, reopens, replies = "new", None, None, None, 0, 0
    assignee = ""
    for at, etype, value in events:
        if etype == "status":
            if value == "open" and status in ("solved", "closed"):
                reopens += 1
            status = value
            if value == "solved":
                resolved = at
            if value == "closed":
                closed = at
            if value == "open":
                resolved = None if status != "solved" else resolved
        elif etype == "agent_reply":
            replies += 1
            first = first or at
        elif etype == "assign":
            assignee = value
    if status not in ("solved", "closed"):
        resolved = None
    return {"id": tid, "subject": subject, "customer_id": customer["id"], "customer_email": customer["email"],
            "customer_name": customer["name"], "customer_tier": customer["tier"], "channel": channel,
            "priority": priority, "status": status, "team": team, "assignee": assignee,
            "created_at": iso(created), "first_response_at": iso(first) if first else "",
            "resolved_at": iso(resolved) if resolved else "", "closed_at": iso(closed) if closed else "",
            "updated_at": iso(events[-1][0]), "reopens": reopens, "replies": replies, "tags": ",".join(tags)}


def main() -> None:
    rng = random.Random(20260331)
    custs = customers(rng)
    tickets, events, surveys = [], [], []
    for n, created in enumerate(creation_times(rng), 1):
        tid = f"T{n:05d}"
        team = rng.choice(list(TEAMS))
        agent = rng.choice(TEAMS[team])
        customer = rng.choice(custs)
        priority = pick(rng, PRIORITIES)
        if customer["tier"] == "vip" and priority in ("low", "normal"):
            priority = "high"
        subject = rng.choice(SUBJECTS[team])
        tags = rng.sample(TAGS[team], rng.randint(1, 2))
        evs = lifecycle(rng, tid, created, priority, team, agent)
        row = ticket_row(tid, created, priority, pick(rng, CHANNELS), team, agent, customer, subject, tags, evs)
        tickets.append(row)
        events += [{"ticket_id": tid, "at": iso(at), "type": t, "value": v} for at, t, v in evs]
        if row["resolved_at"] and rng.random() < 0.32:
            late = (datetime.fromisoformat(row["resolved_at"]) - created).total_seconds() > 86400 * 2
            score = rng.choices([1, 2, 3, 4, 5], [8, 6, 10, 30, 46] if late else [2, 3, 7, 30, 58])[0]
            surveys.append({"id": f"S{len(surveys) + 1:05d}", "ticket_id": tid, "customer_id": customer["id"],
                            "kind": "csat", "score": score, "comment": rng.choice(CSAT_COMMENTS[score]),
                            "submitted_at": iso(datetime.fromisoformat(row["resolved_at"])
                                                + timedelta(hours=rng.randint(1, 30)))})
        if row["resolved_at"] and rng.random() < 0.12:
            surveys.append({"id": f"S{len(surveys) + 1:05d}", "ticket_id": tid, "customer_id": customer["id"],
                            "kind": "ces", "score": rng.choices(range(1, 8), [3, 4, 6, 10, 20, 30, 27])[0],
                            "comment": "", "submitted_at": ""})
    for customer in custs:
        if rng.random() < 0.45:
            score = rng.choices(range(11), [2, 1, 2, 2, 3, 4, 6, 12, 18, 25, 25])[0]
            band = "det" if score <= 6 else "pas" if score <= 8 else "pro"
            when = REFERENCE - timedelta(days=rng.uniform(0.5, 88))
            surveys.append({"id": f"S{len(surveys) + 1:05d}", "ticket_id": "", "customer_id": customer["id"],
                            "kind": "nps", "score": score, "comment": rng.choice(NPS_COMMENTS[band]),
                            "submitted_at": iso(when)})
    surveys.append({"id": f"S{len(surveys) + 1:05d}", "ticket_id": "", "customer_id": "C0001", "kind": "nps",
                    "score": "", "comment": "", "submitted_at": iso(REFERENCE - timedelta(days=2))})
    for name, rows in (("tickets", tickets), ("events", events), ("surveys", surveys), ("customers", custs)):
        with open(HERE / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
