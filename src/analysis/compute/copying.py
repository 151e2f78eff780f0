"""Copying between sources: which pairs share more values than independence allows.

Two independent sources agree on the true value often (both are right) and on a
false one rarely (both wrong *and* the same wrong value). A source that copies
another repeats the other's values whatever they are, so it shares the other's
*false* values, and above all its rare ones, far more often than chance. Following
the Bayesian test of Dong, Berti-Equille & Srivastava (VLDB 2009), for a pair of
sources a, b with accuracies A_a, A_b, on each item both speak to:

- both give the true value (soft count: the value's probability of being true):
  independent A_a*A_b; dependent c*Ā + (1-c)*A_a*A_b (Ā the mean accuracy, since
  which one copies is not known yet, c the share of values a copier takes);
- both give the same false value v, which an independent wrong source picks with
  probability f_v (its share of the item's wrong claims, smoothed by ``false_values``
  unseen ones): the likelihood ratio is c*(1-Ā) / ((1-A_a)(1-A_b) f_v) + (1-c); we
  keep its first term, so a shared false value adds ln(c(1-Ā)/((1-A_a)(1-A_b)))
  and its rarity -ln f_v (the dropped (1-c) only ever makes dependence look
  weaker: the test errs towards independence);
- they differ: the ratio is (1-c).

The log-odds sum over shared items, each a per-pair factor times a count. Who meets
whom is listed once per estimate (:func:`co_claims`: every pair of holders of each
item and of each value, by sorting, never a loop over pairs), and each round only
re-weighs those lists with the current probabilities (``np.bincount``). The pair's dependence is the posterior probability under the
prior ``copy_prior``. The **copier** of a pair is the source whose values on the
shared items are right at a rate unlike its values elsewhere (copied values follow
the original's accuracy, while the original is as accurate on them as on the
rest); when either source has too few other items to tell, the one that shares the
larger part of its items (a copier copies a subset), then the less accurate. The
copier's claims on values the original also holds keep (1 - c*dependence) of their
vote, as in Dong et al.'s discounted vote; the original keeps its whole vote.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from analysis.compute import sorting
from analysis.compute.reliability import TruthOptions

PAIR_COLUMNS = (
    "source_a",
    "source_b",
    "shared_items",
    "shared_values",
    "shared_false",
    "dependence",
    "copier",
)


def _pairs_within(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j), i < j, of every two rows of the same group (rows sorted by group)."""
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[starts, len(groups)])
    rank = np.arange(len(groups)) - np.repeat(starts, sizes)
    after = np.repeat(sizes, sizes) - 1 - rank
    first = np.repeat(np.arange(len(groups)), after)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after)
    return first, first + 1 + offset


@dataclass(frozen=True)
class CoClaims:
    """Every meeting of two sources, listed once per estimate.

    ``a``, ``b``: the pairs (source codes, a < b) sharing at least ``min_shared``
    judged items; ``shared``: how many. Item meetings: ``item_pair`` (index into the
    pairs), ``item_a``/``item_b`` (the (source, item) unit of each side, indexing
    ``unit_claims``); value meetings: ``value_pair`` and ``value`` (the candidate).
    ``unit``: each claim's (source, item) unit; ``unit_source``, ``unit_judged``: each
    unit's source and whether its item is judged.
    """

    a: np.ndarray
    b: np.ndarray
    shared: np.ndarray
    item_pair: np.ndarray
    item_a: np.ndarray
    item_b: np.ndarray
    value_pair: np.ndarray
    value: np.ndarray
    unit: np.ndarray
    unit_source: np.ndarray
    unit_judged: np.ndarray
    n_units: int
    n_sources: int


def co_claims(
    source: np.ndarray,
    item: np.ndarray,
    candidate: np.ndarray,
    judged: np.ndarray,
    n_sources: int,
    options: TruthOptions,
) -> CoClaims:
    """List who meets whom on judged items and values (claims one per (source, value))."""
    n_items = int(item.max()) + 1
    unit_keys, unit = sorting.unique_inverse(source * n_items + item)
    unit_source, unit_item = unit_keys // n_items, unit_keys % n_items
    unit_judged = np.zeros(len(unit_keys), dtype=bool)
    unit_judged[unit] = judged
    on_units = np.flatnonzero(unit_judged)
    by_item = on_units[sorting.lexsort((unit_source[on_units], unit_item[on_units]))]
    i, j = _pairs_within(unit_item[by_item])
    ua, ub = by_item[i], by_item[j]
    keys = unit_source[ua] * n_sources + unit_source[ub]
    pair_keys, item_pair = sorting.unique_inverse(keys)
    shared = np.bincount(item_pair, minlength=len(pair_keys))
    kept = shared >= options.min_shared
    renumber = np.cumsum(kept) - 1
    meeting = kept[item_pair]
    on_claims = np.flatnonzero(judged)
    by_value = on_claims[sorting.lexsort((source[on_claims], candidate[on_claims]))]
    vi, vj = _pairs_within(candidate[by_value])
    vkeys = source[by_value[vi]] * n_sources + source[by_value[vj]]
    vpair = np.searchsorted(pair_keys, vkeys)
    vmeeting = kept[vpair]
    return CoClaims(
        a=pair_keys[kept] // n_sources,
        b=pair_keys[kept] % n_sources,
        shared=shared[kept].astype(np.float64),
        item_pair=renumber[item_pair[meeting]],
        item_a=ua[meeting],
        item_b=ub[meeting],
        value_pair=renumber[vpair[vmeeting]],
        value=candidate[by_value[vi[vmeeting]]],
        unit=unit,
        unit_source=unit_source,
        unit_judged=unit_judged,
        n_units=len(unit_keys),
        n_sources=n_sources,
    )


def source_dependence(
    co: CoClaims,
    candidate: np.ndarray,
    candidate_item: np.ndarray,
    p_true: np.ndarray,
    accuracy: np.ndarray,
    options: TruthOptions,
) -> pd.DataFrame:
    """Every pair of :class:`CoClaims`, scored with the current probabilities.

    ``candidate`` is each claim's value, ``candidate_item`` each value's item and
    ``p_true`` each value's probability of being true. Columns: source_a, source_b
    (codes), shared_items, shared_values, shared_false (soft count of shared values
    judged false), dependence (posterior probability), copier (code).
    """
    n_pairs = len(co.a)
    if n_pairs == 0:
        return pd.DataFrame({column: np.array([], dtype=np.int64) for column in PAIR_COLUMNS})
    held = np.bincount(candidate, minlength=len(candidate_item)).astype(np.float64)
    wrong_mass = (1.0 - p_true) * held
    item_wrong = np.bincount(candidate_item, weights=wrong_mass)
    unseen = 1.0 if options.false_values is None else options.false_values
    f = (wrong_mass + 1.0) / (item_wrong[candidate_item] + unseen)
    same = np.bincount(co.value_pair, minlength=n_pairs).astype(np.float64)
    same_true = np.bincount(co.value_pair, weights=p_true[co.value], minlength=n_pairs)
    rarity = np.bincount(
        co.value_pair, weights=((1.0 - p_true) * -np.log(f))[co.value], minlength=n_pairs
    )
    same_false = np.maximum(same - same_true, 0.0)
    differ = np.maximum(co.shared - same, 0.0)
    acc = np.clip(accuracy, 1e-3, 1 - 1e-3)
    aa, ab = acc[co.a], acc[co.b]
    mean = (aa + ab) / 2.0
    c = options.copy_rate
    log_odds = (
        logit(options.copy_prior)
        + same_true * np.log((c * mean + (1 - c) * aa * ab) / (aa * ab))
        + same_false * np.log(c * (1 - mean) / ((1 - aa) * (1 - ab)))
        + rarity
        + differ * np.log(1 - c)
    )
    right = np.bincount(co.unit, weights=p_true[candidate], minlength=co.n_units)
    return pd.DataFrame(
        {
            "source_a": co.a,
            "source_b": co.b,
            "shared_items": co.shared,
            "shared_values": same,
            "shared_false": same_false,
            "dependence": expit(log_odds),
            "copier": _copier(co, right, acc, options),
        }
    )


def _copier(co: CoClaims, right: np.ndarray, acc: np.ndarray, options) -> np.ndarray:
    """Which source of each pair copies: the one whose values on the shared items are
    right at a rate unlike its other values (they follow the original's accuracy);
    when either has fewer than ``min_shared`` other items, the one sharing the larger
    part of its items; ties to the less accurate."""
    n_pairs = len(co.a)
    right_ab = np.bincount(co.item_pair, weights=right[co.item_a], minlength=n_pairs)
    right_ba = np.bincount(co.item_pair, weights=right[co.item_b], minlength=n_pairs)
    judged_units = co.unit_judged.astype(np.float64)
    total = np.bincount(co.unit_source, weights=judged_units, minlength=co.n_sources)
    total_right = np.bincount(co.unit_source, weights=judged_units * right, minlength=co.n_sources)
    rest_a, rest_b = total[co.a] - co.shared, total[co.b] - co.shared

    def gap(right_shared, source, rest):
        shared_rate = (right_shared + 1.0) / (co.shared + 2.0)
        rest_rate = (total_right[source] - right_shared + 1.0) / (rest + 2.0)
        return np.abs(shared_rate - rest_rate)

    gap_a, gap_b = gap(right_ab, co.a, rest_a), gap(right_ba, co.b, rest_b)
    few_rest = np.minimum(rest_a, rest_b) < options.min_shared
    by_accuracy = acc[co.a] <= acc[co.b]
    a_copies = np.where(
        few_rest,
        (rest_a < rest_b) | ((rest_a == rest_b) & by_accuracy),
        (gap_a > gap_b) | ((gap_a == gap_b) & by_accuracy),
    )
    return np.where(a_copies, co.a, co.b)


def copy_discount(
    source: np.ndarray,
    candidate: np.ndarray,
    pairs: pd.DataFrame,
    options: TruthOptions,
) -> np.ndarray:
    """Each claim's vote factor: the product of (1 - c*dependence) over the pairs judged
    dependent in which its source is the copier and the original holds the same value.
    Pairs below ``dependence_threshold`` keep their whole vote: most pairs that share a
    few items sit near the prior, and discounting them all would tax every agreement."""
    factor = np.ones(len(source))
    pairs = pairs[pairs["dependence"] >= options.dependence_threshold]
    if pairs.empty:
        return factor
    copier = pairs["copier"].to_numpy(np.int64)
    original = np.where(copier == pairs["source_a"], pairs["source_b"], pairs["source_a"])
    log_keep = np.log1p(-options.copy_rate * pairs["dependence"].to_numpy())
    n_sources = int(max(source.max(), copier.max())) + 1
    n_candidates = int(candidate.max()) + 1
    by_source = np.argsort(source, kind="stable")
    starts = np.searchsorted(source[by_source], np.arange(n_sources + 1))
    lengths = (starts[1:] - starts[:-1])[copier]
    pair_of = np.repeat(np.arange(len(copier)), lengths)
    offsets = np.arange(len(pair_of)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    claim = by_source[np.repeat(starts[:-1][copier], lengths) + offsets]
    held = np.sort(source.astype(np.int64) * n_candidates + candidate)
    wanted = original[pair_of].astype(np.int64) * n_candidates + candidate[claim]
    where = np.minimum(np.searchsorted(held, wanted), len(held) - 1)
    hit = held[where] == wanted
    total = np.bincount(claim[hit], weights=log_keep[pair_of[hit]], minlength=len(source))
    return factor * np.exp(total)
