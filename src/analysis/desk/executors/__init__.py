"""Where a desk run builds its briefings: one module per executor, found by its name.

An executor takes the run's tasks and a function that builds one (lock, decide again,
build, record: :func:`analysis.desk.run.build_one`) and yields each briefing's
:class:`~analysis.desk.task.Outcome` as it ends. ``local`` builds in this process or
a pool of local processes; ``dask`` on a ``dask.distributed`` cluster. Adding one is
adding a module here with an ``EXECUTOR`` (the CLI's ``--executor`` choices and the
jobs file's ``[desk] executor`` come from :func:`names`); modules whose name starts
with ``_`` are helpers, not executors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from analysis.build import BuildResources
    from analysis.desk.task import Outcome, Task

    Build = Callable[[Task, BuildResources], Outcome]  # builds one briefing: run.build_one

DEFAULT = "local"
POLL = 0.2  # seconds between looks at a stop while an executor builds


@dataclass(frozen=True)
class Options:
    """How the run wants its briefings built, whatever the executor."""

    workers: int = 1  # briefings built at once (a local pool's or a LocalCluster's size)
    scheduler: str | None = None  # a Dask scheduler's address; None: a LocalCluster
    chromium: str | None = None  # the browser found for the run's PDFs; None: no PDF
    forked: bool = True  # kernels forked from a zygote (settings.zygote)


class Executor(Protocol):
    """Builds a run's tasks, each with ``build(task, resources)``; yields outcomes as they
    end. A task that cannot finish (its worker died, the run was stopped) is an outcome
    too, never an exception."""

    name: str
    meaning: str  # in a few words, for the jobs file's fix: "processes on this machine"

    def run(self, tasks: list[Task], build: Build, options: Options) -> Iterator[Outcome]: ...


def names() -> tuple[str, ...]:
    """The executors there are, the default first."""
    here = Path(__file__).parent  # the modules' names: nothing imported to list them
    found = sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
    return (DEFAULT, *(name for name in found if name != DEFAULT))


def named(name: str) -> Executor:
    """The executor called ``name`` (one of :func:`names`)."""
    if name not in names():
        raise ValueError(f"no executor {name!r}; choose from {', '.join(names())}")
    return importlib.import_module(f"{__name__}.{name}").EXECUTOR


def how_to_choose() -> str:
    """The fix for an unknown executor: each one, in its own words."""
    said = [f'"{name}" ({named(name).meaning})' for name in names()]
    return "write " + " or ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)
