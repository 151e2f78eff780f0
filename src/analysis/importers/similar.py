"""``briefing sources DIR [--similar]``: a dataset's sources, and likely duplicates to confirm.

Two names are likely one outlet when, with case, accents, spaces and
punctuation removed, they are nearly the same string (rapidfuzz's normalized
edit similarity, 0-100) or one starts the other ("NOËL" / "NOËL Reports").
The command only lists: the analyst confirms by adding rows to an aliases.csv
and importing again, so no source is ever merged on a guess.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analysis.contract.dataset import Dataset

BLOCK = 2_000  # names compared at once: a BLOCK x all matrix of bytes stays small
SHORTEST_PREFIX = 4  # "BBC" starting "BBC Monitoring" is a hint, "A" starting anything is not
SHOWN = 200


def squashed(names: pd.Series) -> pd.Series:
    """Names reduced to lower-case ASCII letters and digits."""
    return (
        names.astype("string")
        .str.normalize("NFKD")
        .str.encode("ascii", errors="ignore")
        .str.decode("ascii")
        .str.lower()
        .str.replace(r"[^a-z0-9]+", "", regex=True)
        .fillna("")
    )


def similar_pairs(sources: pd.DataFrame, threshold: int = 85) -> pd.DataFrame:
    """Pairs of sources (positions ``a`` < ``b`` in ``sources``) with ``score`` and ``why``."""
    text = squashed(sources["name"]).to_numpy(dtype=object)
    found = [_alike(text, threshold), _prefixes(text)]
    pairs = pd.concat(found, ignore_index=True)
    pairs = pairs.sort_values("score", ascending=False).drop_duplicates(["a", "b"])
    return pairs.sort_values(["score", "a", "b"], ascending=[False, True, True], ignore_index=True)


def _alike(text: np.ndarray, threshold: int) -> pd.DataFrame:
    found = []
    for start in range(0, len(text), BLOCK):  # blocks of names, not rows of claims
        block = text[start : start + BLOCK]
        scores = process.cdist(
            block, text, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8, workers=-1
        )
        rows, columns = np.nonzero(scores)
        a = rows + start
        keep = a < columns
        found.append(
            pd.DataFrame(
                {"a": a[keep], "b": columns[keep], "score": scores[rows[keep], columns[keep]]}
            )
        )
    pairs = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["a", "b"])
    return pairs.assign(why="names nearly the same")


def _prefixes(text: np.ndarray) -> pd.DataFrame:
    """Each name that starts a longer one, found by binary search in the sorted names."""
    order = np.argsort(text, kind="stable")
    ordered = text[order].astype(str)
    lengths = np.char.str_len(ordered)
    usable = lengths >= SHORTEST_PREFIX
    low = np.searchsorted(ordered, ordered, side="right")
    high = np.searchsorted(ordered, np.char.add(ordered, "\uffff"), side="left")
    counts = np.where(usable, high - low, 0)
    short = np.repeat(np.arange(len(ordered)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    long = np.repeat(low, counts) + offsets
    share = lengths[short] / np.maximum(lengths[long], 1)
    keep = share >= 1 / 3
    a, b = order[short[keep]], order[long[keep]]
    return pd.DataFrame(
        {
            "a": np.minimum(a, b),
            "b": np.maximum(a, b),
            "score": np.round(100 * share[keep]).astype(int),
            "why": "one name starts the other",
        }
    )


def similar_sources(data: Dataset, threshold: int = 85) -> str:
    """The likely duplicates as a table, with the aliases.csv rows that would merge them."""
    sources = data.sources.reset_index(drop=True)
    claims = data.claims["source_id"].astype(str).value_counts()
    sources = sources.assign(claims=sources["source_id"].map(claims).fillna(0).astype(int))
    pairs = similar_pairs(sources, threshold)
    if pairs.empty:
        return f"no two of the {len(sources):,} sources have alike names (threshold {threshold})\n"
    a, b = (
        sources.iloc[pairs["a"]].reset_index(drop=True),
        sources.iloc[pairs["b"]].reset_index(drop=True),
    )
    # the suggestion keeps the source with more claims and merges the other into it
    a_kept = a["claims"] >= b["claims"]
    kept = a.where(a_kept, b)
    merged = b.where(a_kept, a)
    out = io.StringIO()
    out.write(
        f"{len(pairs):,} pairs of sources with alike names (threshold {threshold}); "
        "confirm each before merging:\n\n"
    )
    table = pd.DataFrame(
        {
            "score": pairs["score"].astype(str),
            "keep (claims)": kept["source_id"] + " (" + kept["claims"].astype(str) + ")",
            "merge (claims)": merged["source_id"] + " (" + merged["claims"].astype(str) + ")",
            "names": kept["name"] + " / " + merged["name"],
            "why": pairs["why"],
        }
    ).head(SHOWN)
    out.write(_columns(table))
    if len(pairs) > SHOWN:
        out.write(f"\n... and {len(pairs) - SHOWN:,} more pairs")
    out.write(
        "\n\nTo merge the pairs you confirm, put their rows in an aliases.csv and import again "
        "with --aliases aliases.csv:\n\nalias,source_id\n"
    )
    suggestion = pd.DataFrame({"alias": merged["name"], "source_id": kept["source_id"]}).head(SHOWN)
    out.write(suggestion.to_csv(index=False, header=False))
    return out.getvalue()


def _columns(table: pd.DataFrame, widest: int = 60) -> str:
    """A left-aligned text table; names (never identifiers) cut to ``widest`` characters."""
    cells = {
        name: column.astype(str).str.replace(r"\s+", " ", regex=True)
        for name, column in table.items()
    }
    for name in ("name", "names"):
        if name in cells:
            cells[name] = cells[name].str.slice(0, widest)
    widths = {name: max(len(name), int(c.str.len().max() or 0)) for name, c in cells.items()}
    header = "  ".join(name.ljust(widths[name]) for name in cells)
    body = pd.Series("", index=table.index, dtype=object)
    for name, column in cells.items():  # a loop over a handful of columns
        body = body + column.str.pad(widths[name] + 2, side="right")
    return "\n".join([header.rstrip(), *body.str.rstrip()])


def source_listing(data: Dataset) -> str:
    """Every source with its kind, side and number of claims, most active first."""
    claims = data.claims["source_id"].astype(str).value_counts()
    sources = data.sources.assign(
        claims=data.sources["source_id"].map(claims).fillna(0).astype(int)
    )
    sources = sources.sort_values(["claims", "source_id"], ascending=[False, True])
    shown = sources[["source_id", "name", "kind", "side", "claims"]].fillna("")
    return f"{len(shown):,} sources\n\n" + _columns(shown) + "\n"
