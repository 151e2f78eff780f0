"""Argument types and options shared by several commands; each refuses a bad value in one line."""

from __future__ import annotations

import argparse
import datetime as dt

from analysis.errors import BriefingError


def follow_links(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--follow-links",
        action="store_true",
        help="read dataset files that are links to outside the folder (a dataset you trust)",
    )


def desk_files(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs",
        default="briefings.toml",
        metavar="FILE",
        help="jobs file (default: briefings.toml)",
    )
    command.add_argument(
        "--out", default="reports", metavar="DIR", help="reports folder (default: reports)"
    )


AT_YEARS = (1970, 9000)  # --at outside these is a typo; near year 1 or 9999 the clock overflows


def at_time(text: str | None) -> dt.datetime | None:
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


def seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= SECONDS_MAX:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r}: give a number of seconds above 0 and at most {SECONDS_MAX}"
        )
    return seconds


def workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of 1 or more")
    return int(text)


def as_of_date(text: str):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-04-08"
        ) from None
