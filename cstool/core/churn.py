"""Does support experience cost customers? (docs/semantics.md#churn-after-a-bad-experience) Pure.

Customers active in a period (a ticket created in it) are split by whether they had a bad
experience in it (an SLA breach on one of those tickets, a reopened ticket, or a CSAT answer of
2 or less); the churn rates of the two groups are compared by their ratio, with a 95 % interval
by the log method (Katz): exp(ln RR ± 1.96 sqrt(1/a - 1/n1 + 1/c - 1/n2)).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from cstool.core.fairness import Z


def churn_link(customers: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    """From (bad experience, churned) per active customer: {bad: {customers, churned, churn_pct},
    none: {...}, rate_ratio, ci} (ratio and interval None where a rate is zero or undefined)."""
    counts = {True: [0, 0], False: [0, 0]}
    for bad, churned in customers:
        counts[bool(bad)][0] += 1
        counts[bool(bad)][1] += bool(churned)
    (n1, a), (n2, c) = counts[True], counts[False]

    def group(n: int, churned: int) -> dict[str, Any]:
        return {"customers": n, "churned": churned, "churn_pct": round(100 * churned / n, 2) if n else None}

    ratio = ci = None
    if n1 and n2 and c:
        ratio = (a / n1) / (c / n2)
        if a:
            spread = Z * math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
            ci = [round(ratio * math.exp(-spread), 3), round(ratio * math.exp(spread), 3)]
        ratio = round(ratio, 3)
    return {"bad": group(n1, a), "none": group(n2, c), "rate_ratio": ratio, "ci": ci}
