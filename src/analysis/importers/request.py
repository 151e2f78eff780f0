"""What the analyst asked an import to keep: input files, a period and row filters.

``--where`` is a tiny filter language, never code: ``COLUMN=VALUE`` (one of
several values separated by ``|``, compared without case), ``COLUMN!=VALUE``,
``COLUMN~TEXT`` (contains, without case), and ``COLUMN>=N``, ``<=``, ``>``,
``<`` for numbers. Each filter names a column of the input as its publisher
writes it; filters are ANDed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.importers.compressed import OpenedInput, open_input
from analysis.importers.messages import ImportRefused
from analysis.importers.progress import ImportProgress
from analysis.importers.report import ImportReport

OPERATORS = ("!=", ">=", "<=", "=", "~", ">", "<")  # two-character ones first
OPERATOR_CHARACTER = re.compile(r"[=!~<>]")
NUMERIC_OPERATORS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}
MAX_FILTER_CHARS = 65_536  # a filter listing thousands of values fits; a megabyte is a mistake
MAX_CONTAINS_CHARS = 200  # ``~`` text: searching is up to this many times the input's size
MAX_FILTERS = 100
SHOWN_CHARS = 80  # of a filter or column name quoted in a message
COLUMNS_LISTED = 100  # GDELT's events and mentions columns, 93 in all
SYNTAX = (
    "write COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT or COLUMN>=NUMBER (also <=, >, <), "
    "e.g. --where 'adm_1=Sumy oblast|Kharkiv Oblast'"
)


@dataclass
class RowFilter:
    """One ``--where`` filter; ``used`` turns true once a table with its column has been read."""

    text: str
    column: str
    operator: str
    value: str
    used: bool = False

    @classmethod
    def parse(cls, text: str) -> RowFilter:
        """Split ``text`` at its first operator character: one scan, no backtracking, so a
        filter of any length costs its length (a regular expression with two lazy parts
        took time growing with the square of a long filter's spaces)."""
        if len(text) > MAX_FILTER_CHARS:
            raise ImportRefused(
                f"--where {_shown(text)}: {len(text):,} characters, more than the "
                f"{MAX_FILTER_CHARS:,} a filter may have; filter on fewer values"
            )
        found = OPERATOR_CHARACTER.search(text)
        at = found.start() if found else len(text)
        operator = next((op for op in OPERATORS if text.startswith(op, at)), None)
        column = text[:at].strip()
        value = text[at + len(operator or "") :].strip()
        if operator is None or not column or not value:
            raise ImportRefused(f"--where {_shown(text)}: {SYNTAX}")
        if operator == "~" and len(value) > MAX_CONTAINS_CHARS:
            raise ImportRefused(
                f"--where {_shown(text)}: ~ looks for a text of at most "
                f"{MAX_CONTAINS_CHARS} characters; shorten it"
            )
        if operator in NUMERIC_OPERATORS:
            try:
                number = float(value)
            except ValueError:
                number = float("nan")
            if not np.isfinite(number):
                raise ImportRefused(
                    f"--where {_shown(text)}: {operator} compares numbers; "
                    f"{_shown(value)} is not one"
                ) from None
        return cls(text, column, operator, value)

    def mask(self, column: pd.Series) -> np.ndarray:
        """Which rows of ``column`` this filter keeps."""
        if self.operator in NUMERIC_OPERATORS:
            numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
            return NUMERIC_OPERATORS[self.operator](numbers, float(self.value)) & ~np.isnan(numbers)
        text = column.astype("string").str.strip().str.casefold().fillna("")
        if self.operator == "~":
            return text.str.contains(self.value.casefold(), regex=False).to_numpy(dtype=bool)
        wanted = [value.strip().casefold() for value in self.value.split("|")]
        kept = text.isin(wanted).to_numpy(dtype=bool)
        return kept if self.operator == "=" else ~kept


@dataclass
class ImportRequest:
    """Everything an importer needs besides its own options; importers read it, never change it
    except through ``keep_where``/``keep_within`` which count what they drop in ``report``."""

    inputs: list[Path]
    report: ImportReport
    since: dt.date | None = None
    until: dt.date | None = None
    where: list[RowFilter] = field(default_factory=list)
    options: dict = field(default_factory=dict)
    progress: ImportProgress = field(default_factory=ImportProgress)
    seen_columns: list[str] = field(default_factory=list)

    def open(self, path: Path) -> contextlib.AbstractContextManager[OpenedInput]:
        """An input for binary reading, decompressed within bounds (:mod:`.compressed`)."""
        return open_input(path, self.progress)

    def __post_init__(self) -> None:
        if len(self.where) > MAX_FILTERS:
            raise ImportRefused(
                f"--where given {len(self.where):,} times; at most {MAX_FILTERS} filters "
                "(one filter takes many values: COLUMN=A|B|C)"
            )

    def note_columns(self, columns) -> None:
        """Remember an input's columns, for the message of a filter naming none of them
        (a dict keeps their order and answers ``in`` at once, however wide the input)."""
        known = dict.fromkeys(self.seen_columns)
        known.update(dict.fromkeys(columns))
        self.seen_columns[:] = list(known)

    def keep_where(
        self, frame: pd.DataFrame, unit: str, internal: tuple[str, ...] = ()
    ) -> pd.DataFrame:
        """Rows of ``frame`` that pass every ``--where`` filter naming one of its columns;
        ``internal`` columns (an importer's own, such as the input row) are not the
        input's: a filter never names them, and the refusal never lists them."""
        self.note_columns(c for c in frame.columns if c not in internal)
        for row_filter in self.where:
            if row_filter.column not in frame.columns or row_filter.column in internal:
                continue
            row_filter.used = True
            kept = row_filter.mask(frame[row_filter.column])
            self.report.skip(unit, f"--where {row_filter.text}", int((~kept).sum()))
            frame = frame[kept]
        return frame

    def keep_within(
        self, frame: pd.DataFrame, start: pd.Series, end: pd.Series, unit: str
    ) -> pd.DataFrame:
        """Rows whose day interval [start, end] meets [--since, --until]; the rest are counted."""
        kept = np.ones(len(frame), dtype=bool)
        if self.since is not None:
            before = (end < pd.Timestamp(self.since)).to_numpy(dtype=bool)
            self.report.skip(unit, f"ends before --since {self.since}", int(before.sum()))
            kept &= ~before
        if self.until is not None:
            after = (start > pd.Timestamp(self.until)).to_numpy(dtype=bool) & kept
            self.report.skip(unit, f"starts after --until {self.until}", int(after.sum()))
            kept &= ~after
        return frame[kept]

    def check_filters_used(self) -> None:
        """Refuse a filter whose column no input has: it would silently keep everything."""
        unused = [f for f in self.where if not f.used]
        if unused:
            names = ", ".join(_shown(f.column) for f in unused)
            listed = ", ".join(self.seen_columns[:COLUMNS_LISTED])
            more = (
                f" and {len(self.seen_columns) - COLUMNS_LISTED:,} more"
                if len(self.seen_columns) > COLUMNS_LISTED
                else ""
            )
            raise ImportRefused(
                f"--where: no column {names} in the input; its columns are {listed}{more}"
            )


def _shown(text: str) -> str:
    """User text quoted for a message: control characters escaped, cut at SHOWN_CHARS."""
    cut = text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
    return repr(cut)
