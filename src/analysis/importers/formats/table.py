"""``briefing import table``: the command-line face of :mod:`analysis.importers.table`,
with ``--template`` printing a starting mapping file instead of importing."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.importers.base import Format


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mapping", metavar="TOML", type=Path, help="the mapping file")
    parser.add_argument(
        "--template",
        action="store_true",
        help="print a starting mapping file (for INPUT's columns if given) and stop",
    )
    parser.add_argument(
        "--sheet", help="the worksheet to read from an .xlsx file (default: the first)"
    )


def template_instead(args: argparse.Namespace) -> str | None:
    """With ``--template``, the starting mapping (fitted to the first INPUT if given)."""
    if not args.template:
        return None
    from analysis.importers.mapping_template import template  # pandas: only when asked

    return template(args.inputs[0] if args.inputs else None, sheet=args.sheet)


FORMAT = Format(
    name="table",
    summary="any spreadsheet (CSV or XLSX) described by a mapping file",
    description=(
        "A mapping file (TOML) names the columns that give the source, the document and "
        "its date, the assertion, the stance, hedging, the stated date, quotes and "
        "citations. Start from --template. See docs/importers.md."
    ),
    module="analysis.importers.table",
    add_options=add_options,
    options=("mapping", "sheet"),
    instead=template_instead,
    inputs_required=False,
)
