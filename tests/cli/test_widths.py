"""Every table command at 80, 120 and 200 columns on the demo store: no line wider than the
terminal, no value split across lines, the must-show columns there; golden files at 80.

Regenerate the golden files with CSTOOL_UPDATE_GOLDEN=1 and read the diff before committing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import REFERENCE, SAMPLE_CONFIG

GOLDEN = Path(__file__).parent / "golden"
AS_OF = ("--as-of", REFERENCE)
TABLES = {
    "sla_check": ("sla", "check", "--limit", "0", *AS_OF),
    "sla_show": ("sla", "show", "T02364", *AS_OF),
    "escalations": ("escalations", "--limit", "0", *AS_OF),
    "followups": ("followups", *AS_OF),
    "customer": ("customer", "C0152", *AS_OF),
    "kpi": ("kpi", "--by", "team", "--by", "channel", "--compare", "previous", *AS_OF),
    "db_info": ("db", "info"),
    "config_show": ("config", "show"),
    "calendar": ("calendar", "between", "2026-03-02T11:30", "2026-03-03T09:30", "-c", "premium"),
}
MUST_SHOW = {"sla_check": ("Ticket", "State", "Due", "Left / overdue"), "escalations": ("Ticket", "SLA clock"),
             "followups": ("Survey", "Answered", "Score"), "customer": ("When", "What", "Ticket")}


@pytest.fixture(scope="module")
def store(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo store (escalations records its runs) beside the sample config."""
    folder = tmp_path_factory.mktemp("widths")
    shutil.copy(demo_db, folder / "demo.db")
    shutil.copy(SAMPLE_CONFIG, folder / "cstool.toml")
    return folder


def run(cli, store: Path, width: int, *args: str):
    result = cli("--db", store / "demo.db", "--config", store / "cstool.toml", *args, env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.stderr   # (sla check exits 1 when something is breached)
    return result


@pytest.mark.parametrize("width", [80, 120, 200])
@pytest.mark.parametrize("name", list(TABLES))
def test_no_line_is_wider_than_the_terminal(cli, store, name, width):
    out = run(cli, store, width, *TABLES[name]).stdout
    too_wide = [line for line in out.splitlines() if len(line) > width]
    assert not too_wide, f"{name} at {width}: {too_wide[:3]}"
    header = next((line for line in out.splitlines() if all(h in line for h in MUST_SHOW.get(name, ("",)))), None)
    assert header is not None, f"{name} at {width}: a must-show column is missing"


@pytest.mark.parametrize("width", [80, 120])
def test_sla_check_keeps_each_value_whole_on_its_row(cli, store, width):
    findings = json.loads(run(cli, store, width, *TABLES["sla_check"], "-f", "json").stdout)
    lines = run(cli, store, width, *TABLES["sla_check"]).stdout.splitlines()
    for f in findings:
        due = f["due_at"][:16].replace("T", " ")
        assert any(line.startswith(f["ticket_id"] + " ") and f" {f['state']} " in line and due in line
                   for line in lines), f
        subject = f["subject"]
        assert any(subject in line for line in lines), subject   # the subject is never split mid-word


def test_a_narrow_table_names_its_hidden_columns_once(cli, store):
    result = run(cli, store, 80, *TABLES["escalations"])
    notes = [line for line in result.stderr.splitlines() if "hidden" in line]
    assert notes == ["cstool: 2 columns hidden (Assignee, Team): --wide shows all"]
    wide = run(cli, store, 80, "--wide", *TABLES["escalations"])
    assert "hidden" not in wide.stderr and "Assignee" in wide.stdout and max(map(len, wide.stdout.splitlines())) > 80


@pytest.mark.parametrize("name", ["sla_check", "sla_show", "escalations", "import_summary"])
def test_golden_at_80_columns(cli, store, tmp_path, name):
    if name == "import_summary":
        shutil.copy(Path(SAMPLE_CONFIG).parent / "tickets.csv", tmp_path / "tickets.csv")
        out = run(cli, store, 80, "import", "tickets", "tickets.csv", "--dry-run").stderr
        out = "\n".join(line for line in out.splitlines() if not line.startswith("cstool:")) + "\n"
    else:
        out = run(cli, store, 80, *TABLES[name]).stdout
    golden = GOLDEN / f"{name}_80.txt"
    if os.environ.get("CSTOOL_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
