"""``--executor local``: briefings built in this process, or in a pool of local processes.

One worker (or one briefing): built here, one after the other, with one Chromium kept
for all of them and, for several, a zygote that forks each kernel with its imports
done. More: a pool of fresh processes (spawned: a kernel per build, no forked
threads), each keeping its own Chromium, all forking their kernels from one zygote
started here before them. A worker that dies is that briefing's failure; a stopped
run cancels the briefings not yet started and passes the stop to the workers.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import TYPE_CHECKING

from analysis.build import BuildResources, shared_zygote
from analysis.desk import stopping
from analysis.desk.executors import POLL, Options, _worker
from analysis.desk.task import INTERRUPTED, Outcome, Task

if TYPE_CHECKING:
    from analysis.desk.executors import Build

UNWIND_TIMEOUT = 30.0  # seconds the pool's builds get to unwind once the run is stopped


class LocalExecutor:
    name = "local"
    meaning = "processes on this machine"

    def run(self, tasks: list[Task], build: Build, options: Options) -> Iterator[Outcome]:
        """Outcomes as briefings finish: here for one worker, else in a pool."""
        if options.workers <= 1 or len(tasks) <= 1:
            fork = options.forked and len(tasks) > 1  # one briefing: the zygote's imports
            with BuildResources.start(fork=fork, chromium=options.chromium) as resources:
                for task in tasks:  # once stopped, each one left is "not started"
                    yield build(task, resources)
            return
        with shared_zygote(options.forked) as address:
            workers = min(options.workers, len(tasks))
            yield from _run_in_pool(
                tasks, build, workers, (options.chromium, options.forked, address)
            )


EXECUTOR = LocalExecutor()


def _run_in_pool(tasks: list[Task], build: Build, workers: int, setup: tuple):
    """Outcomes as the pool's workers finish briefings. A worker that dies (killed, out
    of memory) breaks its whole pool: each briefing the pool had not finished is tried
    again alone, in a fresh worker, so the one that kills its worker fails by itself and
    the others are built."""
    lost = yield from _pool_round(tasks, build, workers, setup)
    for task in lost:  # rare: one small pool per briefing, to find the one at fault
        if stopping.stopped():
            yield task.interrupted(started=False)
            continue
        if (yield from _pool_round([task], build, 1, setup)):
            yield task.failed(
                "the worker process building it died, twice (killed, or out of memory)"
            )


def _pool_round(tasks: list[Task], build: Build, workers: int, setup: tuple):
    """Yield the outcomes of one pool's briefings; return the tasks a dead worker left
    unfinished. Once the run is stopped, the stop is passed to the workers, whose builds
    unwind, and the rest are cancelled."""
    pool = ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=_start_pool_worker,
        initargs=(*setup, os.getpid()),
    )
    futures = {pool.submit(_worker.build_here, build, task): task for task in tasks}
    pending, lost = set(futures), []
    try:
        while pending and not stopping.stopped():
            done, pending = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
            for future in done:
                if _broken(future):
                    lost.append(futures[future])
                else:
                    yield _outcome_of(future, futures[future])
        if pending:
            yield from _stop_pool(pool, {f: futures[f] for f in pending})
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return lost


def _start_pool_worker(chromium: str | None, fork: bool, zygote: str | None, run: int) -> None:
    """A pool worker: its resources (the run's shared zygote, its own Chromium), and an
    exit when the run that started it is killed."""
    stopping.watch_run(run)
    stopping.handle_stop_signals()  # the run passes its stop on; a terminal's Ctrl-C too
    _worker.prepare(chromium, fork=fork, join=zygote)


def _broken(future) -> bool:
    """Whether the future failed because a worker of its pool died (not by a stop)."""
    failure = None if future.cancelled() else future.exception()
    return isinstance(failure, BrokenProcessPool) and not stopping.stopped()


def _stop_pool(pool: ProcessPoolExecutor, pending: dict) -> Iterator[Outcome]:
    """Cancel what has not started, pass the stop to the workers, give their builds
    UNWIND_TIMEOUT to unwind, then end the workers still busy (their kernels go with
    them), so none records a briefing after the run is over."""
    for future in pending:
        future.cancel()
    workers = list(pool._processes.values())  # private, but the only way to the workers
    for process in workers:
        with contextlib.suppress(OSError):
            os.kill(process.pid, stopping.stopped() or signal.SIGTERM)
    done, late = wait(pending, timeout=UNWIND_TIMEOUT)
    for future in done:
        yield _outcome_of(future, pending[future])
    for future in late:
        task = pending[future]
        yield Outcome(task.job, task.key, INTERRUPTED, "stopped; its build did not unwind in time")
    if late:
        for process in workers:
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)
    pool.shutdown(wait=False, cancel_futures=True)


def _outcome_of(future, task: Task) -> Outcome:
    """A pool future's outcome: a worker that died is that briefing's failure, unless the
    run was stopped (then nothing finished and nothing is recorded)."""
    try:
        return future.result()
    except CancelledError:
        return task.interrupted(started=False)
    except KeyboardInterrupt:  # a worker stopped before its own handler was in place
        return task.interrupted()
    except Exception as exc:  # the worker process itself failed
        if stopping.stopped():
            return task.interrupted()
        return task.failed(f"{type(exc).__name__}: {exc}")
