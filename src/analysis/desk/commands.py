"""``briefing plan`` and ``briefing jobs``: the desk's read-only views, as plain text.

Both read the jobs file and the run history and change nothing (no history file
is created). The CLI parses arguments and calls these; each returns the exit code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analysis.desk.history import History, Run
from analysis.desk.jobs import JOBS_FILE, load_jobs, select_jobs
from analysis.desk.plan import BUILD, NOT_DUE, SKIP, plan_briefings
from analysis.errors import BriefingError

TIME_EXAMPLE = "2026-11-28T06:00+02:00"


def plan_command(
    jobs_file: Path = Path(JOBS_FILE),
    job_names: list[str] | None = None,
    due: bool = False,
    at: str | None = None,
    reports: Path = Path("reports"),
) -> int:
    """Print what ``briefing run`` would do with each briefing of the jobs named, and why."""
    now = parse_time(at) if at else dt.datetime.now().astimezone()
    jobs = select_jobs(load_jobs(jobs_file), job_names or [])
    decisions = plan_briefings(jobs, now, History(reports, read_only=True), due=due)
    print(f"plan at {now.isoformat(timespec='minutes')}" + (", due briefings only" if due else ""))
    rows = [
        [
            d.briefing.job.name,
            d.briefing.key,
            d.briefing.job.schedule.show(d.scheduled) if d.scheduled else "-",
            str(d),
        ]
        for d in decisions
    ]
    print(text_table(["job", "key", "for", "decision"], rows))
    counts = {a: sum(d.action == a for d in decisions) for a in (BUILD, SKIP, NOT_DUE)}
    print(f"{counts[BUILD]} to build, {counts[SKIP]} to skip, {counts[NOT_DUE]} not due")
    return 0


def jobs_command(
    jobs_file: Path = Path(JOBS_FILE),
    reports: Path = Path("reports"),
    at: str | None = None,
) -> int:
    """Print each job, its schedule and next time, and each briefing's last result."""
    now = parse_time(at) if at else dt.datetime.now().astimezone()
    history = History(reports, read_only=True)
    jobs = load_jobs(jobs_file)
    if not jobs:
        print(f"no jobs in {jobs_file}")
    for job in jobs:  # a loop over jobs and their grids
        schedule = job.schedule
        count = len(job.briefings())
        print(
            f"{job.name}: notebook {job.notebook.stem}, {count} briefing(s), "
            f"{schedule.describe()}; next {schedule.show(schedule.next(now))}"
        )
        rows = [
            [b.key, *_last_result(history, job.name, b.key, schedule.show)] for b in job.briefings()
        ]
        print(text_table(["key", "last", "last good build"], rows, indent="  "))
    return 0


def parse_time(text: str) -> dt.datetime:
    """``--at`` text as an aware time: ISO 8601, with an offset or ``Z``; a time without
    one is in this machine's time zone, as cron reads its own lines."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise BriefingError(
            f"--at {text!r} is not a time; write it as {TIME_EXAMPLE} "
            "(without the offset: this machine's time zone)"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def _last_result(history: History, job: str, key: str, show) -> list[str]:
    """The briefing's last run and last good build, each in a few words."""
    last, good = history.last_run(job, key), history.last_built(job, key)
    return [
        _describe(last, show) if last else "never run",
        f"{show(good.scheduled)} {good.folder or ''}".rstrip() if good else "none",
    ]


def _describe(run: Run, show) -> str:
    text = f"{run.result} {show(run.scheduled)}"
    if run.duration_s is not None and run.result != "skipped":
        text += f" in {run.duration_s:.1f} s"
    if run.error:  # cut: the column is as wide as its widest cell (the whole message is
        # in the run history, reports/.desk/history.sqlite, and the failed notebook)
        error = run.error.splitlines()[0]
        text += f": {error if len(error) <= ERROR_SHOWN else error[: ERROR_SHOWN - 1] + '…'}"
    return text


ERROR_SHOWN = 60  # characters of a failure shown in `briefing jobs`' table


def text_table(header: list[str], rows: list[list[str]], indent: str = "") -> str:
    """Left-aligned columns, the last one unpadded."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = [
        indent + "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]])
        for r in [[h.upper() for h in header], *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)
