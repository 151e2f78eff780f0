"""The memory check: a dataset that would not fit is refused before it is read."""

from __future__ import annotations

import pytest

from analysis.contract import memory
from analysis.contract.dataset import load_dataset
from analysis.errors import BriefingError

from .conftest import SEED


def test_the_estimate_follows_the_claims(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    row = b"c1,s1,a1,d1,supports,false,2025-03-18,,,,\n"
    (folder / "claims.csv").write_bytes(b"claim_id,x\n" + row * 200_000)
    assert abs(memory.estimated_claims(folder / "claims.csv") - 200_000) < 2_000
    expected = (
        memory.BASELINE
        + memory.PER_CLAIM * 200_000
        + memory.PER_TEXT_BYTE * (folder / "claims.csv").stat().st_size
    )
    assert abs(memory.estimated_peak(folder) - expected) < memory.PER_CLAIM * 2_000


def test_an_empty_claims_file_is_the_loaders_error_not_the_estimates(tmp_path):
    import shutil

    folder = tmp_path / "ds"
    shutil.copytree(SEED, folder)
    (folder / "claims.csv").write_bytes(b"")
    assert memory.estimated_claims(folder / "claims.csv") == 0
    with pytest.raises(BriefingError, match="claims.csv"):
        load_dataset(folder)


def test_a_dataset_beyond_the_limit_is_refused_before_reading(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    monkeypatch.setenv(memory.LIMIT_VARIABLE, "1M")
    with pytest.raises(
        BriefingError, match=r"needs about \d+ MB of memory .* and 1 MB is available"
    ):
        load_dataset(SEED)
    monkeypatch.setenv(memory.LIMIT_VARIABLE, "4G")
    assert len(load_dataset(SEED).claims) > 0


@pytest.mark.parametrize(
    ("text", "size"),
    [("8G", 8 << 30), ("512M", 512 << 20), ("2.5g", int(2.5 * (1 << 30))), ("1000", 1000)],
)
def test_sizes_are_read_as_people_write_them(text, size):
    assert memory.parse_size(text) == size


def test_a_limit_that_is_not_a_size_is_one_clear_error(monkeypatch):
    monkeypatch.setenv(memory.LIMIT_VARIABLE, "lots")
    with pytest.raises(BriefingError, match="not a size; write it like 8G"):
        memory.available()
