"""The dataset cache: a hit gives the very tables a fresh load gives; anything odd is a miss."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from analysis.compute.results import analyze, to_json
from analysis.contract import cache
from analysis.contract.dataset import load_dataset
from analysis.errors import DatasetError
from analysis.settings import Settings

from .conftest import CONTRACT_EXAMPLE, SEED
from .test_properties import TODAY, datasets, write_folder

TABLES = ("sources", "documents", "assertions", "claims", "places", "citations")


@pytest.fixture
def cache_dir(tmp_path) -> Path:
    return tmp_path / "cache"


def assert_same(fresh, cached) -> None:
    for name in TABLES:
        left, right = getattr(fresh, name), getattr(cached, name)
        pd.testing.assert_frame_equal(left, right, check_exact=True)
        for column in left.columns:
            if isinstance(left[column].dtype, pd.CategoricalDtype):
                assert left[column].cat.categories.equals(right[column].cat.categories)
    assert (fresh.name, fresh.title, fresh.license, fresh.timezone, fresh.metadata) == (
        cached.name,
        cached.title,
        cached.license,
        cached.timezone,
        cached.metadata,
    )


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def only_entry(folder: Path) -> Path:
    (entry,) = entries(folder)
    return entry


@pytest.mark.parametrize("path", [SEED, CONTRACT_EXAMPLE], ids=["seed", "contract-example"])
def test_a_hit_gives_the_same_tables_and_json(cache_dir, path):
    fresh = load_dataset(path, cache=None)
    assert not cache_dir.exists()  # no cache given: none read or written
    load_dataset(path, cache=cache_dir)  # a miss: validated, then kept
    assert len(entries(cache_dir)) == 1
    cached = load_dataset(path, cache=cache_dir)
    assert_same(fresh, cached)
    assert cached.path == Path(path)
    for as_of in (None, pd.Timestamp("2025-05-03")):
        assert to_json(analyze(cached, as_of=as_of)) == to_json(analyze(fresh, as_of=as_of))


@pytest.mark.slow  # generated examples: seconds
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=datasets())
def test_generated_datasets_read_back_from_the_cache_unchanged(spec):
    with tempfile.TemporaryDirectory() as tmp:
        kept = Path(tmp) / "cache"
        folder = write_folder(Path(tmp) / "ds", spec)
        fresh = load_dataset(folder, today=TODAY, cache=None)
        load_dataset(folder, today=TODAY, cache=kept)
        assert_same(fresh, load_dataset(folder, today=TODAY, cache=kept))


def test_a_changed_file_is_a_miss(cache_dir, dataset_copy):
    path = dataset_copy()
    load_dataset(path, cache=cache_dir)
    claims = path / "claims.csv"
    claims.write_text(claims.read_text().replace("relies", "rests"))
    changed = load_dataset(path, cache=cache_dir)
    assert len(entries(cache_dir)) == 2
    assert changed.claims["notes"].str.contains("rests").any()
    assert not changed.claims["notes"].str.contains("relies").any()


def test_a_touched_but_unchanged_file_is_a_hit(cache_dir, dataset_copy):
    path = dataset_copy()
    load_dataset(path, cache=cache_dir)
    (path / "claims.csv").touch()
    load_dataset(path, cache=cache_dir)
    assert len(entries(cache_dir)) == 1


def test_files_that_are_not_the_datasets_do_not_change_the_key(cache_dir, dataset_copy):
    """The aliases an import kept, a README: a load reads neither, so the entry is the same."""
    path = dataset_copy()
    load_dataset(path, cache=cache_dir)
    (path / "aliases.csv").write_text("alias,source_id\nThe Think Tank,tank\n")
    (path / "notes.toml").write_text('who = "me"\n')
    load_dataset(path, cache=cache_dir)
    assert len(entries(cache_dir)) == 1


def corrupt_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: corrupt_middle(entry / "claims.parquet"),
        lambda entry: (entry / "claims.parquet").write_bytes(
            (entry / "claims.parquet").read_bytes()[:-100]
        ),
        lambda entry: (entry / cache.ENTRY).write_text("{not json"),
        lambda entry: (entry / "sources.parquet").unlink(),
    ],
    ids=["flipped-byte", "truncated", "bad-entry-file", "missing-table"],
)
def test_a_damaged_entry_is_ignored(cache_dir, damage):
    fresh = load_dataset(SEED, cache=None)
    load_dataset(SEED, cache=cache_dir)
    damage(only_entry(cache_dir))
    assert cache.read_entry(cache_dir, only_entry(cache_dir).name, dt.date.today()) is None
    assert_same(fresh, load_dataset(SEED, cache=cache_dir))


def test_tables_from_another_entry_are_not_trusted(cache_dir):
    load_dataset(SEED, cache=cache_dir)
    seed_entry = only_entry(cache_dir)
    load_dataset(CONTRACT_EXAMPLE, cache=cache_dir)
    (other,) = [e for e in entries(cache_dir) if e != seed_entry]
    # the seed's entry, its files swapped for the contract example's, digests made to match
    for name in TABLES:
        shutil.copyfile(other / f"{name}.parquet", seed_entry / f"{name}.parquet")
    entry = json.loads((seed_entry / cache.ENTRY).read_text())
    entry["digests"] = json.loads((other / cache.ENTRY).read_text())["digests"]
    (seed_entry / cache.ENTRY).write_text(json.dumps(entry))
    assert cache.read_entry(cache_dir, seed_entry.name, dt.date.today()) is None
    assert_same(load_dataset(SEED, cache=None), load_dataset(SEED, cache=cache_dir))


def test_an_earlier_today_validates_afresh(cache_dir, dataset_copy):
    path = dataset_copy()
    load_dataset(path, cache=cache_dir)
    with pytest.raises(DatasetError) as info:
        load_dataset(path, today=dt.date(2025, 5, 1), cache=cache_dir)  # before its documents
    assert any(p.code == "future-date" for p in info.value.problems)


def test_the_cache_can_be_turned_off(tmp_path):
    """BRIEFING_CACHE=off gives no folder, and a load without one writes nowhere (not even
    under the home folder's cache, which the library never looks up)."""
    environ = {"BRIEFING_CACHE": "off", "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    chosen = Settings.from_environment(environ)
    assert chosen.cache is None
    load_dataset(SEED, cache=chosen.cache)
    load_dataset(SEED, cache=chosen.cache)
    assert not (tmp_path / "xdg").exists()


def test_an_unwritable_cache_folder_only_costs_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would go")
    assert_same(load_dataset(SEED, cache=None), load_dataset(SEED, cache=blocked / "cache"))


def test_an_invalid_dataset_is_never_kept(cache_dir, dataset_copy):
    path = dataset_copy()
    claims = path / "claims.csv"
    claims.write_text(claims.read_text().replace("refutes", "denies", 1))
    for _ in range(2):
        with pytest.raises(DatasetError):
            load_dataset(path, cache=cache_dir)
    assert not cache_dir.exists() or entries(cache_dir) == []


def test_pruning_never_touches_what_is_not_an_entry(cache_dir, monkeypatch):
    """The cache folder a user chose may hold other things (a home folder, by mistake):
    pruning removes old entries only, never the user's folders."""
    monkeypatch.setattr(cache, "KEPT_ENTRIES", 1)  # all but the newest folder would go
    cache_dir.mkdir()
    theirs = [cache_dir / "photos", cache_dir / ("a" * 64), cache_dir / "notes"]
    for folder in theirs:
        folder.mkdir()
        (folder / "keep.txt").write_text("mine")
    load_dataset(SEED, cache=cache_dir)
    assert all((folder / "keep.txt").read_text() == "mine" for folder in theirs)
    assert len([p for p in entries(cache_dir) if p not in theirs]) == 1  # the entry just written
