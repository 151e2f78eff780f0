"""``briefing import gdelt``: the command-line face of :mod:`analysis.importers.gdelt`."""

from __future__ import annotations

import argparse

from analysis.importers.base import Format


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-confidence",
        metavar="PERCENT",
        type=int,
        default=0,
        help="skip mentions whose Confidence is below this (0-100, default 0)",
    )


FORMAT = Format(
    name="gdelt",
    summary="GDELT 2.0 Events and Mentions (tab-separated, .CSV or .zip)",
    description=(
        "Give events and mentions files in any order (told apart by their columns). "
        "Each event an assertion; each mention a claim by the outlet in the document at "
        "its URL, stated on the event's day."
    ),
    module="analysis.importers.gdelt",
    add_options=add_options,
    options=("min_confidence",),
)
