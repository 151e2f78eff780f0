"""``briefing run``: build what the plan says, each briefing once, failures kept apart.

For each briefing the plan would build, a worker:

1. takes the briefing's lock (``reports/.desk/locks/<job>/<key>.lock``); if another
   run holds it, that run is building it and this one leaves it alone;
2. decides again with a fresh history, so a run that finished meanwhile is not
   repeated;
3. builds it into ``reports/<job>/<key>/<as_of or scheduled date>/`` and points
   ``reports/<job>/<key>/latest`` at it; a failure publishes nothing and keeps
   the last good briefing where it was;
4. records the run in the history, then lets go of the lock.

Locks are ``flock`` locks (filelock): the system releases them when a run dies,
however it dies, so a killed run never blocks the next. Briefings the plan skips
are recorded as skipped, so ``--due`` does not offer them again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from multiprocessing.util import Finalize
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import BriefingError
from ..report import build_briefing, zygote
from ..report.execute import kernel_command
from ..report.export import PdfPrinter, find_chromium
from ..report.outputs import FAILED_MARK, RUN_NAME_PARAMETER, replace_file, write_index
from ..report.parameters import PREVIOUS, parameter_of_type
from .commands import text_table
from .fingerprint import Fingerprinter
from .history import History, Run
from .jobs import JobBriefing, load_jobs, select_jobs
from .notify import Notifier, SmtpSettings
from .plan import BUILD, SKIP, Decision, decide, plan_briefings

LOCKS = Path(".desk") / "locks"
LATEST = "latest"
ZYGOTE_VARIABLE = "BRIEFING_ZYGOTE"  # "off": every kernel launched the plain way


@dataclass(frozen=True)
class Outcome:
    """What a run did with one briefing, for the summary and the exit code."""

    job: str
    key: str
    result: str  # built, skipped, failed, not due, or busy (another run holds it)
    detail: str
    duration_s: float = 0.0
    folder: str | None = None
    cell: int | None = None  # a failure's failing cell, when a cell raised
    kept: str | None = None  # a failure's partly executed notebook, under _failed/


@dataclass(frozen=True)
class Task:
    """One briefing to build, as plain data a worker process can receive."""

    jobs_file: Path
    job: str
    key: str
    now: dt.datetime
    due: bool
    force: bool
    reports: Path
    chromium: str | None
    started: dt.datetime  # when the run began: a build finished since is another run's
    timeout: float | None = None  # seconds one briefing's build may take


def run_desk(
    jobs_file: Path,
    job_names: list[str] | None = None,
    *,
    now: dt.datetime,
    due: bool = False,
    force: bool = False,
    workers: int = 1,
    timeout: float | None = None,
    reports: Path = Path("reports"),
    chromium: str | None = None,
    report=print,
    on_plan=None,
    smtp: SmtpSettings | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[Outcome]:
    """Plan, then build each briefing the plan builds, ``workers`` at a time.

    ``on_plan`` gets the number of briefings to build once the plan is made;
    ``report`` gets one line per briefing as it ends. Returns every outcome,
    skipped and not-due briefings included, in the jobs file's order. Jobs with
    ``notify`` recipients get their mails through ``smtp`` as each briefing ends.
    ``executor`` ``dask`` builds on the cluster at ``scheduler`` (a LocalCluster of
    ``workers`` processes without one) instead of local processes.
    """
    reports = reports.resolve()
    started = dt.datetime.now(dt.UTC)
    jobs = select_jobs(load_jobs(jobs_file), job_names or [])
    history = History(reports)
    decisions = plan_briefings(jobs, now, history, due=due, force=force)
    outcomes: dict[tuple[str, str], Outcome] = {}
    for d in decisions:  # a loop over the run's briefings
        if d.action == SKIP:
            _record(history, d, "skipped", 0.0, folder=_last_folder(history, d))
        if d.action != BUILD:
            outcome = Outcome(d.briefing.job.name, d.briefing.key, _result(d.action), d.reason)
            outcomes[(outcome.job, outcome.key)] = outcome
    tasks = [
        Task(
            jobs_file,
            d.briefing.job.name,
            d.briefing.key,
            now,
            due,
            force,
            reports,
            chromium,
            started,
        )
        for d in decisions
        if d.action == BUILD
    ]
    if on_plan is not None:
        on_plan(len(tasks))
    pdf = any("pdf" in d.briefing.job.formats for d in decisions if d.action == BUILD)
    chromium_path = find_chromium(chromium) if pdf else None
    notify = Notifier({job.name: job for job in jobs}, history, smtp)
    if executor == "dask" and tasks:
        from .dask_executor import run_on_dask

        results = run_on_dask(tasks, scheduler, workers)
    else:
        results = _run_tasks(tasks, workers, chromium_path)
    for outcome in results:
        report(_line(outcome))
        outcomes[(outcome.job, outcome.key)] = outcome
        notify(**asdict(outcome))
    if tasks:
        write_index(reports)  # failures marked stale, the latest links
    return [outcomes[(d.briefing.job.name, d.briefing.key)] for d in decisions]


def _run_tasks(tasks: list[Task], workers: int, chromium: str | None):
    """Outcomes as briefings finish: in this process for one worker, else in a pool of
    fresh processes (spawned: a kernel per build, no forked threads). Each process
    keeps one Chromium for all the briefings it prints; one zygote, started here
    before the workers, forks every briefing's kernel with its imports done. A worker
    that dies is that briefing's failure; an interrupted run cancels the briefings
    not yet started."""
    if workers <= 1 or len(tasks) <= 1:
        with _kept_printer(chromium) as printer, _kept_zygote(len(tasks) > 1):
            for task in tasks:
                yield build_one(task, printer)
        return
    with _shared_zygote() as address:
        yield from _run_in_pool(tasks, min(workers, len(tasks)), chromium, address)


def _run_in_pool(tasks: list[Task], workers: int, chromium: str | None, zygote_address):
    pool = ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=_start_pool_worker,
        initargs=(chromium, os.getpid(), zygote_address),
    )
    try:
        futures = {pool.submit(build_one, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # the worker process itself failed
                task = futures[future]
                yield Outcome(task.job, task.key, "failed", f"{type(exc).__name__}: {exc}")
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


@contextlib.contextmanager
def _kept_printer(chromium: str | None) -> Iterator[PdfPrinter | None]:
    """One Chromium, kept open for every briefing of this process; None without PDFs."""
    if chromium is None:
        yield None
        return
    with PdfPrinter(chromium, keep_open=True) as printer:
        yield printer


@contextlib.contextmanager
def _kept_zygote(wanted: bool) -> Iterator[None]:
    """A zygote for the briefings this process builds itself, stopped after them (one
    already running, a worker's, is left as it is). None for a single briefing: its
    imports would cost the zygote what they cost the kernel."""
    if not wanted or zygote.started() or not _zygote_wanted():
        yield
        return
    zygote.start(kernel_command()[0])
    try:
        yield
    finally:
        zygote.stop()


@contextlib.contextmanager
def _shared_zygote() -> Iterator[str | None]:
    """A zygote the pool's workers join (its address), stopped after them; None when
    kernels are launched the plain way."""
    if not _zygote_wanted():
        yield None
        return
    shared = zygote.start_shared(kernel_command()[0])
    try:
        yield shared and shared.address
    finally:
        if shared is not None:
            shared.close()


def _zygote_wanted() -> bool:
    return os.environ.get(ZYGOTE_VARIABLE, "").lower() not in ("0", "no", "off", "false")


# A worker process's own Chromium, started by the pool's initializer, closed at exit.
_worker_printer: PdfPrinter | None = None


def prepare_worker(chromium: str | None, zygote_address: str | None = None) -> None:
    """Start what this worker process reuses for every briefing it builds: its Chromium
    and its zygote (kernels forked with their imports done, see report/zygote.py), or
    the run's shared zygote at ``zygote_address``. Idempotent; call it in the thread
    that will build (Playwright objects stay in theirs). Both are let go when the
    process exits; the zygote also kills this worker's kernels if the process is killed."""
    global _worker_printer
    if chromium is not None and _worker_printer is None:
        _worker_printer = PdfPrinter(chromium, keep_open=True)
        Finalize(None, _worker_printer.close, exitpriority=10)
    if not zygote.started() and _zygote_wanted():
        if zygote_address:
            zygote.join(zygote_address, kernel_command()[0])
        else:
            zygote.start(kernel_command()[0])
        Finalize(None, zygote.stop, exitpriority=10)


def _start_pool_worker(chromium: str | None, run: int, zygote_address: str | None) -> None:
    """A pool worker: its resources, and an exit when the run that started it is killed
    (a pool's idle workers would wait for it for ever, their zygote and Chromium too)."""
    prepare_worker(chromium, zygote_address)
    threading.Thread(target=_exit_without, args=(run,), name="run-watch", daemon=True).start()


def _exit_without(run: int) -> None:
    """End this process once ``run``, its parent, is gone; its zygote and Chromium then
    see their pipes close and end too."""
    while os.getppid() == run:
        time.sleep(1.0)
    os._exit(1)


def build_one(task: Task, printer: PdfPrinter | None = None) -> Outcome:
    """Build one briefing under its lock; a briefing's failure, whatever it is, is an
    outcome (recorded when the history can be written), never an exception."""
    path = task.reports / LOCKS / task.job / f"{task.key}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return Outcome(task.job, task.key, "busy", "another run is building it")
    try:
        return _decide_and_build(task, printer or _worker_printer)
    except Exception as exc:  # a bug or the machine: this briefing fails, the run goes on
        return Outcome(task.job, task.key, "failed", f"{type(exc).__name__}: {exc}")
    finally:
        lock.release()


def _decide_and_build(task: Task, printer: PdfPrinter | None) -> Outcome:
    """Decide again under the lock: another run may have built the briefing meanwhile."""
    briefing = _briefing(task)
    history = History(task.reports)
    last = history.last_built(task.job, task.key)
    if last is not None and last.finished > task.started:
        return Outcome(task.job, task.key, "skipped", "built by another run meanwhile")
    decision = decide(briefing, task.now, history, Fingerprinter(), due=task.due, force=task.force)
    if decision.action != BUILD:
        if decision.action == SKIP:
            _record(history, decision, "skipped", 0.0, _last_folder(history, decision))
        return Outcome(task.job, task.key, _result(decision.action), decision.reason)
    return _build(briefing, decision, history, task, printer)


def _briefing(task: Task) -> JobBriefing:
    """The task's briefing, from the jobs file as it is now (read again by each worker)."""
    (job,) = select_jobs(load_jobs(task.jobs_file), [task.job])
    for briefing in job.briefings():  # a loop over one job's grid
        if briefing.key == task.key:
            return briefing
    raise BriefingError(f"briefing {task.key!r} is no longer in job {task.job!r}")


def _build(
    briefing: JobBriefing,
    decision: Decision,
    history: History,
    task: Task,
    printer: PdfPrinter | None,
) -> Outcome:
    job, key = briefing.job.name, briefing.key
    given = briefing.given(decision.scheduled)
    compare_with = parameter_of_type(briefing.job.notebook, PREVIOUS)
    last = history.last_built(job, key)
    if compare_with and last and last.folder and Path(last.folder).is_dir():
        given.append((compare_with, last.folder))  # what changed since the last good one
    as_of = briefing.parameters(decision.scheduled).get(RUN_NAME_PARAMETER)
    run_name = str(as_of or briefing.job.schedule.scheduled_date(decision.scheduled))
    destination = task.reports / job / key / run_name
    clock = time.perf_counter()
    try:
        built = build_briefing(
            briefing.job.notebook,
            given,
            formats=briefing.job.formats,
            reports=task.reports,
            chromium=task.chromium,
            destination=destination,
            timeout=task.timeout or briefing.job.timeout,
            cell_timeout=briefing.job.cell_timeout,
            printer=printer,
        )
    except Exception as exc:  # a failing briefing never stops the others
        duration = time.perf_counter() - clock
        error = str(exc) if isinstance(exc, BriefingError) else f"{type(exc).__name__}: {exc}"
        _record(history, decision, "failed", duration, error=error)
        kept = getattr(exc, "saved", None)
        mark_failed(destination.parent, error, kept)
        cell = getattr(exc, "cell", None)
        return Outcome(job, key, "failed", error, duration, cell=cell, kept=kept and str(kept))
    (built.folder.parent / FAILED_MARK).unlink(missing_ok=True)
    point_latest(built.folder)
    duration = time.perf_counter() - clock
    _record(history, decision, "built", duration, folder=str(built.folder))
    return Outcome(job, key, "built", decision.reason, duration, str(built.folder))


def mark_failed(folder: Path, error: str, kept: Path | None) -> None:
    """Leave a note in the briefing's folder that its last run failed: the index marks
    the briefing stale until a run succeeds."""
    folder.mkdir(parents=True, exist_ok=True)
    note = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "error": error,
        "kept": str(kept) if kept else None,
    }
    replace_file(folder / FAILED_MARK, json.dumps(note, indent=1) + "\n")


def _result(action: str) -> str:
    return "skipped" if action == SKIP else action


def point_latest(folder: Path) -> Path:
    """Make ``latest`` beside ``folder`` a relative link to it, replaced in one rename."""
    latest = folder.parent / LATEST
    staging = folder.parent / f".{LATEST}-{uuid.uuid4().hex[:8]}"
    os.symlink(folder.name, staging)
    os.replace(staging, latest)
    return latest


def _last_folder(history: History, decision: Decision) -> str | None:
    last = history.last_built(decision.briefing.job.name, decision.briefing.key)
    return last.folder if last else None


def _record(
    history: History,
    decision: Decision,
    result: str,
    duration: float,
    folder: str | None = None,
    error: str | None = None,
) -> None:
    finished = dt.datetime.now(dt.UTC)
    history.record(
        Run(
            job=decision.briefing.job.name,
            key=decision.briefing.key,
            scheduled=decision.scheduled,
            started=finished - dt.timedelta(seconds=duration),
            finished=finished,
            result=result,
            fingerprint=decision.fingerprint,
            duration_s=round(duration, 2),
            folder=folder,
            error=error,
        )
    )


def _line(outcome: Outcome) -> str:
    took = f" in {outcome.duration_s:.1f} s" if outcome.result in ("built", "failed") else ""
    return f"{outcome.result} {outcome.job}/{outcome.key}{took}: {outcome.detail.splitlines()[0]}"


def summary(outcomes: list[Outcome]) -> str:
    """The table a run ends with: each briefing's result, time and why, then the counts."""
    rows = [
        [
            o.job,
            o.key,
            o.result,
            f"{o.duration_s:.1f} s" if o.result in ("built", "failed") else "-",
            o.detail.splitlines()[0] if o.detail else "",
        ]
        for o in outcomes
    ]
    counts: dict[str, int] = {}
    for o in outcomes:  # a loop over the run's briefings
        counts[o.result] = counts.get(o.result, 0) + 1
    total = ", ".join(f"{n} {result}" for result, n in counts.items()) or "nothing to do"
    return text_table(["job", "key", "result", "time", "detail"], rows) + "\n" + total
