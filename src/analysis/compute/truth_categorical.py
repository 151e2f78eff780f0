"""Which alternative of a question is likely true, and how accurate each source is.

Method: an accuracy model in the spirit of Dong, Berti-Equille & Srivastava's
ACCU (VLDB 2009), which is a one-coin Dawid-Skene model with a value domain:
each source s is right with probability A_s, and when wrong picks one of
``false_values`` (n) wrong values. Given the accuracies, the claims on a question
make each value v true with probability

    P(v) ∝ exp(sum over claims of v of vote_c * ln(n A_s / (1 - A_s)))

normalised over the claimed values and the n + 1 - k values nobody claimed (each
with score 0, so that a lone source's value is true with probability A_s, not 1,
and a question's "none of these" keeps some mass). Given the probabilities, a
source's accuracy is the posterior mean of a Beta(prior_right, prior_wrong) after
its judged claims, each counting the probability that its value is true (an
effective right count); the two steps alternate until no accuracy moves by more
than ``convergence``. Only claims on questions with at least two sources are
judged: a question only one source speaks to says nothing about whether it is right.

Why this model: it needs no label set shared across questions (alternatives
differ per question, unlike crowd-labelling's classes), it gives probabilities
that mean what they say for a lone claim, and its per-source accuracy has a
natural Beta interval from the effective counts. The accuracy interval is the
Beta posterior's equal-tailed ``level`` interval: it reflects how many judged
claims back the figure, not the uncertainty of the truth itself, which is small
when several independent sources speak.

Copying (:mod:`analysis.compute.copying`) is looked for first from the plain
weighted vote (before any accuracy is learnt: otherwise a bloc of copiers teaches
the estimate that it is the accurate one), the copiers' shared values lose part
of their vote, the estimate runs, and detection and estimate alternate
``copy_rounds`` times; the pairs reported are those the final estimate used. Hedges, revisions,
contradictions and citations are weighed as :mod:`analysis.compute.reliability` says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compute import sorting
from analysis.compute.copying import co_claims, copy_discount, source_dependence
from analysis.compute.reliability import (
    TruthOptions,
    judged_claims,
    source_table,
    sources_per_item,
)


@dataclass(frozen=True)
class AnswerEstimates:
    """The estimates for questions with alternatives.

    ``answers``: one row per question: question_id, value (the likely alternative as
    written), probability, unclaimed (probability that no claimed value is true),
    sources (how many spoke), holders (how many hold the value), independent_holders
    (their vote after copy and citation discounts), basis ("single source",
    "sources agree", "contested").
    ``distribution``: question_id, value, probability, holders; every claimed value.
    ``sources``: see :func:`analysis.compute.reliability.source_table`.
    ``dependence``: pairs judged dependent: source_a, source_b, shared_items,
    shared_values, shared_false, dependence, copier (ids).
    """

    answers: pd.DataFrame
    distribution: pd.DataFrame
    sources: pd.DataFrame
    dependence: pd.DataFrame
    iterations: int


def false_value_counts(candidate_item: np.ndarray, false_values: float | None) -> np.ndarray:
    """n per item: ``false_values`` if given, else the item's claimed values (so the true
    one among them plus one unseen value's worth of "none of these")."""
    kinds = np.bincount(candidate_item).astype(np.float64)
    return kinds if false_values is None else np.full(len(kinds), float(false_values))


def answer_probabilities(
    candidate: np.ndarray,
    candidate_item: np.ndarray,
    source: np.ndarray,
    vote: np.ndarray,
    accuracy: np.ndarray,
    false_values: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate value's probability of being true, and each item's unclaimed mass.

    ``candidate`` is each claim's value (an index into ``candidate_item``, which is
    sorted by item); ``vote`` its weight; ``accuracy`` per source; ``false_values``
    the n of each item.
    """
    n_items = int(candidate_item[-1]) + 1
    acc = np.clip(accuracy, 1e-6, 1 - 1e-6)
    n = false_values[candidate_item[candidate]]
    tau = np.log(n * acc[source] / (1.0 - acc[source]))
    score = np.bincount(candidate, weights=vote * tau, minlength=len(candidate_item))
    starts = np.flatnonzero(np.r_[True, candidate_item[1:] != candidate_item[:-1]])
    top = np.maximum(np.maximum.reduceat(score, starts), 0.0)
    kinds = np.diff(np.r_[starts, len(candidate_item)])
    unclaimed_count = np.maximum(false_values + 1.0 - kinds, 0.0)
    shifted = np.exp(score - top[candidate_item])
    unclaimed = unclaimed_count * np.exp(-top)
    total = np.bincount(candidate_item, weights=shifted, minlength=n_items) + unclaimed
    return shifted / total[candidate_item], unclaimed / total


def _accuracy(source, weight, right, n_sources, options: TruthOptions) -> np.ndarray:
    counted = np.bincount(source, weights=weight, minlength=n_sources)
    hits = np.bincount(source, weights=weight * right, minlength=n_sources)
    return (options.prior_right + hits) / (options.prior_right + options.prior_wrong + counted)


def _iterate(claims, candidate, candidate_item, vote, accuracy, options):
    """Alternate answers and accuracies until stable; returns (p, unclaimed, accuracy, steps)."""
    weight = np.where(claims.judged, claims.weight, 0.0)
    n = false_value_counts(candidate_item, options.false_values)
    n_sources = len(claims.sources)
    step = 0
    while step < options.max_iterations:
        step += 1
        p, unclaimed = answer_probabilities(
            candidate, candidate_item, claims.source, vote, accuracy, n
        )
        updated = _accuracy(claims.source, weight, p[candidate], n_sources, options)
        moved = np.max(np.abs(updated - accuracy), initial=0.0)
        accuracy = updated
        if moved < options.convergence:
            break
    p, unclaimed = answer_probabilities(candidate, candidate_item, claims.source, vote, accuracy, n)
    return p, unclaimed, accuracy, step


def estimate_answers(claims: pd.DataFrame, options: TruthOptions | None = None) -> AnswerEstimates:
    """Likely answers and source accuracies from claims on questions with alternatives.

    ``claims`` columns: source_id, question_id, value (the alternative as written);
    optional time (only each source's latest claims per question count), weight,
    hedged (bool), cites_source (the id of a source the claim cites).
    """
    options = options or TruthOptions()
    judged = judged_claims(claims, "question_id", options)
    if len(judged.source) == 0:
        raise ValueError("truth estimates: no claim has a source, a question and a value")
    value_codes, _ = pd.factorize(judged.value)
    width = int(value_codes.max()) + 1
    keys, candidate = sorting.unique_inverse(judged.item * width + value_codes)
    candidate_item = keys // width
    first_claim = np.zeros(len(keys), dtype=np.int64)
    first_claim[candidate[::-1]] = np.arange(len(candidate))[::-1]
    n_sources = len(judged.sources)
    accuracy = np.full(n_sources, options.prior_right / (options.prior_right + options.prior_wrong))
    vote = judged.vote
    pairs = None
    # the weighted vote first: copying is looked for before any accuracy is learnt,
    # or a bloc of copiers would teach the estimate that it is the accurate one
    p, _ = answer_probabilities(
        candidate,
        candidate_item,
        judged.source,
        vote,
        accuracy,
        false_value_counts(candidate_item, options.false_values),
    )
    # and each source's accuracy against that vote: judged at the prior's 2/3, two
    # accurate sources would agree more often than independence allows and look dependent
    accuracy = _accuracy(
        judged.source,
        np.where(judged.judged, judged.weight, 0.0),
        p[candidate],
        n_sources,
        options,
    )
    if options.copy_rounds:
        meetings = co_claims(
            judged.source, judged.item, candidate, judged.judged, n_sources, options
        )
    steps = 0
    for _ in range(max(options.copy_rounds, 1)):
        if options.copy_rounds:
            pairs = source_dependence(meetings, candidate, candidate_item, p, accuracy, options)
            vote = judged.vote * copy_discount(judged.source, candidate, pairs, options)
        p, unclaimed, accuracy, taken = _iterate(
            judged, candidate, candidate_item, vote, accuracy, options
        )
        steps += taken
    right = p[candidate]
    holders = np.bincount(candidate, minlength=len(keys))
    backing = np.bincount(candidate, weights=vote, minlength=len(keys))
    values = judged.value[first_claim]
    answers = _answers(judged, candidate_item, p, unclaimed, holders, backing, values)
    distribution = pd.DataFrame(
        {
            "question_id": judged.items[candidate_item],
            "value": values,
            "probability": p,
            "holders": holders,
        }
    ).sort_values(["question_id", "probability"], ascending=[True, False], kind="stable")
    return AnswerEstimates(
        answers=answers,
        distribution=distribution.reset_index(drop=True),
        sources=source_table(judged, right, options),
        dependence=_named_pairs(pairs, judged.sources, options),
        iterations=steps,
    )


def _answers(judged, candidate_item, p, unclaimed, holders, backing, values) -> pd.DataFrame:
    order = np.lexsort((-p, candidate_item))
    best = order[np.r_[True, candidate_item[order][1:] != candidate_item[order][:-1]]]
    n_items = len(judged.items)
    sources = sources_per_item(judged.source, judged.item, n_items)
    kinds = np.bincount(candidate_item, minlength=n_items)
    basis = np.where(
        sources == 1, "single source", np.where(kinds == 1, "sources agree", "contested")
    )
    return pd.DataFrame(
        {
            "question_id": judged.items,
            "value": values[best],
            "probability": p[best],
            "unclaimed": unclaimed,
            "sources": sources,
            "holders": holders[best],
            "independent_holders": backing[best],
            "basis": basis,
        }
    )


def _named_pairs(pairs: pd.DataFrame | None, sources: pd.Index, options) -> pd.DataFrame:
    """The dependent pairs with source ids for codes, most dependent first."""
    columns = [
        "source_a",
        "source_b",
        "shared_items",
        "shared_values",
        "shared_false",
        "dependence",
        "copier",
    ]
    if pairs is None:
        return pd.DataFrame(columns=columns)
    pairs = pairs[pairs["dependence"] >= options.dependence_threshold]
    named = pairs.assign(
        source_a=sources[pairs["source_a"].to_numpy()],
        source_b=sources[pairs["source_b"].to_numpy()],
        copier=sources[pairs["copier"].to_numpy()],
    )
    return named.sort_values("dependence", ascending=False, kind="stable").reset_index(drop=True)
