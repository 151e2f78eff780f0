"""``briefing run --executor dask``: each briefing a task on a ``dask.distributed`` cluster.

The task is :func:`analysis.desk.run.build_one`, as the local executor runs it: the
same lock, fresh decision, build, history row and failure kept apart, done on a
worker. So the workers need the project installed (the same version) and the
reports folder at the same path (a shared file system: the locks are ``flock``
locks and the history is SQLite on it). Results and errors come back to the run.

Like a local worker process, a Dask worker keeps what it can reuse between
briefings (its Chromium, its kernel zygote): :func:`build_on_worker` calls
``prepare_worker`` in the task itself. Dask runs tasks in a worker's executor thread, not in the thread
where a ``WorkerPlugin`` or ``client.run`` would start things, and the build
should find its resources prepared by the thread that uses them.

A worker lost mid-briefing: the scheduler gives the task to another worker, once
(``allowed-failures`` = 1 for the cluster this run starts; set it on a scheduler
you start yourself). The retry takes the briefing's lock and decides again, so a
briefing the lost worker had already published is not published a second time.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from ..errors import BriefingError
from ..report.export import find_chromium
from .jobs import load_jobs
from .run import Outcome, Task, build_one, prepare_worker

ALLOWED_FAILURES = 1  # a briefing whose worker dies is tried once more, elsewhere
CONNECT_TIMEOUT = "20s"


def run_on_dask(tasks: list[Task], scheduler: str | None, workers: int) -> Iterator[Outcome]:
    """Outcomes as briefings finish on the cluster at ``scheduler`` (a ``LocalCluster``
    of ``workers`` processes when None)."""
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    prints = _prints_pdf(tasks)
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES})
        )
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=min(workers, len(tasks)),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            address = cluster.scheduler_address
        else:
            address = scheduler
        try:
            client = stack.enter_context(Client(address, timeout=CONNECT_TIMEOUT))
        except (OSError, TimeoutError) as exc:
            raise BriefingError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        run = uuid.uuid4().hex[:8]
        futures = {
            client.submit(
                build_on_worker,
                task,
                prints,
                key=f"briefing-{task.job}-{task.key}-{run}",
                pure=False,
            ): task
            for task in tasks
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # the task itself was lost (its workers died), not the build
                yield Outcome(task.job, task.key, "failed", f"{type(exc).__name__}: {exc}")


def build_on_worker(task: Task, prints: bool) -> Outcome:
    """One briefing, on a Dask worker: the worker's reusable resources prepared first
    (once per worker process: its zygote, and its Chromium when the run prints PDFs),
    then the build a local worker does. A Chromium that cannot be found is left to the
    build, which fails the briefing with the same words as a local run."""
    chromium = None
    if prints:
        with contextlib.suppress(BriefingError):
            chromium = find_chromium(task.chromium)
    prepare_worker(chromium)
    return build_one(task)


def _prints_pdf(tasks: list[Task]) -> bool:
    """Whether any briefing of the run prints a PDF (so its worker wants a Chromium)."""
    printing = set()
    for jobs_file in {task.jobs_file for task in tasks}:  # one file per run
        printing |= {job.name for job in load_jobs(jobs_file) if "pdf" in job.formats}
    return any(task.job in printing for task in tasks)
