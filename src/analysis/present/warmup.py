"""The dataset a briefing build's kernel loads before the first cell, handed to the notebook.

The build names the dataset in the kernel's environment (data, never code).
During its warm-up the kernel loads and validates it and keeps it here; the
notebook's own load (:func:`load_for_briefing`) takes that object once, if no
file of the folder changed meanwhile, so a build reads its dataset once. The
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
    """The folder, today's date and each file's name, size and modification time."""
    files = sorted(
        (entry.name, stat.st_size, stat.st_mtime_ns)
        for entry in folder.iterdir()
        if entry.is_file() and (stat := entry.stat())
    )
    return (str(folder.resolve()), dt.date.today().isoformat(), tuple(files))
