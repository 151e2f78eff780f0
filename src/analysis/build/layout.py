"""The reports folder's layout, in one place: the build, the desk and the site ask it.

::

    reports/
      index.html, index.json, <job>/feed.atom   the site's index (write_index)
      <notebook>/<run>/                          a `briefing build`
      <job>/<key>/<run>/                         a desk briefing's run
      <job>/<key>/latest -> <run>                the newest good one (a relative link)
      <job>/<key>/.failed.json                   its last run failed (the index says so)
      <job>/<key>/.due.json                      when it is next due (the index says when stale)
      _failed/<notebook>-<time>-<id>/            partly executed notebooks of failed builds
      .building-<pid>-<id>/                      a build's staging folder
      .desk/history.sqlite                       the desk's run history
      .desk/locks/<job>/<key>.lock               a briefing's lock while a run builds it

Hidden (``.``) and ``_`` entries are the tool's own: never listed in the index nor
copied to a published site. Names that become folders are checked to be one plain
folder name (:func:`analysis.runtime.ownership.folder_name`) before a path is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from analysis.runtime.ownership import NAME_MAX, folder_name

LATEST = "latest"
FAILED = "_failed"
FAILED_MARK = ".failed.json"
DUE_MARK = ".due.json"
DESK = ".desk"
HISTORY = "history.sqlite"
LOCKS = "locks"


@dataclass(frozen=True)
class ReportsLayout:
    """Paths under one reports folder, ``root``."""

    root: Path

    def series(self, job: str, key: str) -> Path:
        """A desk briefing's folder: its runs, ``latest`` and its notes."""
        return self.root / folder_name(job, "job") / folder_name(key, "key")

    def notebook_folder(self, notebook: str) -> Path:
        """Where ``briefing build`` puts a notebook's runs."""
        return self.root / folder_name(notebook, "the notebook's name")

    def failed_notebooks(self) -> Path:
        return self.root / FAILED

    @staticmethod
    def latest(series: Path) -> Path:
        return series / LATEST

    @staticmethod
    def note_failed(series: Path, note: dict) -> None:
        """Mark the briefing's last run failed (the index shows it stale until one succeeds)."""
        series.mkdir(parents=True, exist_ok=True)
        replace_file(series / FAILED_MARK, json.dumps(note, indent=1) + "\n")

    @staticmethod
    def clear_failed(series: Path) -> None:
        (series / FAILED_MARK).unlink(missing_ok=True)

    @staticmethod
    def failed_note(series: Path) -> dict | None:
        """The note of the briefing's failed last run, or None."""
        if not (series / FAILED_MARK).is_file():
            return None
        try:
            return json.loads((series / FAILED_MARK).read_text())
        except (OSError, ValueError):
            return {"error": "the last run failed"}

    @staticmethod
    def note_due(series: Path, due: dict) -> None:
        """When the briefing is next due (``next``, an ISO time, and its ``schedule``)."""
        replace_file(series / DUE_MARK, json.dumps(due) + "\n")

    @staticmethod
    def next_due(series: Path) -> dt.datetime | None:
        try:
            due = json.loads((series / DUE_MARK).read_text())
            moment = dt.datetime.fromisoformat(due["next"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return moment if moment.tzinfo else None

    @property
    def history(self) -> Path:
        return self.root / DESK / HISTORY

    def lock_folder(self, job: str) -> Path:
        return self.root / DESK / LOCKS / folder_name(job, "job")

    def lock(self, job: str, key: str) -> Path:
        """``<key>.lock`` in the job's lock folder; a key too long for that gets its hash."""
        name = f"{folder_name(key, 'key')}.lock"
        if len(os.fsencode(name)) > NAME_MAX:
            name = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest() + ".lock"
        return self.lock_folder(job) / name

    @staticmethod
    def is_internal(name: str) -> bool:
        """An entry readers never see: hidden (staging, the desk, notes) or ``_failed``."""
        return name.startswith((".", "_"))


def replace_file(path: Path, text: str) -> Path:
    """Write ``path`` whole: a reader never sees half of it."""
    staging = path.with_name(f".{path.name}-{uuid.uuid4().hex[:8]}")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)
    return path
