"""Fixtures the command tests share."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import write

CONFIG = """
[defaults]
timezone = "Etc/UTC"

[[sla.policies]]
name = "All"
[sla.policies.targets]
normal = { first_response = "1h", resolution = "8h" }

[[escalation.tiers]]
name = "Tier 1"
rules = [{ sla_used = "50%" }]

[[escalation.tiers]]
name = "Lead"
rules = [{ sla_used = "100%" }, { csat_at_most = 2 }]
"""


@pytest.fixture
def queue_store(cli, tmp_path):
    """Two open tickets, three survey answers and one customer under a two-tier config."""
    (tmp_path / "cstool.toml").write_text(CONFIG)
    write(tmp_path / "t.csv", "id,subject,priority,status,customer_id,customer_email,assignee,created_at\n"
          "A,a,normal,open,C1,ann@example.com,Ana,2026-03-02T09:00:00Z\n"
          "B,b,normal,open,C2,bob@example.com,,2026-03-02T09:20:00Z\n")
    write(tmp_path / "s.csv", "id,ticket_id,customer_id,kind,score,comment,submitted_at\n"
          "S1,,C2,csat,1,awful,2026-03-01T12:00:00Z\nS2,,C1,nps,9,great,2026-03-01T12:00:00Z\n"
          "S3,,C1,nps,3,meh,2026-02-01T12:00:00Z\n")
    write(tmp_path / "c.csv", "id,email,name,tier,signup_at,churned_at,revenue\n"
          "C1,Ann@Example.com,Ann,vip,2024-01-01T00:00:00Z,,4900\n")
    for kind, name in (("tickets", "t.csv"), ("surveys", "s.csv"), ("customers", "c.csv")):
        assert cli("import", kind, name).exit_code == 0
    return tmp_path


@pytest.fixture
def mount(tmp_path):
    """mount(NAME, *options) -> a directory under tmp_path with a filesystem mounted on it
    (`mount OPTIONS DIR`), unmounted after the test; the test is skipped where this process may
    not mount (not root, or no privilege in this container)."""
    mounted = []

    def make(name: str, *options: str):
        if os.geteuid() != 0:
            pytest.skip("mounting a filesystem needs root")
        target = tmp_path / name
        target.mkdir()
        done = subprocess.run(["mount", *options, str(target)], capture_output=True)
        if done.returncode:
            pytest.skip(f"cannot mount here: {done.stderr.decode().strip()}")
        mounted.append(target)
        return target

    yield make
    for target in reversed(mounted):
        subprocess.run(["umount", str(target)], check=True)
