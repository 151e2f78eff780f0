"""Arrow text helpers the importers share: Arrow <-> pandas text columns, row-wise joins."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from analysis.contract.arrowtext import joined, one_array, text_series


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_text_series_is_a_pandas_string_column_with_na_for_missing(kind):
    series = text_series(pa.chunked_array([pa.array(["a", None], kind), pa.array(["b"], kind)]))
    assert series.dtype == pd.StringDtype("pyarrow")
    assert series.tolist() == ["a", pd.NA, "b"]


def test_text_series_keeps_the_index_and_reads_an_all_missing_array():
    series = text_series(pa.nulls(2), index=pd.Index([7, 9]))
    assert series.index.tolist() == [7, 9]
    assert series.isna().all() and series.dtype == pd.StringDtype("pyarrow")


def test_one_array_joins_the_chunks_of_a_pandas_text_column():
    column = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["a"], ["b", None]])))
    array = one_array(column)
    assert isinstance(array, pa.Array)
    assert array.to_pylist() == ["a", "b", None]


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_joined_puts_constant_pieces_and_the_separator_in_the_arrays_type(kind):
    keys = pa.array(["k1", None, "k3"], kind)
    slugs = pa.array(["x", "y", "z"], kind)
    assert joined("acled", keys, slugs).to_pylist() == ["acled-k1-x", None, "acled-k3-z"]
    assert joined("doc", slugs, separator="_").type == kind
