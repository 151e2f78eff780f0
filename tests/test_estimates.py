"""Whom to believe, from an analysis (compute/estimates.py): what the engine is given,
and what comes back, by hand on tests/data/quantities-and-questions and the seed; the
JSON keys present and absent (contract §5, our extensions)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.compute.estimates import (
    categorical_claims,
    estimate,
    figure_claims,
    listed_answers,
)
from analysis.compute.reliability import TruthOptions
from analysis.compute.results import analyze, to_contract, to_json, with_estimates
from analysis.compute.truth_categorical import estimate_answers
from analysis.contract.dataset import load_dataset
from analysis.present.judgments import key_judgments, likely_sentences

from .conftest import CONTRACT_EXAMPLE, DATA, SEED

FIXTURE = DATA / "quantities-and-questions"


@pytest.fixture(scope="module")
def fixture():
    return analyze(load_dataset(FIXTURE, cache=None))


@pytest.fixture(scope="module")
def seed():
    return analyze(load_dataset(SEED, cache=None))


def test_answers_are_current_supports_and_propositions_hold_or_not(fixture):
    claims, items = categorical_claims(fixture)
    got = sorted(
        zip(
            claims["source_id"],
            claims["question_id"],
            claims["value"],
            claims["hedged"],
            strict=True,
        )
    )
    # q_town: mod_a's w1 and mod_b's w4 (its earlier w2 for B superseded) hold town_a;
    # wire's hedged w3 holds town_split; ucdp only refutes "divided": no answer.
    # q_bridge_day: mod_a r1, ucdp r2 and wire r4 (its hedged r3 for 2 May superseded).
    # bridge_hit, a plain proposition: mod_a holds it. Quantities are not alternatives.
    assert got == [
        ("mod_a", "a:bridge_hit", "holds", False),
        ("mod_a", "q:q_bridge_day", "bridge_may1", False),
        ("mod_a", "q:q_town", "town_a", False),
        ("mod_b", "q:q_town", "town_a", False),
        ("ucdp", "q:q_bridge_day", "bridge_may1", False),
        ("wire", "q:q_bridge_day", "bridge_may1", False),
        ("wire", "q:q_town", "town_split", True),
    ]
    assert set(items["kind"]) == {"question", "proposition"}


def test_a_refuting_position_answers_does_not_hold(seed):
    claims, _ = categorical_claims(seed)
    ru_mod = claims[claims["source_id"] == "ru_mod"].set_index("question_id")["value"]
    assert ru_mod["a:ua_in_belgorod"] == "does not hold"
    assert ru_mod["a:ua_attempted_incursion"] == "holds"
    # zelensky's claim on Belgorod cites ua_military's: the engine is told
    zelensky = claims[claims["claim_id"] == "zelensky.belgorod.0407"]
    assert zelensky["cites_source"].tolist() == ["ua_military"]


def test_figures_are_current_and_a_running_total_is_read_on_one_day(fixture):
    figures, quantities = figure_claims(fixture)
    got = sorted(
        zip(figures["quantity_id"], figures["source_id"], figures["claim_id"], strict=True)
    )
    # deaths: the four current figures (blog withdrew its "more than 100"); tanks: no
    # day has two sources' totals, so the latest day, 6 May: wire's "at least 95"
    assert got == [
        ("deaths_strike", "mod_a", "k8"),
        ("deaths_strike", "mod_b", "k4"),
        ("deaths_strike", "ucdp", "k6"),
        ("deaths_strike", "wire", "k5"),
        ("tanks_lost", "wire", "t6"),
    ]
    day = quantities.set_index("quantity_id")["day"]
    assert pd.isna(day["deaths_strike"]) and day["tanks_lost"] == pd.Timestamp("2025-05-06")


def test_estimates_by_hand_on_the_fixture(fixture):
    found = estimate(fixture)
    rows = found.estimates.set_index("question_id")
    assert rows.index.tolist() == [
        "q_town",
        "q_bridge_day",
        "deaths_strike",
        "tanks_lost",
        "bridge_hit",
    ]
    assert rows.loc["q_town", ["value", "assertion_id", "basis"]].tolist() == [
        "Side A holds the town of Y",
        "town_a",
        "contested",
    ]
    assert rows.loc["q_bridge_day", "basis"] == "sources agree"
    # the weighted median of 7, 9, 12 and a hedged (half-weight) 40 is 9
    assert rows.loc["deaths_strike", "value"] == 9.0
    assert rows.loc["tanks_lost", ["value", "basis"]].tolist() == [95.0, "single source"]
    assert np.isnan(rows.loc["deaths_strike", "probability"])
    # judged claims: mod_a on both questions (three sources each) and the death toll;
    # its lone bridge_hit is not judged. wire: q_bridge 1, q_town hedged 1/2, its hedged
    # toll 1/2. ucdp: q_bridge and the toll (its refutation names no answer).
    sources = found.source_reliability.set_index("source_id")
    assert sources["claims_judged"].to_dict() == {
        "mod_a": 3.0,
        "mod_b": 2.0,
        "ucdp": 2.0,
        "wire": 2.0,
    }
    assert sources["claims"].to_dict() == {"mod_a": 4, "mod_b": 2, "ucdp": 2, "wire": 4}
    assert set(sources["basis"]) == {"few judged claims"}  # fewer than five each
    assert not sources["enough_data"].any()


def test_one_accuracy_pools_answers_and_figures(fixture):
    found = estimate(fixture)
    p = found.answers.set_index(["source_id", "question_id"])["probability"]
    # mod_a: right with probability p on its two answers; its 12 is not within 1% of 9:
    # Beta(2, 1) prior, (2 + p1 + p2 + 0) / (3 + 3)
    expected = (2 + p["mod_a", "q:q_bridge_day"] + p["mod_a", "q:q_town"]) / 6
    assert found.source_reliability.set_index("source_id").loc[
        "mod_a", "estimate"
    ] == pytest.approx(expected)


def test_a_lone_source_is_right_with_its_accuracy_on_the_seed(seed):
    found = estimate(seed)
    rows = found.estimates.set_index("question_id")
    engine = estimate_answers(categorical_claims(seed)[0]).sources.set_index("source_id")
    # ru_mod alone says Ukraine attempted an incursion: as likely as the engine's accuracy
    assert rows.loc["ua_attempted_incursion", "probability"] == pytest.approx(
        engine.loc["ru_mod", "estimate"]
    )
    # the accuracy reported counts its three judged answers (contested propositions) over
    # their two values: Beta(2, 1) prior, (2 + p1 + p2 + p3) / (3 + 3)
    p = found.answers.set_index(["source_id", "question_id"])["probability"]["ru_mod"]
    judged = p.drop("a:ua_attempted_incursion")
    accuracy = found.source_reliability.set_index("source_id")["estimate"]
    assert accuracy["ru_mod"] == pytest.approx((2 + judged.sum()) / 6, abs=1e-12)
    assert set(rows["kind"]) == {"proposition"}
    # every source that spoke is estimated, none rests on five judged claims
    assert len(found.source_reliability) == 6
    assert set(found.source_reliability["basis"]) == {"few judged claims"}


def test_a_contested_proposition_has_no_third_value(seed):
    found = estimate(seed)
    row = found.estimates.set_index("question_id").loc["ua_in_belgorod"]
    assert row["value"] == "holds" and row["basis"] == "contested"
    # three hold it, ru_mod does not: the two values' probabilities add to one, in the
    # answers (which the source accuracies are judged on) as in the estimate
    on_it = found.answers[found.answers["question_id"] == "a:ua_in_belgorod"]
    p = on_it.drop_duplicates("value").set_index("value")["probability"]
    assert p["holds"] + p["does not hold"] == pytest.approx(1.0, abs=1e-12)
    assert row["probability"] == pytest.approx(p["holds"], abs=1e-12)
    assert row["probability"] > 0.5


SPLIT = DATA / "evenly-split"


@pytest.fixture(scope="module")
def split():
    return with_estimates(analyze(load_dataset(SPLIT, cache=None)))


def test_an_even_split_has_no_likely_answer(split):
    """Alpha says the dam fell, Beta that it did not; Gamma holds that side X holds the
    bridge, Delta side Y: by symmetry each value is as likely as the other, and the
    engine's tie-break (the first) is not passed off as the likely answer."""
    rows = split.estimates.set_index("question_id")
    assert rows.loc["fell", "basis"] == rows.loc["bridge", "basis"] == "evenly split"
    assert pd.isna(rows.loc["fell", "value"]) and rows.loc["fell", "assertion_id"] == "fell"
    assert pd.isna(rows.loc["bridge", "value"]) and pd.isna(rows.loc["bridge", "assertion_id"])
    assert rows.loc["fell", "probability"] == pytest.approx(0.5, abs=1e-12)  # over the two
    answers = estimate(split).answers.set_index("value")["probability"]
    assert answers["bridge_x"] == pytest.approx(answers["bridge_y"], abs=1e-12)
    assert rows.loc["bridge", "probability"] == pytest.approx(answers["bridge_x"])
    likely = likely_sentences(split)
    assert likely["fell"] == "No likely answer: the sources split evenly (0.50 each)."
    each = f"No likely answer: the sources split evenly ({answers['bridge_x']:.2f} each)."
    assert likely["bridge_x"] == likely["bridge_y"] == each
    judged = key_judgments(split).set_index("assertion_id")["judgment"]
    assert judged["fell"].endswith("refuted by Beta (on 2 May 2025). " + likely["fell"])
    assert "Likely" not in " ".join(judged[["fell", "bridge_x", "bridge_y"]])
    # the depot: Epsilon and Zeta against Eta is no tie
    assert rows.loc["struck", ["value", "basis"]].tolist() == ["holds", "contested"]
    assert likely["struck"].startswith("Likely true: 0.93; rests on 2 independent sources")


def test_accuracies_are_judged_on_a_propositions_two_values(split):
    """Alpha and Beta: one answer each, right with probability 0.5: Beta(2, 1) prior,
    (2 + 0.5) / (3 + 1). Epsilon is right with p, Eta with 1 - p (the two values add to
    one, no "none of these"): their estimates add to (2 + p + 2 + 1 - p) / 4."""
    accuracy = split.source_reliability.set_index("source_id")["estimate"]
    assert accuracy["a"] == accuracy["b"] == pytest.approx(2.5 / 4, abs=1e-12)
    assert accuracy["e"] + accuracy["g"] == pytest.approx(5 / 4, abs=1e-12)


def test_the_json_of_an_even_split_has_null_for_its_value(capsys):
    assert main(["analyze", str(SPLIT), "--json", "--estimates"]) == 0
    rows = {r["question_id"]: r for r in json.loads(capsys.readouterr().out)["estimates"]}
    assert [rows["bridge"][k] for k in ("value", "assertion_id", "basis")] == [
        None,
        None,
        "evenly split",
    ]
    assert rows["fell"]["value"] is None and rows["struck"]["value"] == "holds"


def test_estimates_of_nothing_have_the_dtypes_of_estimates(tmp_path):
    """A dataset whose only claims are neutral: no answer, no figure; the empty tables
    keep text columns as text (a float64 question_id broke concatenation and JSON)."""
    folder = tmp_path / "neutral"
    folder.mkdir()
    (folder / "dataset.toml").write_text('name = "neutral"\ntitle = "Nothing taken"\n')
    (folder / "sources.csv").write_text("source_id,name,kind\na,Alpha,ngo\n")
    (folder / "assertions.csv").write_text("assertion_id,statement\np,The dam fell\n")
    (folder / "documents.csv").write_text(
        "document_id,title,publisher,published\nd1,Report,Wire,2025-05-02\n"
    )
    (folder / "claims.csv").write_text(
        "claim_id,source_id,assertion_id,document_id,stance,stated\nk1,a,p,d1,neutral,2025-05-02\n"
    )
    found = estimate(analyze(load_dataset(folder, cache=None)))
    assert found.estimates.empty and found.source_reliability.empty
    for column in ("question_id", "kind", "text", "value", "assertion_id", "basis"):
        assert found.estimates[column].dtype == object
    assert found.estimates["day"].dtype == "datetime64[ns]"
    assert found.estimates["sources"].dtype == np.int64
    assert found.source_reliability["source_id"].dtype == object
    assert found.source_reliability["basis"].dtype == object
    assert found.source_reliability["enough_data"].dtype == bool


def test_json_has_estimates_for_questions_and_quantities(capsys):
    assert main(["analyze", str(FIXTURE), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed)[-3:] == ["estimates", "source_reliability", "dependent_sources"]
    values = {row["question_id"]: row["value"] for row in printed["estimates"]}
    assert values["deaths_strike"] == 9.0 and values["bridge_hit"] == "holds"
    assert {"source_id", "estimate", "low", "high", "claims_judged"} <= set(
        printed["source_reliability"][0]
    )


def test_json_of_a_proposition_only_dataset_asks_for_them(capsys):
    assert main(["analyze", str(SEED), "--json"]) == 0
    assert "estimates" not in json.loads(capsys.readouterr().out)
    assert main(["analyze", str(SEED), "--json", "--estimates"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert len(printed["source_reliability"]) == 6


def test_contract_example_bytes_unchanged_without_the_flag(capsysbinary):
    assert main(["analyze", str(CONTRACT_EXAMPLE), "--json"]) == 0
    assert capsysbinary.readouterr().out == (CONTRACT_EXAMPLE / "expected-all.json").read_bytes()


def test_streamed_and_in_memory_json_agree_with_mixed_values(fixture):
    estimated = with_estimates(fixture)
    text = to_json(estimated)
    assert text == json.dumps(to_contract(estimated), indent=1, ensure_ascii=False) + "\n"


LISTS = DATA / "partial-author-lists"


@pytest.fixture(scope="module")
def books():
    return analyze(load_dataset(LISTS, cache=None))


def test_alternatives_go_to_the_engine_as_the_items_of_their_statements(books):
    """By hand from assertions.csv: items stripped and sorted, joined by ";"; the three
    ways the compilers list is written are one list, which stands for cc_ab (the first
    of them in assertions.csv)."""
    answers, _ = categorical_claims(books)
    listed, alternative_of = listed_answers(books, answers, ";")
    got = dict(zip(listed["claim_id"], listed["value"], strict=True))
    assert got["p1"] == "Haag;Perry;Sosinsky" and got["p2"] == got["p3"] == "Haag"
    assert got["c1"] == got["c2"] == got["c3"] == "Aho;Ullman" and got["c4"] == "Wirth"
    assert alternative_of[("q:q_cc", "Aho;Ullman")] == "cc_ab"
    assert alternative_of[("q:q_pcs", "Haag")] == "pcs_first"
    assert answers.loc[answers["claim_id"] == "c2", "value"].item() == "cc_ba"  # untouched


def test_with_estimates_scores_list_answers_as_the_benchmark_does(books):
    """``with_estimates(..., TruthOptions(list_separator=";"))`` gives what the engine gives
    the claims written by hand with each alternative as its text (the route of
    benchmarks/truth_benchmark.py); and it differs from the answers read as rivals
    where it should: the compilers list, written three ways by three sources, is one
    answer with three holders (one each without the separator), and the bookshops'
    "Haag" backs "Haag; Perry; Sosinsky" instead of counting against it, so the full
    list is likelier."""
    options = TruthOptions(list_separator=";")
    listed = with_estimates(books, options).estimates.set_index("question_id")
    plain = with_estimates(books).estimates.set_index("question_id")
    assert listed.loc["q_cc", ["assertion_id", "value", "holders"]].tolist() == [
        "cc_ab",
        "Aho; Ullman",
        3,
    ]
    assert plain.loc["q_cc", "holders"] == 1
    assert listed.loc["q_pcs", "assertion_id"] == plain.loc["q_pcs", "assertion_id"] == "pcs_all"
    assert listed.loc["q_pcs", "probability"] > plain.loc["q_pcs", "probability"]
    claims = pd.read_csv(LISTS / "claims.csv").merge(
        pd.read_csv(LISTS / "assertions.csv"), on="assertion_id"
    )
    by_hand = claims[["source_id", "question_id"]].assign(value=claims["statement"])
    engine = estimate_answers(by_hand, options).answers.set_index("question_id")
    for question in ("q_net", "q_sql", "q_pcs", "q_cc"):
        assert listed.loc[question, "probability"] == pytest.approx(
            engine.loc[question, "probability"], rel=1e-9
        )


def test_an_empty_list_separator_is_refused(books):
    with pytest.raises(ValueError, match="list_separator is empty"):
        with_estimates(books, TruthOptions(list_separator=""))


def test_an_upper_bound_alone_is_not_given_to_the_engine():
    """tests/data/figure-open-ends: "fewer than 30", "no more than 60" and "under 30" say
    where a toll is not, so they are left out (the engine would read them as 30 and 60);
    a lower bound alone stays: Alpha's "more than 100" against Beta's 50, an even split
    the engine gives to the smaller figure, 50."""
    result = analyze(load_dataset(DATA / "figure-open-ends", cache=None))
    figures, _ = figure_claims(result)
    assert sorted(figures["claim_id"]) == ["k4", "k5", "k6", "k7", "t1", "t3"]
    rows = estimate(result).estimates.set_index("question_id")
    assert "two_bounds" not in rows.index and "one_bound" not in rows.index
    assert rows.loc["lower_bound", ["value", "basis"]].tolist() == [50.0, "contested"]
    assert rows.loc["tanks", "value"] == 90.0  # 1 May, the day both give: 100 and 90
