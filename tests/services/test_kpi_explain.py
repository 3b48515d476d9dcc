"""`kpi --explain`: for every figure of the KPI document, the explained records are exactly its n
records and recompute its value (by the rules written here, apart from cstool's)."""

from __future__ import annotations

import shutil
import statistics

import pytest
from conftest import SAMPLE_CONFIG

from cstool.config import load_config
from cstool.core import periods
from cstool.core.kpi_explain import metrics
from cstool.services.kpi import kpi_report
from cstool.services.kpi_explain import explain_figure
from cstool.services.sla import SlaEngine
from cstool.store import open_store

TZ = "Europe/Berlin"
SINCE, UNTIL = (periods.named_period("last-month", 1774972800, TZ, None))  # February 2026
POSITIVE = {"sla_first_response_pct": "met", "sla_resolution_pct": "met", "fcr_pct": "one-touch",
            "reopen_pct": "reopened", "csat_pct": "satisfied", "promoters_pct": "promoter", "passives_pct": "passive",
            "detractors_pct": "detractor", "ces_easy_pct": "easy", "churn_pct": "churned"}


def recomputed(metric: str, rows: list[dict], churn: float | None) -> float | None:
    """The figure from its explained rows alone."""
    n = len(rows)
    values = [r["value"] for r in rows]
    if metric in POSITIVE:
        return round(100.0 * sum(r["counted"] == POSITIVE[metric] for r in rows) / n, 2) if n else None
    if metric == "nps":
        promoters = sum(r["counted"] == "promoter" for r in rows)
        return round(100.0 * (promoters - sum(r["counted"] == "detractor" for r in rows)) / n, 2) if n else None
    if metric in ("csat_avg", "ces_avg"):
        return round(statistics.fmean(values), 2) if n else None
    if metric == "clv":
        return round(statistics.fmean(values) / (churn / 100), 2) if n and churn else None
    if metric.endswith(("_median_s", "_p90_s")):
        marked = [r["value"] for r in rows if r["mark"]]
        assert len(marked) == (1 if metric.endswith("_p90_s") or n % 2 else 2) or not n
        assert values == sorted(values)
        return round(statistics.fmean(marked), 1) if n else None
    if metric.endswith("_mean_s"):
        return round(statistics.fmean(values), 1) if n else None
    return n  # volumes and response counts


@pytest.fixture(scope="module")
def store(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "d.db"
    shutil.copy(demo_db, path)
    engine = SlaEngine(load_config(SAMPLE_CONFIG))
    with open_store(path, create=False) as opened:
        yield opened, engine


@pytest.mark.parametrize("by, group, where, explained_figures", [
    ([], {}, (), 30),
    (["week", "team"], {"week": "2026-W08", "team": "Billing"}, (), 20),
    (["tag"], {"tag": "refund"}, (("channel", "email"),), 20),
    (["team"], {"team": "(none)"}, (), 5),  # (the answers without a ticket)
])
def test_every_figure_is_recomputed_from_exactly_its_records(store, by, group, where, explained_figures):
    opened, engine = store
    doc = kpi_report(opened, engine, SINCE, UNTIL, by, False, TZ, where)
    figures = doc["metrics"] if not group else next(g["metrics"] for g in doc["groups"] if g["key"] == group)
    explained = {m: explain_figure(opened, engine, SINCE, UNTIL, by, where, group, m, TZ) for m in metrics()}
    assert set(explained) == set(figures)
    counted = 0
    for metric, figure in figures.items():
        got = explained[metric]
        assert (got["value"], got["n"]) == (figure["value"], figure["n"]), metric
        assert len(got["rows"]) == figure["n"], metric
        churn = explained["churn_pct"]["value"]
        assert recomputed(metric, got["rows"], churn) == figure["value"], metric
        counted += figure["n"] > 0
    assert counted >= explained_figures  # (figures with records to explain: the test is not vacuous)


def test_a_group_outside_the_document_is_named_as_such(store):
    from cstool.core.errors import UsageError

    opened, engine = store
    with pytest.raises(UsageError, match="not a week of the period"):
        explain_figure(opened, engine, SINCE, UNTIL, ["week"], (), {"week": "2025-W01"}, "backlog", TZ)
    with pytest.raises(UsageError, match="expected one of tickets_created"):
        explain_figure(opened, engine, SINCE, UNTIL, [], (), {}, "backlogg", TZ)
