"""Sorting and pairing on sorted integer arrays, without Python loops.

One sort over several integer keys, packed into as few int64 keys as they fit:
``np.lexsort`` makes one stable pass per key; the analysis sorts millions of rows
by four or five keys (source, assertion, stated days, claim rank) whose ranges
are small. Packing neighbouring keys into one 64-bit integer (each shifted by its
minimum) gives the same order in one or two passes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BITS = 63  # an int64 key stays non-negative


def day_numbers(values: np.ndarray) -> np.ndarray:
    """Datetimes as whole days since 1970 (int64), missing ones after every day, as
    NumPy sorts NaT. For the loader's stated and event times, which are whole days
    (a time of day would be dropped)."""
    days = values.astype("datetime64[D]").astype(np.int64)
    missing = np.isnat(values)
    if missing.any():
        days[missing] = days[~missing].max(initial=0) + 1
    return days


def lexsort(keys: Sequence[np.ndarray]) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key sorts first) for integer keys, with neighbouring
    keys packed into one int64 while their ranges fit in 63 bits."""
    if len(keys) == 0 or len(keys[0]) == 0:
        return np.lexsort(keys) if len(keys) else np.zeros(0, dtype=np.int64)
    packed: list[np.ndarray] = []  # primary first
    current, used = None, 0
    for key in reversed(keys):
        key = np.asarray(key, dtype=np.int64)
        low = int(key.min())
        width = max(int(key.max()) - low, 0).bit_length()
        if current is not None and used + width <= BITS:
            current = (current << width) | (key - low)
            used += width
            continue
        if current is not None:
            packed.append(current)
        current, used = key - low, width
    packed.append(current)
    if len(packed) == 1:
        return np.argsort(packed[0], kind="stable")
    return np.lexsort(packed[::-1])


def pairs_after(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with i < j <= i + counts[i]: each position paired with the ``counts``
    positions that follow it in a sorted array (the later members of its group, or the
    later claims it overlaps), all at once."""
    first = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return first, first + 1 + offset
