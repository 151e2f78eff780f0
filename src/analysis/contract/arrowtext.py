"""Text operations on millions of cells, done by Arrow's compute kernels.

pandas' string methods fall back to a Python loop for some patterns and build
Python sets for ``isin``; these helpers keep the work in Arrow (RE2 regexes,
hash tables) and hand back NumPy arrays, so a dataset's checks stay vectorized
whatever its shape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The column as an Arrow string array (no copy when it already is one)."""
    return pa.array(values.astype("str"), from_pandas=True)


def one_array(values: pd.Series) -> pa.Array:
    """A pandas text column as one Arrow array (its chunks joined, no Python objects), as
    taking from it many times wants."""
    data = pa.array(values)
    return data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data


def text_series(values: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """Arrow text as a pandas string column (missing: NA) without a copy to Python objects.
    pandas keeps such text as large_string: other text (and an all-missing array) is cast
    here once."""
    return pd.Series(pd.arrays.ArrowStringArray(values.cast(pa.large_string())), index=index)


def joined(*parts: pa.Array | pa.ChunkedArray | str, separator: str = "-") -> pa.Array:
    """Text pieces joined row by row, e.g. identifiers ``acled-src-<slug>``. A ``str`` part
    is the same on every row; it takes the arrays' text type, as Arrow's join requires."""
    kind = next(part.type for part in parts if not isinstance(part, str))
    typed = [pa.scalar(part, kind) if isinstance(part, str) else part for part in parts]
    return pc.binary_join_element_wise(*typed, pa.scalar(separator, kind))


def taken(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """``values.take(rows)`` as a text Series (index 0..n-1) by Arrow's take; a categorical
    column through its few categories, so no Python string is made per row (pandas
    makes one per row when a categorical becomes text)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()[rows]
        categories = arrow_text(values.cat.categories.to_series())
        array = categories.take(pa.array(codes, mask=codes < 0))
    else:
        array = arrow_text(values).take(pa.array(np.asarray(rows, dtype=np.int64)))
    return pd.Series(array.to_pandas(), dtype="str").reset_index(drop=True)


def trimmed(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text with surrounding whitespace removed and cells left empty made missing: how
    every table reads its cells. The blank check comes first so that the common case
    (no blank cell) makes no second copy of a column of long texts."""
    trimmed = pc.utf8_trim_whitespace(values)
    blank = pc.equal(pc.binary_length(trimmed), 0)
    if pc.any(blank).as_py():
        trimmed = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed)
    return trimmed


def fullmatch(values: pd.Series, pattern: str) -> np.ndarray:
    """Per cell, whether the whole text matches ``pattern`` (RE2 syntax); missing: True."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    matched = pc.match_substring_regex(arrow_text(values), f"^(?:{pattern})$")
    return matched.fill_null(True).to_numpy(zero_copy_only=False).astype(bool)


def all_unique(values: pd.Series) -> bool:
    """Whether no present value repeats: sorted by Arrow, no two neighbours equal. Four to
    six times faster than a hash count on millions of distinct ids (10 million claim
    ids: 1.6 s against 7.5 s), and no pandas factorize."""
    present = arrow_text(values).drop_null()
    if len(present) < 2:
        return True
    ordered = present.take(pc.sort_indices(present))
    return not pc.any(pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))).as_py()


def isin(values: pd.Series, known: pd.Series) -> np.ndarray:
    """``values.isin(known)`` for text, by Arrow's hash lookup: pandas builds its set with
    a Python loop over ``known`` (6 s for 2 million ids against 500,000; Arrow: 0.3 s)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    array = arrow_text(values)
    lookup = arrow_text(known.dropna()).cast(array.type)
    return pc.is_in(array, value_set=lookup).to_numpy(zero_copy_only=False).astype(bool)


def positions(values: pd.Series, known: pd.Series) -> np.ndarray:
    """Per value, its position in ``known`` (-1 where absent or missing), by Arrow's hash
    lookup rather than a pandas index of Python strings (8x faster on millions)."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    array = arrow_text(values)
    lookup = arrow_text(known).cast(array.type)
    found = pc.index_in(array, value_set=lookup).fill_null(-1)
    return found.to_numpy(zero_copy_only=False).astype(np.int64)


def split_lists(values: pd.Series, separator: str = ";") -> tuple[np.ndarray, pd.Series]:
    """Each present cell split at ``separator`` and every item trimmed: the items (a text
    Series, empty items kept as "") and, per item, the position of its cell in ``values``."""
    array = arrow_text(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    lists = pc.split_pattern(array, separator)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    items = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    return parents, items.to_pandas()
