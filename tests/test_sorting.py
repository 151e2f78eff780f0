"""The packed sort gives exactly np.lexsort's order, whatever the keys' ranges; the sorted
uniqueness check agrees with a set."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from analysis.compute import sorting
from analysis.contract.arrowtext import all_unique

RANGES = st.sampled_from([1, 2, 3, 100, 2**20, 2**33, 2**40, 2**62])


@st.composite
def key_sets(draw):
    rows = draw(st.integers(0, 60))
    keys = []
    for _ in range(draw(st.integers(1, 5))):
        span = draw(RANGES)
        low = draw(st.integers(-(2**40), 2**40)) if span < 2**62 else 0
        keys.append(draw(hnp.arrays(np.int64, rows, elements=st.integers(low, low + span - 1))))
    return keys


@given(key_sets())
def test_packed_sort_is_lexsort(keys):
    assert sorting.lexsort(keys).tolist() == np.lexsort(keys).tolist()


@given(
    hnp.arrays(np.int64, st.integers(1, 40), elements=st.integers(-(2**63), 2**63 - 1)),
    hnp.arrays(np.int64, 40, elements=st.integers(0, 3)),
)
def test_packed_sort_with_a_key_spanning_all_of_int64(wide, small):
    small = small[: len(wide)]
    wide[0], wide[-1] = -(2**63), 2**63 - 1  # a range of 2**64 - 1 cannot be shifted
    for keys in ([wide, small], [small, wide], [wide]):
        assert sorting.lexsort(keys).tolist() == np.lexsort(keys).tolist()


@given(key_sets())
def test_value_sort_is_stable_argsort_and_unique(keys):
    key = keys[0]
    order, ordered = sorting.sorted_order(key)
    assert order.tolist() == np.argsort(key, kind="stable").tolist()
    assert ordered.tolist() == np.sort(key).tolist()
    assert sorting.unique(key).tolist() == np.unique(key).tolist()
    uniques, inverse = sorting.unique_inverse(key)
    expected = np.unique(key, return_inverse=True)
    assert uniques.tolist() == expected[0].tolist()
    assert inverse.tolist() == expected[1].reshape(-1).tolist()


def test_value_sort_falls_back_when_keys_and_positions_do_not_fit():
    key = np.array([2**62, -(2**62), 0, 2**62, -(2**62)], dtype=np.int64)
    assert sorting.argsort(key).tolist() == [1, 4, 2, 0, 3]


def test_days_sort_as_numpy_sorts_datetimes_missing_last():
    values = np.array(["2025-03-18", "NaT", "1753-01-01", "2025-03-17", "NaT"], "datetime64[ns]")
    assert (
        np.argsort(sorting.day_numbers(values), kind="stable").tolist()
        == np.argsort(values, kind="stable").tolist()
    )


@given(st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=40))
def test_all_unique_says_whether_a_present_value_repeats(cells):
    present = [c for c in cells if c is not None]
    assert all_unique(pd.Series(cells, dtype="str")) == (len(set(present)) == len(present))
