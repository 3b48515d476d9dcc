"""SLA policies: which tickets they apply to, their calendar, targets and pauses (docs/semantics.md#sla-policies)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cstool.core.models import Record
from cstool.core.sla.duration import Duration

METRICS = ("first_response", "next_response", "resolution")


@dataclass(frozen=True)
class Policy:
    """One ordered SLA policy. `when` maps a canonical ticket field to accepted values
    (any of); an empty `when` matches every ticket. `at_risk` is a share of the target
    (0.25) or an absolute Duration. `targets[priority][metric]` is a Duration."""

    name: str
    calendar: str
    when: dict[str, tuple[str, ...]]
    at_risk: float | Duration
    pause: dict[str, tuple[str, ...]]
    targets: dict[str, dict[str, Duration]]
    stops: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    """(a cache of the statuses that stop each metric's clock, filled by the clock engine)"""


def _matches(ticket: Record, field_name: str, accepted: tuple[str, ...]) -> bool:
    value = ticket.get(field_name)
    wanted = {a.lower() for a in accepted}
    if isinstance(value, (list, tuple)):
        return any(str(v).lower() in wanted for v in value)
    return value is not None and str(value).lower() in wanted


def match_policy(policies: tuple[Policy, ...], ticket: Record) -> tuple[Policy, str]:
    """The first policy whose every `when` condition holds (case-insensitive, list = any of),
    and the reason in words. The last policy has no conditions, so one always matches."""
    for policy in policies:
        if all(_matches(ticket, f, values) for f, values in policy.when.items()):
            if not policy.when:
                return policy, "default policy (no conditions)"
            return policy, " and ".join(f"{f}={ticket.get(f)!s} in [{', '.join(v)}]" for f, v in policy.when.items())
    raise ValueError("no SLA policy matches and there is no default policy")


CLOCK_RULES = 2  # the version of the clock rules: raising it recomputes every stored clock


def policies_fingerprint(policies: tuple[Policy, ...], calendars: Mapping[str, object]) -> str:
    """A stable hash of everything that changes clock results; stored with each clock."""
    import hashlib

    return hashlib.blake2b(repr((CLOCK_RULES, policies, sorted(calendars.items()))).encode(),
                           digest_size=10).hexdigest()
