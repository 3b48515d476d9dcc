"""cstool.core.kpi: every formula of docs/semantics.md#kpi-formulas computed by hand on tiny record sets."""

from __future__ import annotations

from cstool.core import kpi

D, H = 86400, 3600


SINCE, UNTIL = 1_000 * D, 1_007 * D  # a 7-day period


def t(created, first=None, resolved=None, status="solved", reopens=0, replies=1, findings=None, **extra):
    return {"created_at": created, "first_response_at": first, "resolution_at": resolved, "status": status,
            "reopens": reopens, "replies": replies, "findings": findings, "reported": {}, **extra}


def test_volumes_backlog_and_ages():
    tickets = [t(SINCE + H, SINCE + 2 * H, SINCE + 5 * H),                 # created and resolved in period
               t(SINCE - D, None, SINCE + H),                              # resolved in period only
               t(SINCE + 6 * D, status="open"),                            # open at the end, 1 day old
               t(SINCE - 40 * D, status="pending"),                        # open, > 30 days
               t(SINCE + D, None, UNTIL + H),                              # solved after the end: backlog
               t(UNTIL + H, status="open")]                                # after the period: nothing
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert (f["tickets_created"].value, f["tickets_resolved"].value, f["backlog"].value) == (3, 2, 3)
    assert f["backlog_age_<1d"].value == 0 and f["backlog_age_1-3d"].value == 1
    assert f["backlog_age_3-7d"].value == 1 and f["backlog_age_>30d"].value == 1


def test_durations_median_p90_mean_and_findings_excluded():
    tickets = [t(SINCE + i * H, SINCE + i * H + m * 60) for i, m in enumerate([10, 20, 30, 40, 50])]
    tickets.append(t(SINCE, SINCE - 60, findings="response_before_created"))
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert f["first_response_median_s"] == kpi.Figure(1800.0, 5, basis="timestamps")
    assert f["first_response_p90_s"].value == 3000  # nearest rank: ceil(0.9 * 5) = 5th
    assert f["first_response_mean_s"].value == 1800.0
    assert f["first_response_median_s"].low_sample


def test_resolution_minus_paused_time_and_business_variant():
    tickets = [t(SINCE, None, SINCE + 10 * H, resolution_paused_s=4 * H, resolution_business_s=3 * H),
               t(SINCE, None, SINCE + 2 * H, reported={"full_resolution_business": 600})]
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert f["resolution_median_s"].value == (6 * H + 2 * H) / 2
    assert f["resolution_business_median_s"].value == (3 * H + 600) / 2  # stored clock, else vendor value
    assert f["resolution_business_median_s"].basis == "mixed" and f["resolution_median_s"].basis == "timestamps"
    only_vendor = kpi.ticket_kpis(tickets[1:], SINCE, UNTIL)["resolution_business_median_s"]
    assert (only_vendor.value, only_vendor.basis) == (600, "reported")
    assert kpi.ticket_kpis(tickets[:1], SINCE, UNTIL)["resolution_business_median_s"].basis == "clock"


def test_fcr_and_reopen():
    tickets = [t(SINCE, None, SINCE + H, replies=1), t(SINCE, None, SINCE + H, replies=0),
               t(SINCE, None, SINCE + H, replies=1, reopens=1), t(SINCE, None, SINCE + H, replies=3)]
    f = kpi.ticket_kpis(tickets, SINCE, UNTIL)
    assert f["fcr_pct"] == kpi.Figure(50.0, 4, ci=(15.0, 85.0))  # (with their Wilson intervals)
    assert f["reopen_pct"] == kpi.Figure(25.0, 4, ci=(4.56, 69.94))


def test_all_pending_and_no_surveys():
    f = kpi.compute_kpis([t(SINCE, status="pending"), t(SINCE, status="pending")], [], [], None, SINCE, UNTIL)
    assert f["backlog"].value == 2 and f["tickets_resolved"].value == 0
    assert f["fcr_pct"].value is None and f["csat_pct"] == kpi.Figure(None, 0)
    assert f["nps"].value is None and f["churn_pct"].value is None and f["clv"].value is None


def test_csat_with_good_bad_and_numeric():
    surveys = [{"kind": "csat", "score": 5, "label": None}, {"kind": "csat", "score": 4, "label": None},
               {"kind": "csat", "score": 2, "label": None}, {"kind": "csat", "score": None, "label": "good"},
               {"kind": "csat", "score": None, "label": "bad"}]
    f = kpi.csat(surveys)
    assert f["csat_pct"] == kpi.Figure(60.0, 5, ci=(23.07, 88.24))  # 5, 4, good of 5
    assert f["csat_avg"] == kpi.Figure(3.67, 3)


def test_nps_on_a_one_to_ten_scale_and_ces():
    scores = [10, 9, 8, 7, 6, 1, 9, 10, 3, 5]  # 4 promoters, 2 passives, 4 detractors
    f = kpi.nps([{"kind": "nps", "score": s} for s in scores])
    assert (f["nps"].value, f["promoters_pct"].value, f["passives_pct"].value, f["detractors_pct"].value) == (
        0.0, 40.0, 20.0, 40.0)
    c = kpi.ces([{"kind": "ces", "score": s} for s in (7, 6, 5, 4, 1)])
    assert (c["ces_avg"].value, c["ces_easy_pct"].value) == (4.6, 60.0)


def test_sla_compliance():
    clocks = [{"metric": "first_response", "stopped_at": SINCE + H, "due_at": SINCE + 2 * H},   # met
              {"metric": "first_response", "stopped_at": SINCE + 3 * H, "due_at": SINCE + 2 * H},  # breached
              {"metric": "first_response", "stopped_at": None, "due_at": SINCE + D},             # running past due
              {"metric": "first_response", "stopped_at": None, "due_at": UNTIL + D},             # not yet due
              {"metric": "resolution", "stopped_at": SINCE + H, "due_at": SINCE + H},            # met (not strict)
              {"metric": "resolution", "mode": "unknown", "started_at": SINCE, "stopped_at": None, "due_at": None},
              {"metric": "resolution", "mode": "unknown", "started_at": UNTIL, "stopped_at": None, "due_at": None}]
    f = kpi.sla_kpis(clocks, SINCE, UNTIL)
    assert f["sla_first_response_pct"] == kpi.Figure(33.33, 3, unknown=0, ci=(6.15, 79.23))  # (Wilson, 1 of 3)
    assert f["sla_resolution_pct"] == kpi.Figure(100.0, 1, unknown=1, ci=(20.65, 100.0))  # (unknown: apart)


def test_churn_and_clv():
    customers = [{"signup_at": 0, "churned_at": SINCE + D, "revenue": 100.0},
                 {"signup_at": 0, "churned_at": None, "revenue": 300.0},
                 {"signup_at": 0, "churned_at": SINCE - D, "revenue": 50.0},   # gone before: not counted
                 {"signup_at": SINCE + D, "churned_at": None, "revenue": 10.0},  # joined during: not at start
                 {"signup_at": 0, "churned_at": None, "revenue": 200.0},
                 {"signup_at": 0, "churned_at": None, "revenue": 200.0}]
    f = kpi.churn_kpis(customers, SINCE, UNTIL)
    assert f["churn_pct"] == kpi.Figure(25.0, 4)
    assert f["clv"].value == 800.0  # mean revenue 200 / 0.25


def test_compact_sample_arrays_give_the_figures_of_lists():
    """The store hands whole-second samples over as sorted int64 arrays (store/kpi.sorted_samples):
    the figures, and their types in json (5, not 5.0), are those of the same values as lists."""
    from array import array

    from cstool.core.kpi import Runs, duration_figures
    from cstool.store.kpi import sorted_samples

    assert sorted_samples("30,5,12") == array("q", [5, 12, 30])
    assert sorted_samples("30,5.5,12") == [5.5, 12, 30] and sorted_samples(None) == array("q")
    assert sorted_samples(f"{2**70},1") == [1, 2**70]  # (beyond 64 bits: a list)
    values = [7, 3, 3, 1200, 45, 9, 61, 2]
    as_array = duration_figures("resolution", sorted_samples(",".join(map(str, values))))
    assert as_array == duration_figures("resolution", values)
    assert [type(f.value) for f in as_array.values()] == [type(f.value) for f in duration_figures(
        "resolution", values).values()]
    runs = Runs([sorted_samples("1,5,9"), [2.5, 7.5]])
    assert duration_figures("resolution", runs) == duration_figures("resolution", [1, 5, 9, 2.5, 7.5])
