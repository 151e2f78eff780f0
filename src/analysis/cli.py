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
  briefing analyze data/belgorod-2025-04      status of each assertion, shifts
  briefing analyze data/belgorod-2025-04 --as-of 2025-03-25 --json
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
    analyze.set_defaults(handler=_analyze)
    return parser


def _as_of_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-04-08"
        ) from None


def _analyze(args: argparse.Namespace) -> int:
    from .analyze import analyze, to_json
    from .dataset import load_dataset
    from .summary import analysis_summary

    dataset = load_dataset(args.dataset)
    topics = sorted(dataset.assertions["topic"].dropna().unique())
    if args.topic is not None and args.topic not in topics:
        raise BriefingError(
            f"no assertion has topic {args.topic!r}; topics in this dataset: "
            + (", ".join(topics) or "none")
        )
    result = analyze(dataset, as_of=args.as_of, topic=args.topic)
    if args.json:
        sys.stdout.write(to_json(result))
    else:
        print(analysis_summary(result))
    return 0


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
