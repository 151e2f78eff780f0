"""The one process-level registry of the desk: a worker process's build resources.

A pool worker's initializer (and a Dask worker's first task) starts what the process
reuses for every briefing it builds (:class:`~analysis.build.resources.BuildResources`:
its zygote or the run's shared one, its Chromium). The tasks that come later in that
process are separate calls across a process boundary, so the resources must wait
for them somewhere: here, and nowhere else. They are closed when the process exits.
"""

from __future__ import annotations

from multiprocessing.util import Finalize
from pathlib import Path

from analysis.build import BuildResources

_resources: BuildResources | None = None  # this worker process's, once prepared


def prepare(chromium: str | Path | None, *, fork: bool, join: str | None = None) -> BuildResources:
    """This process's resources, started on the first call (later calls return them):
    a zygote (``join``: the run's shared one) when ``fork``, a kept Chromium when
    ``chromium``. Call it in the thread that will build. Let go when the process exits;
    the zygote also kills this worker's kernels if the process is killed."""
    global _resources
    if _resources is None:
        _resources = BuildResources.start(fork=fork, join=join if fork else None, chromium=chromium)
        Finalize(None, _resources.close, exitpriority=10)
    return _resources


def build_here(build, task):
    """``build(task, resources)`` with this worker's resources (a pool's task)."""
    return build(task, prepare(None, fork=False))
