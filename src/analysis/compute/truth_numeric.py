"""The likely figure of each quantity, and how reliable each source is on figures.

Method, in the spirit of CRH (Li et al., SIGMOD 2014): the estimate of a quantity
is the **weighted median** of the figures claimed for it, each weighted by its
source's reliability; a source's reliability is then re-estimated from how often
its figures land within ``relative_tolerance`` (1%) of the estimates, and the two
steps alternate until stable. A median, not a mean, because one absurd figure (an
extra zero, a vandal's edit) must not drag the estimate; relative, not absolute,
errors because quantities span scales (a village of 1,000 and a city of
30,000,000 are judged alike: 1% of each).

The reliability is accuracy-like: the Beta(prior_right, prior_wrong) posterior of
"within tolerance" over the source's judged claims (those on quantities at least
two sources speak to), with the same equal-tailed interval as for alternatives.
Its vote is the log-odds ln(n R / (1 - R)) of the accuracy model (floored just
above zero, so that a poor source still counts a little and never pushes the
estimate away from its own figure). Ties, as when two equally trusted sources
disagree, go to the smaller figure: the conservative reading.

Per quantity: ``estimate``, ``low`` and ``high`` (the weighted ``level`` quantiles
of the claimed figures: where the central share of trusted weight lies, not a
confidence interval on an unknown truth), ``support`` (the share of weight within
tolerance of the estimate) and ``basis``. A claim that gives only a range counts
at its midpoint, or at its one bound ("more than 100" counts as 100; "fewer than 50"
would count as 50, so :func:`analysis.compute.estimates.figure_claims` leaves an upper
bound alone out of what it gives the engine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compute.reliability import (
    TruthOptions,
    judged_claims,
    require_columns,
    source_table,
    sources_per_item,
)


@dataclass(frozen=True)
class QuantityEstimates:
    """``quantities``: quantity_id, estimate, low, high, support, sources, basis ("single
    source", "sources agree", "contested"). ``sources``: the source table of
    :func:`analysis.compute.reliability.source_table` plus typical_error (the median
    relative error of its judged figures)."""

    quantities: pd.DataFrame
    sources: pd.DataFrame
    iterations: int


def weighted_quantile(
    item: np.ndarray, value: np.ndarray, weight: np.ndarray, share: float, n_items: int
) -> np.ndarray:
    """Per item, the smallest value at which the cumulative weight reaches ``share`` of the
    item's weight (values sorted within each item); ties at exactly ``share`` take the smaller."""
    order = np.lexsort((value, item))
    cumulative = np.cumsum(weight[order])
    total = np.bincount(item, weights=weight, minlength=n_items)
    ends = np.cumsum(np.bincount(item, minlength=n_items))
    before = np.r_[0.0, cumulative][ends - np.bincount(item, minlength=n_items)]
    slack = 1e-9 * np.maximum(total, 1.0)
    at = np.searchsorted(cumulative, before + share * total - slack, side="left")
    return value[order[np.minimum(at, ends - 1)]]


def _relative_error(value: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    return np.abs(value - estimate) / np.maximum(np.abs(estimate), 1.0)


def _numeric_values(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims with numbers for values: a missing value filled from the claim's range
    (midpoint, else the one bound); text where a number belongs is refused."""
    require_columns(claims, ("source_id", "quantity_id"), "numeric truth estimates")
    given = claims["value"] if "value" in claims else pd.Series(np.nan, index=claims.index)
    value = pd.to_numeric(given, errors="coerce")
    bad = np.flatnonzero(value.isna().to_numpy() & given.notna().to_numpy())
    if len(bad):
        raise ValueError(
            f"numeric truth estimates: claim {bad[0]} (0-based row) has value "
            f"{given.iloc[bad[0]]!r}, not a number; give a number or leave it empty with low/high"
        )
    if "low" in claims or "high" in claims:
        low = pd.to_numeric(claims["low"], errors="coerce") if "low" in claims else np.nan
        high = pd.to_numeric(claims["high"], errors="coerce") if "high" in claims else np.nan
        value = value.fillna((low + high) / 2.0).fillna(low).fillna(high)
    return claims.assign(value=value)


def estimate_quantities(
    claims: pd.DataFrame, options: TruthOptions | None = None
) -> QuantityEstimates:
    """Likely figures and source reliabilities from numeric claims.

    ``claims`` columns: source_id, quantity_id, value (a number); optional low, high,
    time, weight, hedged, cites_source, read as for alternatives
    (:mod:`analysis.compute.reliability`).
    """
    options = options or TruthOptions()
    judged = judged_claims(_numeric_values(claims), "quantity_id", options, "float64")
    if len(judged.source) == 0:
        raise ValueError("truth estimates: no numeric claim has a source, a quantity and a value")
    value = judged.value.astype(np.float64)
    n_items, n_sources = len(judged.items), len(judged.sources)
    weight = np.where(judged.judged, judged.weight, 0.0)
    reliability = np.full(
        n_sources, options.prior_right / (options.prior_right + options.prior_wrong)
    )
    estimate = None
    step = 0
    while step < options.max_iterations:
        step += 1
        trust = np.clip(reliability, 1e-6, 1 - 1e-6)
        vote = np.maximum(np.log(trust / (1 - trust)), 1e-3)
        weights = judged.vote * vote[judged.source]
        updated = weighted_quantile(judged.item, value, weights, 0.5, n_items)
        hit = _relative_error(value, updated[judged.item]) <= options.relative_tolerance + 1e-12
        counted = np.bincount(judged.source, weights=weight, minlength=n_sources)
        hits = np.bincount(judged.source, weights=weight * hit, minlength=n_sources)
        reliability_next = (options.prior_right + hits) / (
            options.prior_right + options.prior_wrong + counted
        )
        stable = estimate is not None and np.array_equal(updated, estimate)
        moved = np.max(np.abs(reliability_next - reliability), initial=0.0)
        estimate, reliability = updated, reliability_next
        if stable or moved < options.convergence:
            break
    tail = (1.0 - options.level) / 2.0
    error = _relative_error(value, estimate[judged.item])
    within = error <= options.relative_tolerance + 1e-12
    total = np.bincount(judged.item, weights=weights, minlength=n_items)
    support = np.bincount(judged.item, weights=weights * within, minlength=n_items) / total
    sources = sources_per_item(judged.source, judged.item, n_items)
    agree = np.bincount(judged.item, weights=~within, minlength=n_items) == 0
    quantities = pd.DataFrame(
        {
            "quantity_id": judged.items,
            "estimate": estimate,
            "low": weighted_quantile(judged.item, value, weights, tail, n_items),
            "high": weighted_quantile(judged.item, value, weights, 1.0 - tail, n_items),
            "support": support,
            "sources": sources,
            "basis": np.where(
                sources == 1, "single source", np.where(agree, "sources agree", "contested")
            ),
        }
    )
    typical = (
        pd.Series(error[judged.judged])
        .groupby(judged.source[judged.judged])
        .median()
        .reindex(range(n_sources))
        .to_numpy()
    )
    table = source_table(judged, within.astype(np.float64), options, {"typical_error": typical})
    return QuantityEstimates(quantities=quantities, sources=table, iterations=step)
