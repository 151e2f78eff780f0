"""Agreement rules of contract §4, on the seed and on one tiny dataset per rule."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.compute.contract_json import CONTRACT_JSON, ONLY_WHEN_GIVEN
from analysis.compute.results import analyze, to_contract, to_json
from analysis.contract.dataset import load_dataset

from .builders import write_dataset
from .conftest import CONTRACT_EXAMPLE, SEED


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (None, "expected-all.json"),
        ("2025-05-03", "expected-as-of-2025-05-03.json"),
        ("2025-05-06", "expected-as-of-2025-05-06.json"),
    ],
)
def test_contract_example_output_is_byte_identical(as_of, expected):
    result = analyze(load_dataset(CONTRACT_EXAMPLE), as_of=as_of)
    assert to_json(result) == (CONTRACT_EXAMPLE / expected).read_text()


def status_table(result) -> dict:
    return {
        row.assertion_id: (
            row.status,
            row.independent_support,
            row.hedged_only,
            row.supporting_sources,
            row.refuting_sources,
        )
        for row in result.assertions.itertuples()
    }


def test_seed_status_of_every_assertion():
    table = status_table(analyze(load_dataset(SEED)))
    # Worked out by hand from the article (see data/belgorod-2025-04/README.md):
    # Zelensky relies on Syrskyi (one line), ISW relies on the bloggers (another line).
    assert table == {
        "ua_in_belgorod": ("contested", 2, False, ["isw", "ua_military", "zelensky"], ["ru_mod"]),
        "ua_attempted_incursion": ("single-source", 1, False, ["ru_mod"], []),
        "ua_reached_demidovka": ("contested", 1, False, ["isw", "ru_milbloggers"], ["ru_mod"]),
        "ua_reached_prilesye": ("contested", 1, False, ["isw", "ru_milbloggers"], ["ru_mod"]),
        "ua_withdrawing_demidovka": ("single-source", 1, False, ["ru_milbloggers"], []),
        "unit_225_in_belgorod": ("single-source", 1, False, ["zelensky"], []),
        "belgorod_smaller_than_kursk": ("single-source", 1, True, ["publisher"], []),
        "ua_kursk_foothold": (
            "corroborated",
            2,
            False,
            ["publisher", "ua_military", "zelensky"],
            [],
        ),
        "ua_kursk_offensive": ("single-source", 1, False, ["publisher"], []),
        "ru_regained_kursk": ("single-source", 1, False, ["publisher"], []),
        "ua_captured_sudzha": ("single-source", 1, False, ["publisher"], []),
        "ops_defend_border_regions": ("single-source", 1, False, ["zelensky"], []),
        "ops_forced_redeployment": ("corroborated", 2, False, ["ua_military", "zelensky"], []),
        "ops_leverage": ("single-source", 1, True, ["publisher"], []),
        "ru_occupies_fifth": ("single-source", 1, False, ["publisher"], []),
    }


def test_seed_alpha_by_hand():
    # Pairable units (supports, refutes): Belgorod (3,1), Demidovka (2,1), Prilesye (2,1),
    # Kursk foothold (3,0), redeployment (2,0): n=15, n_S=12, n_R=3, disagreeing
    # coincidences 6, so alpha = 1 - 14 * 6 / (2 * 12 * 3) = -1/6.
    assert analyze(load_dataset(SEED)).alpha == pytest.approx(-1 / 6, abs=1e-6)


def test_seed_before_publication_knows_nothing():
    result = analyze(load_dataset(SEED), as_of="2025-04-07")
    assert set(result.assertions["status"]) == {"unaddressed"}
    assert result.alpha is None and result.pairwise.empty and result.timeline.empty


def test_transitive_citations_make_one_line(tmp_path):
    path = write_dataset(
        tmp_path / "chain",
        [
            "c1,s1,a1,d1,supports,false,2025-05-01,,c2",
            "c2,s2,a1,d1,supports,false,2025-05-01,,c3",
            "c3,s3,a2,d1,supports,false,2025-05-01,,",
            "c4,s3,a1,d1,supports,false,2025-05-01,,",
            "c5,s4,a1,d1,supports,false,2025-05-01,,",
        ],
        {"d1": "2025-05-02"},
    )
    row = analyze(load_dataset(path)).assertions.set_index("assertion_id").loc["a1"]
    # s1 -> s2 -> s3 is one line (s2's citation is on a1, s3 is joined through it); s4 a second.
    assert (row["status"], row["independent_support"]) == ("corroborated", 2)


def test_citation_to_a_claim_on_another_assertion_still_joins(tmp_path):
    path = write_dataset(
        tmp_path / "cross",
        [
            "c1,s1,a1,d1,supports,false,2025-05-01,,c2",
            "c2,s2,a2,d1,supports,false,2025-05-01,,",
            "c3,s2,a1,d1,supports,false,2025-05-01,,",
        ],
        {"d1": "2025-05-02"},
    )
    row = analyze(load_dataset(path)).assertions.set_index("assertion_id").loc["a1"]
    assert (row["status"], row["independent_support"]) == ("single-source", 1)


def test_as_of_cut_at_the_interval_end_and_publication(tmp_path):
    path = write_dataset(
        tmp_path / "cut",
        [
            "c1,s1,a1,d1,supports,false,2025-05-01/2025-05-03,,",
            "c2,s2,a1,d2,refutes,false,2025-05-01,,",  # stated early, published late
        ],
        {"d1": "2025-05-03", "d2": "2025-05-10"},
    )
    data = load_dataset(path)
    assert analyze(data, as_of="2025-05-02").timeline.empty  # interval not over yet
    on_end = analyze(data, as_of="2025-05-03")
    assert list(on_end.timeline["claim_id"]) == ["c1"]
    assert on_end.assertions.loc[0, "status"] == "single-source"
    assert analyze(data, as_of="2025-05-09").assertions.loc[0, "status"] == "single-source"
    assert analyze(data, as_of="2025-05-10").assertions.loc[0, "status"] == "contested"


@pytest.mark.parametrize(
    ("claims", "winner"),
    [
        # greater stated end wins, even over a later start
        (
            [
                "c1,s1,a1,d1,supports,false,2025-05-01/2025-05-06,,",
                "c2,s1,a1,d1,refutes,false,2025-05-05,,",
            ],
            "c1",
        ),
        # same end: greater start wins
        (
            [
                "c1,s1,a1,d1,supports,false,2025-05-01/2025-05-05,,",
                "c2,s1,a1,d1,refutes,false,2025-05-05,,",
            ],
            "c2",
        ),
        # same interval: non-hedged over hedged
        (
            ["c1,s1,a1,d1,supports,false,2025-05-05,,", "c2,s1,a1,d1,refutes,true,2025-05-05,,"],
            "c1",
        ),
        # all equal: greatest claim_id
        (
            ["c2,s1,a1,d1,supports,false,2025-05-05,,", "c1,s1,a1,d1,refutes,false,2025-05-05,,"],
            "c2",
        ),
        # neutral claims give no position, however late
        (
            ["c1,s1,a1,d1,refutes,false,2025-05-01,,", "c2,s1,a1,d1,neutral,false,2025-05-05,,"],
            "c1",
        ),
    ],
)
def test_latest_position_tie_breaks(tmp_path, claims, winner):
    result = analyze(load_dataset(write_dataset(tmp_path / "tie", claims, {"d1": "2025-05-06"})))
    assert list(result.positions["claim_id"]) == [winner]


def test_neutral_sources_and_unaddressed_assertions(tmp_path):
    path = write_dataset(
        tmp_path / "neutral",
        [
            "c1,s1,a1,d1,neutral,false,2025-05-01,,",
            "c2,s2,a1,d1,supports,false,2025-05-02,,",
            "c3,s2,a1,d1,neutral,false,2025-05-03,,",
        ],
        {"d1": "2025-05-06"},
        assertions=("a1", "a2"),
    )
    table = analyze(load_dataset(path)).assertions.set_index("assertion_id")
    assert table.loc["a1", "neutral_sources"] == ["s1"]  # s2 holds a position, so not neutral
    assert table.loc["a1", "first_stated"] == pd.Timestamp("2025-05-01")
    assert table.loc["a2", "status"] == "unaddressed"
    assert pd.isna(table.loc["a2", "first_stated"]) and table.loc["a2", "supporting_sources"] == []


def test_denied_and_kappa_and_alpha_undefined(tmp_path):
    path = write_dataset(
        tmp_path / "kappa",
        [
            "c1,s1,a1,d1,refutes,false,2025-05-01,,",
            "c2,s2,a1,d1,refutes,false,2025-05-01,,",
            "c3,s1,a2,d1,refutes,false,2025-05-01,,",
        ],
        {"d1": "2025-05-06"},
    )
    result = analyze(load_dataset(path))
    assert result.assertions.set_index("assertion_id").loc["a1", "status"] == "denied"
    pair = result.pairwise.iloc[0]
    assert (pair["shared"], pair["agree"], pair["agreement"]) == (1, 1, 1.0)
    assert pd.isna(pair["kappa"])  # chance agreement is 1: undefined
    assert result.alpha is None  # no variation at all
    doc = json.loads(to_json(result))
    assert doc["alpha"] is None and doc["pairwise"][0]["kappa"] is None


def test_kappa_by_hand(tmp_path):
    # s1: S S R R on a1..a4; s2: S R R R. Table: SS=1, SR=1, RR=2. po = 3/4;
    # pe = (2/4)(1/4) + (2/4)(3/4) = 1/2; kappa = (0.75 - 0.5) / 0.5 = 0.5.
    rows = []
    for i, (x, y) in enumerate(zip("SSRR", "SRRR", strict=True), start=1):
        stance = {"S": "supports", "R": "refutes"}
        rows += [
            f"x{i},s1,a{i},d1,{stance[x]},false,2025-05-01,,",
            f"y{i},s2,a{i},d1,{stance[y]},false,2025-05-01,,",
        ]
    path = write_dataset(
        tmp_path / "k", rows, {"d1": "2025-05-06"}, assertions=("a1", "a2", "a3", "a4")
    )
    pair = analyze(load_dataset(path)).pairwise.iloc[0]
    assert pair["kappa"] == pytest.approx(0.5)
    assert (pair["shared"], pair["agree"], pair["disagree"]) == (4, 3, 1)


def test_topic_filter_keeps_only_its_assertions(tmp_path):
    path = write_dataset(
        tmp_path / "topic",
        ["c1,s1,a1,d1,supports,false,2025-05-01,,", "c2,s1,a2,d1,refutes,false,2025-05-01,,"],
        {"d1": "2025-05-06"},
    )
    result = analyze(load_dataset(path), topic="t2")
    assert list(result.assertions["assertion_id"]) == ["a2"]
    assert list(result.timeline["claim_id"]) == ["c2"]
    assert json.loads(to_json(result))["topic"] == "t2"


def test_alpha_undefined_without_an_assertion_holding_two_positions(tmp_path):
    path = write_dataset(
        tmp_path / "lonely",
        ["c1,s1,a1,d1,supports,false,2025-05-01,,", "c2,s2,a2,d1,refutes,false,2025-05-01,,"],
        {"d1": "2025-05-06"},
    )
    result = analyze(load_dataset(path))
    assert result.alpha is None
    assert result.pairwise.empty  # the two sources share no assertion


def test_the_json_layout_is_declared_once():
    # contract §5, key by key; ``topic`` is our extension, present only with a topic filter
    layout = ["dataset", "as_of", "assertions", "pairwise", "alpha", "timeline"]
    layout += ["shifts", "conflicts"]
    expected = json.loads((CONTRACT_EXAMPLE / "expected-all.json").read_text())
    assert list(expected) == layout
    assert [key for key in CONTRACT_JSON if key not in ONLY_WHEN_GIVEN] == layout
    for key, columns in CONTRACT_JSON.items():
        if columns is not None and key in layout:
            assert expected[key], f"the example has no {key} to check"
            assert all(list(record) == list(columns) for record in expected[key])
    assert CONTRACT_JSON["conflicts"] == ("source_id", "assertion_id", "claim_a", "claim_b")
    filtered = to_contract(analyze(load_dataset(CONTRACT_EXAMPLE), topic="x-front"))
    assert list(filtered) == ["dataset", "as_of", "topic", *layout[2:]]
    assert filtered["topic"] == "x-front"
