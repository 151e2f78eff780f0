"""The dataset a briefing build's kernel loads before the first cell, handed to the notebook.

The build names the dataset in the kernel's environment (data, never code).
During its warm-up the kernel loads and validates it and keeps it here; the
notebook's own load (:func:`load_for_briefing`) takes that object once, if none
of the dataset's files changed meanwhile, so a build reads its dataset once. The
build gets back the dataset's name and title, or the problems that refused it,
so it never loads the dataset a second time in its own process.

The warm-up is an entry point of the kernel: it reads the environment (the
dataset's name, and :class:`~analysis.settings.Settings` for the cache and the
memory limit) and passes what it found to the library.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict
from pathlib import Path

from analysis.contract.dataset import Dataset, load_dataset
from analysis.contract.fingerprint import dataset_files
from analysis.errors import DatasetError
from analysis.runtime.handoff import DATASET_VARIABLE
from analysis.settings import Settings

# At most one dataset loaded ahead of time, keyed by what it was loaded from.
_preloaded: dict[tuple, Dataset] = {}


def preload_dataset() -> dict | None:
    """Load the dataset the build named; answer its name and title, or its problems.

    None when the notebook takes no dataset. The answer is plain literals: the
    build reads it back with ``ast.literal_eval``.
    """
    path = os.environ.get(DATASET_VARIABLE)
    if not path:
        return None
    settings = Settings.from_environment(os.environ)
    try:
        dataset = load_dataset(path, cache=settings.cache, memory_limit=settings.memory_limit)
    except DatasetError as exc:
        return {"path": exc.path, "problems": [asdict(p) for p in exc.problems]}
    _preloaded.clear()
    _preloaded[_folder_state(Path(path))] = dataset
    return {"name": dataset.name, "title": dataset.title}


def load_for_briefing(
    path: str | Path, *, cache: Path | None = None, memory_limit: int | None = None
) -> Dataset:
    """The dataset at ``path``: the one the warm-up loaded if its files are unchanged
    (handed over once), else loaded now (``cache`` and ``memory_limit`` as for
    :func:`~analysis.contract.dataset.load_dataset`)."""
    if _preloaded:
        try:
            handed = _preloaded.pop(_folder_state(Path(path)), None)
        except OSError:  # the folder is gone or unreadable: load_dataset reports it
            handed = None
        if handed is not None:
            return handed
    return load_dataset(path, cache=cache, memory_limit=memory_limit)


def _folder_state(folder: Path) -> tuple:
    """The folder, today's date and the name, size and modification time of each of the
    dataset's files (:func:`~analysis.contract.fingerprint.dataset_files`, the files of
    its identity). Sizes and times rather than digests: the notebook asks within seconds
    of the warm-up, and hashing a large dataset again would read it a second time."""
    stats = {name: (folder / name).stat() for name in dataset_files(folder)}
    files = tuple((name, stat.st_size, stat.st_mtime_ns) for name, stat in stats.items())
    return (str(folder.resolve()), dt.date.today().isoformat(), files)
