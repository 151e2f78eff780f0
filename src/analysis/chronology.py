"""Chronology of claims (contract §4): the as-of cut, timeline, shifts, conflicts, lags.

Intervals are compared honestly: one claim is placed before another only when
its whole ``stated`` interval ends before the other's begins
(:func:`certainly_before`, the one rule both shifts and conflicts use).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import ArrayLike

from .dataset import Dataset
from .timeexpr import PRECISIONS

_CLAIM_KEYS = ["claim_id", "source_id", "assertion_id", "document_id", "stance", "hedged"]
WORKING_COLUMNS = [
    *_CLAIM_KEYS,
    "stated",
    "stated_start",
    "stated_end",
    "stated_precision",
    "event_start",
    "event_end",
    "event_precision",
    "quote",
    "cites",
]


def claim_ranks(claim_ids: pd.Series) -> np.ndarray:
    """Each claim_id's rank in text order: the last tie-break, as an integer."""
    return pc.rank(pa.array(claim_ids.array), sort_keys="ascending", tiebreaker="first").to_numpy()


def known_claims(
    dataset: Dataset, as_of: pd.Timestamp | None = None, topic: str | None = None
) -> pd.DataFrame:
    """Claims an analyst could have read by ``as_of``: stated interval ended and document out.

    Keeps WORKING_COLUMNS (identifiers stay the dataset's sorted categoricals) and
    adds ``published_day``, ``claim_row`` (position in ``dataset.claims``) and
    ``claim_rank`` (claim_id order). ``topic`` keeps only claims on assertions of
    that topic.
    """
    claims = dataset.claims
    published = dataset.documents.set_index("document_id")["published_day"]
    published_day = published.reindex(claims["document_id"]).to_numpy()
    keep = np.ones(len(claims), dtype=bool)
    if as_of is not None:
        as_of = pd.Timestamp(as_of)
        keep &= (claims["stated_end"] <= as_of).to_numpy() & (published_day <= as_of)
    if topic is not None:
        on_topic = dataset.assertions.loc[dataset.assertions["topic"] == topic, "assertion_id"]
        keep &= claims["assertion_id"].isin(on_topic).to_numpy()
    rows = np.flatnonzero(keep)
    known = claims.iloc[rows][WORKING_COLUMNS].assign(
        published_day=published_day[rows],
        claim_row=rows,
        claim_rank=claim_ranks(claims["claim_id"])[rows],
    )
    return known.reset_index(drop=True)


def timeline(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """Claims in contract order (stated start, stated end, claim_id) with event time and lag.

    ``claims`` comes from :func:`known_claims`. A claim's event time is its own
    ``event_time``, else its assertion's; ``lag_days`` runs from the event
    interval's end to the stated interval's start, never below 0.
    """
    order = np.lexsort(
        (
            claims["claim_rank"].to_numpy(),
            claims["stated_end"].to_numpy(),
            claims["stated_start"].to_numpy(),
        )
    )
    out = claims.iloc[order].reset_index(drop=True)
    assertion_rows = dataset.assertions["assertion_id"].array.argsort()  # sorted id -> row
    rows = assertion_rows[out["assertion_id"].cat.codes.to_numpy()]
    own = out["event_start"].notna().to_numpy()
    for column in ("event_start", "event_end", "event_precision"):
        fallback = dataset.assertions[column].to_numpy()[rows]
        out[column] = np.where(own, out[column].to_numpy(), fallback)
    out["event_precision"] = pd.Categorical(out["event_precision"], categories=PRECISIONS)
    lag = (out["stated_start"] - out["event_end"]).dt.days.clip(lower=0)
    out["lag_days"] = lag.astype("Int64")
    return out


def certainly_before(first_end: ArrayLike, second_start: ArrayLike) -> np.ndarray:
    """Where the first claim is certainly before the second: its whole stated interval
    ends before the second's starts (element-wise over day arrays).

    The chronology's one ordering rule (contract §4): "last month" is not placed
    before "March 18" unless the intervals say so. Two claims overlap when neither
    is certainly before the other.
    """
    return np.asarray(first_end) < np.asarray(second_start)


def shifts(ordered: pd.DataFrame) -> pd.DataFrame:
    """Changes of stance or hedging between successive claims of a source on an assertion.

    ``ordered`` is a timeline. Only certainly ordered pairs count (the first's stated
    interval ends before the second's starts); ``at`` is the second's stated start
    and ``from_at`` the first's.
    """
    source = ordered["source_id"].cat.codes.to_numpy()
    assertion = ordered["assertion_id"].cat.codes.to_numpy()
    start = ordered["stated_start"].to_numpy()
    end = ordered["stated_end"].to_numpy()
    order = np.lexsort((ordered["claim_rank"].to_numpy(), end, start, assertion, source))
    before, after = order[:-1], order[1:]
    stance = ordered["stance"].cat.codes.to_numpy()
    hedged = ordered["hedged"].to_numpy()
    keep = (
        (source[before] == source[after])
        & (assertion[before] == assertion[after])
        & ((stance[before] != stance[after]) | (hedged[before] != hedged[after]))
        & certainly_before(end[before], start[after])
    )
    first = ordered.iloc[before[keep]].reset_index(drop=True)
    second = ordered.iloc[after[keep]].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "source_id": second["source_id"].astype(object),
            "assertion_id": second["assertion_id"].astype(object),
            "from_claim": first["claim_id"],
            "to_claim": second["claim_id"],
            "from_stance": first["stance"].astype(object),
            "from_hedged": first["hedged"],
            "to_stance": second["stance"].astype(object),
            "to_hedged": second["hedged"],
            "at": second["stated_start"],
            "from_at": first["stated_start"],
        }
    )
    return out.sort_values(["at", "source_id", "assertion_id", "to_claim"]).reset_index(drop=True)


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
    a_start, a_end = pairs["stated_start_a"], pairs["stated_end_a"]
    b_start, b_end = pairs["stated_start_b"], pairs["stated_end_b"]
    overlap = ~certainly_before(a_end, b_start) & ~certainly_before(b_end, a_start)
    differ = (pairs["stance_a"] != pairs["stance_b"]) | (pairs["hedged_a"] != pairs["hedged_b"])
    found = pairs[overlap & differ]
    return (
        found.rename(columns={"claim_id_a": "claim_a", "claim_id_b": "claim_b"})[
            ["source_id", "assertion_id", "claim_a", "claim_b"]
        ]
        .sort_values(["source_id", "assertion_id", "claim_a", "claim_b"])
        .reset_index(drop=True)
    )
