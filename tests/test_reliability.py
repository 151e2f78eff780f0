"""Whom to believe: the truth estimates, by hand, against a plain reference, and on
generated worlds with known truth, known accuracies and planted copiers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute.reliability import TruthOptions, beta_interval, judged_claims
from analysis.compute.truth_categorical import (
    answer_probabilities,
    estimate_answers,
    false_value_counts,
)
from analysis.compute.truth_numeric import estimate_quantities, weighted_quantile


def claims(rows, **extra) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["source_id", "question_id", "value"])
    return frame.assign(**extra)


# --- by hand --------------------------------------------------------------------------


def test_two_agree_one_disagrees_by_hand():
    # accuracies 0.8, two claimed values so n = 2: tau = ln(2 * 0.8 / 0.2) = ln 8;
    # x: exp(2 ln 8) = 64, y: 8, the unclaimed slot (n + 1 - 2 = 1): 1; total 73
    candidate = np.array([0, 0, 1])
    candidate_item = np.array([0, 0])
    n = false_value_counts(candidate_item, None)
    p, unclaimed = answer_probabilities(
        candidate, candidate_item, np.array([0, 1, 2]), np.ones(3), np.full(3, 0.8), n
    )
    assert p == pytest.approx([64 / 73, 8 / 73])
    assert unclaimed == pytest.approx([1 / 73])


def test_a_lone_source_is_believed_as_much_as_it_is_accurate():
    # n = 1: tau = ln(0.7 / 0.3); P = (7/3) / (7/3 + 1) = 0.7
    p, unclaimed = answer_probabilities(
        np.array([0]), np.array([0]), np.array([0]), np.ones(1), np.array([0.7]), np.ones(1)
    )
    assert p == pytest.approx([0.7])
    assert unclaimed == pytest.approx([0.3])


def test_beta_interval_by_hand():
    # prior Beta(2, 1), 8 right of 10: Beta(10, 3), mean 10/13
    estimate, _, _ = beta_interval(np.array([8.0]), np.array([10.0]), TruthOptions())
    assert estimate[0] == pytest.approx(10 / 13)
    # prior Beta(1, 1), 3 right of 3: Beta(4, 1), whose CDF is x**4, so the 95%
    # equal-tailed interval is (0.025 ** 0.25, 0.975 ** 0.25)
    options = TruthOptions(prior_right=1.0, prior_wrong=1.0, level=0.95)
    estimate, low, high = beta_interval(np.array([3.0]), np.array([3.0]), options)
    assert (estimate[0], low[0], high[0]) == pytest.approx((0.8, 0.025**0.25, 0.975**0.25))


def test_hedged_claims_weigh_half_and_contradictions_split():
    frame = claims(
        [("a", "q", "x"), ("b", "q", "x"), ("b", "q", "y"), ("c", "q", "y"), ("c", "q", "y")],
        hedged=[False, True, False, False, False],
    )
    judged = judged_claims(frame, "question_id", TruthOptions())
    table = pd.DataFrame(
        {"s": judged.sources[judged.source], "v": judged.value, "w": judged.weight}
    ).set_index(["s", "v"])["w"]
    # a: plain, 1; b holds x (hedged, 0.5) and y (1), split in two: 0.25 and 0.5;
    # c repeats y: counted once, weight 1
    assert table.to_dict() == {("a", "x"): 1.0, ("b", "x"): 0.25, ("b", "y"): 0.5, ("c", "y"): 1.0}


def test_only_the_latest_claim_of_a_source_counts():
    frame = claims(
        [("a", "q", "12 March"), ("a", "q", "13 March"), ("b", "q", "12 March")],
        time=pd.to_datetime(["2024-03-12", "2024-03-14", "2024-03-12"]),
    )
    judged = judged_claims(frame, "question_id", TruthOptions())
    kept = sorted(zip(judged.sources[judged.source], judged.value, strict=True))
    assert kept == [("a", "13 March"), ("b", "12 March")]


def test_a_citing_claim_adds_little_when_the_cited_source_holds_the_value():
    frame = claims(
        [("a", "q", "x"), ("b", "q", "x"), ("c", "q", "y"), ("b", "r", "z")],
        cites_source=["", "a", "a", "a"],
    ).replace({"cites_source": {"": None}})
    judged = judged_claims(frame, "question_id", TruthOptions(cite_weight=0.1))
    votes = dict(
        zip(
            zip(judged.sources[judged.source], judged.items[judged.item], strict=True),
            judged.vote,
            strict=True,
        )
    )
    # b repeats a's x on q: a tenth; c cites a but says otherwise: whole; on r a is
    # silent, so b's citing claim is the only route of that evidence: whole
    assert votes == {("a", "q"): 1.0, ("b", "q"): 0.1, ("c", "q"): 1.0, ("b", "r"): 1.0}


def test_agreeing_sources_outweigh_a_lone_dissenter_and_judge_it():
    rows = []
    for q in range(12):
        rows += [("a", f"q{q}", "x"), ("b", f"q{q}", "x"), ("c", f"q{q}", "y" if q < 9 else "x")]
    estimates = estimate_answers(claims(rows), TruthOptions(copy_rounds=0))
    assert (estimates.answers["value"] == "x").all()
    basis = estimates.answers.set_index("question_id")["basis"]
    assert basis.loc[[f"q{q}" for q in range(9)]].eq("contested").all()
    assert basis.loc[["q9", "q10", "q11"]].eq("sources agree").all()
    by_source = estimates.sources.set_index("source_id")
    assert by_source.loc["c", "estimate"] < 0.4 < 0.8 < by_source.loc["a", "estimate"]
    assert by_source.loc["c", "claims_judged"] == 12


def test_a_source_never_checked_by_another_is_marked_not_judged():
    rows = [("a", "q1", "x"), ("b", "q1", "x"), ("c", "q2", "y")]
    estimates = estimate_answers(claims(rows), TruthOptions(copy_rounds=0))
    by_source = estimates.sources.set_index("source_id")
    assert by_source.loc["c", "basis"] == "no claim judged"
    assert by_source.loc["a", "basis"] == "few judged claims"
    assert not by_source["enough_data"].any()
    lone = estimates.answers.set_index("question_id").loc["q2"]
    assert lone["basis"] == "single source"
    assert lone["probability"] == pytest.approx(2 / 3)  # the prior's mean accuracy


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="no column 'question_id'"):
        estimate_answers(pd.DataFrame({"source_id": ["a"], "value": ["x"]}))


def test_text_where_a_number_belongs_is_refused():
    frame = pd.DataFrame({"source_id": ["a", "b"], "quantity_id": ["q", "q"], "value": ["3", "x"]})
    with pytest.raises(ValueError, match="claim 1 .* 'x', not a number"):
        estimate_quantities(frame)


# --- the core step against a plain reference -----------------------------------------


def plain_answer_probabilities(rows, accuracy):
    """The probability step written out: rows of (source, question, value)."""
    out, unclaimed = {}, {}
    for question in sorted({q for _, q, _ in rows}):
        on = [(s, v) for s, q, v in rows if q == question]
        values = sorted({v for _, v in on})
        n = len(values)
        score = {
            v: math.exp(sum(math.log(n * accuracy[s] / (1 - accuracy[s])) for s, w in on if w == v))
            for v in values
        }
        total = sum(score.values()) + (n + 1 - len(values))
        out.update({(question, v): score[v] / total for v in values})
        unclaimed[question] = (n + 1 - len(values)) / total
    return out, unclaimed


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 2)),
        min_size=1,
        max_size=25,
        unique_by=lambda r: (r[0], r[1]),
    ),
    st.lists(st.floats(0.05, 0.95), min_size=5, max_size=5),
)
def test_probability_step_equals_the_plain_reference(rows, accuracy):
    keys = sorted({(q, v) for _, q, v in rows})
    candidate = np.array([keys.index((q, v)) for _, q, v in rows])
    candidate_item = np.array([q for q, _ in keys])
    _, candidate_item = np.unique(candidate_item, return_inverse=True)
    n = false_value_counts(candidate_item, None)
    source = np.array([s for s, _, _ in rows])
    p, unclaimed = answer_probabilities(
        candidate, candidate_item, source, np.ones(len(rows)), np.array(accuracy), n
    )
    expected, expected_unclaimed = plain_answer_probabilities(rows, dict(enumerate(accuracy)))
    assert p == pytest.approx([expected[key] for key in keys], rel=1e-9)
    assert unclaimed == pytest.approx(
        [expected_unclaimed[q] for q in sorted(expected_unclaimed)], rel=1e-9
    )


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_estimates_do_not_depend_on_row_order_or_names(seed):
    frame, _, _ = generated_world(seed, n_questions=60, n_sources=8)
    shuffled = frame.sample(frac=1.0, random_state=seed).assign(
        source_id=lambda f: "src-" + f["source_id"]
    )
    one, two = estimate_answers(frame), estimate_answers(shuffled)
    assert one.answers["value"].tolist() == two.answers["value"].tolist()
    assert one.answers["probability"].to_numpy() == pytest.approx(
        two.answers["probability"].to_numpy()
    )
    assert one.sources["estimate"].to_numpy() == pytest.approx(two.sources["estimate"].to_numpy())
    totals = one.distribution.groupby("question_id")["probability"].sum()
    assert (totals + one.answers.set_index("question_id")["unclaimed"]).to_numpy() == pytest.approx(
        1.0
    )


# --- generated worlds ------------------------------------------------------------------


def generated_world(
    seed: int,
    n_questions: int = 300,
    n_sources: int = 12,
    coverage: float = 0.6,
    copiers: int = 0,
    copy_share: float = 0.9,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A world whose truth is "v0" everywhere; source 0 is poor (accuracy 0.35) and the
    last ``copiers`` sources (on their own accurate, 0.9) repeat its values on
    ``copy_share`` of its questions.
    Returns the claims, each source's expected accuracy and each copier flag."""
    rng = np.random.default_rng(seed)
    accuracy = rng.uniform(0.45, 0.95, n_sources)
    accuracy[0] = 0.35
    accuracy[n_sources - copiers :] = 0.9
    speaks = rng.random((n_sources, n_questions)) < coverage
    right = rng.random((n_sources, n_questions)) < accuracy[:, None]
    value = np.where(right, 0, rng.integers(1, 30, (n_sources, n_questions)))
    expected = accuracy.copy()
    copier = np.zeros(n_sources, dtype=bool)
    for c in range(n_sources - copiers, n_sources):
        copies = speaks[0] & (rng.random(n_questions) < copy_share)
        value[c] = np.where(copies, value[0], value[c])
        speaks[c] |= copies
        share = copies.sum() / speaks[c].sum()
        expected[c] = share * accuracy[0] + (1 - share) * accuracy[c]
        copier[c] = True
    s, q = np.nonzero(speaks)
    frame = pd.DataFrame(
        {
            "source_id": [f"s{i:02d}" for i in s],
            "question_id": [f"q{j:04d}" for j in q],
            "value": [f"v{v}" for v in value[s, q]],
        }
    )
    return frame, expected, copier


def majority_vote(frame: pd.DataFrame) -> pd.Series:
    counts = frame.groupby(["question_id", "value"]).size().rename("n").reset_index()
    counts = counts.sort_values(["question_id", "n", "value"], ascending=[True, False, True])
    return counts.drop_duplicates("question_id").set_index("question_id")["value"]


def test_copiers_of_a_poor_source_are_found_and_outvoted():
    frame, _, copier = generated_world(1, copiers=3)
    estimates = estimate_answers(frame)
    ours = (estimates.answers["value"] == "v0").mean()
    vote = (majority_vote(frame) == "v0").mean()
    assert ours > vote + 0.02
    pairs = estimates.dependence
    found = {frozenset((a, b)) for a, b in zip(pairs["source_a"], pairs["source_b"], strict=True)}
    for c in np.flatnonzero(copier):
        assert frozenset(("s00", f"s{c:02d}")) in found
    assert frozenset(("s01", "s02")) not in found
    copied = pairs[pairs["source_a"] == "s00"]
    # which side copies is a heuristic (docs/reliability.md): most pairs name the copier
    planted = {f"s{c:02d}" for c in np.flatnonzero(copier)}
    assert copied["copier"].isin(planted).sum() >= 2
    assert (copied["shared_false"] > 20).all()


def test_independent_sources_are_not_judged_dependent():
    frame, _, _ = generated_world(2)
    assert estimate_answers(frame).dependence.empty


def coverage(copiers: int, seeds: range) -> float:
    """Share of sources, pooled over worlds, whose interval holds its expected accuracy."""
    covered, total = 0, 0
    for seed in seeds:
        frame, expected, _ = generated_world(seed, copiers=copiers)
        sources = estimate_answers(frame).sources
        covered += ((sources["low"] <= expected) & (expected <= sources["high"])).sum()
        total += len(expected)
    return covered / total


def test_accuracy_intervals_cover_the_true_accuracies():
    assert coverage(copiers=0, seeds=range(8)) >= 0.9


def test_accuracy_intervals_mostly_cover_them_with_copiers_about():
    # short of 0.9 (0.875 measured): where the answers are wrong (3-6% of questions in
    # these worlds) the poor sources are judged a little too harshly (docs/reliability.md)
    assert coverage(copiers=2, seeds=range(8)) >= 0.8


# --- numbers -----------------------------------------------------------------------------


def test_weighted_median_takes_the_smaller_on_a_tie():
    item = np.array([0, 0, 1, 1, 1])
    value = np.array([20.0, 10.0, 5.0, 7.0, 6.0])
    weight = np.array([1.0, 1.0, 1.0, 3.0, 1.0])
    assert weighted_quantile(item, value, weight, 0.5, 2).tolist() == [10.0, 7.0]


def test_figures_are_judged_by_relative_error_across_scales():
    rows = []
    for q, truth in enumerate([1_000, 50_000, 2_000_000, 30_000_000]):
        rows += [
            ("good", f"q{q}", truth),
            ("near", f"q{q}", truth * 0.995),  # within 1%
            ("far", f"q{q}", truth * 1.2),
        ]
    frame = pd.DataFrame(rows, columns=["source_id", "quantity_id", "value"])
    estimates = estimate_quantities(frame)
    assert estimates.quantities["estimate"].tolist() == [1_000, 50_000, 2_000_000, 30_000_000]
    assert (estimates.quantities["basis"] == "contested").all()
    by_source = estimates.sources.set_index("source_id")
    # prior Beta(2, 1): good and near 4 of 4 within 1% -> 6/7; far 0 of 4 -> 2/7
    assert by_source["estimate"].to_dict() == pytest.approx(
        {"far": 2 / 7, "good": 6 / 7, "near": 6 / 7}
    )
    assert by_source.loc["near", "typical_error"] == pytest.approx(0.005)


def test_a_reliable_source_wins_a_two_way_dispute():
    rows = [("a", f"q{q}", 100.0) for q in range(8)] + [("b", f"q{q}", 100.0) for q in range(8)]
    rows += [("c", f"q{q}", 300.0) for q in range(8)]
    rows += [("a", "dispute", 500.0), ("c", "dispute", 400.0)]
    frame = pd.DataFrame(rows, columns=["source_id", "quantity_id", "value"])
    quantities = estimate_quantities(frame).quantities.set_index("quantity_id")
    assert quantities.loc["dispute", "estimate"] == 500.0
    assert quantities.loc["q0", "estimate"] == 100.0


def test_a_range_counts_at_its_midpoint_or_its_bound():
    frame = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "quantity_id": ["deaths", "tanks"],
            "value": [None, None],
            "low": [10.0, 100.0],
            "high": [20.0, None],
        }
    )
    estimates = estimate_quantities(frame).quantities.set_index("quantity_id")["estimate"]
    assert estimates.to_dict() == {"deaths": 15.0, "tanks": 100.0}
