"""Source agreement (contract §4): positions, evidence lines, status, pairwise, alpha.

Everything works on the integer codes of the categorical ``source_id`` and
``assertion_id`` columns that :func:`analysis.compute.chronology.known_claims` gives
(sorted, so code order is text order). Pairwise counts come from the pairs of
holders of each assertion (one sort) or, when sources meet on many assertions,
from products of sparse sources x assertions matrices; never from a loop over pairs.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from analysis.compute import sorting
from analysis.compute.pyobjects import gc_paused
from analysis.contract.dataset import Dataset

STATUSES = ("contested", "corroborated", "single-source", "denied", "unaddressed")
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}


def _codes(column: pd.Series, rows: np.ndarray | None = None) -> np.ndarray:
    """A categorical's codes as int64, of the ``rows`` (a mask or positions) if given:
    picked in their own narrow type before widening."""
    codes = column.cat.codes.to_numpy()
    return (codes if rows is None else codes[rows]).astype(np.int64)


def _pair_keys(frame: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """One integer per (assertion, source), ordered by assertion then source."""
    width = len(frame["source_id"].cat.categories)
    return _codes(frame["assertion_id"], rows) * width + _codes(frame["source_id"], rows)


POSITION_COLUMNS = ["source_id", "assertion_id", "claim_id", "stance", "hedged"]
# what orders a source's claims on an assertion, besides the pair: the latest is last
LATEST_KEYS = ["stated_start", "stated_end", "claim_rank"]


def positions(known: pd.DataFrame, implied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each source's position per assertion: its latest known supports/refutes claim.

    Latest = greatest stated end, then start, then non-hedged over hedged, then
    claim_id. Columns: source_id, assertion_id, claim_id, stance, hedged; one row
    per (source, assertion), ordered by source then assertion. ``implied``: more
    claims to choose from, in the columns of ``known`` (the refutations a support of
    one alternative of a question implies, :func:`analysis.compute.questions.implied_refutations`).
    """
    taking = np.flatnonzero(~_is(known["stance"], "neutral"))
    candidates = known
    if implied is not None and len(implied):
        columns = [*POSITION_COLUMNS, *LATEST_KEYS]
        candidates = pd.concat([known[columns].iloc[taking], implied[columns]], ignore_index=True)
        taking = np.arange(len(candidates))
    width = len(known["assertion_id"].cat.categories)
    # (source, assertion) as one key, and (non-hedged, claim_id) as one
    pair = _codes(candidates["source_id"], taking) * width + _codes(
        candidates["assertion_id"], taking
    )
    order = latest_order(candidates, taking, pair)
    pair = pair[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = pair[1:] != pair[:-1]
    chosen = taking[order[last]]
    return candidates[POSITION_COLUMNS].iloc[chosen].reset_index(drop=True)


def latest_order(claims: pd.DataFrame, rows: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The order of ``claims`` ``rows`` by ``group`` (one integer per row), then from the
    earliest to the latest (§4: stated end, start, plain over hedged, claim_id)."""
    rank = claims["claim_rank"].to_numpy()[rows].astype(np.int64)
    plain = ~claims["hedged"].to_numpy()[rows]
    return sorting.lexsort(
        (
            plain * (int(rank.max(initial=0)) + 1) + rank,
            sorting.day_numbers(claims["stated_start"].to_numpy()[rows]),
            sorting.day_numbers(claims["stated_end"].to_numpy()[rows]),
            group,
        )
    )


def evidence_lines(known: pd.DataFrame, dataset: Dataset, held: pd.DataFrame) -> pd.DataFrame:
    """Label each (assertion, source) in ``held`` with its evidence line.

    Sources X and Y share a line on assertion A when a known claim of X on A cites
    a claim of Y (on any assertion), transitively. Columns: assertion_id,
    source_id, line (an integer, unique across assertions); ordered by
    assertion then source.
    """
    categories = known["source_id"].cat.categories
    width = len(categories)
    citations = dataset.citations
    known_row = np.full(len(dataset.claims), -1, dtype=np.int64)
    known_row[known["claim_row"].to_numpy()] = np.arange(len(known))
    citing = known_row[citations["claim_row"].to_numpy()]
    is_known = citing >= 0
    citing = citing[is_known]
    # the cited claims' sources as codes of ``categories``, through the (few) categories
    # of the dataset's column rather than one string per claim
    claim_source = dataset.claims["source_id"]
    to_known = np.append(categories.get_indexer(claim_source.cat.categories), -1)
    cited_source = to_known[_codes(claim_source)[citations["cited_row"].to_numpy()[is_known]]]
    assertion = _codes(known["assertion_id"])[citing]
    key_a = assertion * width + _codes(known["source_id"])[citing]
    key_b = assertion * width + cited_source
    nodes, inverse = sorting.unique_inverse(np.concatenate([_pair_keys(held), key_a, key_b]))
    held_count = len(held)
    a = inverse[held_count : held_count + len(key_a)]
    b = inverse[held_count + len(key_a) :]
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=False)
    return pd.DataFrame(
        {
            "assertion_id": pd.Categorical.from_codes(
                nodes // width, categories=known["assertion_id"].cat.categories
            ),
            "source_id": pd.Categorical.from_codes(nodes % width, categories=categories),
            "line": labels,
        }
    )


def _line_of(held: pd.DataFrame, lines: pd.DataFrame) -> np.ndarray:
    """The evidence line of each position (lines are ordered by their pair key). The
    positions' keys are looked up in sorted order: a search that walks forward through
    memory, three times faster on a million than searching them in source order."""
    order, keys = sorting.sorted_order(_pair_keys(held))
    found = np.empty(len(keys), dtype=np.int64)
    found[order] = lines["line"].to_numpy()[np.searchsorted(_pair_keys(lines), keys)]
    return found


def _is(column: pd.Series, value: str) -> np.ndarray:
    """Where a categorical column holds ``value``, on its codes (no strings per row)."""
    categories = column.cat.categories
    if value not in categories:
        return np.zeros(len(column), dtype=bool)
    return column.cat.codes.to_numpy() == categories.get_loc(value)


def source_lists(
    assertion: np.ndarray, source: np.ndarray, names: pd.Index, wanted: np.ndarray
) -> list[list[str]]:
    """Sorted source names per wanted assertion code (-1: none), by slicing one sorted
    list at offsets counted per assertion."""
    width = max(len(names), 1)
    _, key = sorting.sorted_order(assertion * width + source)  # (assertion, source) as one
    values = names.to_numpy(dtype=object)[key % width].tolist()
    counts = np.bincount(assertion, minlength=int(wanted.max(initial=-1)) + 1)
    ends = np.cumsum(counts)
    starts = np.append(ends - counts, 0)[wanted].tolist()  # Python ints slice faster
    ends = np.append(ends, 0)[wanted].tolist()
    with gc_paused():  # one list per assertion, none of them in a cycle
        return [values[a:b] for a, b in zip(starts, ends, strict=True)]


_NAT = np.iinfo(np.int64).min  # NaT's integer, in every datetime64 unit


def _extreme_days(
    extreme: np.ufunc, assertion: np.ndarray, times: np.ndarray, size: int
) -> np.ndarray:
    """The least (``np.minimum``) or greatest (``np.maximum``) of datetime64 ``times`` per
    assertion code 0..size-1, missing ones ignored; NaT where an assertion has none."""
    present = ~np.isnat(times)
    empty = np.iinfo(np.int64).max if extreme is np.minimum else _NAT
    out = np.full(size, empty, dtype=np.int64)
    extreme.at(out, assertion[present], times.view(np.int64)[present])
    out[out == empty] = _NAT
    return out.view(times.dtype)


def assertion_status(
    assertions: pd.DataFrame, known: pd.DataFrame, held: pd.DataFrame, lines: pd.DataFrame
) -> pd.DataFrame:
    """Status of every assertion from the positions ``held`` and their evidence ``lines``.

    Columns: assertion_id, statement, status, independent_support, hedged_only,
    supporting_sources, refuting_sources, neutral_sources (sorted lists),
    first_stated, last_stated (over every known claim on the assertion, neutral
    ones included); one row per assertion, in the order of ``assertions``.
    """
    names = known["source_id"].cat.categories
    width = len(names)
    all_codes = known["assertion_id"].cat.categories
    wanted = all_codes.get_indexer(assertions["assertion_id"])
    size = len(all_codes)

    assertion, source = _codes(held["assertion_id"]), _codes(held["source_id"])
    supports, refutes = _is(held["stance"], "supports"), _is(held["stance"], "refutes")
    line = _line_of(held, lines)
    line_assertion = np.zeros(len(lines), dtype=np.int64)  # labels run 0..n-1 at most
    line_assertion[lines["line"].to_numpy()] = _codes(lines["assertion_id"])
    supporting_line = np.zeros(len(lines), dtype=bool)
    supporting_line[line[supports]] = True
    independent = np.bincount(line_assertion[supporting_line], minlength=size)[wanted]
    refuting = np.bincount(assertion[refutes], minlength=size)[wanted]
    support_count = np.bincount(assertion[supports], minlength=size)[wanted]
    hedged_count = np.bincount(assertion[supports & held["hedged"].to_numpy()], minlength=size)[
        wanted
    ]

    neutral_rows = _is(known["stance"], "neutral")
    # sorted, so the search below walks forward (unsorted: 3 s of cache misses at 10M)
    neutral_keys = sorting.unique(_pair_keys(known, neutral_rows))
    held_keys = np.sort(_pair_keys(held))
    at = np.minimum(np.searchsorted(held_keys, neutral_keys), max(len(held_keys) - 1, 0))
    if len(held_keys):
        neutral_keys = neutral_keys[held_keys[at] != neutral_keys]

    known_assertion = _codes(known["assertion_id"])
    first = _extreme_days(np.minimum, known_assertion, known["stated_start"].to_numpy(), size)
    last = _extreme_days(np.maximum, known_assertion, known["stated_end"].to_numpy(), size)

    return pd.DataFrame(
        {
            "assertion_id": assertions["assertion_id"].to_numpy(),
            "statement": assertions["statement"].to_numpy(),
            "status": np.select(
                [
                    (independent > 0) & (refuting > 0),
                    independent >= 2,
                    independent == 1,
                    refuting > 0,
                ],
                ["contested", "corroborated", "single-source", "denied"],
                "unaddressed",
            ),
            "independent_support": independent,
            "hedged_only": (support_count > 0) & (hedged_count == support_count),
            "supporting_sources": source_lists(
                assertion[supports], source[supports], names, wanted
            ),
            "refuting_sources": source_lists(assertion[refutes], source[refutes], names, wanted),
            "neutral_sources": source_lists(
                neutral_keys // width, neutral_keys % width, names, wanted
            ),
            "first_stated": np.append(first, first.dtype.type("NaT"))[wanted],
            "last_stated": np.append(last, last.dtype.type("NaT"))[wanted],
        }
    )


TRIPLES_LIMIT = 20_000_000  # (assertion, pair of holders) triples counted in one go


def pairwise_agreement(held: pd.DataFrame) -> pd.DataFrame:
    """Agreement of every pair of sources over the assertions where both hold a position.

    Columns: source_a < source_b, shared, agree, disagree, agreement, kappa (Cohen's,
    null where chance agreement is 1). Pairs sharing no assertion are left out; rows in
    (source_a, source_b) order.

    Two ways to the same counts, chosen by the number of (assertion, pair of holders)
    triples: up to TRIPLES_LIMIT they are counted in one go (fast when sources rarely
    meet); beyond, by products of sparse sources x assertions matrices, whose memory
    follows the pairs rather than the triples (when many sources hold the same
    assertions, as 10 million claims on 100,000 assertions do). A chunked count into a
    table of every pair of sources was tried for that case: 8.0 s against the products'
    6.0 s on 10 million claims (360 million triples), so the products stay.
    """
    holders = np.bincount(_codes(held["assertion_id"]))
    triples = int((holders * (holders - 1) // 2).sum())
    counts = _pair_counts_by_triples if triples <= TRIPLES_LIMIT else _pair_counts_by_products
    first, second, shared, agree, first_supports, second_supports = counts(held)
    with np.errstate(divide="ignore", invalid="ignore"):  # in place: millions of pairs
        a_supports = first_supports / shared
        b_supports = second_supports / shared
        chance = a_supports * b_supports
        a_supports -= 1
        b_supports -= 1
        chance += a_supports * b_supports  # (1 - a) * (1 - b)
        observed = agree / shared
        kappa = observed - chance
        kappa /= 1 - chance
    kappa[np.abs(chance - 1.0) <= 1e-8 + 1e-5] = np.nan  # np.isclose(chance, 1.0)
    names = held["source_id"].cat.categories
    return pd.DataFrame(
        {
            "source_a": pd.Categorical.from_codes(first, categories=names),
            "source_b": pd.Categorical.from_codes(second, categories=names),
            "shared": shared.astype(int),
            "agree": agree.astype(int),
            "disagree": (shared - agree).astype(int),
            "agreement": observed,
            "kappa": kappa,
        },
        copy=False,  # the arrays are new: no copy into one block per dtype
    )


PairCounts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _holders_in_order(held: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions sorted by assertion, then source: per position its source code, 1 where
    it supports (else 0), and how many later positions hold the same assertion (one
    position per source and assertion, so a later holder's source is greater)."""
    order = sorting.argsort(_pair_keys(held))
    group = _codes(held["assertion_id"])[order]
    later = np.searchsorted(group, group, side="right") - np.arange(len(group)) - 1
    supports = _is(held["stance"], "supports")[order].astype(np.int64)
    return _codes(held["source_id"])[order], supports, later


def _triples(
    source: np.ndarray, supports: np.ndarray, later: np.ndarray, width: int, lo: int, hi: int
) -> np.ndarray:
    """The triples of positions lo..hi-1 (see :func:`_holders_in_order`) with their later
    holders, each as one integer: its pair of sources, then whether the first supports,
    then whether the second does (built in place: there are millions)."""
    first, second = sorting.pairs_after(later[lo:hi])  # each position with its later holders
    first += lo
    second += lo
    triple = source[first]
    triple *= width
    triple += source[second]
    triple <<= 2
    triple += supports[first] << 1
    triple += supports[second]
    return triple


def _pair_counts_by_triples(held: pd.DataFrame) -> PairCounts:
    """Per pair of sources a < b sharing an assertion, in (a, b) order: a, b, the
    assertions both hold, those where they agree, where a supports, where b supports.
    Each assertion's holders are paired with one another, and the triples are counted
    under their pair and their two stances by one sort of values."""
    width = len(held["source_id"].cat.categories)
    source, supports, later = _holders_in_order(held)
    triple = _triples(source, supports, later, width, 0, len(later))
    if len(triple) == 0:
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(6))  # type: ignore[return-value]
    triple.sort()  # by value: runs of equal triples, grouped by pair
    starts = np.flatnonzero(np.diff(triple, prepend=-1))
    runs, run_count = triple[starts], np.diff(starts, append=len(triple))
    del triple, starts
    pair_of_run, kind = runs >> 2, runs & 3  # kind: 0 = both refute ... 3 = both support
    pair_start = np.flatnonzero(np.diff(pair_of_run, prepend=-1))
    pairs = pair_of_run[pair_start]

    pair_end = np.append(pair_start[1:], len(runs))

    def count(where: np.ndarray | None = None) -> np.ndarray:
        """Per pair, the triples of its runs (those ``where`` says): a difference of
        running totals (``np.add.reduceat`` steps through millions of tiny segments)."""
        total = np.concatenate([[0], np.cumsum(run_count if where is None else run_count * where)])
        return total[pair_end] - total[pair_start]

    return (
        pairs // width,
        pairs % width,
        count(),
        count((kind == 0) | (kind == 3)),
        count(kind >= 2),
        count((kind & 1) == 1),
    )


def _pair_counts_by_products(held: pd.DataFrame) -> PairCounts:
    """The counts of :func:`_pair_counts_by_triples`, from three products of sparse
    sources x assertions matrices (S: supports, R: refutes): SS, SR and RR hold, per
    pair, the assertions where both support, the first supports and the second refutes,
    both refute. Every count is a sum of them (RS is SR transposed), so the products do
    about a third of the work of multiplying the all-positions matrix three times."""
    rows, columns = _codes(held["source_id"]), _codes(held["assertion_id"])
    shape = (len(held["source_id"].cat.categories), len(held["assertion_id"].cat.categories))

    def matrix(mask: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(
            (np.ones(int(mask.sum()), dtype=np.int64), (rows[mask], columns[mask])), shape=shape
        )

    def at_pairs(product: sparse.csr_matrix, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The product's values at the pairs (binary search within each sorted row)."""
        product = product.tocsr()
        product.sort_indices()
        return np.asarray(product[first, second]).ravel() if len(first) else np.zeros(0, int)

    s, r = matrix(_is(held["stance"], "supports")), matrix(_is(held["stance"], "refutes"))
    both_support, support_refute, both_refute = s @ s.T, s @ r.T, r @ r.T
    shared = sparse.triu(both_support + support_refute + support_refute.T + both_refute, k=1)
    shared = shared.tocsr()
    shared.sort_indices()
    shared = shared.tocoo()
    first, second, n = shared.row, shared.col, shared.data
    agreeing = both_support + both_refute
    return (
        first,
        second,
        n,
        at_pairs(agreeing, first, second),
        at_pairs(both_support + support_refute, first, second),
        at_pairs(both_support + support_refute.T, first, second),
    )


def overall_alpha(held: pd.DataFrame) -> float | None:
    """Krippendorff's alpha (nominal) over sources x assertions; None where undefined."""
    assertion = _codes(held["assertion_id"])
    size = len(held["assertion_id"].cat.categories)
    counts = np.column_stack(
        [
            np.bincount(assertion[_is(held["stance"], s)], minlength=size)
            for s in ("supports", "refutes")
        ]
    )
    pairable = counts[counts.sum(axis=1) >= 2]
    if len(pairable) == 0 or (pairable.sum(axis=0) == 0).any():
        return None
    value = krippendorff.alpha(value_counts=pairable.astype(float), level_of_measurement="nominal")
    return None if np.isnan(value) else float(value)
