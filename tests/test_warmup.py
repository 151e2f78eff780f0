"""The dataset a build's kernel loads in its warm-up, and how the build reads its answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from analysis.build.briefing import BuildPlan, checked_dataset
from analysis.errors import BriefingError, BuildFailed, DatasetError
from analysis.present import warmup

from .conftest import CONTRACT_EXAMPLE


def _plan(dataset: Path) -> BuildPlan:
    return BuildPlan(Path("n.ipynb"), {}, dataset, ("html",), Path("r"), None, dt.datetime.now(), 0)


def test_the_warm_up_hands_its_dataset_to_the_notebook_once(dataset_copy, monkeypatch):
    path = dataset_copy(CONTRACT_EXAMPLE)
    monkeypatch.setenv(warmup.DATASET_VARIABLE, str(path))
    assert warmup.preload_dataset() == {
        "name": "contract-example",
        "title": "A worked example of the contract's rules (invented events)",
    }
    (kept,) = warmup._preloaded.values()
    assert warmup.load_for_briefing(str(path) + "/") is kept  # the same folder, however written
    again = warmup.load_for_briefing(path)
    assert again is not kept and again.claims.equals(kept.claims)  # handed over once


def test_a_file_that_is_not_the_datasets_does_not_stop_the_hand_over(dataset_copy, monkeypatch):
    path = dataset_copy(CONTRACT_EXAMPLE)
    monkeypatch.setenv(warmup.DATASET_VARIABLE, str(path))
    warmup.preload_dataset()
    (kept,) = warmup._preloaded.values()
    (path / "aliases.csv").write_text("alias,source_id\nA think tank,tank\n")
    (path / "README.md").write_text("edited\n")
    assert warmup.load_for_briefing(path) is kept


def test_the_warm_up_loads_with_the_settings_of_its_environment(dataset_copy, monkeypatch):
    """The kernel's warm-up is an entry point: the cache and the memory limit come from
    its environment, as the command's do."""
    path = dataset_copy(CONTRACT_EXAMPLE)
    kept = path.parent / "cache"
    monkeypatch.setenv(warmup.DATASET_VARIABLE, str(path))
    monkeypatch.setenv("BRIEFING_CACHE", str(kept))
    warmup.preload_dataset()
    assert len([p for p in kept.iterdir() if not p.name.startswith(".")]) == 1  # kept there
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    monkeypatch.setenv("BRIEFING_MEMORY_LIMIT", "1M")
    with pytest.raises(BriefingError, match="1 MB is available"):
        warmup.preload_dataset()


def test_a_changed_file_is_read_again(dataset_copy, monkeypatch):
    path = dataset_copy(CONTRACT_EXAMPLE)
    monkeypatch.setenv(warmup.DATASET_VARIABLE, str(path))
    warmup.preload_dataset()
    claims = path / "claims.csv"
    claims.write_text(claims.read_text().replace(",refutes,", ",denies,", 1))
    with pytest.raises(DatasetError, match="stance: must be one of"):
        warmup.load_for_briefing(path)


def test_what_the_kernel_could_not_load_is_explained(dataset_copy, monkeypatch):
    """When the warm-up's load fails, the build raises the kernel's problems as they were,
    without loading the dataset a second time."""
    broken = dataset_copy(CONTRACT_EXAMPLE)
    (broken / "claims.csv").unlink()
    monkeypatch.setenv(warmup.DATASET_VARIABLE, str(broken))
    refused = SimpleNamespace(preloaded={"value": warmup.preload_dataset()})
    (broken / "documents.csv").unlink()  # a second load would report this too
    with pytest.raises(DatasetError) as info:
        checked_dataset(_plan(broken), refused)
    assert [p.file for p in info.value.problems] == ["claims.csv"]
    facts = checked_dataset(
        _plan(CONTRACT_EXAMPLE), SimpleNamespace(preloaded={"value": {"name": "n", "title": "t"}})
    )
    assert (facts.path, facts.name, facts.title) == (CONTRACT_EXAMPLE, "n", "t")
    odd = SimpleNamespace(preloaded={"ename": "MemoryError", "evalue": "out of memory"})
    with pytest.raises(BuildFailed, match="could not load the dataset: MemoryError: out of"):
        checked_dataset(_plan(CONTRACT_EXAMPLE), odd)
    with pytest.raises(BuildFailed, match="could not load the dataset: no answer"):
        checked_dataset(_plan(CONTRACT_EXAMPLE), SimpleNamespace(preloaded=None))
    assert (
        checked_dataset(
            BuildPlan(Path("n"), {}, None, (), Path("r"), None, dt.datetime.now(), 0), None
        )
        is None
    )
