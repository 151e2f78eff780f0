"""A progress display for large imports: bytes read per input, then the named steps.

Shown on a terminal only (stderr), and only when the inputs are large enough
for a wait to be noticed; cron jobs and pipes get the report alone.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

LARGE_INPUT = 20 * 1024 * 1024  # bytes; smaller imports finish before a bar would help


class ImportProgress:
    """Wraps rich's progress bar; every method is a no-op when the display is off."""

    def __init__(self, progress=None):
        self._progress = progress
        self._step = None

    @contextlib.contextmanager
    def open(self, path: Path) -> Iterator[BinaryIO]:
        """``path`` opened for binary reading, advancing a bar as it is read."""
        if self._progress is None:
            with path.open("rb") as file:
                yield file
            return
        with self._progress.open(path, "rb", description=f"reading {path.name}") as file:
            yield file

    def step(self, description: str) -> None:
        """Say what the import is doing now (converting, writing, validating)."""
        if self._progress is None:
            return
        if self._step is None:
            self._step = self._progress.add_task(description, total=None)
        else:
            self._progress.update(self._step, description=description)


@contextlib.contextmanager
def import_progress(inputs: list[Path]) -> Iterator[ImportProgress]:
    large = sum(p.stat().st_size for p in inputs if p.is_file()) >= LARGE_INPUT
    if not (large and sys.stderr.isatty()):
        yield ImportProgress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield ImportProgress(progress)
