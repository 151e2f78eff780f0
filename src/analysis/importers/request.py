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

from ..errors import BriefingError
from .compressed import OpenedInput, open_input
from .progress import ImportProgress
from .report import ImportReport

FILTER = re.compile(r"^\s*(?P<column>[^=!~<>]+?)\s*(?P<op>!=|>=|<=|=|~|>|<)\s*(?P<value>.*?)\s*$")
NUMERIC_OPERATORS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}


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
        match = FILTER.match(text)
        if not match or not match["value"]:
            raise BriefingError(
                f"--where {text!r}: write COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT or "
                "COLUMN>=NUMBER (also <=, >, <), e.g. --where 'adm_1=Sumy oblast|Kharkiv Oblast'"
            )
        parsed = cls(text, match["column"], match["op"], match["value"])
        if parsed.operator in NUMERIC_OPERATORS:
            try:
                float(parsed.value)
            except ValueError:
                raise BriefingError(
                    f"--where {text!r}: {parsed.operator} compares numbers; {parsed.value!r} is not one"
                ) from None
        return parsed

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

    def keep_where(self, frame: pd.DataFrame, unit: str) -> pd.DataFrame:
        """Rows of ``frame`` that pass every ``--where`` filter naming one of its columns."""
        self.seen_columns.extend(c for c in frame.columns if c not in self.seen_columns)
        for row_filter in self.where:
            if row_filter.column not in frame.columns:
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
            names = ", ".join(repr(f.column) for f in unused)
            raise BriefingError(
                f"--where: no column {names} in the input; its columns are {', '.join(self.seen_columns)}"
            )
