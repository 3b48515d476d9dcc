"""SLA policies: which tickets they apply to, their calendar, targets and pauses (DESIGN §6.6-6.8)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cstool.sla.duration import Duration

METRICS = ("first_response", "next_response", "resolution")
DEFAULT_PAUSE = {"resolution": ("pending", "on_hold")}


@dataclass(frozen=True)
class Policy:
    """One ordered SLA policy. `when` maps a canonical ticket field to accepted values
    (any of); an empty `when` matches every ticket. `at_risk` is a share of the target
    (0.25) or an absolute Duration. `targets[priority][metric]` is a Duration."""

    name: str
    calendar: str = "24x7"
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    at_risk: float | Duration = 0.25
    pause: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PAUSE))
    targets: dict[str, dict[str, Duration]] = field(default_factory=dict)


def default_policies() -> tuple[Policy, ...]:
    """The policy `cstool config init` writes (DESIGN §6.9)."""
    h = lambda n: Duration(seconds=n * 3600)  # noqa: E731
    return (
        Policy(
            name="default",
            targets={
                "urgent": {"first_response": h(1), "resolution": h(4)},
                "high": {"first_response": h(4), "resolution": h(24)},
                "normal": {"first_response": h(8), "resolution": h(72)},
                "low": {"first_response": h(24), "resolution": h(120)},
            },
        ),
    )
