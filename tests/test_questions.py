"""Questions with alternatives (contract §4): implied refutations, the alternatives'
status, the question's status and who holds which, on tests/data/quantities-and-questions.

Expected figures are worked out by hand from the fixture's claims (see the comments).
"""

from __future__ import annotations

import json

import pytest

from analysis.compute.results import analyze, to_json
from analysis.contract.dataset import load_dataset

from .conftest import CONTRACT_EXAMPLE, DATA, SEED

FIXTURE = DATA / "quantities-and-questions"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(FIXTURE, use_cache=False)


def position(result, source: str, assertion: str) -> tuple[str, str] | None:
    held = result.positions
    row = held[(held["source_id"] == source) & (held["assertion_id"] == assertion)]
    return None if row.empty else (str(row["stance"].iloc[0]), row["claim_id"].iloc[0])


def test_a_support_counts_against_the_other_alternatives(dataset):
    result = analyze(dataset)
    # mod_b said B holds Y (w2, 2 May), then A holds Y (w4, 6 May): its latest support in
    # the question is w4, which refutes town_b and town_split, and beats w2 on town_b
    assert position(result, "mod_b", "town_a") == ("supports", "w4")
    assert position(result, "mod_b", "town_b") == ("refutes", "w4")
    assert position(result, "mod_b", "town_split") == ("refutes", "w4")
    # wire's hedged "divided" (w3) refutes A and B, hedged
    assert position(result, "wire", "town_a") == ("refutes", "w3")
    # ucdp's refutation of town_split (w5) implies nothing about A or B
    assert position(result, "ucdp", "town_split") == ("refutes", "w5")
    assert position(result, "ucdp", "town_a") is None
    # wire switched from 2 May (r3, hedged) to 1 May (r4): it now refutes 2 May
    assert position(result, "wire", "bridge_may2") == ("refutes", "r4")
    assert position(result, "wire", "bridge_may1") == ("supports", "r4")
    # an assertion outside any question gains no refutation
    assert position(result, "mod_a", "bridge_hit") == ("supports", "h1")
    assert len(result.positions[result.positions["assertion_id"] == "bridge_hit"]) == 1


def test_the_alternatives_status_and_holders(dataset):
    result = analyze(dataset)
    table = result.alternatives.set_index("assertion_id")
    # town_a: mod_a and mod_b hold it, wire's w3 refutes it: contested, two lines
    assert table.loc["town_a", ["status", "independent_support"]].tolist() == ["contested", 2]
    assert table.loc["town_a", "holders"] == ["mod_a", "mod_b"]
    # town_b: its only holder moved on: refuted by mod_a, mod_b and wire
    assert table.loc["town_b", "status"] == "denied" and table.loc["town_b", "holders"] == []
    # town_split: wire (hedged) against ucdp, mod_a, mod_b
    assert table.loc["town_split", ["status", "hedged_only"]].tolist() == ["contested", True]
    # 1 May: mod_a, ucdp, wire, no refutation; 2 May: nobody
    assert table.loc["bridge_may1", ["status", "independent_support"]].tolist() == [
        "corroborated",
        3,
    ]
    assert table.loc["bridge_may2", "status"] == "denied"
    status = result.assertions.set_index("assertion_id")
    assert status.loc["town_b", "refuting_sources"] == ["mod_a", "mod_b", "wire"]
    assert result.alternatives["question_id"].tolist() == ["q_town"] * 3 + ["q_bridge_day"] * 2


def test_the_question_status(dataset):
    result = analyze(dataset)
    records = result.questions.to_dict("records")
    assert [(q["question_id"], q["status"], q["alternatives"], q["held"]) for q in records] == [
        ("q_town", "contested", 3, 2),
        ("q_bridge_day", "corroborated", 2, 1),
        ("q_empty", "open", 0, 0),  # a question no assertion answers yet
    ]
    assert [q["answer"] for q in records][1] == "bridge_may1"
    assert records[1]["text"] == "On which day was the bridge at X destroyed?"
    # as of 3 May only d1 is out: mod_a says 1 May, wire (hedged) 2 May: contested
    early = analyze(dataset, as_of="2025-05-03").questions
    assert early["status"].tolist() == ["contested", "contested", "open"]


def test_pairwise_agreement_uses_the_sources_own_positions(dataset):
    result = analyze(dataset)
    pairs = result.pairwise.set_index(["source_a", "source_b"])
    # mod_a and mod_b both hold deaths_strike (supports) and town_a (supports); their
    # implied refutations of town_b and town_split are not counted again
    assert pairs.loc[("mod_a", "mod_b"), ["shared", "agree"]].tolist() == [2, 2]


def test_datasets_without_questions_are_unaffected():
    for folder in (CONTRACT_EXAMPLE, SEED):
        result = analyze(load_dataset(folder))
        assert result.questions is None and result.alternatives is None
        assert "questions" not in json.loads(to_json(result))
    expected = (CONTRACT_EXAMPLE / "expected-all.json").read_text(encoding="utf-8")
    assert to_json(analyze(load_dataset(CONTRACT_EXAMPLE))) == expected


def test_a_topic_keeps_the_questions_with_an_alternative_on_it(dataset):
    result = analyze(dataset, topic="x-front")
    # q_empty has no alternative: left out under a topic filter
    assert result.questions["question_id"].tolist() == ["q_town", "q_bridge_day"]
