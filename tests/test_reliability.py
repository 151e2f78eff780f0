"""Whom to believe: the truth estimates, by hand, against a plain reference, and on
generated worlds with known truth, known accuracies and planted copiers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.compute.partial_answers import (
    canonical_lists,
    given_parts,
    incompleteness,
    list_parts,
    part_links,
)
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


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
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


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@pytest.mark.parametrize("copiers", [0, 2])
def test_accuracy_intervals_cover_the_true_accuracies(copiers):
    # pooled over 40 worlds (480 intervals): one world's 12 sources share its luck, so a
    # handful of worlds swings by several points (0.875 to 0.97 for blocks of 8 seeds)
    assert coverage(copiers=copiers, seeds=range(40)) >= 0.9


def test_beta_interval_widens_when_the_right_count_is_uncertain():
    # prior Beta(2, 1), 8 right of 10: Beta(10, 3), mean 10/13, variance
    # (10/13)(3/13)/14; with a right count of variance 1.69 the variance grows by
    # 1.69 / 13**2 = 0.01, and the Beta of the same mean and that variance has
    # a + b = (10/13)(3/13) / variance - 1
    mean = 10 / 13
    variance = mean * (1 - mean) / 14 + 0.01
    total = mean * (1 - mean) / variance - 1
    estimate, low, high = beta_interval(
        np.array([8.0, 8.0]), np.array([10.0, 10.0]), TruthOptions(), np.array([1.69, 0.0])
    )
    assert estimate == pytest.approx([mean, mean])
    a, b = mean * total, (1 - mean) * total
    assert (low[0], high[0]) == pytest.approx(
        (stats.beta.ppf(0.025, a, b), stats.beta.ppf(0.975, a, b))
    )
    # a certain count keeps the plain Beta(10, 3)
    assert (low[1], high[1]) == pytest.approx(
        (stats.beta.ppf(0.025, 10, 3), stats.beta.ppf(0.975, 10, 3))
    )
    assert low[0] < low[1] < high[1] < high[0]


# --- partial answers ----------------------------------------------------------------------


def test_a_part_backs_its_whole_by_hand():
    # a says "x;y", b and c say "x"; A = 0.8 and ι = 0.5 for all, n = 2 claimed values.
    # "x": two exact claims, each ln(nA / ((1 - A)(1 - ι))) = ln 16: 256.
    # "x;y": one exact claim (ln 16) and two parts, each ln(n ι / ((1 - ι) m)) with m = 1
    # claimed part: ln 2; 16 * 4 = 64. The unclaimed slot (n + 1 - 2 = 1): 1. Total 321.
    candidate = np.array([1, 0, 0])  # candidates: 0 "x", 1 "x;y"
    links = part_links(candidate, np.array([0]), np.array([1]), 2)
    p, unclaimed = answer_probabilities(
        candidate,
        np.array([0, 0]),
        np.array([0, 1, 2]),
        np.ones(3),
        np.full(3, 0.8),
        np.array([2.0]),
        links,
        np.full(3, 0.5),
    )
    assert p == pytest.approx([256 / 321, 64 / 321])
    assert unclaimed == pytest.approx([1 / 321])


def test_incompleteness_by_hand():
    # one source, four judged claims: right with probability 1, 0, 0, 0.5 and incomplete
    # with 0, 1, 0, 0.25: not right 2.5, incomplete 1.25, one pseudo-claim of a false
    # value: ι = 1.25 / (1 + 2.5)
    iota = incompleteness(
        np.zeros(4, dtype=np.int64),
        np.ones(4),
        np.array([1.0, 0.0, 0.0, 0.5]),
        np.array([0.0, 1.0, 0.0, 0.25]),
        1,
        TruthOptions(),
    )
    assert iota == pytest.approx([1.25 / 3.5])


def test_lists_with_the_same_items_are_one_alternative():
    values = pd.Series(["Haag; Perry", "Perry;Haag ", "Haag", None, "Perry;;Haag;Perry"])
    assert canonical_lists(values, ";").tolist() == [
        "Haag;Perry",
        "Haag;Perry",
        "Haag",
        None,
        "Haag;Perry",
    ]
    frame = claims([("a", "q", "Haag; Perry"), ("b", "q", "Perry;Haag"), ("c", "q", "Haag")])
    answer = estimate_answers(frame, TruthOptions(list_separator=";", copy_rounds=0)).answers
    assert answer[["value", "holders", "partial_holders"]].iloc[0].tolist() == ["Haag; Perry", 2, 1]


def test_list_parts_by_hand():
    items = np.array([0, 0, 0, 0, 1, 1])
    values = np.array(["a", "a;b", "a;b;c", "b;d", "a", "a;b"], dtype=object)
    part, whole = list_parts(items, values, ";")
    # on question 0: a in a;b and in a;b;c, a;b in a;b;c (b;d shares b but is no part);
    # on question 1: a in a;b
    assert sorted(zip(part.tolist(), whole.tolist(), strict=True)) == [
        (0, 1),
        (0, 2),
        (1, 2),
        (4, 5),
    ]


def test_given_parts_name_claimed_values_only():
    items = pd.Index(["where", "when"])
    candidate_item = np.array([0, 0, 1])
    values = np.array(["Kharkiv oblast", "Kharkiv", "March"], dtype=object)
    table = pd.DataFrame(
        {
            "question_id": ["where", "where", "when"],
            "part": ["Kharkiv oblast", "Ukraine", "March"],
            "whole": ["Kharkiv", "Kharkiv", "12 March"],  # Ukraine, 12 March: nobody said
        }
    )
    part, whole = given_parts(table, items, candidate_item, values)
    assert (part.tolist(), whole.tolist()) == ([0], [1])
    for options in (TruthOptions(), TruthOptions(list_separator=";")):
        with pytest.raises(ValueError, match="no column 'whole'"):
            estimate_answers(claims([("a", "q", "x")]), options, table.drop(columns="whole"))
    with pytest.raises(ValueError, match="list_separator is empty"):
        estimate_answers(claims([("a", "q", "x")]), TruthOptions(list_separator=""))


def crowd_of_first_authors() -> pd.DataFrame:
    """Four stores (F) give only a book's first author; G0, G1 always the full list; H0, H1
    the full list on books 0-49. Books 0-39 have one author, 40-54 two: on 40-49 four
    full lists meet four first authors, on 50-54 two meet four."""
    rows = []
    for i in range(55):
        full = f"a{i}" if i < 40 else f"a{i}; b{i}"
        rows += [(f"F{k}", f"book{i}", f"a{i}") for k in range(4)]
        rows += [(f"G{k}", f"book{i}", full) for k in range(2)]
        if i < 50:
            rows += [(f"H{k}", f"book{i}", full) for k in range(2)]
    return claims(rows)


def test_a_crowd_of_incomplete_lists_no_longer_outvotes_the_full_list():
    frame = crowd_of_first_authors()
    books = [f"book{i}" for i in range(40, 55)]
    exclusive = estimate_answers(frame).answers.set_index("question_id")
    assert exclusive.loc[books, "value"].tolist() == [f"a{i}" for i in range(40, 55)]
    lists = estimate_answers(frame, TruthOptions(list_separator=";"))
    answers = lists.answers.set_index("question_id")
    assert answers.loc[books, "value"].tolist() == [f"a{i}; b{i}" for i in range(40, 55)]
    assert answers.loc[books, "partial_holders"].eq(4).all()
    by_source = lists.sources.set_index("source_id")
    # F: 40 of 55 judged claims right, 15 incomplete, none false; G: 55 right
    assert by_source.loc["F0", "incomplete"] == pytest.approx(15 / 55, abs=0.01)
    assert by_source.loc["G0", "incomplete"] == 0.0
    assert by_source.loc["F0", "estimate"] == pytest.approx((2 + 40) / (3 + 55), abs=0.01)
    assert by_source.loc["G0", "estimate"] == pytest.approx((2 + 55) / (3 + 55), abs=0.01)


def test_a_parts_table_acts_as_the_lists_do():
    frame = crowd_of_first_authors()
    table = pd.DataFrame(
        {
            "question_id": [f"book{i}" for i in range(40, 55)],
            "part": [f"a{i}" for i in range(40, 55)],
            "whole": [f"a{i}; b{i}" for i in range(40, 55)],
        }
    )
    given = estimate_answers(frame, parts=table)
    lists = estimate_answers(frame, TruthOptions(list_separator=";"))
    assert given.answers["value"].tolist() == lists.answers["value"].tolist()
    assert given.answers["probability"].to_numpy() == pytest.approx(
        lists.answers["probability"].to_numpy()
    )


def test_values_that_are_no_lists_estimate_as_before():
    frame, _, _ = generated_world(3, copiers=2)
    plain = estimate_answers(frame)
    lists = estimate_answers(frame, TruthOptions(list_separator=";"))
    pd.testing.assert_frame_equal(plain.answers, lists.answers)
    pd.testing.assert_frame_equal(plain.sources, lists.sources)
    pd.testing.assert_frame_equal(plain.dependence, lists.dependence)


def plain_probabilities_with_parts(rows, accuracy, iota):
    """The probability step with parts written out: rows of (source, question, item set)."""
    out = {}
    for question in sorted({q for _, q, _ in rows}):
        on = [(s, v) for s, q, v in rows if q == question]
        values = sorted({v for _, v in on}, key=sorted)
        n = len(values)
        score = {}
        for truth in values:
            parts = [v for v in values if v < truth]
            total = 0.0
            for s, v in on:
                if v == truth:
                    total += math.log(n * accuracy[s] / ((1 - accuracy[s]) * (1 - iota[s])))
                elif v < truth:
                    total += math.log(n * iota[s] / ((1 - iota[s]) * len(parts)))
            score[truth] = math.exp(total)
        norm = sum(score.values()) + 1.0
        out.update({(question, ";".join(sorted(v))): score[v] / norm for v in values})
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 2),
            st.frozensets(st.sampled_from("abc"), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=25,
        unique_by=lambda r: (r[0], r[1]),
    ),
    st.lists(st.floats(0.05, 0.95), min_size=5, max_size=5),
    st.lists(st.floats(0.05, 0.95), min_size=5, max_size=5),
)
def test_probability_step_with_parts_equals_the_plain_reference(rows, accuracy, iota):
    text = [(s, q, ";".join(sorted(v))) for s, q, v in rows]
    keys = sorted({(q, v) for _, q, v in text})
    candidate = np.array([keys.index((q, v)) for _, q, v in text])
    _, candidate_item = np.unique([q for q, _ in keys], return_inverse=True)
    values = np.array([v for _, v in keys], dtype=object)
    part, whole = list_parts(candidate_item, values, ";")
    links = part_links(candidate, part, whole, len(keys)) if len(part) else None
    p, _ = answer_probabilities(
        candidate,
        candidate_item,
        np.array([s for s, _, _ in rows]),
        np.ones(len(rows)),
        np.array(accuracy),
        false_value_counts(candidate_item, None),
        links,
        np.array(iota),
    )
    expected = plain_probabilities_with_parts(
        rows, dict(enumerate(accuracy)), dict(enumerate(iota))
    )
    assert p == pytest.approx([expected[key] for key in keys], rel=1e-9)


def generated_list_world(seed: int, n_questions: int = 300, n_sources: int = 12):
    """Questions whose truth is a list of one to four of 60 names; each source gives the
    full list with its accuracy A, else (when the list has more than one name) the first
    few names with its incompleteness ι, else a random list. Half the sources are brief
    (ι 0.6-1), half careful (ι 0-0.3). Names are written in any order with "; ".
    Returns the claims, the true lists (sorted, ";"), A and each source's expected
    incomplete share."""
    rng = np.random.default_rng(seed)
    accuracy = rng.uniform(0.3, 0.95, n_sources)
    brief = np.arange(n_sources) % 2 == 0
    iota = np.where(brief, rng.uniform(0.6, 1.0, n_sources), rng.uniform(0.0, 0.3, n_sources))
    names = np.array([f"n{i}" for i in range(60)])
    truth = [rng.choice(60, size=k, replace=False) for k in rng.integers(1, 5, n_questions)]
    s_of, q_of = np.nonzero(rng.random((n_sources, n_questions)) < 0.6)
    rows = []
    for s, q in zip(s_of, q_of, strict=True):
        true = truth[q]
        if rng.random() < accuracy[s]:
            value = true
        elif len(true) > 1 and rng.random() < iota[s]:
            value = true[: rng.integers(1, len(true))]
        else:
            value = rng.choice(60, size=rng.integers(1, 4), replace=False)
        rows.append((f"s{s:02d}", f"q{q:04d}", "; ".join(rng.permutation(names[value]))))
    gold = pd.Series({f"q{q:04d}": ";".join(sorted(names[t])) for q, t in enumerate(truth)})
    return claims(rows), gold, accuracy, (1 - accuracy) * iota * 0.75


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_partial_estimates_do_not_depend_on_row_order_or_names(seed):
    frame, _, _, _ = generated_list_world(seed, n_questions=60, n_sources=8)
    shuffled = frame.sample(frac=1.0, random_state=seed).assign(
        source_id=lambda f: "src-" + f["source_id"]
    )
    options = TruthOptions(list_separator=";")
    one, two = estimate_answers(frame, options), estimate_answers(shuffled, options)
    # the value is shown as first written, so compare the lists' items
    assert canonical_lists(one.answers["value"], ";").tolist() == (
        canonical_lists(two.answers["value"], ";").tolist()
    )
    assert one.answers["probability"].to_numpy() == pytest.approx(
        two.answers["probability"].to_numpy()
    )
    assert one.sources["estimate"].to_numpy() == pytest.approx(two.sources["estimate"].to_numpy())
    assert one.sources["incomplete"].to_numpy() == pytest.approx(
        two.sources["incomplete"].to_numpy()
    )


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_partial_answers_find_more_full_lists_on_generated_worlds():
    lists, exclusive, vote, covered, incomplete_error = [], [], [], [], []
    for seed in range(12):
        frame, gold, accuracy, incomplete = generated_list_world(seed)
        sorted_frame = frame.assign(value=canonical_lists(frame["value"], ";"))
        found = estimate_answers(frame, TruthOptions(list_separator=";"))
        chosen = canonical_lists(found.answers.set_index("question_id")["value"], ";")
        lists.append((chosen.reindex(gold.index) == gold).mean())
        plain = estimate_answers(sorted_frame).answers.set_index("question_id")["value"]
        exclusive.append((plain.reindex(gold.index) == gold).mean())
        vote.append((majority_vote(sorted_frame).reindex(gold.index) == gold).mean())
        sources = found.sources
        covered += ((sources["low"] <= accuracy) & (accuracy <= sources["high"])).tolist()
        incomplete_error += (sources["incomplete"] - incomplete).abs().tolist()
    assert np.mean(lists) > np.mean(exclusive) + 0.005
    assert np.mean(exclusive) > np.mean(vote)
    assert min(np.subtract(lists, exclusive)) >= -0.01
    assert np.mean(covered) >= 0.9
    assert np.median(incomplete_error) < 0.03


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
