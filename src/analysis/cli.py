"""The ``briefing`` command: argument parsing only; the work is in the library.

Each handler imports the library it calls: ``briefing --help`` answers in about 0.1 s,
where importing pandas, scipy and pandera first would take over a second.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.errors import BriefingError, BuildFailed, DatasetError

DESCRIPTION = """\
Turn a dataset of claims (who claimed what, when, about which event) into
briefings. A dataset is a folder of CSV files described in docs/data-format.md;
data/belgorod-2025-04 is an example.

Start with:
  briefing validate data/belgorod-2025-04     check a dataset and summarize it
  briefing analyze data/belgorod-2025-04      status of each assertion, shifts
  briefing analyze data/belgorod-2025-04 --as-of 2025-03-25 --json
  briefing notebooks                           the briefing notebooks and their parameters
  briefing build                               the seed briefing, HTML and PDF, in reports/
  briefing build briefing -p as_of 2025-04-08 -p marking "INTERNAL"
  briefing plan --due                          what the desk (briefings.toml) would build now
  briefing jobs                                the desk's jobs, next times and last results
  briefing import ucdp GED.csv --out data/ucdp turn real data into a dataset (docs/importers.md)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    validate = commands.add_parser(
        "validate",
        help="check a dataset folder and print a summary",
        description=(
            "Check a dataset folder against the data format. Prints a one-screen "
            "summary and exits 0 when it is valid; otherwise prints every problem "
            "as file:row: column: problem on stderr and exits 2."
        ),
    )
    validate.add_argument("dataset", help="path of the dataset folder, e.g. data/belgorod-2025-04")
    validate.add_argument(
        "--follow-links",
        action="store_true",
        help="read dataset files that are links to outside the folder (a dataset you trust)",
    )
    validate.set_defaults(handler=_validate)

    analyze = commands.add_parser(
        "analyze",
        help="source agreement and chronology of a dataset",
        description=(
            "Compute the status of every assertion, agreement between sources and the "
            "chronology of claims. Prints a readable summary, or with --json the "
            "machine-readable object of docs/analysis.md (byte-stable for the same input)."
        ),
    )
    analyze.add_argument("dataset", help="path of the dataset folder")
    analyze.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=_as_of_date,
        help="only what could be read by this date (default: everything)",
    )
    analyze.add_argument("--topic", help="only assertions of this topic (see assertions.csv)")
    analyze.add_argument("--json", action="store_true", help="print the JSON object instead")
    analyze.add_argument(
        "--follow-links",
        action="store_true",
        help="read dataset files that are links to outside the folder (a dataset you trust)",
    )
    analyze.set_defaults(handler=_analyze)

    build = commands.add_parser(
        "build",
        help="run a briefing notebook and export it to HTML and PDF",
        description=(
            "Execute a notebook with papermill on the project's kernel, then export it "
            "to HTML (no code, self-contained) and PDF (A4, printed by Chromium) in "
            "reports/<notebook>/<as_of or run date>/, with the executed notebook and a "
            "manifest. Parameters are checked before anything runs."
        ),
    )
    build.add_argument(
        "notebook",
        nargs="?",
        default="briefing",
        help="notebook name in notebooks/ or a path (default: briefing)",
    )
    build.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter; repeat for several (see: briefing notebooks)",
    )
    build.add_argument(
        "--to",
        default="html,pdf",
        metavar="FORMATS",
        help="comma-separated output formats: html, pdf (default: html,pdf)",
    )
    build.add_argument(
        "--out", default="reports", metavar="DIR", help="reports folder (default: reports)"
    )
    build.add_argument(
        "--cell-timeout",
        type=_seconds,
        default=600,
        metavar="SECONDS",
        help="stop a cell that runs longer than this (default: 600)",
    )
    build.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="stop the whole build after this long (default: no limit)",
    )
    build.set_defaults(handler=_build)

    notebooks = commands.add_parser(
        "notebooks",
        help="list the briefing notebooks and their parameters",
        description="List the notebooks briefing build can run, with each parameter's type, default and meaning.",
    )
    notebooks.set_defaults(handler=_notebooks)

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
    _desk_files(plan)
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
        type=_workers,
        default=1,
        metavar="N",
        help="briefings built at once (default: 1)",
    )
    run.add_argument(
        "--executor",
        choices=("local", "dask"),
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
        type=_seconds,
        metavar="SECONDS",
        help="stop a briefing whose build takes longer than this (default: the job's "
        "timeout in the jobs file, else 1800)",
    )
    _desk_files(run)
    run.set_defaults(handler=_run)

    jobs = commands.add_parser(
        "jobs",
        help="list the desk's jobs, their next times and each briefing's last result",
        description=(
            "List the jobs of the jobs file with their schedule and next time, and each "
            "briefing's last run and last good build from the run history. See docs/desk.md."
        ),
    )
    _desk_files(jobs)
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
    _add_import_commands(commands)
    _add_sources_command(commands)
    return parser


IMPORT_FORMATS = {
    "ucdp": (
        "UCDP GED or Candidate events (CSV, UTF-8 or Windows-1252)",
        "One assertion per event; each article in source_article a document with the "
        "outlet's supporting claim, citing the original claimants of source_original.",
    ),
    "acled": (
        "ACLED events (CSV export)",
        "One assertion per event; each ;-separated source a claim stated on the event's "
        "date at its time_precision (day, week or month).",
    ),
    "gdelt": (
        "GDELT 2.0 Events and Mentions (tab-separated, .CSV or .zip)",
        "Give events and mentions files in any order (told apart by their columns). "
        "Each event an assertion; each mention a claim by the outlet in the document at "
        "its URL, stated on the event's day.",
    ),
    "table": (
        "any spreadsheet (CSV or XLSX) described by a mapping file",
        "A mapping file (TOML) names the columns that give the source, the document and "
        "its date, the assertion, the stance, hedging, the stated date, quotes and "
        "citations. Start from --template. See docs/importers.md.",
    ),
}


def _add_import_commands(commands) -> None:
    command = commands.add_parser(
        "import",
        help="turn UCDP, ACLED, GDELT or a spreadsheet into a dataset folder",
        description=(
            "Convert real data into a dataset folder, validate it and only then move it "
            "into place: an import that fails leaves nothing behind. Prints an import "
            "report (rows read, imported, skipped by reason, sources merged) and writes it "
            "as IMPORT.md in the dataset with the command, the inputs' SHA-256 and the "
            "licence and attribution. See docs/importers.md."
        ),
    )
    formats = command.add_subparsers(dest="format", metavar="FORMAT")
    formats.required = True
    for name, (summary, description) in IMPORT_FORMATS.items():
        parser = formats.add_parser(name, help=summary, description=description)
        parser.add_argument(
            "inputs", nargs="*" if name == "table" else "+", metavar="INPUT", type=Path
        )
        parser.add_argument(
            "--out",
            metavar="DIR",
            type=Path,
            help="the dataset folder to write, e.g. data/ucdp-2022",
        )
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            type=_as_of_date,
            help="only events (table: documents) dated on or after this day",
        )
        parser.add_argument(
            "--until",
            metavar="YYYY-MM-DD",
            type=_as_of_date,
            help="only events (table: documents) dated on or before this day",
        )
        parser.add_argument(
            "--where",
            metavar="FILTER",
            action="append",
            default=[],
            help="keep rows whose input column matches: COLUMN=VALUE[|VALUE...], "
            "COLUMN!=VALUE, COLUMN~TEXT, COLUMN>=N (also <=, >, <); repeat to combine",
        )
        parser.add_argument(
            "--aliases",
            metavar="CSV",
            type=Path,
            help="alias,source_id[,name] rows: spellings of one source to merge (docs/importers.md)",
        )
        parser.add_argument(
            "--replace", action="store_true", help="overwrite an existing dataset folder at --out"
        )
        parser.add_argument("--title", help="the dataset's title (default: from the input)")
        if name == "gdelt":
            parser.add_argument(
                "--min-confidence",
                metavar="PERCENT",
                type=int,
                default=0,
                help="skip mentions whose Confidence is below this (0-100, default 0)",
            )
        if name == "table":
            parser.add_argument("--mapping", metavar="TOML", type=Path, help="the mapping file")
            parser.add_argument(
                "--template",
                action="store_true",
                help="print a starting mapping file (for INPUT's columns if given) and stop",
            )
            parser.add_argument(
                "--sheet", help="the worksheet to read from an .xlsx file (default: the first)"
            )
        parser.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    options = {
        key: getattr(args, key)
        for key in ("min_confidence", "mapping", "sheet")
        if getattr(args, key, None) is not None
    }
    if getattr(args, "template", False):
        from analysis.importers.table import template

        print(template(args.inputs[0] if args.inputs else None, sheet=args.sheet), end="")
        return 0
    if not args.inputs:
        raise BriefingError(f"briefing import {args.format}: give at least one INPUT file")
    if args.out is None:
        raise BriefingError(f"briefing import {args.format}: say where to write with --out DIR")
    from analysis.importers.run import import_dataset

    dataset, report = import_dataset(
        args.format,
        args.inputs,
        args.out,
        since=args.since,
        until=args.until,
        where=args.where,
        aliases=args.aliases,
        replace=args.replace,
        title=args.title,
        options=options,
        command=["briefing", *sys.argv[1:]] if sys.argv[1:2] == ["import"] else None,
    )
    for line in report.lines():
        print(line)
    print(f"wrote {args.out} ({dataset.title}); the report is in {args.out / 'IMPORT.md'}")
    return 0


def _add_sources_command(commands) -> None:
    sources = commands.add_parser(
        "sources",
        help="list a dataset's sources, or with --similar the likely duplicates",
        description=(
            "List the sources of a dataset with their claims. With --similar, list pairs "
            "of sources whose names are alike (likely the same outlet spelled twice) for you "
            "to confirm; add the ones you confirm to an aliases.csv and import again with "
            "--aliases. Nothing is merged by this command."
        ),
    )
    sources.add_argument("dataset", help="path of the dataset folder")
    sources.add_argument("--similar", action="store_true", help="list likely duplicates")
    sources.add_argument(
        "--threshold",
        type=int,
        default=85,
        metavar="SCORE",
        help="how alike two names must be, 0-100 (default 85)",
    )
    sources.set_defaults(handler=_sources)


def _sources(args: argparse.Namespace) -> int:
    from analysis.contract.dataset import load_dataset
    from analysis.importers.similar import similar_sources, source_listing

    data = load_dataset(args.dataset)
    if not args.similar:
        print(source_listing(data), end="")
        return 0
    print(similar_sources(data, threshold=args.threshold), end="")
    return 0


def _desk_files(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs",
        default="briefings.toml",
        metavar="FILE",
        help="jobs file (default: briefings.toml)",
    )
    command.add_argument(
        "--out", default="reports", metavar="DIR", help="reports folder (default: reports)"
    )


def _plan(args: argparse.Namespace) -> int:
    from analysis.desk.commands import plan_command

    _at_time(args.at)  # checked here: the plan's clock arithmetic needs a sane time
    return plan_command(Path(args.jobs), args.job, due=args.due, at=args.at, reports=Path(args.out))


AT_YEARS = (1970, 9000)  # --at outside these is a typo; near year 1 or 9999 the clock overflows


def _at_time(text: str | None) -> dt.datetime | None:
    """``--at`` as an aware time within AT_YEARS, or a one-line BriefingError."""
    from analysis.desk.commands import parse_time

    if text is None:
        return None
    if not text.isprintable():  # Python's parser lets a trailing NUL through
        raise BriefingError(
            f"--at {text[:40]!r} holds a control character; write a time such as 2026-11-28T06:00+02:00"
        )
    moment = parse_time(text[:100])  # a time is short: a huge one is refused just the same
    first, last = AT_YEARS
    try:
        inside = first <= moment.astimezone(dt.UTC).year < last
    except (OverflowError, ValueError):
        inside = False
    if not inside:
        raise BriefingError(
            f"--at {text[:40]!r} is outside the years {first}-{last - 1}; "
            "give a time such as 2026-11-28T06:00+02:00"
        )
    return moment


SECONDS_MAX = 10_000_000  # about 115 days: more is a typo (and "inf" overflows the timer)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= SECONDS_MAX:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r}: give a number of seconds above 0 and at most {SECONDS_MAX}"
        )
    return seconds


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of 1 or more")
    return int(text)


def _run(args: argparse.Namespace) -> int:
    """The desk run; SIGTERM (systemd, ``timeout``) and Ctrl-C stop it cleanly: builds under
    way unwind unrecorded, due again next time, and the summary says what finished."""
    from analysis.desk import stopping
    from analysis.desk.notify import smtp_settings
    from analysis.desk.run import run_desk, summary

    now = _at_time(args.at) or dt.datetime.now().astimezone()
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
            chromium=os.environ.get("BRIEFING_CHROMIUM"),
            report=report,
            on_plan=on_plan,
            smtp=smtp_settings(os.environ),
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
        from analysis.desk.dask_executor import probe_scheduler

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


def _stop(signum, frame):
    """A scheduler's SIGTERM: unwind, so nothing half-written stays."""
    raise KeyboardInterrupt


def _publish(args: argparse.Namespace) -> int:
    from analysis.build.site import publish_site

    done = publish_site(Path(args.out), args.destination, via=args.via)
    print(f"published {done.briefings} briefing(s), {done.files} file(s) to {done.destination}")
    return 0


def _jobs(args: argparse.Namespace) -> int:
    from analysis.desk.commands import jobs_command

    return jobs_command(Path(args.jobs), Path(args.out))


def _build(args: argparse.Namespace) -> int:
    from analysis.build import build_briefing

    signal.signal(signal.SIGTERM, _stop)

    briefing = build_briefing(
        args.notebook,
        [tuple(pair) for pair in args.parameter],
        formats=args.to,
        reports=Path(args.out),
        chromium=os.environ.get("BRIEFING_CHROMIUM"),
        cell_timeout=args.cell_timeout,
        timeout=args.timeout,
    )

    def shown(path: Path) -> str:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)

    print(f"built {shown(briefing.folder)} in {briefing.manifest['duration_s']:.1f} s")
    for file in briefing.files:
        print(f"  {shown(file)}")
    if briefing.index_error:
        print(
            f"briefing: note: the index was not rewritten: {briefing.index_error}", file=sys.stderr
        )
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from analysis.build import notebook_parameters, notebooks_folder
    from analysis.build.parameters import TYPE_MEANINGS

    folder = notebooks_folder()
    used: set[str] = set()
    for path in sorted(folder.glob("*.ipynb")):
        print(path.stem)
        for p in notebook_parameters(path):
            print(f"  -p {p.name:<14} {p.type_name:<14} default {p.default!r}")
            print(f"     {p.help}")
            used.add(p.type_name.removeprefix("Optional[").removesuffix("]"))
    print("\ntypes (Optional[T]: also none)")
    for name in sorted(used & set(TYPE_MEANINGS)):
        print(f"  {name:<9} {TYPE_MEANINGS[name]}")
    return 0


def _as_of_date(text: str):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-04-08"
        ) from None


def _analyze(args: argparse.Namespace) -> int:
    from analysis.compute.results import analyze, to_json
    from analysis.contract.dataset import load_dataset
    from analysis.present.summary import analysis_summary

    dataset = load_dataset(args.dataset, follow_links=args.follow_links)
    result = analyze(dataset, as_of=args.as_of, topic=args.topic)
    if args.json:
        from analysis.compute.contract_json import write_contract

        # Streamed as bytes: for a million claims the JSON is several hundred MB.
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # stdout replaced by a text-only stream, e.g. io.StringIO
            sys.stdout.write(to_json(result))
            return 0
        try:
            sys.stdout.flush()
            write_contract(result, out)
            out.flush()
        except BrokenPipeError:
            # The reader has gone (`| head`): end quietly, and point stdout at devnull so
            # the flush at exit does not fail again (the recipe in the signal module's docs).
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
    else:
        print(analysis_summary(result))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from analysis.contract.dataset import load_dataset
    from analysis.present.summary import dataset_summary

    dataset = load_dataset(args.dataset, follow_links=args.follow_links)
    print(dataset_summary(dataset))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except DatasetError as exc:
        print(_printable(exc.render()), file=sys.stderr)
        return 2
    except BuildFailed as exc:  # the build's own failure: 1; a cell refusing input: 2
        print(_printable(f"briefing: error: {exc}"), file=sys.stderr)
        return 2 if getattr(exc, "refused", False) else 1
    except BriefingError as exc:
        print(_printable(f"briefing: error: {exc}"), file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head or less that closed early
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (stdout for the rest of the exit)
        return 0
    except OSError as exc:  # the machine said no: permissions, a full disk, a file in the way
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"briefing: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130


# Control characters and bidirectional overrides an error may quote from input: shown as
# escapes (\x1b), so a message never acts on the terminal. Line breaks are kept.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _printable(message: str) -> str:
    return _CONTROLS.sub(lambda found: ascii(found.group())[1:-1], message)


def run() -> None:
    """The ``briefing`` console script: the process tuned (analysis.runtime), ``main``,
    then a quick exit.

    At exit Python collects the whole heap (pandas, matplotlib, nbconvert...)
    although the process is about to end; freezing it first skips that work,
    about 0.25 s per build. Files and child processes are closed by then.
    """
    from analysis.runtime import tune_process

    tune_process()
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
