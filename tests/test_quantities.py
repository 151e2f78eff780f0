"""Quantities (contract §4): current figures, revisions, running totals, spread, the most
conservative figure and the reliable range, on tests/data/quantities-and-questions.

Every expected figure below is worked out by hand from the fixture's claims.csv (see the
comments); none is copied from the program's output.
"""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest

from analysis.compute.results import analyze, to_contract, to_json
from analysis.contract.dataset import load_dataset

from .conftest import CONTRACT_EXAMPLE, DATA

FIXTURE = DATA / "quantities-and-questions"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(FIXTURE, cache=None)


def plain(value):
    """None for a missing figure, else the number: NaN never equals itself."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [
        tuple(plain(v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else v) for v in row)
        for row in frame[columns].astype(object).itertuples(index=False)
    ]


def test_figures_load_as_numbers(dataset):
    claims = dataset.claims.set_index("claim_id")
    assert claims.loc["k1", ["value", "low", "high"]].tolist() == [12.0, 8.0, 20.0]
    assert claims.loc["k3", "low"] == 100.0 and math.isnan(claims.loc["k3", "value"])
    assert claims.loc["k5", "hedged"]  # "about 40": the hedge is kept
    assertions = dataset.assertions.set_index("assertion_id")
    assert assertions.loc["tanks_lost", "cumulative"]
    assert not assertions.loc["deaths_strike", "cumulative"]
    assert assertions["unit"].notna().sum() == 2


def test_each_source_keeps_its_latest_figure(dataset):
    result = analyze(dataset)
    # deaths: mod_a k1 and k8 give 12 (8-20), k8 later; mod_b 5 then 7 (k4); wire about 40;
    # ucdp 9 (6-30); blog's "more than 100" (k3) withdrawn by its refutation k9
    assert rows(result.figures, ["assertion_id", "source_id", "claim_id", "value", "low"]) == [
        ("deaths_strike", "mod_a", "k8", 12.0, 8.0),
        ("deaths_strike", "mod_b", "k4", 7.0, None),
        ("deaths_strike", "ucdp", "k6", 9.0, 6.0),
        ("deaths_strike", "wire", "k5", 40.0, None),
        ("tanks_lost", "mod_a", "t4", 105.0, None),  # its latest day, 3 May
        ("tanks_lost", "wire", "t6", None, 95.0),  # "at least 95", as of its stated 6 May
    ]
    assert rows(result.figures, ["hedged", "day"])[3] == (True, None)
    assert rows(result.figures, ["day"])[4:] == [("2025-05-03",), ("2025-05-06",)]


def test_spread_conservative_figure_and_reliable_range(dataset):
    result = analyze(dataset)
    deaths, tanks = result.quantities.to_dict("records")
    # lower ends: mod_a 8, mod_b 7, ucdp 6, wire 40; upper ends: 20, 7, 30, 40
    assert (deaths["sources"], deaths["lowest"], deaths["highest"]) == (4, 6.0, 40.0)
    assert (deaths["conservative"], deaths["conservative_sources"]) == (6.0, ["ucdp"])
    # graded A-C: ucdp (A) 6-30 and mod_a (C) 8-20
    assert (deaths["range_low"], deaths["range_high"], deaths["range_basis"]) == (
        6.0,
        30.0,
        "graded",
    )
    assert (deaths["unit"], deaths["cumulative"]) == ("deaths", False)
    # running total: mod_a 105 (3 May), wire at least 95 (6 May): lower 105 and 95, upper
    # 105 and 95 (an open "at least" reaches its low); only mod_a is graded A-C
    assert (tanks["sources"], tanks["lowest"], tanks["highest"]) == (2, 95.0, 105.0)
    assert (tanks["conservative"], tanks["conservative_sources"]) == (95.0, ["wire"])
    assert (tanks["range_low"], tanks["range_high"]) == (105.0, 105.0)


def test_as_of_a_date_only_figures_known_then_count(dataset):
    result = analyze(dataset, as_of="2025-05-03")  # only d1 (2 May) is out
    deaths, tanks = result.quantities.to_dict("records")
    # mod_a 12 (8-20), mod_b 5, blog more than 100 (E: not credible)
    assert (deaths["sources"], deaths["lowest"], deaths["highest"]) == (3, 5.0, 100.0)
    assert (deaths["conservative"], deaths["conservative_sources"]) == (5.0, ["mod_b"])
    assert (deaths["range_low"], deaths["range_high"]) == (8.0, 20.0)  # mod_a alone
    assert (tanks["sources"], tanks["conservative"]) == (1, 110.0)  # t2, before its correction
    assert result.revisions.empty
    assert rows(result.series, ["day", "claim_id", "value", "falls"]) == [
        ("2025-05-01", "t1", 100.0, False),
        ("2025-05-02", "t2", 110.0, False),
    ]


def test_revisions_and_corrections(dataset):
    result = analyze(dataset)
    # mod_a's k1 -> k8 repeats 12 (8-20): no revision. mod_b 5 -> 7. mod_a's total for
    # 2 May, 110 (t2), corrected to 108 (t3); t4 (3 May) is a new day, no revision.
    assert rows(
        result.revisions,
        ["source_id", "from_claim", "to_claim", "from_value", "to_value", "at", "day"],
    ) == [
        ("mod_b", "k2", "k4", 5.0, 7.0, "2025-05-04", None),
        ("mod_a", "t2", "t3", 110.0, 108.0, "2025-05-04", "2025-05-02"),
    ]


def test_a_running_total_is_read_day_by_day(dataset):
    result = analyze(dataset)
    # mod_a: 100 (1 May), 108 (2 May, corrected), 105 (3 May: falls); wire 90 (4 May, its
    # stated day: no event time), at least 95 (6 May)
    assert rows(result.series, ["source_id", "day", "claim_id", "value", "low", "falls"]) == [
        ("mod_a", "2025-05-01", "t1", 100.0, None, False),
        ("mod_a", "2025-05-02", "t3", 108.0, None, False),
        ("mod_a", "2025-05-03", "t4", 105.0, None, True),
        ("wire", "2025-05-04", "t5", 90.0, None, False),
        ("wire", "2025-05-06", "t6", None, 95.0, False),
    ]


def test_the_json_gains_the_quantities_keys_only_when_there_are_quantities(dataset):
    document = json.loads(to_json(analyze(dataset)))
    keys = list(document)
    assert keys[-6:] == [
        "quantities",
        "figures",
        "revisions",
        "series",
        "questions",
        "alternatives",
    ]
    assert document["quantities"][0]["conservative_sources"] == ["ucdp"]
    assert document["figures"][0] == {
        "assertion_id": "deaths_strike",
        "source_id": "mod_a",
        "claim_id": "k8",
        "value": 12.0,
        "low": 8.0,
        "high": 20.0,
        "hedged": False,
        "stated_start": "2025-05-04",
        "stated_end": "2025-05-04",
        "day": None,
    }
    assert to_contract(analyze(dataset)) == document
    plain_keys = list(to_contract(analyze(load_dataset(CONTRACT_EXAMPLE))))
    assert not {"quantities", "figures", "revisions", "series"} & set(plain_keys)


def test_a_topic_without_quantities_keeps_the_keys_with_no_rows(dataset):
    result = analyze(dataset, topic="x-front")
    assert len(result.quantities) == 2
    assert result.quantities["assertion_id"].tolist() == ["deaths_strike", "tanks_lost"]


def test_running_totals_are_compared_on_the_latest_day_two_sources_gave_one(tmp_path):
    """The wire also gives a total for 2 May (the day mod_a corrected to 108): the latest
    day both sources gave a total is 2 May, so the spread is 97 to 108 and the most
    conservative figure the wire's 97, not its later 95+ against mod_a's 105 of 3 May."""
    folder = tmp_path / "common-day"
    shutil.copytree(FIXTURE, folder)
    with (folder / "claims.csv").open("a", encoding="utf-8") as claims:
        claims.write("t7,wire,tanks_lost,d2,supports,false,2025-05-04,2025-05-02,97,,,\n")
    result = analyze(load_dataset(folder, cache=None))
    tanks = result.quantities.set_index("assertion_id").loc["tanks_lost"]
    assert (tanks["lowest"], tanks["highest"], tanks["conservative"]) == (97.0, 108.0, 97.0)
    assert tanks["conservative_sources"] == ["wire"]
    assert tanks["compared_on"] == pd.Timestamp("2025-05-02")
    # the current figures themselves are untouched: each source's latest day
    current = result.figures.set_index(["assertion_id", "source_id"]).loc["tanks_lost"]
    assert current.loc["mod_a", "value"] == 105.0 and current.loc["wire", "low"] == 95.0
    untouched = analyze(load_dataset(FIXTURE, cache=None)).quantities
    assert untouched["compared_on"].isna().all()  # no common day: current figures compared
