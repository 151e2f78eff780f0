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

The log-odds sum over shared items, each a per-pair factor times a count, so all
pairs come from three sparse products sources x values x sources, never from a
loop over pairs. The pair's dependence is the posterior probability under the
prior ``copy_prior``. The **copier** of a pair is the source whose values on the
shared items are right at a rate unlike its values elsewhere (copied values follow
the original's accuracy, while the original is as accurate on them as on the
rest); when either source has too few other items to tell, the one that shares the
larger part of its items (a copier copies a subset), then the less accurate. The
copier's claims on values the original also holds keep (1 - c*dependence) of their
vote, as in Dong et al.'s discounted vote; the original keeps its whole vote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit, logit

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


def _at(matrix: sparse.spmatrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The entries of a sparse product at the pairs (a, b), 0 where absent."""
    return np.asarray(sparse.csr_matrix(matrix)[a, b]).ravel().astype(np.float64)


def source_dependence(
    source: np.ndarray,
    item: np.ndarray,
    candidate: np.ndarray,
    candidate_item: np.ndarray,
    p_true: np.ndarray,
    accuracy: np.ndarray,
    judged: np.ndarray,
    options: TruthOptions,
) -> pd.DataFrame:
    """Every pair of sources sharing at least ``min_shared`` judged items, scored.

    Claims are one per (source, candidate value); ``candidate_item`` maps a candidate
    to its item and ``p_true`` gives its probability of being true. Columns: source_a,
    source_b (codes, a < b), shared_items, shared_values, shared_false (soft count of
    shared values judged false), dependence (posterior probability), copier (code).
    """
    n_sources, n_candidates = len(accuracy), len(candidate_item)
    on = judged
    s, cand = source[on], candidate[on]
    ones = np.ones(len(s))
    values = sparse.csr_matrix((ones, (s, cand)), shape=(n_sources, n_candidates))
    values.data[:] = 1.0  # a repeat of a (source, value) counts once
    items = sparse.csr_matrix((ones, (s, item[on])), shape=(n_sources, int(item.max()) + 1))
    items.data[:] = 1.0  # split claims of one source on one item: one shared item
    shared = sparse.triu(items @ items.T, k=1).tocoo()
    keep = shared.data >= options.min_shared
    a, b = shared.row[keep].astype(np.int64), shared.col[keep].astype(np.int64)
    n_shared = shared.data[keep]
    if len(a) == 0:
        return pd.DataFrame({column: np.array([], dtype=np.int64) for column in PAIR_COLUMNS})
    held = np.bincount(cand, minlength=n_candidates).astype(np.float64)
    wrong_mass = (1.0 - p_true) * held
    item_wrong = np.bincount(candidate_item, weights=wrong_mass)
    f = (wrong_mass + 1.0) / (item_wrong[candidate_item] + options.false_values)
    same = _at(values @ values.T, a, b)
    same_true = _at(values @ sparse.diags(p_true) @ values.T, a, b)
    rarity = _at(values @ sparse.diags((1.0 - p_true) * -np.log(f)) @ values.T, a, b)
    same_false = np.maximum(same - same_true, 0.0)
    differ = np.maximum(n_shared - same, 0.0)
    acc = np.clip(accuracy, 1e-3, 1 - 1e-3)
    aa, ab = acc[a], acc[b]
    mean = (aa + ab) / 2.0
    c = options.copy_rate
    log_odds = (
        logit(options.copy_prior)
        + same_true * np.log((c * mean + (1 - c) * aa * ab) / (aa * ab))
        + same_false * np.log(c * (1 - mean) / ((1 - aa) * (1 - ab)))
        + rarity
        + differ * np.log(1 - c)
    )
    copier = _copier(a, b, n_shared, s, item[on], items, p_true[cand], acc, options)
    return pd.DataFrame(
        {
            "source_a": a,
            "source_b": b,
            "shared_items": n_shared,
            "shared_values": same,
            "shared_false": same_false,
            "dependence": expit(log_odds),
            "copier": copier,
        }
    )


def _copier(a, b, n_shared, s, claim_item, items, right, acc, options) -> np.ndarray:
    """Which source of each pair copies: the one whose values on the shared items are
    right at a rate unlike its other values (they follow the original's accuracy);
    when either has fewer than ``min_shared`` other items, the one sharing the larger
    part of its items; ties to the less accurate."""
    rightness = sparse.csr_matrix((right, (s, claim_item)), shape=items.shape)
    on_shared = rightness @ items.T  # [x, y]: x's right count on the items it shares with y
    right_ab, right_ba = _at(on_shared, a, b), _at(on_shared, b, a)
    total_right = np.asarray(rightness.sum(axis=1)).ravel()
    total = np.asarray(items.sum(axis=1)).ravel()
    rest_a, rest_b = total[a] - n_shared, total[b] - n_shared

    def gap(right_shared, source, rest):
        shared_rate = (right_shared + 1.0) / (n_shared + 2.0)
        rest_rate = (total_right[source] - right_shared + 1.0) / (rest + 2.0)
        return np.abs(shared_rate - rest_rate)

    gap_a, gap_b = gap(right_ab, a, rest_a), gap(right_ba, b, rest_b)
    few_rest = np.minimum(rest_a, rest_b) < options.min_shared
    a_copies = np.where(
        few_rest,
        (rest_a < rest_b) | ((rest_a == rest_b) & (acc[a] <= acc[b])),
        (gap_a > gap_b) | ((gap_a == gap_b) & (acc[a] <= acc[b])),
    )
    return np.where(a_copies, a, b)


def copy_discount(
    source: np.ndarray,
    candidate: np.ndarray,
    pairs: pd.DataFrame,
    options: TruthOptions,
    floor: float = 0.05,
) -> np.ndarray:
    """Each claim's vote factor: the product of (1 - c*dependence) over the pairs in
    which its source is the copier and the original holds the same value."""
    factor = np.ones(len(source))
    pairs = pairs[pairs["dependence"] >= floor]
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
    held = source.astype(np.int64) * n_candidates + candidate
    wanted = original[pair_of].astype(np.int64) * n_candidates + candidate[claim]
    hit = np.isin(wanted, held)
    total = np.bincount(claim[hit], weights=log_keep[pair_of[hit]], minlength=len(source))
    return factor * np.exp(total)
