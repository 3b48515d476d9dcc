"""cstool export --format parquet: the files read back (pyarrow) hold every row with its type,
and one week's headline KPIs recomputed from them equal `cstool kpi` for that week."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import pytest
from conftest import ROOT, SAMPLE_CONFIG, as_json

pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is in the test extra: pip install -e '.[test]'")

WEEK = ("2026-03-09T00:00:00+01:00", "2026-03-16T00:00:00+01:00")


def _epoch(value) -> int | None:
    return None if value is None else int(value.timestamp())


def _median(values: list[float]) -> float | None:
    values = sorted(values)
    n = len(values)
    if not n:
        return None
    return round(values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2, 1)


def _week_figures(tickets: list[dict], surveys: list[dict], since: int, until: int) -> dict:
    created = [t for t in tickets if t["created_at"] is not None and since <= t["created_at"] < until]
    resolved = [t for t in tickets if t["resolution_at"] is not None and since <= t["resolution_at"] < until]
    clean = [t for t in created if not t["findings"] and t["first_response_at"] is not None]
    met = breached = 0
    for t in tickets:
        stop, due = t["resolution_stopped_at"], t["resolution_due_at"]
        if due is None:
            continue
        if stop is not None and since <= stop < until:
            met, breached = (met + 1, breached) if stop <= due else (met, breached + 1)
        elif since <= due < until and (stop is None or stop > due):
            breached += 1
    paused = [(t["resolution_paused_s"] or 0) if t["resolution_mode"] == "stopped" and not t["resolution_note"] else 0
              for t in resolved]
    csat = [s for s in surveys if s["kind"] == "csat" and s["score"] is not None and
            since <= s["submitted_at"] < until]
    return {"tickets_created": len(created), "tickets_resolved": len(resolved),
            "first_response_median_s": _median([t["first_response_at"] - t["created_at"] for t in clean]),
            "resolution_median_s": _median([t["resolution_at"] - t["created_at"] - p for t, p in zip(resolved, paused)
                                            if t["created_at"] is not None and not t["findings"]]),
            "sla_resolution_pct": round(100 * met / (met + breached), 2) if met + breached else None,
            "csat_pct": round(100 * sum(s["score"] >= (s["scale_max"] or 5) - 1 for s in csat) / len(csat), 2)
            if csat else None}


def _read(folder, dataset: str) -> list[dict]:
    table = pq.read_table(folder / dataset)  # (the month=… folders are a Hive partitioning)
    rows = table.to_pylist()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, datetime):
                row[key] = _epoch(value)
    return rows


def test_export_reads_back_and_recomputes_a_weeks_headline_kpis(tmp_path, cli, demo_db):
    out = tmp_path / "export"
    result = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "export", "--format", "parquet", out)
    assert result.exit_code == 0, result.stderr
    tickets, surveys, events = _read(out, "tickets"), _read(out, "surveys"), _read(out, "events")
    counts = as_json(cli("--db", demo_db, "db", "info", "--format", "json"))["rows"]
    assert (len(tickets), len(surveys), len(events)) == (counts["tickets"], counts["surveys"], counts["ticket_events"])
    schema = json.loads((out / "_schema.json").read_text())
    created = pq.read_schema(next((out / "tickets").glob("month=*/part-0.parquet"))).field("created_at").type
    assert (created.unit, created.tz) == ("ms", "UTC")
    assert set(schema["datasets"]["tickets"]["columns"]) == set(pq.read_table(out / "tickets").column_names) - {"month"}
    assert all(isinstance(t["tags"], list) for t in tickets)
    doc = as_json(cli("--db", demo_db, "--config", SAMPLE_CONFIG, "kpi", "--since", WEEK[0], "--until", WEEK[1],
                      "--format", "json"))
    since, until = (int(datetime.fromisoformat(w).astimezone(UTC).timestamp()) for w in WEEK)
    mine = _week_figures(tickets, surveys, since, until)
    assert mine == {k: doc["metrics"][k]["value"] for k in mine}
    assert mine["tickets_created"] > 20 and mine["sla_resolution_pct"] is not None and mine["csat_pct"] is not None


def test_export_refuses_a_folder_with_files_and_leaves_it_alone(tmp_path, cli, demo_db):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = cli("--db", demo_db, "export", out)
    assert result.exit_code == 73 and "not an empty folder" in result.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not list(tmp_path.glob(".taken.partial-*"))


def test_docs_name_every_exported_column():
    from cstool.store.export import DATASETS, clock_columns

    text = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    clocks = [name for metric in ("first_response", "resolution") for name, _, _ in clock_columns("c.", metric)]
    missing = [f"{d.name}.{name}" for d in DATASETS for name, _, _ in d.columns
               if name not in clocks and f"`{name}`" not in text]
    missing += [name for name, _, _ in clock_columns("c.", "first_response")
                if f"`<metric>_{name.removeprefix('first_response_')}`" not in text]
    assert missing == []


def test_export_without_pyarrow_says_how_to_install_it(tmp_path, cli, demo_db, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # (an import of it now fails)
    result = cli("--db", demo_db, "export", tmp_path / "out")
    assert result.exit_code == 78 and "pip install 'cstool[parquet]'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_export_summary_fits_80_columns(tmp_path, cli, demo_db):
    result = cli("--db", demo_db, "export", tmp_path / "e")
    lines = result.stderr.splitlines()
    assert result.exit_code == 0 and len(lines) == 6 and max(len(line) for line in lines[1:]) <= 80
    assert lines[1].split()[0] == "tickets" and lines[1].split()[1].replace(",", "").isdigit()
