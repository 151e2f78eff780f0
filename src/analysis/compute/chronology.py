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

from analysis.compute import sorting
from analysis.contract import arrowtext
from analysis.contract.dataset import Dataset
from analysis.contract.timeexpr import PRECISIONS

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


def table_rows(ids: pd.Series) -> np.ndarray:
    """Per code of the claims' categorical over a table's ids (sorted ids: code order is
    text order), the row of that id in the table."""
    return ids.array.argsort()


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
    published_day = dataset.documents["published_day"].to_numpy()[
        table_rows(dataset.documents["document_id"])[claims["document_id"].cat.codes.to_numpy()]
    ]
    keep = np.ones(len(claims), dtype=bool)
    if as_of is not None:
        as_of = pd.Timestamp(as_of)
        keep &= (claims["stated_end"] <= as_of).to_numpy() & (published_day <= as_of)
    if topic is not None:
        on_topic = dataset.assertions.loc[dataset.assertions["topic"] == topic, "assertion_id"]
        keep &= claims["assertion_id"].isin(on_topic).to_numpy()
    rows = np.flatnonzero(keep)
    known = claims[WORKING_COLUMNS]
    if len(rows) < len(claims):  # else no copy of every text column
        known = known.iloc[rows]
    known = known.assign(
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
    order = sorting.lexsort(
        (
            claims["claim_rank"].to_numpy(),
            sorting.day_numbers(claims["stated_end"].to_numpy()),
            sorting.day_numbers(claims["stated_start"].to_numpy()),
        )
    )
    events = ["event_start", "event_end", "event_precision"]
    out = claims.drop(columns=events).iloc[order].reset_index(drop=True)  # events: below
    rows = table_rows(dataset.assertions["assertion_id"])[out["assertion_id"].cat.codes.to_numpy()]
    own = claims["event_start"].notna().to_numpy()[order]
    for column in ("event_start", "event_end"):
        fallback = dataset.assertions[column].to_numpy()[rows]
        out[column] = np.where(own, claims[column].to_numpy()[order], fallback)
    out["event_precision"] = pd.Categorical.from_codes(
        np.where(
            own,
            _precision_codes(claims["event_precision"])[order],
            _precision_codes(dataset.assertions["event_precision"])[rows],
        ),
        categories=PRECISIONS,
    )
    out = out[list(claims.columns)]  # the claims' column order
    # in whole days: a difference of centuries (1700 against 2025) overflows nanoseconds
    stated = out["stated_start"].to_numpy(dtype="datetime64[D]")
    ended = out["event_end"].to_numpy(dtype="datetime64[D]")
    known = ~(np.isnat(stated) | np.isnat(ended))
    days = np.zeros(len(out), dtype=np.int64)
    days[known] = (stated[known] - ended[known]).astype(np.int64)
    out["lag_days"] = pd.array(np.maximum(days, 0), dtype="Int64")
    out.loc[~known, "lag_days"] = pd.NA
    return out


def _precision_codes(column: pd.Series) -> np.ndarray:
    """A precision column as codes of PRECISIONS (-1: missing), through its categories."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(pd.CategoricalDtype(PRECISIONS))
    to_precisions = np.append(pd.Index(PRECISIONS).get_indexer(column.cat.categories), -1)
    return to_precisions[column.cat.codes.to_numpy()]


def certainly_before(first_end: ArrayLike, second_start: ArrayLike) -> np.ndarray:
    """Where the first claim is certainly before the second: its whole stated interval
    ends before the second's starts (element-wise over day arrays).

    The chronology's one ordering rule (contract §4): "last month" is not placed
    before "March 18" unless the intervals say so. Two claims overlap when neither
    is certainly before the other.
    """
    return np.asarray(first_end) < np.asarray(second_start)


def shifts(ordered: pd.DataFrame, answers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Changes of stance or hedging between successive claims of a source on an assertion.

    ``ordered`` is a timeline. Only certainly ordered pairs count (the first's stated
    interval ends before the second's starts); ``at`` is the second's stated start
    and ``from_at`` the first's. The timeline's order (stated start, stated end,
    claim_id) is kept within each (source, assertion) by one stable sort.
    ``answers``: supports of one alternative of a question as refutations of the others
    (:func:`analysis.compute.questions.answers_as_refutations`), followed among the
    source's claims as positions follow them: a source that says A holds the town,
    then B does, shifts from supports to refutes on A (``to_claim`` its claim on B).
    """
    if answers is not None and len(answers):
        ordered = _with_answers(ordered, answers)
    source = ordered["source_id"].cat.codes.to_numpy().astype(np.int64)
    assertion = ordered["assertion_id"].cat.codes.to_numpy().astype(np.int64)
    start = ordered["stated_start"].to_numpy()
    end = ordered["stated_end"].to_numpy()
    width = len(ordered["assertion_id"].cat.categories) + 1
    order = sorting.argsort(source * width + assertion)
    before, after = order[:-1], order[1:]
    stance = ordered["stance"].cat.codes.to_numpy()
    hedged = ordered["hedged"].to_numpy()
    keep = (
        (source[before] == source[after])
        & (assertion[before] == assertion[after])
        & ((stance[before] != stance[after]) | (hedged[before] != hedged[after]))
        & certainly_before(end[before], start[after])
    )
    before, after = before[keep], after[keep]
    # output order (at, source_id, assertion_id, to_claim) on integers: categories are
    # sorted, so code order is text order, and claim_rank is claim_id's order
    by = sorting.lexsort(
        (
            ordered["claim_rank"].to_numpy()[after],
            assertion[after],
            source[after],
            sorting.day_numbers(start[after]),
        )
    )
    before, after = before[by], after[by]

    return pd.DataFrame(
        {
            "source_id": arrowtext.taken(ordered["source_id"], after),
            "assertion_id": arrowtext.taken(ordered["assertion_id"], after),
            "from_claim": arrowtext.taken(ordered["claim_id"], before),
            "to_claim": arrowtext.taken(ordered["claim_id"], after),
            "from_stance": arrowtext.taken(ordered["stance"], before),
            "from_hedged": ordered["hedged"].to_numpy()[before],
            "to_stance": arrowtext.taken(ordered["stance"], after),
            "to_hedged": ordered["hedged"].to_numpy()[after],
            "at": ordered["stated_start"].to_numpy()[after],
            "from_at": ordered["stated_start"].to_numpy()[before],
        }
    )


def _with_answers(ordered: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """The timeline's claims and the ``answers`` in timeline order (stated start, end,
    claim_id), in the columns :func:`shifts` reads."""
    columns = list(answers.columns)
    both = pd.concat([ordered[columns], answers], ignore_index=True)
    order = sorting.lexsort(
        (
            both["claim_rank"].to_numpy(),
            sorting.day_numbers(both["stated_end"].to_numpy()),
            sorting.day_numbers(both["stated_start"].to_numpy()),
        )
    )
    return both.iloc[order].reset_index(drop=True)


def _integer_codes(column: pd.Series) -> np.ndarray:
    """Equal values, equal integers (-1 for missing): a categorical's codes, else factorized."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy().astype(np.int64)
    return pd.factorize(column)[0].astype(np.int64)


def conflicts(ordered: pd.DataFrame) -> pd.DataFrame:
    """Pairs of claims by one source on one assertion, overlapping in time but differing.

    Typically two documents reporting one statement differently. Each unordered
    pair once, ``claim_a < claim_b``.

    Work and memory follow the overlapping pairs, not all pairs: claims are
    sorted by (source, assertion, stated start), and each claim is paired only
    with the later-starting claims of its group that start before it ends (a
    binary search), which are exactly the ones it overlaps.
    """
    out = ["source_id", "assertion_id", "claim_a", "claim_b"]
    if ordered.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in out})  # as when found
    source, assertion = (
        _integer_codes(ordered["source_id"]),
        _integer_codes(ordered["assertion_id"]),
    )
    group = source * (assertion.max(initial=0) + 2) + assertion + 1
    start = ordered["stated_start"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    end = ordered["stated_end"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    first = start.min()
    span = int(max(end.max(), start.max()) - first) + 1
    if group.min() < 0 or int(group.max()) * span >= 2**62:  # else the key fits as it is
        group = pd.factorize(group)[0]
    key_start = group.astype(np.int64) * span + (start - first)
    key_end = group.astype(np.int64) * span + (end - first)
    order, sorted_start = sorting.sorted_order(key_start)
    sorted_end = key_end[order]
    # later claims of the group starting no later than this one ends: it overlaps them all
    reach = np.searchsorted(sorted_start, sorted_end, side="right")
    a, b = sorting.pairs_after(np.maximum(reach - np.arange(len(order)) - 1, 0))
    a, b = order[a], order[b]
    overlap = ~certainly_before(end[a], start[b]) & ~certainly_before(end[b], start[a])
    a, b = a[overlap], b[overlap]  # the search found exactly these; the rule stays in one place
    stance = _integer_codes(ordered["stance"])
    hedged = ordered["hedged"].to_numpy(dtype=bool)
    differ = (stance[a] != stance[b]) | (hedged[a] != hedged[b])
    a, b = a[differ], b[differ]
    if "claim_rank" in ordered:  # the ids' text order, as integers
        rank = ordered["claim_rank"].to_numpy()
        swap = rank[a] > rank[b]
    else:
        swap = ordered["claim_id"].take(a).to_numpy() > ordered["claim_id"].take(b).to_numpy()
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    found = pd.DataFrame(  # text only for the pairs found, never for every claim
        {
            "source_id": ordered["source_id"].take(a).to_numpy(dtype=object),
            "assertion_id": ordered["assertion_id"].take(a).to_numpy(dtype=object),
            "claim_a": ordered["claim_id"].take(a).to_numpy(dtype=object),
            "claim_b": ordered["claim_id"].take(b).to_numpy(dtype=object),
        }
    )
    return found.sort_values(out).reset_index(drop=True)
