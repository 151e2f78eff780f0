"""Analysis of competing hypotheses (compute/ach.py), by hand.

On tests/data/quantities-and-questions with reliabilities given by hand (mod_a 0.8,
mod_b 0.6, wire 0.5, ucdp 0.9), and on small tables where the sensitivity check fails.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.compute.ach import competing_hypotheses, weigh_hypotheses
from analysis.compute.results import analyze, with_estimates
from analysis.contract.dataset import load_dataset

from .conftest import DATA

FIXTURE = DATA / "quantities-and-questions"
RELIABILITY = pd.Series({"mod_a": 0.8, "mod_b": 0.6, "wire": 0.5, "ucdp": 0.9})


@pytest.fixture(scope="module")
def result():
    return analyze(load_dataset(FIXTURE, cache=None))


@pytest.fixture(scope="module")
def by_hand(result):
    """The fixture's evidence weighed with RELIABILITY instead of the estimates."""
    found = competing_hypotheses(result)
    return weigh_hypotheses(
        found.evidence[
            ["question_id", "claim_id", "source_id", "assertion_id", "stance", "hedged"]
        ],
        result.alternatives.astype({"question_id": str, "assertion_id": str}),
        RELIABILITY,
    )


def scores(hypotheses, question: str) -> dict[str, tuple[float, float, int]]:
    ranking = hypotheses.ranking[hypotheses.ranking["question_id"] == question]
    return {
        row.assertion_id: (round(row.inconsistency, 6), round(row.consistency, 6), row.rank)
        for row in ranking.itertuples()
    }


def test_the_evidence_is_each_sources_own_current_position(by_hand):
    # q_town: mod_a supports A (w1); mod_b's latest is A (w4: its earlier B, w2, is
    # superseded); wire's hedged "divided" (w3); ucdp refutes "divided" (w5). The
    # refutations w1 and w4 imply are not evidence of their own.
    town = by_hand.evidence[by_hand.evidence["question_id"] == "q_town"]
    assert sorted(town["claim_id"]) == ["w1", "w3", "w4", "w5"]
    bridge = by_hand.evidence[by_hand.evidence["question_id"] == "q_bridge_day"]
    assert sorted(bridge["claim_id"]) == ["r1", "r2", "r4"]  # wire's hedged r3 superseded by r4


def test_alternatives_ranked_by_weighted_inconsistency(by_hand):
    # town_a: against it only wire's hedged "divided", 0.5 * 0.5 = 0.25; for it 0.8 + 0.6
    # town_b: against it mod_a 0.8, mod_b 0.6, wire 0.25 = 1.65
    # town_split: mod_a 0.8, mod_b 0.6 and ucdp's refutation 0.9 = 2.3; for it wire 0.25
    assert scores(by_hand, "q_town") == {
        "town_a": (0.25, 1.4, 1),
        "town_b": (1.65, 0.0, 2),
        "town_split": (2.3, 0.25, 3),
    }
    # may1 held by mod_a, ucdp and wire: nothing against it; may2 has 0.8 + 0.9 + 0.5
    assert scores(by_hand, "q_bridge_day") == {
        "bridge_may1": (0.0, 2.2, 1),
        "bridge_may2": (2.2, 0.0, 2),
    }


def test_matrix_rates_a_refutation_only_against_the_alternative_it_names(by_hand):
    cells = by_hand.matrix[by_hand.matrix["claim_id"] == "w5"]
    assert cells[["alternative", "rating"]].values.tolist() == [["town_split", "inconsistent"]]
    support = by_hand.matrix[by_hand.matrix["claim_id"] == "w1"].set_index("alternative")["rating"]
    assert support.to_dict() == {
        "town_a": "consistent",
        "town_b": "inconsistent",
        "town_split": "inconsistent",
    }


def test_diagnosticity_is_weight_times_the_share_of_pairs_told_apart(by_hand):
    # three alternatives: a piece tells the one it names from two others, 2 of 3 pairs
    town = by_hand.evidence[by_hand.evidence["question_id"] == "q_town"]
    got = dict(zip(town["source_id"], town["diagnosticity"].round(6), strict=True))
    assert got == {
        "ucdp": 0.6,
        "mod_a": round(0.8 * 2 / 3, 6),
        "mod_b": 0.4,
        "wire": round(0.25 * 2 / 3, 6),
    }
    assert town["source_id"].tolist() == ["ucdp", "mod_a", "mod_b", "wire"]  # most diagnostic first


def test_sensitivity_without_the_most_influential_source(by_hand):
    table = by_hand.sensitivity.set_index("question_id")
    # q_town: ucdp (0.6) weighs most; without its refutation town_a still leads
    assert table.loc["q_town"].tolist() == ["town_a", "ucdp", "town_a", True]
    assert table.loc["q_bridge_day"].tolist() == ["bridge_may1", "ucdp", "bridge_may1", True]


ALTERNATIVES = pd.DataFrame(
    {
        "question_id": ["q", "q", "lone"],
        "assertion_id": ["x", "y", "z"],
        "statement": ["X", "Y", "Z"],
    }
)


def evidence(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["question_id", "claim_id", "source_id", "assertion_id", "stance", "hedged"]
    )


def test_a_ranking_that_rests_on_one_source_does_not_hold():
    found = weigh_hypotheses(
        evidence(
            ("q", "c1", "s1", "x", "supports", False),
            ("q", "c2", "s2", "y", "supports", False),
            ("q", "c3", "s3", "y", "supports", True),
            ("lone", "c4", "s2", "z", "supports", False),
        ),
        ALTERNATIVES,
        pd.Series({"s1": 0.9, "s2": 0.5, "s3": 0.6}),
    )
    # x: against it 0.5 + 0.6 / 2 = 0.8; y: 0.9. x leads; s1 (0.9) weighs most, and
    # without it y has nothing against it and leads
    assert scores(found, "q") == {"x": (0.8, 0.9, 1), "y": (0.9, 0.8, 2)}
    row = found.sensitivity.set_index("question_id").loc["q"]
    assert row.tolist() == ["x", "s1", "y", False]
    # a question with one alternative: the evidence tells nothing apart
    lone = found.evidence[found.evidence["question_id"] == "lone"]
    assert lone["diagnosticity"].tolist() == [0.0]
    # and with its one source taken out nothing is left: it does not hold
    lone_row = found.sensitivity.set_index("question_id").loc["lone"]
    assert pd.isna(lone_row["leading_without"])
    assert not lone_row["holds"]


def test_a_source_not_estimated_weighs_the_prior_mean():
    found = weigh_hypotheses(
        evidence(("q", "c1", "nobody", "x", "refutes", False)), ALTERNATIVES, pd.Series(dtype=float)
    )
    assert found.evidence["weight"].tolist() == [pytest.approx(2 / 3)]
    assert scores(found, "q") == {"y": (0.0, 0.0, 1), "x": (round(2 / 3, 6), 0.0, 2)}


def test_with_estimates_weighs_by_estimated_accuracy(result):
    estimated = with_estimates(result)
    found = competing_hypotheses(estimated)
    accuracy = estimated.source_reliability.set_index("source_id")["estimate"]
    row = found.evidence.set_index("claim_id").loc["w3"]  # wire, hedged
    assert row["weight"] == pytest.approx(accuracy["wire"] / 2)
    assert (
        competing_hypotheses(analyze(load_dataset(DATA / "contract-example", cache=None))) is None
    )
