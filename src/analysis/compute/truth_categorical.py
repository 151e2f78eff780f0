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
Beta posterior's equal-tailed ``level`` interval, widened by the uncertainty of
the answers the source is judged against (:func:`analysis.compute.reliability.beta_interval`):
it reflects how many judged claims back the figure and how sure their judging is.

**Partial answers** (opt-in: ``TruthOptions.list_separator`` or a ``parts`` table,
:mod:`analysis.compute.partial_answers`). When some claimed values are parts of
others (a list naming some of another's items), a wrong answer is either
*incomplete* (a part of the truth) or *false*. Each source gets a second
parameter, its incompleteness ι (the share of its wrong answers that are parts of
the truth). Under the hypothesis that value T is true, a source gives T with
probability A, one of the m claimed parts of T with probability (1 - A) ι / m, and
any other value with probability (1 - A)(1 - ι) / n; so T's score adds
ln(n A / ((1 - A)(1 - ι))) for each claim of T and ln(n ι / ((1 - ι) m)) for each
claim of a part of T. A source that often gives only the first author thus backs
"Haag" and "Haag; Perry; Sosinsky" almost alike, and the full list is decided by
the sources that give full lists. ι is learnt like A, from the probability that
each of the source's answers is incomplete (that one of its wholes is true). With
no part among the claimed values the model is exactly the exclusive one.

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
from analysis.compute.copying import PAIR_COLUMNS, co_claims, copy_discount, source_dependence
from analysis.compute.partial_answers import (
    PartLinks,
    canonical_lists,
    given_parts,
    incomplete_probability,
    incompleteness,
    list_parts,
    part_links,
    part_scores,
)
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
    sources (how many spoke), holders (how many hold the value), partial_holders (how
    many claim a part of it; 0 when values are exclusive), independent_holders (the
    holders' vote after copy and citation discounts), basis ("single source",
    "sources agree", "contested").
    ``distribution``: question_id, value, probability, holders; every claimed value.
    ``sources``: see :func:`analysis.compute.reliability.source_table` (with
    ``incomplete``: the share of judged weight that was a part of the true value).
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
    links: PartLinks | None = None,
    incompleteness: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate value's probability of being true, and each item's unclaimed mass.

    ``candidate`` is each claim's value (an index into ``candidate_item``, which is
    sorted by item); ``vote`` its weight; ``accuracy`` per source; ``false_values``
    the n of each item. With ``incompleteness`` (ι per source) the partial-answer model
    applies, and with ``links`` (claims whose value is a part of another) a part also
    backs each of its wholes (see the module docstring).
    """
    n_items = int(candidate_item[-1]) + 1
    acc = np.clip(accuracy, 1e-6, 1 - 1e-6)
    n = false_values[candidate_item[candidate]]
    tau = np.log(n * acc[source] / (1.0 - acc[source]))
    score = np.bincount(candidate, weights=vote * tau, minlength=len(candidate_item))
    if incompleteness is not None:
        # the exact value's holders: ln(nA / ((1 - A)(1 - ι))), the (1 - ι) only where ι > 0
        score -= np.bincount(
            candidate,
            weights=vote * np.log1p(-np.minimum(incompleteness, 1 - 1e-6)[source]),
            minlength=len(candidate_item),
        )
    if links is not None and not links.empty:
        score += part_scores(links, source, vote, n, incompleteness, len(candidate_item))
    starts = np.flatnonzero(np.r_[True, candidate_item[1:] != candidate_item[:-1]])
    top = np.maximum(np.maximum.reduceat(score, starts), 0.0)
    kinds = np.diff(np.r_[starts, len(candidate_item)])
    unclaimed_count = np.maximum(false_values + 1.0 - kinds, 0.0)
    shifted = np.exp(score - top[candidate_item])
    unclaimed = unclaimed_count * np.exp(-top)
    total = np.bincount(candidate_item, weights=shifted, minlength=n_items) + unclaimed
    return shifted / total[candidate_item], unclaimed / total


@dataclass(frozen=True)
class _Candidates:
    """The claimed values: each claim's ``candidate``, each candidate's ``item``, the n
    of each item, and the part links (None when values exclude each other)."""

    candidate: np.ndarray
    item: np.ndarray
    false_values: np.ndarray
    links: PartLinks | None


def _learn(judged, values: _Candidates, p, options: TruthOptions):
    """Each source's accuracy (Beta posterior mean of its judged claims, each counting
    the probability that its value is true) and, with parts, its incompleteness ι.
    Returns (accuracy, ι or None)."""
    n_sources = len(judged.sources)
    weight = np.where(judged.judged, judged.weight, 0.0)
    right = p[values.candidate]
    counted = np.bincount(judged.source, weights=weight, minlength=n_sources)
    hits = np.bincount(judged.source, weights=weight * right, minlength=n_sources)
    accuracy = (options.prior_right + hits) / (options.prior_right + options.prior_wrong + counted)
    if values.links is None:
        return accuracy, None
    incomplete = incomplete_probability(values.links, p, len(right))
    return accuracy, incompleteness(judged.source, weight, right, incomplete, n_sources, options)


def _probabilities(judged, values: _Candidates, vote, accuracy, iota):
    return answer_probabilities(
        values.candidate,
        values.item,
        judged.source,
        vote,
        accuracy,
        values.false_values,
        values.links,
        iota,
    )


def _iterate(judged, values: _Candidates, vote, accuracy, iota, options):
    """Alternate answers and accuracies until stable; returns (p, unclaimed, accuracy, ι,
    steps)."""
    step = 0
    while step < options.max_iterations:
        step += 1
        p, _ = _probabilities(judged, values, vote, accuracy, iota)
        updated, iota_next = _learn(judged, values, p, options)
        moved = np.max(np.abs(updated - accuracy), initial=0.0)
        if iota is not None:
            moved = max(moved, np.max(np.abs(iota_next - iota), initial=0.0))
        accuracy, iota = updated, iota_next
        if moved < options.convergence:
            break
    p, unclaimed = _probabilities(judged, values, vote, accuracy, iota)
    return p, unclaimed, accuracy, iota, step


def _read_values(claims: pd.DataFrame, parts: pd.DataFrame | None, options: TruthOptions):
    """The claims with list values in canonical form (and the parts table with them), and
    the map from canonical to first-written value (None without ``list_separator``)."""
    separator = options.list_separator
    if separator == "":
        raise ValueError(
            "truth estimates: list_separator is empty; give the text that separates a "
            "list's items (for example ';'), or None when values are not lists"
        )
    if separator is None or "value" not in claims:
        return claims, parts, None
    canonical = canonical_lists(claims["value"], separator)
    first = ~pd.Series(canonical.to_numpy()).duplicated().to_numpy() & canonical.notna().to_numpy()
    written = pd.Series(claims["value"].to_numpy()[first], index=canonical.to_numpy()[first])
    if parts is not None:
        named = [column for column in ("part", "whole") if column in parts]
        parts = parts.assign(**{c: canonical_lists(parts[c], separator) for c in named})
    return claims.assign(value=canonical), parts, written


def _candidates(judged, parts, options: TruthOptions):
    value_codes, _ = pd.factorize(judged.value)
    width = int(value_codes.max()) + 1
    keys, candidate = sorting.unique_inverse(judged.item * width + value_codes)
    candidate_item = keys // width
    first_claim = np.zeros(len(keys), dtype=np.int64)
    first_claim[candidate[::-1]] = np.arange(len(candidate))[::-1]
    value = judged.value[first_claim]
    pairs = []
    if options.list_separator is not None:
        pairs.append(list_parts(candidate_item, value, options.list_separator))
    if parts is not None:
        pairs.append(given_parts(parts, judged.items, candidate_item, value))
    part = np.concatenate([a for a, _ in pairs] or [np.zeros(0, np.int64)])
    whole = np.concatenate([b for _, b in pairs] or [np.zeros(0, np.int64)])
    links = part_links(candidate, part, whole, len(keys)) if len(part) else None
    n = false_value_counts(candidate_item, options.false_values)
    return _Candidates(candidate, candidate_item, n, links), value


def estimate_answers(
    claims: pd.DataFrame, options: TruthOptions | None = None, parts: pd.DataFrame | None = None
) -> AnswerEstimates:
    """Likely answers and source accuracies from claims on questions with alternatives.

    ``claims`` columns: source_id, question_id, value (the alternative as written);
    optional time (only each source's latest claims per question count), weight,
    hedged (bool), cites_source (the id of a source the claim cites). ``parts``
    (optional): question_id, part, whole: values that are incomplete forms of others
    (:mod:`analysis.compute.partial_answers`; lists are found by
    ``options.list_separator``).
    """
    options = options or TruthOptions()
    claims, parts, written = _read_values(claims, parts, options)
    judged = judged_claims(claims, "question_id", options)
    if len(judged.source) == 0:
        raise ValueError("truth estimates: no claim has a source, a question and a value")
    values, value = _candidates(judged, parts, options)
    candidate, candidate_item = values.candidate, values.item
    n_sources = len(judged.sources)
    accuracy = np.full(n_sources, options.prior_right / (options.prior_right + options.prior_wrong))
    iota = None
    if values.links is not None:  # before anything is learnt, for every source alike:
        iota = np.full(n_sources, 0.5)  # a wrong answer as likely incomplete as false
    vote = judged.vote
    pairs = None
    # the weighted vote first: copying is looked for before any accuracy is learnt,
    # or a bloc of copiers would teach the estimate that it is the accurate one
    p, _ = _probabilities(judged, values, vote, accuracy, iota)
    # and each source's accuracy against that vote: judged at the prior's 2/3, two
    # accurate sources would agree more often than independence allows and look dependent
    accuracy, iota = _learn(judged, values, p, options)
    if options.copy_rounds:
        meetings = co_claims(
            judged.source, judged.item, candidate, judged.judged, n_sources, options
        )
    steps = 0
    for _ in range(max(options.copy_rounds, 1)):
        if options.copy_rounds:
            pairs = source_dependence(meetings, candidate, candidate_item, p, accuracy, options)
            vote = judged.vote * copy_discount(judged.source, candidate, pairs, options)
        p, unclaimed, accuracy, iota, taken = _iterate(
            judged, values, vote, accuracy, iota, options
        )
        steps += taken
    right = p[candidate]
    holders = np.bincount(candidate, minlength=len(candidate_item))
    backing = np.bincount(candidate, weights=vote, minlength=len(candidate_item))
    partial = np.zeros(len(candidate_item), dtype=np.int64)
    incomplete = np.zeros(len(candidate))
    if values.links is not None:
        partial = np.bincount(values.links.whole, minlength=len(candidate_item))
        incomplete = incomplete_probability(values.links, p, len(candidate))
    shown = value if written is None else written.reindex(value).to_numpy()
    answers = _answers(judged, candidate_item, p, unclaimed, holders, backing, shown)
    answers.insert(
        answers.columns.get_loc("holders") + 1, "partial_holders", partial[_best(p, candidate_item)]
    )
    distribution = pd.DataFrame(
        {
            "question_id": judged.items[candidate_item],
            "value": shown,
            "probability": p,
            "holders": holders,
        }
    ).sort_values(["question_id", "probability"], ascending=[True, False], kind="stable")
    return AnswerEstimates(
        answers=answers,
        distribution=distribution.reset_index(drop=True),
        sources=source_table(judged, right, options, incomplete=incomplete),
        dependence=_named_pairs(pairs, judged.sources, options),
        iterations=steps,
    )


def _best(p: np.ndarray, candidate_item: np.ndarray) -> np.ndarray:
    """Per item, the most probable candidate (ties to the first)."""
    order = np.lexsort((-p, candidate_item))
    return order[np.r_[True, candidate_item[order][1:] != candidate_item[order][:-1]]]


def _answers(judged, candidate_item, p, unclaimed, holders, backing, values) -> pd.DataFrame:
    best = _best(p, candidate_item)
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
    columns = list(PAIR_COLUMNS)
    if pairs is None:
        return pd.DataFrame(columns=columns)
    pairs = pairs[pairs["dependence"] >= options.dependence_threshold]
    named = pairs.assign(
        source_a=sources[pairs["source_a"].to_numpy()],
        source_b=sources[pairs["source_b"].to_numpy()],
        copier=sources[pairs["copier"].to_numpy()],
    )
    return named.sort_values("dependence", ascending=False, kind="stable").reset_index(drop=True)
