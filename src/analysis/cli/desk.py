"""The desk's commands: plan, run, jobs, publish (docs/desk.md)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import signal
import sys
from pathlib import Path

from analysis.cli.arguments import at_time, desk_files, seconds, workers
from analysis.desk import executors
from analysis.errors import BriefingError


def add_commands(commands) -> None:
    plan = commands.add_parser(
        "plan",
        help="what a desk run would build, skip or leave, and why (changes nothing)",
        description=(
            "For each briefing of the jobs file (or of the jobs named), print what "
            "briefing run would do and why: build (new, or what changed), skip (unchanged "
            "since ...) or not due (next ...). Reads the jobs file and the run history; "
            "writes nothing. See docs/desk.md."
        ),
    )
    plan.add_argument("job", nargs="*", help="jobs to plan (default: every job)")
    plan.add_argument("--due", action="store_true", help="only what the schedule says is due")
    plan.add_argument(
        "--at",
        metavar="TIME",
        help="plan as if it were TIME, e.g. 2026-11-28T06:10+02:00 (default: now)",
    )
    desk_files(plan)
    plan.set_defaults(handler=_plan)

    run = commands.add_parser(
        "run",
        help="build the desk's briefings: what changed or is due, each once",
        description=(
            "Build the briefings of the jobs file (or of the jobs named) that briefing plan "
            "would build: new, changed or forced ones, and with --due only those the schedule "
            "says are due. Unchanged briefings are skipped. A failing briefing never stops the "
            "others nor replaces the last good one; the run ends with a summary and exits 1 "
            "if any failed. Two runs at once never build the same briefing twice. "
            "See docs/desk.md."
        ),
    )
    run.add_argument("job", nargs="*", help="jobs to run (default: every job)")
    run.add_argument("--due", action="store_true", help="only what the schedule says is due")
    run.add_argument("--force", action="store_true", help="build even unchanged briefings")
    run.add_argument(
        "--workers",
        type=workers,
        default=1,
        metavar="N",
        help="briefings built at once (default: 1)",
    )
    run.add_argument(
        "--executor",
        choices=executors.names(),
        help="local processes (the default), or a dask.distributed cluster; overrides "
        "executor in the jobs file's [desk] table (see docs/desk.md)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --executor dask: the scheduler, e.g. tcp://10.0.0.5:8786 (implies "
        "--executor dask; default: [desk] scheduler, else a LocalCluster of --workers processes)",
    )
    run.add_argument("--at", metavar="TIME", help="run as if it were TIME (default: now)")
    run.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="stop a briefing whose build takes longer than this (default: the job's "
        "timeout in the jobs file, else 1800)",
    )
    desk_files(run)
    run.set_defaults(handler=_run)

    jobs = commands.add_parser(
        "jobs",
        help="list the desk's jobs, their next times and each briefing's last result",
        description=(
            "List the jobs of the jobs file with their schedule and next time, and each "
            "briefing's last run and last good build from the run history. See docs/desk.md."
        ),
    )
    desk_files(jobs)
    jobs.set_defaults(handler=_jobs)

    publish = commands.add_parser(
        "publish",
        help="copy the reports site to a folder or host:path, swapped in whole",
        description=(
            "Copy the reports site (index.html, index.json, every briefing, each latest "
            "link as a real folder; not the desk's history, locks or failed notebooks) to "
            "DEST, so a web server can serve it. A folder is staged beside DEST and swapped "
            "in at once: readers see the old site or the new one, never a mix. host:path "
            "copies with rsync or scp to a fresh folder and switches the link path to it "
            "over ssh. See docs/desk.md."
        ),
    )
    publish.add_argument("destination", metavar="DEST", help="a folder, or host:path")
    publish.add_argument(
        "--via",
        choices=("rsync", "scp"),
        help="copy tool for host:path (default: rsync when installed, else scp)",
    )
    publish.add_argument(
        "--out", default="reports", metavar="DIR", help="reports folder (default: reports)"
    )
    publish.set_defaults(handler=_publish)


def _plan(args: argparse.Namespace) -> int:
    from analysis.desk.commands import plan_command

    at_time(args.at)  # checked here: the plan's clock arithmetic needs a sane time
    return plan_command(Path(args.jobs), args.job, due=args.due, at=args.at, reports=Path(args.out))


def _run(args: argparse.Namespace) -> int:
    """The desk run; SIGTERM (systemd, ``timeout``) and Ctrl-C stop it cleanly: builds under
    way unwind unrecorded, due again next time, and the summary says what finished."""
    from analysis.desk import stopping
    from analysis.desk.run import run_desk, summary

    now = at_time(args.at) or dt.datetime.now().astimezone()
    executor, scheduler = _executor(args)
    with stopping.stop_on_signals(), _progress() as (on_plan, report):
        outcomes = run_desk(
            Path(args.jobs),
            args.job,
            now=now,
            due=args.due,
            force=args.force,
            workers=args.workers,
            timeout=args.timeout,
            reports=Path(args.out),
            chromium=args.settings.chromium,
            forked=args.settings.zygote,
            report=report,
            on_plan=on_plan,
            smtp=args.settings.smtp,
            executor=executor,
            scheduler=scheduler,
        )
        signum = stopping.stopped()
    print()
    print(summary(outcomes))
    if signum:
        print(f"briefing: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        return 128 + signum
    return 1 if any(o.result == "failed" for o in outcomes) else 0


def _executor(args: argparse.Namespace) -> tuple[str, str | None]:
    """Where the run builds: the flags, else the jobs file's ``[desk]`` table, else local
    processes. A scheduler address, from either, means Dask unless ``local`` is said."""
    from analysis.desk.jobs import load_desk

    if args.executor == "local" and args.scheduler:
        raise BriefingError("--scheduler needs --executor dask (or no --executor)")
    desk = load_desk(Path(args.jobs))
    executor = args.executor or ("dask" if args.scheduler else desk.executor)
    executor = executor or ("dask" if desk.scheduler else "local")
    scheduler = (args.scheduler or desk.scheduler) if executor == "dask" else None
    if scheduler is not None:
        from analysis.desk.executors.dask import probe_scheduler

        probe_scheduler(scheduler)  # a peer that is not a Dask scheduler: one line, quickly
    return executor, scheduler


@contextlib.contextmanager
def _progress():
    """On a terminal, a progress bar over the briefings to build with each one's line
    printed above it; elsewhere (cron, CI, a pipe) plain lines only."""
    if not sys.stdout.isatty():
        yield None, lambda line: print(line, flush=True)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("building briefings", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as progress:
        bar = progress.add_task("build", total=None)

        def report(line: str) -> None:
            progress.console.print(line, markup=False, highlight=False)
            progress.advance(bar)

        yield (lambda total: progress.update(bar, total=total)), report


def _publish(args: argparse.Namespace) -> int:
    from analysis.build.site import publish_site

    done = publish_site(Path(args.out), args.destination, via=args.via)
    print(f"published {done.briefings} briefing(s), {done.files} file(s) to {done.destination}")
    return 0


def _jobs(args: argparse.Namespace) -> int:
    from analysis.desk.commands import jobs_command

    return jobs_command(Path(args.jobs), Path(args.out))
