"""Partial answers: when one alternative of a question is a part of another.

Most alternatives an analyst writes exclude each other ("12 March" or "13 March").
Some do not: an author list that names only the first author is not false about a
book by four, it is incomplete; "Kharkiv oblast" is a less precise form of "Kharkiv".
Treating such a value as a rival of the whole makes every source that gives less than
everything vote against the full answer, and a crowd of incomplete answers outvotes
the complete one. This module finds which claimed values are **parts** of which
others, so that :mod:`analysis.compute.truth_categorical` can count a part as
consistent with its wholes (it supports them, a little) and judge a source that gave
it as incomplete rather than wrong.

Two ways to say which values are parts, both opt-in:

- ``TruthOptions.list_separator``: values are lists of items separated by it
  ("Haag; Perry; Sosinsky"). Items are stripped, empty ones dropped, order and
  repeats ignored, so "Perry; Haag" and "Haag;Perry" are one alternative (shown as
  first written). A list is a part of another on the same question when its items
  are a proper subset of the other's. Items are compared as written: normalise
  names before, if "HAAG" and "Haag" are the same person.
- a ``parts`` table given by the caller: question_id, part, whole (values as
  written): "part" is a less complete or less precise answer than "whole". List
  every pair that holds; nothing is inferred by transitivity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compute import sorting
from analysis.compute.reliability import TruthOptions


@dataclass(frozen=True)
class PartLinks:
    """Every claim whose value is a part of another claimed value of its question.

    ``claim`` indexes the judged claims, ``whole`` the candidate values (one row per
    claim and whole); ``parts`` gives, per candidate, how many claimed values of its
    question are parts of it (m, the choices an incomplete source had);
    ``pair_part``, ``pair_whole``: the same relation between candidates, once per pair."""

    claim: np.ndarray
    whole: np.ndarray
    parts: np.ndarray
    pair_part: np.ndarray
    pair_whole: np.ndarray

    @property
    def empty(self) -> bool:
        return len(self.claim) == 0


def _items(distinct: pd.Series, separator: str) -> pd.Series:
    """Each distinct value's items, stripped, non-empty, one row each (index: its position)."""
    items = distinct.astype(str).str.split(separator, regex=False).explode().str.strip()
    return items[items.notna() & (items != "")]


def canonical_lists(values: pd.Series, separator: str) -> pd.Series:
    """Each list value as its distinct items, stripped and sorted, joined by ``separator``
    (so that lists with the same items are one alternative); missing stays missing."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(distinct, dtype=object)
    items = _items(distinct, separator)
    joined = items.groupby(level=0).agg(lambda group: separator.join(sorted(set(group))))
    canonical = joined.reindex(range(len(distinct))).fillna(distinct.astype(str))
    shown = canonical.to_numpy(dtype=object)[codes]
    shown[codes < 0] = None
    return pd.Series(shown, index=values.index, dtype=object)


def list_parts(
    candidate_item: np.ndarray, candidate_value: np.ndarray, separator: str
) -> tuple[np.ndarray, np.ndarray]:
    """(part, whole) candidate pairs of one question where part's items are a proper subset
    of whole's; candidates are canonical lists (:func:`canonical_lists`)."""
    codes, distinct = pd.factorize(candidate_value)
    items = _items(pd.Series(distinct, dtype=object), separator)
    item_code, _ = pd.factorize(items.to_numpy())
    owner = items.index.to_numpy(np.int64)  # sorted: explode keeps each value's rows together
    per_value = np.bincount(owner, minlength=len(distinct))
    first_item = np.r_[0, np.cumsum(per_value)[:-1]]
    size = per_value[codes]
    candidate = np.repeat(np.arange(len(codes)), size)
    offset = np.arange(len(candidate)) - np.repeat(np.cumsum(size) - size, size)
    element = item_code[np.repeat(first_item[codes], size) + offset]
    group = candidate_item[candidate] * (int(element.max(initial=0)) + 1) + element
    order = sorting.lexsort((candidate, group))
    group, candidate = group[order], candidate[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    lengths = np.diff(np.r_[starts, len(group)])
    later = np.repeat(starts + lengths, lengths) - np.arange(len(group)) - 1
    first, second = sorting.pairs_after(later)
    a, b = candidate[first], candidate[second]
    keys, pair = sorting.unique_inverse(a * len(codes) + b)
    shared = np.bincount(pair, minlength=len(keys))
    a, b = keys // len(codes), keys % len(codes)
    a_in_b = (shared == size[a]) & (size[a] < size[b])
    b_in_a = (shared == size[b]) & (size[b] < size[a])
    return np.r_[a[a_in_b], b[b_in_a]], np.r_[b[a_in_b], a[b_in_a]]


def given_parts(
    parts: pd.DataFrame, items: pd.Index, candidate_item: np.ndarray, candidate_value: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The caller's (question_id, part, whole) rows as candidate pairs; rows naming a value
    nobody claimed on that question are dropped (they cannot change an estimate)."""
    missing = [c for c in ("question_id", "part", "whole") if c not in parts.columns]
    if missing:
        raise ValueError(
            f"truth estimates: the parts table has no column {', '.join(map(repr, missing))}; "
            "it needs question_id, part, whole (see docs/reliability.md)"
        )
    index = pd.MultiIndex.from_arrays([items[candidate_item], candidate_value])
    part = index.get_indexer(pd.MultiIndex.from_arrays([parts["question_id"], parts["part"]]))
    whole = index.get_indexer(pd.MultiIndex.from_arrays([parts["question_id"], parts["whole"]]))
    keep = (part >= 0) & (whole >= 0) & (part != whole)
    return part[keep].astype(np.int64), whole[keep].astype(np.int64)


def part_links(
    candidate: np.ndarray, part: np.ndarray, whole: np.ndarray, n_candidates: int
) -> PartLinks:
    """Expand candidate (part, whole) pairs to every claim of each part."""
    pair_keys = sorting.unique(part * n_candidates + whole)
    part, whole = pair_keys // n_candidates, pair_keys % n_candidates
    wholes_of = np.bincount(part, minlength=n_candidates)
    first_whole = np.r_[0, np.cumsum(wholes_of)[:-1]]
    count = wholes_of[candidate]
    claim = np.repeat(np.arange(len(candidate)), count)
    offset = np.arange(len(claim)) - np.repeat(np.cumsum(count) - count, count)
    return PartLinks(
        claim=claim,
        whole=whole[np.repeat(first_whole[candidate], count) + offset],
        parts=np.bincount(whole, minlength=n_candidates),
        pair_part=part,
        pair_whole=whole,
    )


def part_scores(
    links: PartLinks,
    source: np.ndarray,
    vote: np.ndarray,
    false_values: np.ndarray,
    incompleteness: np.ndarray,
    n_candidates: int,
) -> np.ndarray:
    """Each candidate's score from the claims of its parts: ln(n ι / ((1 - ι) m)) per claim
    (``false_values`` is each claim's n, ``incompleteness`` each source's ι), weighted by
    the claim's vote; see :mod:`analysis.compute.truth_categorical`."""
    by = links.claim
    iota = np.clip(incompleteness, 1e-6, 1 - 1e-6)[source[by]]
    per_claim = np.log(false_values[by] * iota / ((1.0 - iota) * links.parts[links.whole]))
    return np.bincount(links.whole, weights=vote[by] * per_claim, minlength=n_candidates)


def incompleteness(
    source: np.ndarray,
    weight: np.ndarray,
    right: np.ndarray,
    incomplete: np.ndarray,
    n_sources: int,
    options: TruthOptions,
) -> np.ndarray:
    """ι per source: the share of its not-right judged weight that went to parts of the
    true value rather than to false values, with ``prior_wrong`` pseudo-claims of a false
    value (so ι is 0 for a source none of whose answers can be incomplete). ``right`` and
    ``incomplete`` are each claim's probabilities of being right and incomplete."""
    counted = np.bincount(source, weights=weight, minlength=n_sources)
    hits = np.bincount(source, weights=weight * right, minlength=n_sources)
    partial = np.bincount(source, weights=weight * incomplete, minlength=n_sources)
    return partial / (options.prior_wrong + np.maximum(counted - hits, partial))


def incomplete_probability(links: PartLinks, p: np.ndarray, n_claims: int) -> np.ndarray:
    """Each claim's probability of being an incomplete answer: that one of its wholes is true."""
    return np.bincount(links.claim, weights=p[links.whole], minlength=n_claims)
