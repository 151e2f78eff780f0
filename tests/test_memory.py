"""The memory check: a dataset that would not fit is refused before it is read."""

from __future__ import annotations

import pytest

from analysis.contract import memory
from analysis.contract.dataset import load_dataset
from analysis.errors import BriefingError
from analysis.settings import Settings

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


def test_a_dataset_beyond_the_limit_is_refused_before_reading():
    with pytest.raises(
        BriefingError, match=r"needs about \d+ MB of memory .* and 1 MB is available"
    ):
        load_dataset(SEED, memory_limit=1 << 20, cache=None)
    assert len(load_dataset(SEED, memory_limit=4 << 30).claims) > 0


def test_the_limit_comes_from_the_settings():
    limit = Settings.from_environment({"BRIEFING_MEMORY_LIMIT": "1M"}).memory_limit
    assert limit == 1 << 20
    assert memory.available(limit) == 1 << 20  # the machine has more than 1 MiB free
    with pytest.raises(BriefingError, match="1 MB is available"):
        load_dataset(SEED, memory_limit=limit, cache=None)
