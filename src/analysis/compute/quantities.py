"""Quantities (contract §4): each source's current figure, its revisions, running totals
read day by day, and per quantity the spread, the most conservative figure and the
range reliable sources give.

A figure is a claim's ``value``, ``low`` and ``high`` (any of them may be blank): its
lower end is ``low``, else ``value``; its upper end is ``high``, else ``value``, else
``low`` ("more than 100" reaches at least 100). Claims are ordered as §4 orders a
source's claims (stated end, start, plain over hedged, claim_id), so "latest" means
what it means for positions. Every step is a sort and a few array operations over the
figure claims, never a loop over them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute import agreement
from analysis.compute.chronology import table_rows
from analysis.contract.dataset import Dataset
from analysis.contract.schema import FIGURE_COLUMNS

FIGURE_TABLE = (
    "assertion_id",
    "source_id",
    "claim_id",
    "value",
    "low",
    "high",
    "hedged",
    "stated_start",
    "stated_end",
    "day",
)
REVISION_COLUMNS = (
    "assertion_id",
    "source_id",
    "from_claim",
    "to_claim",
    "from_value",
    "from_low",
    "from_high",
    "to_value",
    "to_low",
    "to_high",
    "at",
    "day",
)
SERIES_COLUMNS = (
    "assertion_id",
    "source_id",
    "day",
    "claim_id",
    "value",
    "low",
    "high",
    "hedged",
    "falls",
)
QUANTITY_COLUMNS = (
    "assertion_id",
    "statement",
    "unit",
    "cumulative",
    "sources",
    "lowest",
    "highest",
    "conservative",
    "conservative_sources",
    "range_low",
    "range_high",
    "range_basis",
    "compared_on",
)
RELIABLE = ("A", "B", "C")  # Admiralty grades whose figures make the reliable range
NOT_CREDIBLE = ("E",)  # "unreliable": left out of the conservative figure and the range


def has_quantities(dataset: Dataset) -> bool:
    return bool(dataset.assertions["unit"].notna().any())


def _per_assertion(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Per code of the claims' assertion categorical: is it a quantity, is it cumulative."""
    rows = table_rows(dataset.assertions["assertion_id"])
    quantity = dataset.assertions["unit"].notna().to_numpy()[rows]
    return quantity, dataset.assertions["cumulative"].to_numpy(dtype=bool)[rows]


def figure_claims(dataset: Dataset, known: pd.DataFrame) -> pd.DataFrame:
    """The known supports and refutes claims on quantities, with their figures and, on a
    running total, ``day``: the day the total is as of (the claim's own event time's
    last day, else its stated end). Columns of ``known`` plus value, low, high, day,
    cumulative."""
    quantity, cumulative = _per_assertion(dataset)
    assertion = known["assertion_id"].cat.codes.to_numpy()
    taking = np.flatnonzero(quantity[assertion] & ~agreement._is(known["stance"], "neutral"))
    claims = known.iloc[taking].reset_index(drop=True)
    rows = claims["claim_row"].to_numpy()
    running = cumulative[assertion[taking]]
    day = claims["event_end"].fillna(claims["stated_end"]).to_numpy(copy=True)
    day[~running] = np.datetime64("NaT")
    return claims.assign(
        **{name: dataset.claims[name].to_numpy()[rows] for name in FIGURE_COLUMNS},
        day=day,
        cumulative=running,
    )


def _codes(frame: pd.DataFrame) -> tuple[np.ndarray, int]:
    """One integer per (assertion, source), ordered by assertion then source."""
    width = len(frame["source_id"].cat.categories)
    pair = frame["assertion_id"].cat.codes.to_numpy().astype(np.int64) * width
    return pair + frame["source_id"].cat.codes.to_numpy(), width


def _last_of_runs(key: np.ndarray) -> np.ndarray:
    """Where a sorted ``key`` changes after a row: the last row of each run."""
    last = np.ones(len(key), dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    return last


def _same_figure(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Row by row, whether two frames give the same figure (blanks equal)."""
    same = np.ones(len(a), dtype=bool)
    for name in FIGURE_COLUMNS:  # three columns
        x, y = a[name].to_numpy(), b[name].to_numpy()
        same &= (x == y) | (np.isnan(x) & np.isnan(y))
    return same


def _revisions(ordered: pd.DataFrame, run: np.ndarray) -> pd.DataFrame:
    """Neighbours in ``ordered`` within one ``run`` that give different figures."""
    before, after = ordered.iloc[:-1], ordered.iloc[1:]
    changed = np.flatnonzero(
        (run[1:] == run[:-1])
        & ~_same_figure(before.reset_index(drop=True), after.reset_index(drop=True))
    )
    a, b = before.iloc[changed], after.iloc[changed]
    return pd.DataFrame(
        {
            "assertion_id": b["assertion_id"].array,
            "source_id": b["source_id"].array,
            "from_claim": a["claim_id"].to_numpy(),
            "to_claim": b["claim_id"].to_numpy(),
            **{f"from_{n}": a[n].to_numpy() for n in FIGURE_COLUMNS},
            **{f"to_{n}": b[n].to_numpy() for n in FIGURE_COLUMNS},
            "at": b["stated_start"].to_numpy(),
            "day": b["day"].to_numpy(),
        }
    )


def _point(frame: pd.DataFrame) -> np.ndarray:
    """One number per figure to compare totals by: value, else low, else high."""
    return frame["value"].fillna(frame["low"]).fillna(frame["high"]).to_numpy()


def source_figures(
    dataset: Dataset, known: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Each source's current figure per quantity, the revisions, and the running totals.

    ``figures`` (FIGURE_TABLE): on a quantity, the figure of the source's latest
    supports/refutes claim when it supports (a later refutation withdraws it); on a
    running total, its latest day's total. ``revisions`` (REVISION_COLUMNS): a source's
    neighbouring supporting claims, in the latest order, whose figures differ; on a
    running total only claims about the same ``day`` (a correction), a new day's total
    being no revision. ``series`` (SERIES_COLUMNS): per running total, source and day,
    the latest claim's figure; ``falls`` where it is below the source's previous total.
    All ordered by assertion, source (and day, then the latest order).
    """
    claims = figure_claims(dataset, known)
    supports = agreement._is(claims["stance"], "supports")
    running = claims["cumulative"].to_numpy()
    pair, _ = _codes(claims)

    # quantities that are not running totals: the latest claim decides
    once = np.flatnonzero(~running)
    order = once[agreement.latest_order(claims, once, pair[once])]
    current = order[_last_of_runs(pair[order]) & supports[order]]
    given = order[supports[order]]
    revised = _revisions(claims.iloc[given].reset_index(drop=True), pair[given])

    # running totals: by day, the latest claim about a day decides that day's total
    daily = np.flatnonzero(running & supports)
    day_key = pair[daily] * (1 << 24) + _day_numbers(claims["day"].to_numpy()[daily])
    by_day = agreement.latest_order(claims, daily, day_key)
    ordered, ordered_day_key = daily[by_day], day_key[by_day]
    corrected = _revisions(claims.iloc[ordered].reset_index(drop=True), ordered_day_key)
    entries = ordered[_last_of_runs(ordered_day_key)]
    series = claims.iloc[entries].reset_index(drop=True)
    point = _point(series)
    series_pair = pair[entries]
    previous = np.concatenate([[np.nan], point[:-1]])
    new_source = np.concatenate([[True], series_pair[1:] != series_pair[:-1]])
    falls = ~new_source & (point < previous)
    series = series.assign(falls=falls)[list(SERIES_COLUMNS)]
    latest_day = entries[_last_of_runs(series_pair)]

    picked = np.concatenate([current, latest_day])
    picked = picked[np.argsort(pair[picked], kind="stable")]
    figures = claims.iloc[picked].reset_index(drop=True)[list(FIGURE_TABLE)]
    revisions = pd.concat([revised, corrected], ignore_index=True)
    revisions = revisions.iloc[
        np.argsort(_codes(revisions)[0], kind="stable") if len(revisions) else []
    ].reset_index(drop=True)
    return figures, revisions, series


def _day_numbers(days: np.ndarray) -> np.ndarray:
    """Days since 1700-01-01 (the contract's range ends in 2199: under 2**24)."""
    return (days.astype("datetime64[D]") - np.datetime64("1700-01-01", "D")).astype(np.int64)


def compared_figures(figures: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The figures a quantity's sources are compared on: their current figures, except
    on a running total whose sources' latest days differ and that two or more sources
    gave on a common day, where each source's total of the latest such day is taken
    (comparing one source's total of 2023 with another's of 2026 would read the passing
    of time as a dispute). ``compared_on``: that day, NaT where the current figures are
    compared."""
    days = figures.groupby("assertion_id", observed=True)["day"].nunique()
    apart = days.index[days.to_numpy() > 1]  # running totals whose latest days differ
    series = series[series["assertion_id"].isin(apart).to_numpy()]
    counted = series.groupby(["assertion_id", "day"], observed=True)["source_id"].transform("size")
    common = series[counted.to_numpy() >= 2]
    latest = common.groupby("assertion_id", observed=True)["day"].transform("max")
    on_day = common[common["day"].to_numpy() == latest.to_numpy()]
    replaced = on_day["assertion_id"].unique()
    kept = figures[~figures["assertion_id"].isin(replaced).to_numpy()]
    kept = kept.assign(compared_on=pd.Series(pd.NaT, index=kept.index, dtype="datetime64[ns]"))
    taken = on_day.assign(compared_on=on_day["day"])
    columns = ["assertion_id", "source_id", "value", "low", "high", "hedged", "compared_on"]
    both = pd.concat([kept[columns], taken[columns]], ignore_index=True)
    both["assertion_id"] = both["assertion_id"].astype(figures["assertion_id"].dtype)
    both["source_id"] = both["source_id"].astype(figures["source_id"].dtype)
    order = np.lexsort((both["source_id"].cat.codes, both["assertion_id"].cat.codes))
    return both.iloc[order].reset_index(drop=True)


def quantity_summary(
    dataset: Dataset, assertions: pd.DataFrame, figures: pd.DataFrame, series: pd.DataFrame
) -> pd.DataFrame:
    """Per analysed quantity (QUANTITY_COLUMNS), over the sources' current ``figures``:
    ``sources`` giving one; ``lowest`` and ``highest``, the least lower end and the
    greatest upper end (the spread); ``conservative``, the least lower end among
    credible figures (a source not graded E), with ``conservative_sources``, the sources
    that give it (ACLED's rule: the lowest credible figure); ``range_low`` and
    ``range_high``, the spread of figures of sources graded A to C (``range_basis``
    ``graded``), or of every credible figure when none is (``all``); ``compared_on``,
    the common day of running totals compared on one (:func:`compared_figures`)."""
    quantities = assertions[assertions["unit"].notna().to_numpy()]
    figures = compared_figures(figures, series)
    categories = figures["assertion_id"].cat.categories
    size = len(categories)
    wanted = categories.get_indexer(quantities["assertion_id"])
    assertion = figures["assertion_id"].cat.codes.to_numpy().astype(np.int64)
    lower = figures["low"].fillna(figures["value"]).to_numpy()
    upper = figures["high"].fillna(figures["value"]).fillna(figures["low"]).to_numpy()
    sources = dataset.sources
    grade = sources["reliability"].to_numpy(dtype=object)[table_rows(sources["source_id"])]
    grade = grade[figures["source_id"].cat.codes.to_numpy()]
    credible = ~np.isin(grade, NOT_CREDIBLE)
    reliable = np.isin(grade, RELIABLE)

    def least(values: np.ndarray, where: np.ndarray) -> np.ndarray:
        """Per assertion code, the least of ``values`` ``where`` true (NaN: none)."""
        out = np.full(size, np.inf)
        np.fmin.at(out, assertion[where], values[where])
        out[np.isinf(out)] = np.nan
        return out

    def greatest(values: np.ndarray, where: np.ndarray) -> np.ndarray:
        out = np.full(size, -np.inf)
        np.fmax.at(out, assertion[where], values[where])
        out[np.isinf(out)] = np.nan
        return out

    def per_quantity(values: np.ndarray) -> np.ndarray:
        return values[wanted]  # every assertion is a category: none missing

    every = np.ones(len(figures), dtype=bool)
    conservative = least(lower, credible)
    gives = credible & (lower == conservative[assertion])
    has_graded = np.bincount(assertion[reliable], minlength=size) > 0
    range_low = np.where(has_graded, least(lower, reliable), least(lower, credible))
    range_high = np.where(has_graded, greatest(upper, reliable), greatest(upper, credible))
    names = figures["source_id"].cat.categories
    return pd.DataFrame(
        {
            "assertion_id": quantities["assertion_id"].to_numpy(),
            "statement": quantities["statement"].to_numpy(),
            "unit": quantities["unit"].to_numpy(),
            "cumulative": quantities["cumulative"].to_numpy(dtype=bool),
            "sources": per_quantity(np.bincount(assertion, minlength=size)),
            "lowest": per_quantity(least(lower, every)),
            "highest": per_quantity(greatest(upper, every)),
            "conservative": per_quantity(conservative),
            "conservative_sources": agreement.source_lists(
                assertion[gives], figures["source_id"].cat.codes.to_numpy()[gives], names, wanted
            ),
            "range_low": per_quantity(range_low),
            "range_high": per_quantity(range_high),
            "range_basis": np.where(per_quantity(has_graded), "graded", "all"),
            "compared_on": per_quantity(_day_of(assertion, figures["compared_on"], size)),
        }
    )


def _day_of(assertion: np.ndarray, days: pd.Series, size: int) -> np.ndarray:
    """Per assertion code, the (one) ``compared_on`` day of its figures, NaT if none."""
    out = np.full(size, np.datetime64("NaT"), dtype="datetime64[ns]")
    given = days.notna().to_numpy()
    out[assertion[given]] = days.to_numpy()[given]
    return out
