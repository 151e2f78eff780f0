"""Commands on one dataset: validate, analyze, sources."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING

from analysis.cli.arguments import as_of_date, follow_links

if TYPE_CHECKING:
    from analysis.contract.dataset import Dataset


def add_commands(commands) -> None:
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
    follow_links(validate)
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
        type=as_of_date,
        help="only what could be read by this date (default: everything)",
    )
    analyze.add_argument("--topic", help="only assertions of this topic (see assertions.csv)")
    analyze.add_argument("--json", action="store_true", help="print the JSON object instead")
    analyze.add_argument(
        "--estimates",
        action="store_true",
        help=(
            "add whom to believe: the likely answers and each source's estimated accuracy "
            "(always given for a dataset with questions or quantities; docs/reliability.md)"
        ),
    )
    follow_links(analyze)
    analyze.set_defaults(handler=_analyze)

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


def _load(args: argparse.Namespace, follow_links: bool = False) -> Dataset:
    """The dataset the command names, with the cache and memory limit of its settings."""
    from analysis.contract.dataset import load_dataset

    settings = args.settings
    return load_dataset(
        args.dataset,
        follow_links=follow_links,
        cache=settings.cache,
        memory_limit=settings.memory_limit,
    )


def _validate(args: argparse.Namespace) -> int:
    from analysis.present.summary import dataset_summary

    dataset = _load(args, follow_links=args.follow_links)
    print(dataset_summary(dataset))
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from analysis.compute.results import analyze, to_json, wants_estimates, with_estimates
    from analysis.present.summary import analysis_summary

    dataset = _load(args, follow_links=args.follow_links)
    result = analyze(dataset, as_of=args.as_of, topic=args.topic)
    if args.estimates or wants_estimates(result):
        result = with_estimates(result)
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


def _sources(args: argparse.Namespace) -> int:
    from analysis.importers.similar import similar_sources, source_listing

    data = _load(args)
    if not args.similar:
        print(source_listing(data), end="")
        return 0
    print(similar_sources(data, threshold=args.threshold), end="")
    return 0
