"""``briefing import values``: the command-line face of :mod:`analysis.importers.values`."""

from __future__ import annotations

import argparse

from analysis.contract.schema import SOURCE_KINDS  # no pandas: schema imports it on use
from analysis.importers.base import Format

KINDS = ("choice", "number")
DELIMITERS = ("comma", "tab", "semicolon", "pipe")
DECIMALS = ("point", "comma")


def add_options(parser: argparse.ArgumentParser) -> None:
    column = "a column name (with --no-header: its number, 1 for the first)"
    parser.add_argument(
        "--source", metavar="COL", required=True, help=f"who gives the value: {column}"
    )
    parser.add_argument(
        "--item",
        metavar="COL",
        action="append",
        required=True,
        help="what the value is about; repeat to make an item of several columns (city, year)",
    )
    parser.add_argument(
        "--value",
        metavar="COL",
        action="append",
        required=True,
        help="the value; repeat for a wide table: each value column is an item of its own",
    )
    parser.add_argument(
        "--time", metavar="COL", help="the day each value is as of (ISO dates or date-times)"
    )
    parser.add_argument(
        "--stated",
        metavar="COL",
        help="the day the source gave the value, when it differs from --time (a correction)",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="without --time: the one day every value was given (e.g. the table's publication)",
    )
    parser.add_argument(
        "--kind",
        choices=KINDS,
        default="choice",
        help="choice (default): an item's distinct values are its alternatives; number: each "
        "item is a quantity and each value a figure",
    )
    parser.add_argument(
        "--unit", help="--kind number: what the figures count (default: the value column's name)"
    )
    parser.add_argument(
        "--cumulative",
        action="store_true",
        help="--kind number: the figures are running totals, each as of its --time day",
    )
    parser.add_argument(
        "--decimal",
        choices=DECIMALS,
        help="--kind number: the decimal mark, point (12.5, 1,150 is 1150; the default) or "
        "comma (12,5, 1.150 is 1150); a figure that reads differently with the two is refused "
        "until you say which",
    )
    parser.add_argument(
        "--no-header",
        dest="no_header",
        action="store_true",
        help="the first line is data; name columns by number",
    )
    parser.add_argument(
        "--delimiter",
        choices=DELIMITERS,
        help="default: tab when the first line holds one, else semicolon when it holds one and "
        "no comma, else comma; a pipe (|) is never guessed",
    )
    parser.add_argument(
        "--missing",
        metavar="TEXT",
        action="append",
        help='a value that means "no value" (besides empty, "Not Available", "N/A", "null", '
        '"NaN", in any case); repeat for several',
    )
    parser.add_argument(
        "--source-kind",
        dest="source_kind",
        choices=SOURCE_KINDS,
        default="other",
        help="the kind of every source (default other)",
    )
    parser.add_argument("--licence", help="the data's licence, for dataset.toml and IMPORT.md")
    parser.add_argument("--attribution", help="the credit line the data's licence or owner asks")


FORMAT = Format(
    name="values",
    summary="any long table of (source, item, value[, time]) rows",
    description=(
        "Each item becomes a question (--kind choice: its distinct values are the "
        "alternatives, each row a source's supporting claim) or a quantity (--kind number: "
        "each row a source's figure as of its --time day). See docs/importers.md."
    ),
    module="analysis.importers.values",
    add_options=add_options,
    options=(
        "source",
        "item",
        "value",
        "time",
        "stated",
        "date",
        "kind",
        "unit",
        "cumulative",
        "decimal",
        "no_header",
        "delimiter",
        "missing",
        "source_kind",
        "licence",
        "attribution",
    ),
)
