"""``briefing import``: real data into a dataset folder (docs/importers.md).

The formats, their help and their own options come from the registry
(:mod:`analysis.importers.formats`); this module adds the options every format
has and hands the parsed ones to the import. The registry imports no pandas, so
``briefing import --help`` stays as fast as ``briefing --help``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.cli.arguments import as_of_date
from analysis.errors import BriefingError
from analysis.importers.formats import FORMATS


def add_commands(commands) -> None:
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
    for declared in FORMATS.values():  # each format's own options: analysis.importers.base
        parser = formats.add_parser(
            declared.name, help=declared.summary, description=declared.description
        )
        nargs = "+" if declared.inputs_required else "*"
        parser.add_argument("inputs", nargs=nargs, metavar="INPUT", type=Path)
        parser.add_argument(
            "--out",
            metavar="DIR",
            type=Path,
            help="the dataset folder to write, e.g. data/ucdp-2022",
        )
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            type=as_of_date,
            help="only events (table: documents) dated on or after this day",
        )
        parser.add_argument(
            "--until",
            metavar="YYYY-MM-DD",
            type=as_of_date,
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
        declared.add_options(parser)
        parser.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    declared = FORMATS[args.format]
    text = declared.instead(args)
    if text is not None:
        print(text, end="")
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
        options=declared.request_options(args),
        command=["briefing", *sys.argv[1:]] if sys.argv[1:2] == ["import"] else None,
    )
    for line in report.lines():
        print(line)
    print(f"wrote {args.out} ({dataset.title}); the report is in {args.out / 'IMPORT.md'}")
    return 0
