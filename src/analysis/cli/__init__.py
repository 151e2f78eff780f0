"""The ``briefing`` command: argument parsing only; the work is in the library.

One module per group of commands (datasets, briefings, desk, importing), each adding
its commands to the parser; this one assembles them and turns errors into exit codes.

Each handler imports the library it calls: ``briefing --help`` answers in about 0.1 s,
where importing pandas, scipy and pandera first would take over a second.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import sys
from collections.abc import Sequence

from analysis.cli import briefings, datasets, desk, importing
from analysis.errors import BriefingError, DatasetError, ReportedError
from analysis.settings import Settings

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

    for module in (datasets, briefings, desk, importing):
        module.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.settings = Settings.from_environment(os.environ)
        return args.handler(args)
    except DatasetError as exc:
        print(_printable(exc.render()), file=sys.stderr)
        return 2
    except ReportedError as exc:  # a mistake (2) or a failed build (1): one line each
        print(_printable(f"briefing: error: {exc}"), file=sys.stderr)
        return exc.exit_code
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
    from analysis.settings import Settings

    with contextlib.suppress(BriefingError):  # a bad variable is reported by main
        tune_process(Settings.from_environment(os.environ))
    code = main()
    gc.freeze()
    sys.exit(code)
