"""Chronology rules: shifts only when certainly ordered, conflicts when overlapping, lags."""

from __future__ import annotations

import pandas as pd

from analysis.compute.chronology import certainly_before
from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset

from .builders import write_dataset
from .conftest import SEED


def test_seed_shift_is_zelenskys_hedge_to_confirmation():
    shifts = analyze(load_dataset(SEED)).shifts
    assert shifts[["source_id", "assertion_id", "from_claim", "to_claim"]].values.tolist() == [
        ["zelensky", "ua_in_belgorod", "zelensky.belgorod.0318", "zelensky.belgorod.0407"]
    ]
    row = shifts.iloc[0]
    assert (row["from_hedged"], row["to_hedged"], row["at"]) == (
        True,
        False,
        pd.Timestamp("2025-04-07"),
    )


def test_overlapping_claims_are_conflicts_not_shifts(tmp_path):
    path = write_dataset(
        tmp_path / "overlap",
        [
            "c1,s1,a1,d1,refutes,false,last month,,",  # April 2025
            "c2,s1,a1,d1,supports,false,April 18,,",  # inside April: overlapping
            "c3,s1,a1,d1,supports,true,2025-05-03,,",  # after both: a shift from c2
        ],
        {"d1": "2025-05-06"},
    )
    result = analyze(load_dataset(path))
    assert result.conflicts[["claim_a", "claim_b"]].values.tolist() == [["c1", "c2"]]
    assert result.shifts[["from_claim", "to_claim"]].values.tolist() == [["c2", "c3"]]


def test_certainly_before_has_no_false_precision():
    days = pd.to_datetime
    # March (last month) against March 18; March 1-10 against March 18; March 20-21 against it
    a_start = pd.Series(days(["2025-03-01", "2025-03-01", "2025-03-20"]))
    a_end = pd.Series(days(["2025-03-31", "2025-03-10", "2025-03-21"]))
    b_start = b_end = pd.Series(days(["2025-03-18", "2025-03-18", "2025-03-18"]))
    assert certainly_before(a_end, b_start).tolist() == [False, True, False]
    assert certainly_before(b_end, a_start).tolist() == [False, False, True]
    # a day that ends one interval and starts the other is shared: neither is before
    assert certainly_before(days(["2025-03-18"]), days(["2025-03-18"])).tolist() == [False]


def test_shifts_and_conflicts_split_pairs_by_the_same_rule(tmp_path):
    path = write_dataset(
        tmp_path / "boundary",
        [
            "c1,s1,a1,d1,refutes,false,last month,,",  # 1-30 April 2025
            "c2,s1,a1,d1,supports,false,2025-04-30,,",  # shares 30 April with c1: overlapping
            "c3,s1,a1,d1,supports,true,2025-05-01,,",  # the day after both: certainly later
        ],
        {"d1": "2025-05-06"},
    )
    result = analyze(load_dataset(path))
    assert result.conflicts[["claim_a", "claim_b"]].values.tolist() == [["c1", "c2"]]
    assert result.shifts[["from_claim", "to_claim"]].values.tolist() == [["c2", "c3"]]


def test_lag_uses_claim_event_time_else_assertions(tmp_path):
    path = write_dataset(
        tmp_path / "lag",
        [
            "c1,s1,a1,d1,supports,false,2025-05-05,2025-05-01/2025-05-02,",
            "c2,s2,a1,d1,supports,false,2025-04-20,2025-04-25,",
        ],
        {"d1": "2025-05-06"},
    )
    timeline = analyze(load_dataset(path)).timeline.set_index("claim_id")
    assert timeline.loc["c1", "lag_days"] == 3
    assert timeline.loc["c2", "lag_days"] == 0  # event after the statement: never negative
    seed = analyze(load_dataset(SEED)).timeline.set_index("claim_id")
    # no event time of its own: the assertion's (March 2025) is used
    assert seed.loc["ru_mod.incursion.0318", "event_end"] == pd.Timestamp("2025-03-31")
    assert seed.loc["ru_mod.incursion.0318", "lag_days"] == 0
    assert pd.isna(seed.loc["zelensky.225th.0407", "lag_days"])
