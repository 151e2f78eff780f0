"""Whom to believe: the options and the shared steps of the truth estimates.

The estimates themselves live beside this module: :mod:`truth_categorical` (which
alternative of a question is likely true, and each source's accuracy),
:mod:`copying` (pairs of sources that repeat each other) and :mod:`truth_numeric`
(the likely figure of a quantity, and each source's reliability on figures). This
module holds what they share: the options, the reading of the claims into the
judged set (latest claim, split, hedge and citation weights) and the Beta
posterior that turns effective right/wrong counts into an estimate with an interval.

Which claims are judged, and how much each weighs:

- **Revisions.** With a ``time`` column only each source's latest claims on an item
  count: a source that revised itself is judged on what it says now, not twice.
  Rows without a time lose to a dated row of the same source and item.
- **Contradictions.** Claims of one source on one item at its latest time that
  give different values split the source's weight equally: a source that says
  both "12 March" and "13 March" backs each with half a vote, and its accuracy
  is judged on both halves. Repeats of the same value count once.
- **Hedges.** A hedged claim ("reportedly", "about 40") weighs ``hedge_weight``
  (one half by default): the source commits to it less, so it moves the answer
  less and costs or earns the source less when judged.
- **Citations.** A claim that cites a source which itself holds the same value on
  the item adds ``cite_weight`` (a tenth by default) to the vote: that evidence
  is already counted through the cited source's own claim. When the cited source
  is not among the claimants of the value, the citing claim is the only route by
  which that evidence arrives and keeps its weight. Judging is unaffected: a
  source answers for what it repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import betaincinv  # Beta quantiles, without scipy.stats' 0.4 s import

from analysis.compute import sorting


@dataclass(frozen=True)
class TruthOptions:
    """Every knob of the estimates, with the default used by the briefing and benchmarks."""

    prior_right: float = 2.0  # Beta prior on a source's accuracy: two right ...
    prior_wrong: float = 1.0  # ... and one wrong pseudo-claim (mean 2/3, weak)
    level: float = 0.95  # the accuracy interval's probability (equal-tailed)
    min_judged: float = 5.0  # effective judged claims below which an estimate is "few claims"
    hedge_weight: float = 0.5  # a hedged claim's weight, relative to a plain one
    cite_weight: float = 0.1  # a citing claim's vote when the cited source holds the value
    false_values: float | None = None  # n: wrong values per item; None: those claimed + 1 unseen
    copy_rate: float = 0.8  # c: the share of its values a copier takes from its original
    copy_prior: float = 0.1  # prior probability that two sources sharing items are dependent
    dependence_threshold: float = 0.5  # pairs at or above are reported as dependent
    min_shared: int = 5  # pairs sharing fewer items are not judged for copying
    copy_rounds: int = 3  # copy detection -> discounted estimate, repeated
    max_iterations: int = 100  # per estimate: accuracy <-> answers until stable
    convergence: float = 1e-6  # largest change of any accuracy that counts as stable
    relative_tolerance: float = 0.01  # numbers: a figure within 1% of the estimate is right
    list_separator: str | None = None  # values are lists of items split on this; a list
    # giving some of another's items is an incomplete answer, not a rival (partial_answers)


@dataclass(frozen=True)
class JudgedClaims:
    """The claims as integer codes and weights, one row per (source, item, value).

    ``source`` and ``item`` index ``sources`` and ``items``; ``value`` holds the
    values as given (text for alternatives, float for figures); ``weight`` is the
    claim's weight when judging its source (split and hedge applied), ``vote`` its
    weight in the estimate (citation discount applied too); ``judged`` marks claims
    on items with at least two sources (the only ones that say anything about a
    source's accuracy).
    """

    source: np.ndarray
    item: np.ndarray
    value: np.ndarray
    weight: np.ndarray
    vote: np.ndarray
    judged: np.ndarray
    sources: pd.Index
    items: pd.Index


def require_columns(claims: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [column for column in columns if column not in claims.columns]
    if missing:
        raise ValueError(
            f"{what}: the claims table has no column {', '.join(map(repr, missing))}; "
            f"it needs {', '.join(columns)} (see docs/reliability.md)"
        )


def judged_claims(
    claims: pd.DataFrame, item_column: str, options: TruthOptions, value_dtype: str = "object"
) -> JudgedClaims:
    """Read claims (source_id, ``item_column``, value; optional time, weight, hedged,
    cites_source) into :class:`JudgedClaims` by the rules of the module docstring."""
    require_columns(claims, ("source_id", item_column, "value"), "truth estimates")
    frame = pd.DataFrame(
        {
            "source": claims["source_id"].to_numpy(),
            "item": claims[item_column].to_numpy(),
            "value": claims["value"].to_numpy(),
            "weight": _column(claims, "weight", 1.0).astype(np.float64),
        }
    )
    if "hedged" in claims:
        hedged = claims["hedged"].fillna(False).to_numpy(dtype=bool)
        frame["weight"] *= np.where(hedged, options.hedge_weight, 1.0)
    frame["cites"] = claims["cites_source"].to_numpy() if "cites_source" in claims else None
    keep = frame["source"].notna() & frame["item"].notna() & frame["value"].notna()
    keep &= frame["weight"].to_numpy() > 0
    if "time" in claims:
        frame["time"] = claims["time"].to_numpy()
        frame = frame[keep.to_numpy()]
        latest = frame.groupby(["source", "item"], sort=False)["time"].transform("max")
        frame = frame[(frame["time"] == latest).to_numpy() | latest.isna().to_numpy()]
    else:
        frame = frame[keep.to_numpy()]
    if value_dtype != "object":
        frame["value"] = frame["value"].astype(value_dtype)
    source_codes, sources = pd.factorize(frame["source"], sort=True)
    item_codes, items = pd.factorize(frame["item"], sort=True)
    value_codes, _ = pd.factorize(frame["value"])
    frame = frame.assign(s=source_codes, i=item_codes, v=value_codes)
    # one row per (source, item, value): the heaviest of its repeats
    heaviest = pd.factorize(frame["weight"].to_numpy(), sort=True)[0].astype(np.int64)
    order = sorting.lexsort((-heaviest, value_codes, item_codes, source_codes))
    frame = frame.iloc[order]
    key = (frame["s"].to_numpy(np.int64) * len(items) + frame["i"].to_numpy()) * (
        int(value_codes.max(initial=0)) + 1
    ) + frame["v"].to_numpy()
    frame = frame[np.r_[True, key[1:] != key[:-1]]]
    distinct = frame.groupby(["s", "i"], sort=False)["v"].transform("size").to_numpy()
    weight = frame["weight"].to_numpy() / distinct
    source = frame["s"].to_numpy(np.int64)
    item = frame["i"].to_numpy(np.int64)
    value_code = frame["v"].to_numpy(np.int64)
    vote = weight * _citation_factor(frame, sources, source, item, value_code, options)
    per_item = sources_per_item(source, item, len(items))
    return JudgedClaims(
        source=source,
        item=item,
        value=frame["value"].to_numpy(),
        weight=weight,
        vote=vote,
        judged=(per_item >= 2)[item],
        sources=pd.Index(sources),
        items=pd.Index(items),
    )


def _column(claims: pd.DataFrame, name: str, default: float) -> np.ndarray:
    if name not in claims:
        return np.full(len(claims), default)
    return claims[name].fillna(default).to_numpy(dtype=np.float64)


def sources_per_item(source: np.ndarray, item: np.ndarray, n_items: int) -> np.ndarray:
    """How many distinct sources claim on each item."""
    pairs = sorting.unique(source * n_items + item)
    return np.bincount(pairs % n_items, minlength=n_items)


def _citation_factor(
    frame: pd.DataFrame,
    sources: pd.Index,
    source: np.ndarray,
    item: np.ndarray,
    value_code: np.ndarray,
    options: TruthOptions,
) -> np.ndarray:
    """``cite_weight`` for claims whose cited source holds the same value on the item, else 1."""
    factor = np.ones(len(source))
    cited = frame["cites"].to_numpy()
    citing = pd.notna(cited)
    if not citing.any():
        return factor
    cited_code = sources.get_indexer(cited[citing])
    n_items, n_values = int(item.max()) + 1, int(value_code.max()) + 1
    held = (source * n_items + item) * n_values + value_code
    wanted = (cited_code * n_items + item[citing]) * n_values + value_code[citing]
    repeats = (cited_code >= 0) & np.isin(wanted, held)
    factor[np.flatnonzero(citing)[repeats]] = options.cite_weight
    return factor


def beta_interval(
    right: np.ndarray,
    judged: np.ndarray,
    options: TruthOptions,
    right_variance: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and equal-tailed interval of an accuracy from effective counts.

    ``right`` of ``judged`` (weighted) claims were right; the prior is
    Beta(prior_right, prior_wrong). Returns (estimate, low, high). When the right count
    is itself uncertain (claims judged against answers that are only probable),
    ``right_variance`` is its variance: the posterior is then a mixture of Betas over
    the possible counts, replaced by the Beta of the same mean and variance (wider).
    """
    a = options.prior_right + right
    b = options.prior_wrong + np.maximum(judged - right, 0.0)
    mean = a / (a + b)
    if right_variance is not None:
        variance = mean * (1 - mean) / (a + b + 1) + right_variance / (a + b) ** 2
        # the Beta with this mean and variance: a + b = mean (1 - mean) / variance - 1
        total = np.maximum(mean * (1 - mean) / np.maximum(variance, 1e-300) - 1.0, 1e-9)
        certain = right_variance <= 0
        a = np.where(certain, a, mean * total)
        b = np.where(certain, b, (1 - mean) * total)
    tail = (1.0 - options.level) / 2.0
    return mean, betaincinv(a, b, tail), betaincinv(a, b, 1.0 - tail)


def source_table(
    judged: JudgedClaims,
    right: np.ndarray,
    options: TruthOptions,
    extra: dict | None = None,
    incomplete: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per source: estimate, low, high, claims_judged (effective), claims, enough_data, basis,
    and with ``incomplete`` (each claim's probability of being a part of the true value)
    the share of its judged weight that was incomplete rather than right or false.

    ``right`` is each claim's probability (or 0/1) of being right; only judged claims
    count. ``basis`` says in words how much backs the figure: "judged", "few judged
    claims" or "no claim judged" (every item it spoke on had no other source).
    """
    n = len(judged.sources)
    on = judged.judged
    weight = np.where(on, judged.weight, 0.0)
    counted = np.bincount(judged.source, weights=weight, minlength=n)
    hits = np.bincount(judged.source, weights=weight * right, minlength=n)
    # each judged claim is right with probability ``right``, independently across items
    spread = np.bincount(judged.source, weights=weight**2 * right * (1 - right), minlength=n)
    estimate, low, high = beta_interval(hits, counted, options, spread)
    enough = counted >= options.min_judged
    basis = np.where(
        enough, "judged", np.where(counted > 0, "few judged claims", "no claim judged")
    )
    table = pd.DataFrame(
        {
            "source_id": judged.sources,
            "estimate": estimate,
            "low": low,
            "high": high,
            "claims_judged": counted,
            "claims": np.bincount(judged.source, minlength=n),
            "enough_data": enough,
            "basis": basis,
        }
    )
    if incomplete is not None:
        partial = np.bincount(judged.source, weights=weight * incomplete, minlength=n)
        table["incomplete"] = partial / np.maximum(counted, 1e-12) * (counted > 0)
    for name, column in (extra or {}).items():
        table[name] = column
    return table
