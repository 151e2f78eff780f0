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

Whatever goes wrong with one briefing (its values cannot name a folder, its lock or
``latest`` is not what the desk made, its folder cannot be made, the history cannot
record it) is that briefing's failure; the run goes on and ends with its summary.
A run stopped by a signal records nothing for what did not finish (``stopping``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock, Timeout

from analysis.build import (
    PREVIOUS,
    RUN_NAME_PARAMETER,
    BuildResources,
    ReportsLayout,
    build_briefing,
    find_chromium,
    parameter_of_type,
    write_index,
)
from analysis.desk import executors, stopping
from analysis.desk.commands import text_table
from analysis.desk.fingerprint import Fingerprinter
from analysis.desk.history import History, Run
from analysis.desk.jobs import JobBriefing, load_jobs, select_jobs
from analysis.desk.notify import Notifier, SmtpSettings
from analysis.desk.plan import BUILD, SKIP, Decision, decide, plan_briefings
from analysis.desk.task import Outcome, Task
from analysis.errors import BriefingError
from analysis.runtime.ownership import folder_name


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
    chromium: Path | None = None,
    forked: bool = True,
    report=print,
    on_plan=None,
    smtp: SmtpSettings | None = None,
    executor: str = executors.DEFAULT,
    scheduler: str | None = None,
) -> list[Outcome]:
    """Plan, then build each briefing the plan builds, ``workers`` at a time.

    ``on_plan`` gets the number of briefings to build once the plan is made;
    ``report`` gets one line per briefing as it ends. Returns every outcome,
    skipped and not-due briefings included, in the jobs file's order. Jobs with
    ``notify`` recipients get their mails through ``smtp`` as each briefing ends.
    ``executor`` names where they are built (:mod:`analysis.desk.executors`: ``local``
    processes, or ``dask`` on the cluster at ``scheduler``, a LocalCluster of ``workers``
    processes without one); ``forked``: kernels forked from a zygote (settings.zygote).
    """
    reports = reports.resolve()
    started = dt.datetime.now(dt.UTC)
    jobs = select_jobs(load_jobs(jobs_file), job_names or [])
    history = History(reports)
    decisions = plan_briefings(jobs, now, history, due=due, force=force)
    history.check_writable()  # before anything is built that could not be recorded
    outcomes: dict[tuple[str, str], Outcome] = {}
    for d in decisions:  # a loop over the run's briefings
        if d.action != BUILD:
            outcome = _not_built(history, d)
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
            timeout,
        )
        for d in decisions
        if d.action == BUILD
    ]
    if on_plan is not None:
        on_plan(len(tasks))
    pdf = any("pdf" in d.briefing.job.formats for d in decisions if d.action == BUILD)
    chromium_path = find_chromium(chromium) if pdf else None
    notify = Notifier({job.name: job for job in jobs}, history, smtp)
    options = executors.Options(workers, scheduler, chromium_path, forked)
    for outcome in executors.named(executor).run(tasks, build_one, options):
        report(_line(outcome))
        outcomes[(outcome.job, outcome.key)] = outcome
        if stopping.stopped():
            notify.give_up("the run was stopped before this mail was sent")
        notify(**asdict(outcome))
    _note_next_due(reports, decisions, now)
    if tasks or decisions:
        _write_index(reports, report)
    return [outcomes[(d.briefing.job.name, d.briefing.key)] for d in decisions]


def _note_next_due(reports: Path, decisions: list[Decision], now: dt.datetime) -> None:
    """For each briefing already published, when it is next due (``.due.json`` in its
    folder): the index marks it stale once that time has passed with no newer build,
    which is how readers learn that the desk stopped running."""
    for decision in decisions:  # a loop over the run's briefings
        schedule = decision.briefing.job.schedule
        try:
            folder = ReportsLayout(reports).series(
                decision.briefing.job.name, decision.briefing.key
            )
            if not folder.is_dir() or folder.is_symlink():
                continue
            due = {"next": schedule.next(now).isoformat(), "schedule": schedule.describe()}
            ReportsLayout.note_due(folder, due)
        except (BriefingError, OSError, ValueError):  # a note for readers, never the run's end
            continue


def _not_built(history: History, decision: Decision) -> Outcome:
    """A skip (recorded, so ``--due`` does not offer it again) or a briefing not due."""
    job, key = decision.briefing.job.name, decision.briefing.key
    if decision.action == SKIP:
        try:
            _record(history, decision, "skipped", 0.0, folder=_last_folder(history, decision))
        except (BriefingError, OSError) as exc:  # this briefing's trouble, not the run's
            return Outcome(job, key, "failed", f"the skip could not be recorded: {exc}")
    return Outcome(job, key, _result(decision.action), decision.reason)


def _write_index(reports: Path, report) -> None:
    """The site's index (failures marked stale, the latest links); one that cannot be
    written is a line of the run, not the end of it before its summary."""
    try:
        write_index(reports)
    except (BriefingError, OSError) as exc:
        report(f"the index of {reports} could not be written: {exc}")


def build_one(task: Task, resources: BuildResources) -> Outcome:
    """Build one briefing under its lock, with the ``resources`` of the process that builds
    it; a briefing's failure, whatever it is, is an outcome (recorded when the history can
    be written), never an exception. A stopped run starts nothing and records nothing for
    a build it interrupted."""
    if stopping.stopped():
        return task.interrupted(started=False)
    try:
        with _briefing_lock(task) as held:
            if not held:
                return Outcome(task.job, task.key, "busy", "another run is building it")
            return _decide_and_build(task, resources)
    except KeyboardInterrupt:
        if not stopping.stopped():
            raise  # an interrupt the caller handles itself
        return task.interrupted()
    except Exception as exc:  # a bug or the machine: this briefing fails, the run goes on
        return Outcome(task.job, task.key, "failed", _error_text(exc))


@contextlib.contextmanager
def _briefing_lock(task: Task) -> Iterator[bool]:
    """The briefing's lock (False: another run holds it), refused with a one-line reason
    when its path is not the desk's own plain file under the reports folder."""
    layout = ReportsLayout(task.reports)
    folder, path = layout.lock_folder(task.job), layout.lock(task.job, task.key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefingError(
            f"cannot make the lock folder {folder}: {exc.strerror or exc}"
        ) from None
    if folder.resolve() != folder or path.is_symlink() or (path.exists() and not path.is_file()):
        raise BriefingError(
            f"the lock {path} is not a plain file in the desk's folder (a folder or a link is "
            "in its way); move it away, the desk makes its own"
        )
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _decide_and_build(task: Task, resources: BuildResources) -> Outcome:
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
    return _build(briefing, decision, history, task, resources)


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
    resources: BuildResources,
) -> Outcome:
    job, key = briefing.job.name, briefing.key
    clock = time.perf_counter()
    series = None  # reports/<job>/<key>/, once its names are checked
    try:
        series = ReportsLayout(task.reports).series(job, key)
        destination = series / _run_name(briefing, decision)
        given = briefing.given(decision.scheduled)
        compare_with = parameter_of_type(briefing.job.notebook, PREVIOUS)
        last = history.last_built(job, key)
        if compare_with and last and last.folder and Path(last.folder).is_dir():
            given.append((compare_with, last.folder))  # what changed since the last good one
        with stopping.interruptible():
            built = build_briefing(
                briefing.job.notebook,
                given,
                formats=briefing.job.formats,
                reports=task.reports,
                chromium=task.chromium,
                destination=destination,
                timeout=task.timeout or briefing.job.timeout,
                cell_timeout=briefing.job.cell_timeout,
                resources=resources,
            )
    except Exception as exc:  # a failing briefing never stops the others
        if stopping.stopped() or stopping.run_lost():  # cut short: it did not fail
            return task.interrupted()
        error = _error_text(exc)
        return _failed(
            history,
            decision,
            task,
            series,
            error,
            clock,
            kept=getattr(exc, "saved", None),
            cell=getattr(exc, "cell", None),
        )
    try:
        point_latest(built.folder)
    except (BriefingError, OSError) as exc:
        error = f"built in {built.folder}, but {_error_text(exc)}"
        return _failed(history, decision, task, series, error, clock, folder=built.folder)
    with contextlib.suppress(OSError):
        ReportsLayout.clear_failed(series)
    duration = time.perf_counter() - clock
    try:
        _record(history, decision, "built", duration, folder=str(built.folder))
    except (BriefingError, OSError) as exc:
        error = f"built in {built.folder}, but the history could not record it: {exc}"
        return Outcome(job, key, "failed", error, duration, str(built.folder))
    return Outcome(job, key, "built", decision.reason, duration, str(built.folder))


def _run_name(briefing: JobBriefing, decision: Decision) -> str:
    """The run folder's name: the ``as_of`` parameter, else the scheduled date."""
    as_of = briefing.parameters(decision.scheduled).get(RUN_NAME_PARAMETER)
    if as_of:
        return folder_name(as_of, f"{RUN_NAME_PARAMETER} value")
    return folder_name(briefing.job.schedule.scheduled_date(decision.scheduled), "scheduled date")


def _failed(
    history: History,
    decision: Decision,
    task: Task,
    series: Path | None,
    error: str,
    clock: float,
    *,
    kept: Path | None = None,
    cell: int | None = None,
    folder: Path | None = None,
) -> Outcome:
    """A failed briefing: recorded and marked stale in its folder when they can be (each
    may fail too: then the outcome says so), and the outcome for the summary and mail."""
    duration = time.perf_counter() - clock
    try:
        _record(history, decision, "failed", duration, folder=folder and str(folder), error=error)
    except (BriefingError, OSError) as exc:
        error += f" (and the history could not record it: {exc})"
    if series is not None and not mark_failed(series, error, kept):
        error += f" (and {series} could not be marked as failed)"
    return Outcome(
        task.job,
        task.key,
        "failed",
        error,
        duration,
        folder=folder and str(folder),
        cell=cell,
        kept=kept and str(kept),
    )


def mark_failed(folder: Path, error: str, kept: Path | None) -> bool:
    """Leave a note in the briefing's folder that its last run failed: the index marks
    the briefing stale until a run succeeds. False when the note cannot be written."""
    note = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "error": error,
        "kept": str(kept) if kept else None,
    }
    try:
        ReportsLayout.note_failed(folder, note)
    except OSError:
        return False
    return True


def _error_text(exc: BaseException) -> str:
    """A failure in one line's words: a user's mistake as said, anything else with its type."""
    said = str(exc) if isinstance(exc, BriefingError) else f"{type(exc).__name__}: {exc}"
    return said.strip() or type(exc).__name__


def _result(action: str) -> str:
    return "skipped" if action == SKIP else action


def point_latest(folder: Path) -> Path:
    """Make ``latest`` beside ``folder`` a relative link to it, replaced in one rename.
    Only a link is ever replaced: anything else named ``latest`` (a folder, a file) is
    someone's, and is refused with a BriefingError."""
    latest = ReportsLayout.latest(folder.parent)
    if os.path.lexists(latest) and not latest.is_symlink():
        kind = "a folder" if latest.is_dir() else "a file"
        raise BriefingError(
            f"{latest} is {kind}, not the desk's link to the newest briefing; "
            "move it away and the next run links it"
        )
    staging = folder.parent / f".{latest.name}-{uuid.uuid4().hex[:8]}"
    os.symlink(folder.name, staging)
    try:
        os.replace(staging, latest)  # a folder made meanwhile is not replaced: EISDIR
    except OSError:
        staging.unlink(missing_ok=True)
        raise
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
    return f"{outcome.result} {outcome.job}/{outcome.key}{took}: {_first_line(outcome.detail)}"


def _first_line(text: str) -> str:
    return next(iter(text.splitlines()), "")


def summary(outcomes: list[Outcome]) -> str:
    """The table a run ends with: each briefing's result, time and why, then the counts."""
    rows = [
        [
            o.job,
            o.key,
            o.result,
            f"{o.duration_s:.1f} s" if o.result in ("built", "failed") else "-",
            _first_line(o.detail),
        ]
        for o in outcomes
    ]
    counts: dict[str, int] = {}
    for o in outcomes:  # a loop over the run's briefings
        counts[o.result] = counts.get(o.result, 0) + 1
    total = ", ".join(f"{n} {result}" for result, n in counts.items()) or "nothing to do"
    return text_table(["job", "key", "result", "time", "detail"], rows) + "\n" + total
