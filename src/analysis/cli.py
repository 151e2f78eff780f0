"""The ``briefing`` command: argument parsing only; the work is in the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import BriefingError, DatasetError

DESCRIPTION = """\
Turn a dataset of claims (who claimed what, when, about which event) into
briefings. A dataset is a folder of CSV files described in docs/data-format.md;
data/belgorod-2025-04 is an example.

Start with:
  briefing validate data/belgorod-2025-04     check a dataset and summarize it
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
    validate.set_defaults(handler=_validate)
    return parser


def _validate(args: argparse.Namespace) -> int:
    from .dataset import load_dataset
    from .summary import dataset_summary

    dataset = load_dataset(args.dataset)
    print(dataset_summary(dataset))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except DatasetError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except BriefingError as exc:
        print(f"briefing: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
