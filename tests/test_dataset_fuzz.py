"""Property: whatever happens to the CSV files, loading gives a dataset or a DatasetError."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import Dataset, DatasetError, load_dataset
from analysis.errors import REASON_CODES

from .conftest import CONTRACT_EXAMPLE

FILES = ["sources.csv", "documents.csv", "assertions.csv", "claims.csv", "dataset.toml"]
TOKENS = st.sampled_from(
    list(',;"\n\r\t é\x00\xff') + ["2025-13-01", "e1", "Monday", "true", "x,y"]
)

edits = st.lists(
    st.tuples(
        st.sampled_from(FILES),
        st.sampled_from(["insert", "delete", "replace", "truncate", "raw_bytes"]),
        st.integers(min_value=0, max_value=2000),
        st.lists(TOKENS, max_size=4).map("".join),
        st.binary(max_size=4),
    ),
    min_size=1,
    max_size=4,
)


def mangle(data: bytes, how: str, at: int, text: str, raw: bytes) -> bytes:
    at = at % (len(data) + 1)
    payload = text.encode("utf-8")
    if how == "insert":
        return data[:at] + payload + data[at:]
    if how == "delete":
        return data[:at] + data[at + 1 + len(payload) :]
    if how == "replace":
        return data[:at] + payload + data[at + len(payload) :]
    if how == "truncate":
        return data[:at]
    return data[:at] + raw + data[at:]


@pytest.mark.slow  # hundreds of datasets loaded
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=edits)
def test_mangled_csvs_load_or_fail_cleanly(tmp_path_factory, edits):
    path = tmp_path_factory.mktemp("mangled") / "ds"
    shutil.copytree(CONTRACT_EXAMPLE, path)
    for file, how, at, text, raw in edits:
        target = path / file
        target.write_bytes(mangle(target.read_bytes(), how, at, text, raw))
    try:
        result = load_dataset(path)
    except DatasetError as error:
        assert error.problems, "a DatasetError must name at least one problem"
        assert all(p.message for p in error.problems)
        assert all(p.code in REASON_CODES for p in error.problems)
    else:
        assert isinstance(result, Dataset)
