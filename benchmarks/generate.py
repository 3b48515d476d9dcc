"""Seeded generator of N tickets (+ events, surveys, customers) in cstool's generic format.

    python benchmarks/generate.py --tickets 1000000 --out /tmp/bench [--realistic] [--backlog 0.15]

Tickets spread evenly over 450 days; only those of the last ten days can still be open (a
realistic backlog). Writes tickets.csv (15 columns, ISO-8601 timestamps with offsets; 1M rows
is about 210 MB),
events.csv (about 4 per ticket), surveys.csv (0.3 per ticket; 60 % with a comment) and
customers.csv into --out.
Generate into a temporary folder; never commit the output.

`--realistic` gives the shapes real exports have: subjects quoted because they hold commas,
quotes or line breaks (about 42 % of rows), a customer e-mail column, five UTC offsets, times
with and without fractional seconds. `--backlog SHARE` leaves that share of all tickets open
(spread over the whole span: an old, heavy backlog) instead of the last ten days' tickets only.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN_DAYS = 450
CHANNELS = ["email", "chat", "phone", "web", "social"]
PRIORITIES = ["urgent", "high", "normal", "normal", "normal", "low"]
BACKLOG_DAYS = 10
RECENT_STATUSES = ["open", "open", "pending", "new", "solved", "solved", "closed"]
DONE_STATUSES = ["closed"] * 5 + ["solved"]
TEAMS = ["Billing", "Technical", "Onboarding", "Accounts"]
TIERS = ["standard"] * 7 + ["premium", "enterprise", "vip"]


# Survey comments: about 60 % of the answers have one, in the tone of the score, put together
# from pieces so that most are different texts (as real comments are); 4 % are in French or German.
PRAISE = ["Quick fix, thanks", "The agent was friendly and solved it", "Great support", "Fast answer",
          "Very helpful team", "Solved in minutes", "Clear explanation of the invoice", "Refund arrived quickly"]
COMPLAINTS = ["Slow and unhelpful", "Nobody answered for days", "Still broken", "The refund never arrived",
              "Too many outages lately", "Login keeps failing", "I had to explain the problem three times",
              "The invoice is wrong again", "Rude agent", "Waited a week for a reply"]
MIDDLE = ["It works now", "Okay in the end", "Answer was fine but late", "Password reset took a while"]
TAILS = ["", "", " on order {n}", " about ticket {n}", " with the {p} plan", ", {d} days after I asked",
         " for my {p} account"]
PLANS = ["starter", "team", "business", "enterprise", "API", "mobile"]
FOREIGN = ["Très bon accueil, merci", "Toujours pas de remboursement après {d} jours", "Service lent et peu aimable",
           "Schnelle Hilfe, danke", "Keine Antwort seit {d} Tagen", "La connexion ne fonctionne toujours pas"]


def comment(rng: random.Random, good: bool | None) -> str:
    if rng.random() < 0.4:
        return ""
    if rng.random() < 0.04:
        return rng.choice(FOREIGN).format(d=rng.randint(2, 30))
    pool = PRAISE if good else COMPLAINTS if good is False else MIDDLE
    tail = rng.choice(TAILS).format(n=rng.randrange(100_000), p=rng.choice(PLANS), d=rng.randint(2, 30))
    text = rng.choice(pool) + tail + rng.choice([".", "!", "", "..."])
    return text + " " + rng.choice(pool) + "." if rng.random() < 0.3 else text


def survey(rng: random.Random, texts: random.Random, sid: str, tid: str, cid: str, resolved: datetime) -> list:
    kind = rng.choice(["csat", "csat", "nps", "ces"])
    score = {"csat": rng.randint(1, 5), "nps": rng.randint(0, 10), "ces": rng.randint(1, 7)}[kind]
    low, high = {"csat": (2, 4), "nps": (6, 9), "ces": (3, 5)}[kind]
    text = comment(texts, True if score >= high else False if score <= low else None)
    return [sid, tid, cid, kind, score, text, iso(resolved + timedelta(hours=2))]


OFFSETS = [timezone(timedelta(hours=h)) for h in (0, 1, -5, 5.5, 9)]
SUBJECTS = ['Refund for order {n}, please', 'Login fails: "invalid token" ({n})', 'Invoice {n}\nwrong amount',
            'Can\'t export, CSV "broken", again ({n})', 'API 500 on /v2/items, id {n}']


def iso(dt: datetime) -> str:
    return dt.isoformat()


class Shape:
    """How the written times and subjects look: plain (UTC offsets, whole seconds) or realistic."""

    def __init__(self, realistic: bool, rng: random.Random):
        self.realistic, self.rng = realistic, rng

    def time(self, dt: datetime) -> str:
        if not self.realistic:
            return dt.isoformat()
        local = dt.astimezone(OFFSETS[self.rng.randrange(len(OFFSETS))])
        if self.rng.random() < 0.5:
            local += timedelta(microseconds=self.rng.randrange(1, 1000) * 1000)
        return local.isoformat()

    def subject(self, i: int) -> str:
        if self.realistic and self.rng.random() < 0.42:
            return self.rng.choice(SUBJECTS).format(n=i % 997)
        return f"Subject {i % 997}"


def generate(n: int, out: Path, seed: int = 7, events: bool = True, realistic: bool = False,
             backlog: float | None = None) -> dict[str, Path]:
    rng = random.Random(seed)
    shape = Shape(realistic, random.Random(seed + 1))
    texts = random.Random(seed + 2)  # (its own stream: the tickets stay those of earlier runs)
    out.mkdir(parents=True, exist_ok=True)
    customers = max(100, n // 20)
    paths = {k: out / f"{k}.csv" for k in ("tickets", "events", "surveys", "customers")}
    with open(paths["customers"], "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "email", "name", "tier", "signup_at", "churned_at", "revenue"])
        for i in range(customers):
            churned = iso(START + timedelta(days=rng.uniform(0, SPAN_DAYS))) if rng.random() < 0.05 else ""
            w.writerow([f"C{i:07d}", f"c{i}@example.com", f"Customer {i}", rng.choice(TIERS),
                        iso(START - timedelta(days=rng.uniform(0, 900))), churned, f"{rng.uniform(20, 5000):.2f}"])
    tf = open(paths["tickets"], "w", newline="")
    ef = open(paths["events"], "w", newline="") if events else None
    sf = open(paths["surveys"], "w", newline="")
    tw, sw = csv.writer(tf), csv.writer(sf)
    ew = csv.writer(ef) if ef else None
    tw.writerow(["id", "subject", "customer_id", "channel", "priority", "status", "team", "assignee",
                 "created_at", "first_response_at", "resolved_at", "updated_at", "reopens", "replies", "tags"]
                + (["customer_email"] if realistic else []))
    sw.writerow(["id", "ticket_id", "customer_id", "kind", "score", "comment", "submitted_at"])
    if ew:
        ew.writerow(["ticket_id", "at", "type", "value"])
    survey_id = 0
    for i in range(n):
        created = START + timedelta(seconds=int(SPAN_DAYS * 86400 * i / n) + rng.randrange(600))
        first = created + timedelta(minutes=rng.expovariate(1 / 240))
        if backlog is None:
            recent = i >= n * (1 - BACKLOG_DAYS / SPAN_DAYS)  # only the last days' tickets are still open
            status = rng.choice(RECENT_STATUSES if recent else DONE_STATUSES)
        else:
            status = rng.choice(["open", "pending", "new"]) if rng.random() < backlog else rng.choice(DONE_STATUSES)
        resolved = first + timedelta(hours=rng.expovariate(1 / 30)) if status in ("solved", "closed") else None
        updated = resolved or first
        tid, cid = f"T{i:08d}", f"C{rng.randrange(customers):07d}"
        team = rng.choice(TEAMS)
        t = shape.time
        tw.writerow([tid, shape.subject(i), cid, rng.choice(CHANNELS), rng.choice(PRIORITIES), status, team,
                     f"{team[:3]}-agent-{rng.randrange(6)}", t(created), t(first),
                     t(resolved) if resolved else "", t(updated), int(rng.random() < 0.08),
                     rng.randint(1, 6), rng.choice(["billing", "bug", "login", "refund", "api"])]
                    + ([f"{cid.lower()}@example.com"] if realistic else []))
        if ew:
            ew.writerow([tid, iso(created), "status", "new"])
            ew.writerow([tid, iso(first), "agent_reply", ""])
            ew.writerow([tid, iso(first), "status", "open"])
            if resolved:
                ew.writerow([tid, iso(resolved), "status", "solved"])
        if resolved and rng.random() < 0.3:
            survey_id += 1
            sw.writerow(survey(rng, texts, f"S{survey_id:08d}", tid, cid, resolved))
    for fh in (tf, ef, sf):
        if fh:
            fh.close()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-events", action="store_true")
    parser.add_argument("--realistic", action="store_true", help="quoted subjects, e-mails, UTC offsets, fractions")
    parser.add_argument("--backlog", type=float, help="share of all tickets left open (e.g. 0.15)")
    args = parser.parse_args()
    for kind, path in generate(args.tickets, args.out, args.seed, not args.no_events, args.realistic,
                               args.backlog).items():
        if path.exists():
            print(f"{kind}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
