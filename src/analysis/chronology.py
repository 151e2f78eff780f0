"""Chronology of claims (contract §4): the as-of cut, timeline, shifts, conflicts, lags.

Intervals are compared honestly: one claim is placed before another only when
its whole ``stated`` interval ends before the other's begins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Dataset

TIMELINE_COLUMNS = [
    "claim_id",
    "source_id",
    "assertion_id",
    "document_id",
    "stance",
    "hedged",
    "stated_start",
    "stated_end",
    "stated_precision",
    "event_start",
    "event_end",
    "lag_days",
]


def known_claims(
    dataset: Dataset, as_of: pd.Timestamp | None = None, topic: str | None = None
) -> pd.DataFrame:
    """Claims an analyst could have read by ``as_of``: stated interval ended and document out.

    Adds ``published_day``. ``topic`` keeps only claims on assertions of that topic.
    """
    published = dataset.documents.set_index("document_id")["published_day"]
    claims = dataset.claims.assign(
        published_day=published.reindex(dataset.claims["document_id"]).to_numpy()
    )
    if as_of is not None:
        as_of = pd.Timestamp(as_of)
        claims = claims[(claims["stated_end"] <= as_of) & (claims["published_day"] <= as_of)]
    if topic is not None:
        on_topic = dataset.assertions.loc[dataset.assertions["topic"] == topic, "assertion_id"]
        claims = claims[claims["assertion_id"].isin(on_topic)]
    return claims


def timeline(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """Claims in contract order (stated start, stated end, claim_id) with event time and lag.

    A claim's event time is its own ``event_time``, else its assertion's; ``lag_days``
    runs from the event interval's end to the stated interval's start, never below 0.
    """
    events = dataset.assertions.set_index("assertion_id")[
        ["event_start", "event_end", "event_precision"]
    ].reindex(claims["assertion_id"])
    own = claims["event_start"].notna().to_numpy()
    out = claims.copy()
    for column in ("event_start", "event_end"):
        out[column] = np.where(own, claims[column].to_numpy(), events[column].to_numpy())
    out["event_precision"] = pd.Categorical(
        np.where(
            own, claims["event_precision"].astype(object), events["event_precision"].astype(object)
        ),
        categories=claims["event_precision"].cat.categories,
    )
    lag = (out["stated_start"] - out["event_end"]).dt.days.clip(lower=0)
    out["lag_days"] = lag.astype("Int64")
    out = out.sort_values(["stated_start", "stated_end", "claim_id"], kind="stable")
    return out.reset_index(drop=True)


def interval_order(
    a_start: pd.Series, a_end: pd.Series, b_start: pd.Series, b_end: pd.Series
) -> pd.Series:
    """``before``, ``after`` or ``overlapping`` for each pair of day intervals.

    "last month" is not placed before "March 18" unless the intervals say so.
    """
    order = np.select(
        [a_end.to_numpy() < b_start.to_numpy(), b_end.to_numpy() < a_start.to_numpy()],
        ["before", "after"],
        "overlapping",
    )
    return pd.Series(order, index=a_start.index)


def _differs(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    return (a["stance"].to_numpy() != b["stance"].to_numpy()) | (
        a["hedged"].to_numpy() != b["hedged"].to_numpy()
    )


def shifts(ordered: pd.DataFrame) -> pd.DataFrame:
    """Changes of stance or hedging between successive claims of a source on an assertion.

    ``ordered`` is a timeline. Only certainly ordered pairs count (the first's stated
    interval ends before the second's starts); ``at`` is the second's stated start.
    """
    by_pair = ordered.sort_values(
        ["source_id", "assertion_id", "stated_start", "stated_end", "claim_id"], kind="stable"
    )
    previous = by_pair.groupby(["source_id", "assertion_id"], sort=False, observed=True).shift(1)
    has_previous = previous["claim_id"].notna().to_numpy()
    changed = has_previous & _differs(previous, by_pair)
    certain = (previous["stated_end"] < by_pair["stated_start"]).to_numpy()
    keep = changed & certain
    before, after = previous[keep], by_pair[keep]
    out = pd.DataFrame(
        {
            "source_id": after["source_id"].to_numpy(),
            "assertion_id": after["assertion_id"].to_numpy(),
            "from_claim": before["claim_id"].to_numpy(),
            "to_claim": after["claim_id"].to_numpy(),
            "from_stance": before["stance"].to_numpy(),
            "from_hedged": before["hedged"].astype(bool).to_numpy(),
            "to_stance": after["stance"].to_numpy(),
            "to_hedged": after["hedged"].to_numpy(),
            "at": after["stated_start"].to_numpy(),
            "from_at": before["stated_start"].to_numpy(),
        }
    )
    return out.sort_values(
        ["at", "source_id", "assertion_id", "to_claim"], kind="stable"
    ).reset_index(drop=True)


def conflicts(ordered: pd.DataFrame) -> pd.DataFrame:
    """Pairs of claims by one source on one assertion, overlapping in time but differing.

    Typically two documents reporting one statement differently. Each unordered
    pair once, ``claim_a < claim_b``.
    """
    columns = [
        "claim_id",
        "source_id",
        "assertion_id",
        "stance",
        "hedged",
        "stated_start",
        "stated_end",
    ]
    left = ordered[columns]
    pairs = left.merge(left, on=["source_id", "assertion_id"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["claim_id_a"] < pairs["claim_id_b"]]
    overlap = (pairs["stated_start_a"] <= pairs["stated_end_b"]) & (
        pairs["stated_start_b"] <= pairs["stated_end_a"]
    )
    differ = (pairs["stance_a"] != pairs["stance_b"]) | (pairs["hedged_a"] != pairs["hedged_b"])
    found = pairs[overlap & differ]
    return (
        found.rename(columns={"claim_id_a": "claim_a", "claim_id_b": "claim_b"})[
            ["source_id", "assertion_id", "claim_a", "claim_b"]
        ]
        .sort_values(["source_id", "assertion_id", "claim_a", "claim_b"])
        .reset_index(drop=True)
    )
