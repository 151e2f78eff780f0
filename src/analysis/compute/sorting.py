"""Sorting and pairing on sorted integer arrays, without Python loops.

One sort over several integer keys, packed into as few int64 keys as they fit:
``np.lexsort`` makes one stable pass per key; the analysis sorts millions of rows
by four or five keys (source, assertion, stated days, claim rank) whose ranges
are small. Packing neighbouring keys into one 64-bit integer (each shifted by its
minimum) gives the same order in one or two passes.

And one sort of values rather than of indices: NumPy sorts an int64 array's values
with SIMD instructions four to five times faster than ``argsort`` finds their order,
so :func:`argsort` puts each row's position in the low bits of its key and sorts the
values (the positions also make the order stable).
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


def sorted_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stable order of integer ``key`` and the key in that order: ``np.argsort(key,
    kind="stable")`` and ``key[order]``, by sorting the values of ``key`` with each
    position packed below it when both fit in 63 bits (else by ``np.argsort``)."""
    key = np.asarray(key, dtype=np.int64)
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64), key.copy()
    low = int(key.min())
    position_bits = (len(key) - 1).bit_length()
    if (int(key.max()) - low).bit_length() + position_bits > BITS:
        order = np.argsort(key, kind="stable")
        return order, key[order]
    packed = ((key - low) << position_bits) | np.arange(len(key), dtype=np.int64)
    packed.sort()
    order = packed & ((1 << position_bits) - 1)
    packed >>= position_bits
    packed += low
    return order, packed


def argsort(key: np.ndarray) -> np.ndarray:
    """``np.argsort(key, kind="stable")`` for integer keys (see :func:`sorted_order`)."""
    return sorted_order(key)[0]


def unique(key: np.ndarray) -> np.ndarray:
    """``np.unique(key)`` for integer keys by one sort of values: NumPy 2.4's own finds
    the distinct values by hashing first, 50x slower on 1.5 million mostly distinct keys
    (1.3 s against 0.03 s)."""
    ordered = np.sort(np.asarray(key, dtype=np.int64))
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return ordered[first]


def unique_inverse(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for integer keys, by :func:`sorted_order`."""
    order, ordered = sorted_order(key)
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(ordered), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def lexsort(keys: Sequence[np.ndarray]) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key sorts first) for integer keys: neighbouring keys
    packed into one int64 while their ranges and the row positions fit in 63 bits, each
    packed key sorted by value (:func:`argsort`), least significant first. A key whose
    range does not fit in 63 bits (it would wrap round when shifted) is left to NumPy."""
    if len(keys) == 0 or len(keys[0]) == 0:
        return np.lexsort(keys) if len(keys) else np.zeros(0, dtype=np.int64)
    budget = max(BITS - (len(keys[0]) - 1).bit_length(), 1)
    packed: list[np.ndarray] = []  # primary first
    current, used = None, 0
    for key in reversed(keys):
        key = np.asarray(key, dtype=np.int64)
        low = int(key.min())
        width = max(int(key.max()) - low, 0).bit_length()
        if width > BITS:
            return np.lexsort(keys)
        if current is not None and used + width <= budget:
            current = (current << width) | (key - low)
            used += width
            continue
        if current is not None:
            packed.append(current)
        current, used = key - low, width
    packed.append(current)
    order = argsort(packed[-1])  # least significant first, each pass stable
    for key in reversed(packed[:-1]):
        order = order[argsort(key[order])]
    return order


def pairs_after(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with i < j <= i + counts[i]: each position paired with the ``counts``
    positions that follow it in a sorted array (the later members of its group, or the
    later claims it overlaps), all at once."""
    first = np.repeat(np.arange(len(counts)), counts)
    second = np.arange(1, len(first) + 1)  # built in place: there may be hundreds of millions
    second -= np.repeat(np.cumsum(counts) - counts, counts)
    second += first
    return first, second
