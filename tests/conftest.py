"""Shared fixtures: paths of the on-disk datasets and a copy-and-edit helper."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis.contract import dataset as loading

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "data" / "belgorod-2025-04"
CONTRACT_EXAMPLE = DATA / "contract-example"
# Real, redistributable extracts shared by the workplace; read in place, never copied here.
REALDATA = ROOT.parent / "shared" / "realdata"
needs_realdata = pytest.mark.skipif(
    not REALDATA.is_dir(),
    reason=f"real data extracts not found at {REALDATA} (outside the workplace)",
)


@pytest.fixture(autouse=True, scope="session")
def _session_dataset_cache(tmp_path_factory):
    """The tests' dataset cache is their own (kernels and commands they start inherit it),
    never the user's. Loads in this process use it too, as the command's do (it passes
    ``Settings.cache``): hundreds of tests load the same few datasets. A test that needs a
    load to validate afresh passes ``cache=None``."""
    folder = tmp_path_factory.mktemp("dataset-cache")
    os.environ["BRIEFING_CACHE"] = str(folder)
    defaults = loading.load_dataset.__kwdefaults__
    saved = dict(defaults)
    defaults["cache"] = folder
    yield
    defaults.update(saved)


@pytest.fixture
def dataset_copy(tmp_path):
    """Copy a dataset folder into tmp_path so a test can break one thing in it."""

    def copy(source: Path = CONTRACT_EXAMPLE) -> Path:
        target = tmp_path / source.name
        shutil.copytree(source, target)
        return target

    return copy
