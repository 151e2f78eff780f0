"""Questions with alternatives (contract §4): implied refutations, the alternatives'
status, the question's status and who holds which, on tests/data/quantities-and-questions.

Expected figures are worked out by hand from the fixture's claims (see the comments).
"""

from __future__ import annotations

import json
import re

import pytest

from analysis.compute import chronology, questions
from analysis.compute.results import analyze, to_json
from analysis.contract.dataset import load_dataset
from analysis.present import views
from analysis.present.endnotes import Endnotes

from .builders import write_dataset
from .conftest import CONTRACT_EXAMPLE, DATA, SEED

FIXTURE = DATA / "quantities-and-questions"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(FIXTURE, cache=None)


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


def test_a_cached_load_keeps_the_questions(tmp_path):
    cache = tmp_path / "cache"
    first = load_dataset(FIXTURE, cache=cache)  # written to the cache
    again = load_dataset(FIXTURE, cache=cache)  # read from it, questions.csv with it
    assert [entry.name for entry in cache.iterdir() if not entry.name.startswith(".")]
    assert (next(cache.glob("*/questions.parquet"))).is_file()
    assert again.questions["question_id"].tolist() == ["q_town", "q_bridge_day", "q_empty"]
    assert to_json(analyze(again)) == to_json(analyze(first))


def who_says_what(markup: str) -> dict[str, list[list[str]]]:
    """Each assertion's rows in "who says what": the cells as text (links as their number)."""
    sections = re.findall(r"<h3>(.*?)</h3>(.*?)</table>", markup, flags=re.S)
    return {
        heading: [
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
            if "<td>" in row
        ]
        for heading, table in sections
    }


def test_who_says_what_lists_the_sources_refuting_by_another_answer(dataset):
    result = analyze(dataset)
    notes = Endnotes(result)
    shown = who_says_what(views.contested(result, notes=notes).markup)
    # columns: Source, Says, When, Words, Current position, Note; documents are numbered
    # as first cited: d1 (w1) 1, d2 (w3) 2, d3 (w4) 3
    assert shown["Side A holds the town of Y"] == [
        ["Defence ministry of side A", "supports", "on 2 May 2025 (2025-05-02)", "", "yes", "1"],
        # wire's hedged "divided" (w3) is what makes A contested
        [
            "A news wire",
            "hedged refutes (supports: The town of Y is divided between the sides)",
            "on 4 May 2025 (2025-05-04)",
            "appears divided",
            "yes",
            "2",
        ],
        # mod_b's "B holds Y" (w2) refuted A until its w4 said A: no longer a position
        ["Defence ministry of side B", "supports", "on 6 May 2025 (2025-05-06)", "", "yes", "3"],
    ]
    split = shown["The town of Y is divided between the sides"]
    assert [row[:2] for row in split] == [
        ["Defence ministry of side A", "refutes (supports: Side A holds the town of Y)"],
        ["A news wire", "hedged supports"],
        ["Defence ministry of side B", "refutes (supports: Side A holds the town of Y)"],
        ["An event data programme", "refutes"],  # ucdp's own refutation (w5)
    ]
    assert [row[4] for row in split] == ["yes"] * 4


def test_a_superseded_claim_is_not_a_current_position_though_it_answers_the_question(
    tmp_path,
):
    # s1 supports a (c1), then refutes a (c2) but has said nothing else: c1 is still its
    # latest support in the question, so it refutes b, yet on a its position is c2
    folder = write_dataset(
        tmp_path / "ds",
        [
            "c1,s1,a1,d1,supports,false,2025-03-01,,",
            "c2,s1,a1,d2,refutes,false,2025-03-02,,",
            "c3,s2,a1,d2,supports,false,2025-03-02,,",
        ],
        {"d1": "2025-03-01", "d2": "2025-03-02"},
    )
    assertions = folder / "assertions.csv"
    assertions.write_text(
        "assertion_id,statement,topic,question_id\na1,Statement a1,t1,q\na2,Statement a2,t1,q\n"
    )
    (folder / "questions.csv").write_text("question_id,text\nq,Which?\n")
    result = analyze(load_dataset(folder, cache=None))
    shown = who_says_what(views.contested(result).markup)
    assert [(row[0], row[1], row[4]) for row in shown["Statement a1"]] == [
        ("Source S1", "supports", ""),
        ("Source S1", "refutes", "yes"),
        ("Source S2", "supports", "yes"),
    ]


def answer_shifts(dataset) -> list[tuple]:
    """The shifts when supports of an alternative count against the others."""
    known = chronology.known_claims(dataset)
    answers = questions.answers_as_refutations(known, questions.question_codes(dataset))
    shifts = chronology.shifts(chronology.timeline(dataset, known), answers)
    columns = ["source_id", "assertion_id", "from_claim", "to_claim", "from_stance"]
    return [tuple(row) for row in shifts[[*columns, "to_stance", "to_hedged"]].to_numpy()]


def test_a_source_changing_its_answer_shifts_on_both_alternatives(dataset):
    assert answer_shifts(dataset) == [
        # 4 May: wire moved from 2 May (r3, hedged) to 1 May (r4)
        ("wire", "bridge_may1", "r3", "r4", "refutes", "supports", False),
        ("wire", "bridge_may2", "r3", "r4", "supports", "refutes", False),
        # 6 May: blog withdrew its figure; mod_b moved from B (w2) to A (w4); "divided"
        # stays refuted by both, so it is no shift
        ("blog", "deaths_strike", "k3", "k9", "supports", "refutes", False),
        ("mod_b", "town_a", "w2", "w4", "refutes", "supports", False),
        ("mod_b", "town_b", "w2", "w4", "supports", "refutes", False),
        ("wire", "deaths_strike", "k5", "k7", "supports", "neutral", False),
    ]
    # without the answers, the sources' own claims only, as before
    known = chronology.known_claims(dataset)
    own = chronology.shifts(chronology.timeline(dataset, known))
    assert own["to_claim"].tolist() == ["k9", "k7"]


def test_an_answer_after_an_explicit_refutation_is_no_second_shift(tmp_path):
    # s1 supports a1 (1 Mar), refutes it (2 Mar), then supports a2 (3 Mar): on a1 one
    # shift (c1 to c2), c3's answer refuting a1 again is none; a2 was refuted by c1's
    # answer until c3 supports it
    folder = write_dataset(
        tmp_path / "ds",
        [
            "c1,s1,a1,d1,supports,false,2025-03-01,,",
            "c2,s1,a1,d2,refutes,false,2025-03-02,,",
            "c3,s1,a2,d3,supports,false,2025-03-03,,",
        ],
        {"d1": "2025-03-01", "d2": "2025-03-02", "d3": "2025-03-03"},
    )
    (folder / "assertions.csv").write_text(
        "assertion_id,statement,topic,question_id\na1,Statement a1,t1,q\na2,Statement a2,t1,q\n"
    )
    (folder / "questions.csv").write_text("question_id,text\nq,Which?\n")
    assert answer_shifts(load_dataset(folder, cache=None)) == [
        ("s1", "a1", "c1", "c2", "supports", "refutes", False),
        ("s1", "a2", "c1", "c3", "refutes", "supports", False),
    ]


def test_a_dataset_without_questions_has_no_answers():
    seed = load_dataset(SEED)
    known = chronology.known_claims(seed)
    answers = questions.answers_as_refutations(known, questions.question_codes(seed))
    assert answers.empty
    ordered = chronology.timeline(seed, known)
    assert chronology.shifts(ordered, answers).equals(chronology.shifts(ordered))


def test_the_shifts_table_says_which_answer_a_refutation_comes_from():
    """A move from one answer to another is a shift on both; the table says which
    alternative the source supported instead ("refutes (supports: ...)")."""
    import re

    from analysis.compute.results import analyze
    from analysis.contract.dataset import load_dataset
    from analysis.present import views

    from .conftest import DATA

    markup = views.shifts_table(analyze(load_dataset(DATA / "quantities-and-questions"))).markup
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", markup, re.S)]
    rows = [cells[i : i + 5] for i in range(0, len(cells), 5)]
    assert [
        "Defence ministry of side B",
        "Side A holds the town of Y",
        "refutes (supports: Side B holds the town of Y)",
        "supports",
        "6 May 2025",
    ] in rows
    assert ["A news wire", "Deaths in the strike on X, 1 May", "hedged supports", "neutral",
            "6 May 2025"] in rows  # fmt: skip
