"""Source agreement (contract §4): positions, evidence lines, status, pairwise, alpha.

Pairwise counts come from products of sparse sources x assertions matrices,
never from a loop over pairs of sources.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .dataset import citation_edges

STATUSES = ("contested", "corroborated", "single-source", "denied", "unaddressed")
STATUS_COLUMNS = [
    "assertion_id",
    "statement",
    "status",
    "independent_support",
    "hedged_only",
    "supporting_sources",
    "refuting_sources",
    "neutral_sources",
    "first_stated",
    "last_stated",
]


def positions(known: pd.DataFrame) -> pd.DataFrame:
    """Each source's position per assertion: its latest known supports/refutes claim.

    Latest = greatest stated end, then start, then non-hedged over hedged, then
    claim_id. Columns: source_id, assertion_id, claim_id, stance, hedged.
    """
    taking = known[known["stance"] != "neutral"]
    ordered = taking.assign(plain=~taking["hedged"]).sort_values(
        ["source_id", "assertion_id", "stated_end", "stated_start", "plain", "claim_id"],
        kind="stable",
    )
    latest = ordered.drop_duplicates(["source_id", "assertion_id"], keep="last")
    return latest[["source_id", "assertion_id", "claim_id", "stance", "hedged"]].reset_index(
        drop=True
    )


def evidence_lines(
    known: pd.DataFrame, all_claims: pd.DataFrame, held: pd.DataFrame
) -> pd.DataFrame:
    """Label each (assertion, source) in ``held`` with its evidence line.

    Sources X and Y share a line on assertion A when a known claim of X on A cites
    a claim of Y (on any assertion), transitively. Columns: assertion_id,
    source_id, line (an integer, unique across assertions).
    """
    edges = citation_edges(known)
    cited_source = all_claims.set_index("claim_id")["source_id"]
    citing = known.set_index("claim_id")[["source_id", "assertion_id"]].reindex(edges["claim_id"])
    links = pd.DataFrame(
        {
            "assertion_id": citing["assertion_id"].to_numpy(),
            "source_a": citing["source_id"].to_numpy(),
            "source_b": cited_source.reindex(edges["cited_claim_id"]).to_numpy(),
        }
    ).dropna()
    nodes = pd.concat(
        [
            held[["assertion_id", "source_id"]],
            links[["assertion_id", "source_a"]].set_axis(["assertion_id", "source_id"], axis=1),
            links[["assertion_id", "source_b"]].set_axis(["assertion_id", "source_id"], axis=1),
        ]
    ).drop_duplicates(ignore_index=True)
    node_index = pd.MultiIndex.from_frame(nodes)
    a = node_index.get_indexer(pd.MultiIndex.from_frame(links[["assertion_id", "source_a"]]))
    b = node_index.get_indexer(pd.MultiIndex.from_frame(links[["assertion_id", "source_b"]]))
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=False)
    return nodes.assign(line=labels)


def assertion_status(
    assertions: pd.DataFrame, known: pd.DataFrame, held: pd.DataFrame, lines: pd.DataFrame
) -> pd.DataFrame:
    """Status of every assertion from the positions ``held`` and their evidence ``lines``.

    Columns: assertion_id, statement, status, independent_support, hedged_only,
    supporting_sources, refuting_sources, neutral_sources (sorted lists),
    first_stated, last_stated.
    """
    held = held.merge(lines, on=["assertion_id", "source_id"], how="left")
    supporting = held[held["stance"] == "supports"]
    refuting = held[held["stance"] == "refutes"]
    by = "assertion_id"
    neutral = known.loc[
        known["stance"] == "neutral", ["assertion_id", "source_id"]
    ].drop_duplicates()
    neutral = neutral.merge(held[["assertion_id", "source_id"]], how="left", indicator=True)
    neutral = neutral[neutral["_merge"] == "left_only"]

    def sorted_lists(frame: pd.DataFrame) -> list[list[str]]:
        """Each assertion's sorted source_ids, by slicing one sorted list (no groupby of lists)."""
        codes = out.index.get_indexer(frame[by])
        names = frame["source_id"].to_numpy(dtype=object)
        order = np.lexsort((names, codes))
        values, codes = names[order].tolist(), codes[order]
        slots = np.arange(len(out.index))
        starts = np.searchsorted(codes, slots, side="left")
        ends = np.searchsorted(codes, slots, side="right")
        return [values[a:b] for a, b in zip(starts, ends, strict=True)]

    out = assertions[["assertion_id", "statement"]].set_index(by)
    out["independent_support"] = supporting.groupby(by)["line"].nunique()
    out["refuting"] = refuting.groupby(by).size()
    out["all_hedged"] = supporting.groupby(by)["hedged"].all()
    out = out.fillna({"independent_support": 0, "refuting": 0, "all_hedged": False})
    support, refute = out["independent_support"].astype(int), out["refuting"].astype(int)
    out["independent_support"] = support
    out["status"] = np.select(
        [(support > 0) & (refute > 0), support >= 2, support == 1, refute > 0],
        ["contested", "corroborated", "single-source", "denied"],
        "unaddressed",
    )
    out["hedged_only"] = (support > 0) & out["all_hedged"].astype(bool)
    for column, frame in (
        ("supporting_sources", supporting),
        ("refuting_sources", refuting),
        ("neutral_sources", neutral),
    ):
        out[column] = sorted_lists(frame)
    stated = known.groupby(by).agg(
        first_stated=("stated_start", "min"), last_stated=("stated_end", "max")
    )
    out = out.join(stated)
    return out[STATUS_COLUMNS[1:]].reset_index()


def _position_matrices(held: pd.DataFrame) -> tuple[pd.Index, sparse.csr_matrix, sparse.csr_matrix]:
    sources = pd.Index(sorted(held["source_id"].unique()))
    assertion_codes, _ = pd.factorize(held["assertion_id"])
    rows = sources.get_indexer(held["source_id"])
    width = int(assertion_codes.max()) + 1 if len(held) else 0

    def matrix(mask: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(
            (np.ones(int(mask.sum())), (rows[mask], assertion_codes[mask])),
            shape=(len(sources), width),
        )

    stance = held["stance"].to_numpy()
    return sources, matrix(stance == "supports"), matrix(stance == "refutes")


def pairwise_agreement(held: pd.DataFrame) -> pd.DataFrame:
    """Agreement of every pair of sources over the assertions where both hold a position.

    Columns: source_a < source_b, shared, agree, disagree, agreement, kappa (Cohen's,
    null where chance agreement is 1). Pairs sharing no assertion are left out.
    """
    columns = ["source_a", "source_b", "shared", "agree", "disagree", "agreement", "kappa"]
    if held.empty:
        return pd.DataFrame(columns=columns)
    sources, s, r = _position_matrices(held)
    products = {"ss": s @ s.T, "rr": r @ r.T, "sr": s @ r.T, "rs": r @ s.T}
    parts = []
    for name, product in products.items():  # four sparse products, not a loop over pairs
        upper = sparse.triu(product, k=1).tocoo()
        parts.append(pd.DataFrame({"i": upper.row, "j": upper.col, "name": name, "n": upper.data}))
    counts = (
        pd.concat(parts)
        .pivot_table(index=["i", "j"], columns="name", values="n", aggfunc="sum", fill_value=0)
        .reindex(columns=list(products), fill_value=0)
    )
    if counts.empty:
        return pd.DataFrame(columns=columns)
    i = counts.index.get_level_values("i").to_numpy()
    j = counts.index.get_level_values("j").to_numpy()
    ss, rr, sr, rs = (counts[name].to_numpy(dtype=float) for name in products)
    n = ss + rr + sr + rs
    agree = ss + rr
    a_supports = (ss + sr) / n
    b_supports = (ss + rs) / n
    chance = a_supports * b_supports + (1 - a_supports) * (1 - b_supports)
    observed = agree / n
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(np.isclose(chance, 1.0), np.nan, (observed - chance) / (1 - chance))
    out = pd.DataFrame(
        {
            "source_a": sources[i],
            "source_b": sources[j],
            "shared": n.astype(int),
            "agree": agree.astype(int),
            "disagree": (n - agree).astype(int),
            "agreement": observed,
            "kappa": kappa,
        }
    )
    return out.sort_values(["source_a", "source_b"]).reset_index(drop=True)


def overall_alpha(held: pd.DataFrame) -> float | None:
    """Krippendorff's alpha (nominal) over sources x assertions; None where undefined."""
    codes, uniques = pd.factorize(held["assertion_id"])
    stance = held["stance"].to_numpy()
    counts = np.column_stack(
        [np.bincount(codes[stance == s], minlength=len(uniques)) for s in ("supports", "refutes")]
    )
    pairable = counts[counts.sum(axis=1) >= 2]
    if len(pairable) == 0 or (pairable.sum(axis=0) == 0).any():
        return None
    value = krippendorff.alpha(value_counts=pairable.astype(float), level_of_measurement="nominal")
    return None if np.isnan(value) else float(value)
