"""``briefing import``: real data into a dataset folder (docs/importers.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.cli.arguments import as_of_date
from analysis.errors import BriefingError

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
