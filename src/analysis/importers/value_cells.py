"""The cells of a values table: figures read by the decimal mark (and refused where it is
a guess), days read as ISO (non-ISO days named with their ISO form), and the first
skipped rows named by file:row for a reason or refusal."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.importers.messages import ImportRefused
from analysis.importers.request import ImportRequest
from analysis.importers.tables import SUPPORTED_YEARS_TEXT, figure_text, in_supported_years
from analysis.importers.value_options import VALUES, Options

SPACE = "[ \u00a0\u2009\u202f]"  # a space, no-break, thin or narrow no-break space


# a figure grouped in thousands, by the decimal mark it is read with: by the other mark
# (12,345.5 or 12.345,5) or by spaces (12 345.5 or 12 345,5)
MARK_GROUPED = {
    "point": r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$",
    "comma": r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$",
}


SPACE_GROUPED = {
    "point": rf"^[+-]?\d{{1,3}}(?:{SPACE}\d{{3}})+(?:\.\d+)?$",
    "comma": rf"^[+-]?\d{{1,3}}(?:{SPACE}\d{{3}})+(?:,\d+)?$",
}


EXAMPLES_SHOWN = 3  # skipped or doubtful cells named by file:row in a reason or refusal


EXAMPLE_CHARS = 40


SLASHED_DAY = r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$"  # 01/11/2025, 1.11.2025


ISO_DAY = r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$"


def figures(rows: pd.DataFrame, decimal: str, request: ImportRequest) -> pd.DataFrame:
    """``--kind number``: each value as a figure (``figure``, float) read with the decimal
    mark ``decimal``; text, infinite and negative values skipped and named, thousands
    separators read (``grouped``: by the other mark, ``spaced``: by spaces; counted once
    repeats are dropped)."""
    report = request.report
    numbers, grouped, spaced = _read_figures(rows["value"], decimal)
    not_number = ~np.isfinite(numbers)
    digits = "12 or 4.5" if decimal == "point" else "12 or 4,5, with --decimal comma"
    report.skip(
        VALUES,
        f"not a number (--kind number wants digits: {digits})" + examples(rows, not_number),
        int(not_number.sum()),
    )
    negative = ~not_number & (numbers < 0)
    report.skip(
        VALUES,
        "negative (a count or measure is 0 or more)" + examples(rows, negative),
        int(negative.sum()),
    )
    keep = ~(not_number | negative)
    return rows[keep].assign(figure=numbers[keep], grouped=grouped[keep], spaced=spaced[keep])


def _read_figures(text: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Texts as figures with the decimal mark ``decimal`` (``point``: 1,150.5; ``comma``:
    1.150,5; either: 1 150), NaN where a text is none; and which were grouped by the other
    mark, and which by spaces (a space, no-break, thin or narrow no-break space)."""
    grouped = text.str.fullmatch(MARK_GROUPED[decimal]).fillna(False).to_numpy(dtype=bool)
    spaced = text.str.fullmatch(SPACE_GROUPED[decimal]).fillna(False).to_numpy(dtype=bool)
    other = "," if decimal == "point" else "."
    separators = f"{SPACE}|{re.escape(other)}"
    whole = grouped | spaced
    digits = text.where(~whole, text.str.replace(separators, "", regex=True))
    stray = ~whole & text.str.contains(other, regex=False).fillna(False).to_numpy(dtype=bool)
    if decimal == "comma":
        digits = digits.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(digits.where(~stray), errors="coerce").astype("float64")
    return numbers.to_numpy(), grouped, spaced


def decimal_of(rows: pd.DataFrame, semicolon: list[str]) -> str:
    """``point`` when no figure says otherwise; refused, naming the cells, where figures read
    differently with a decimal point and a decimal comma and the table looks European: a
    figure that only a decimal comma reads (12,5, 1.150,5), or one such as 1.150 in a table
    delimited by ``;`` (as European Excel writes it)."""
    point, _, _ = _read_figures(rows["value"], "point")
    comma, _, _ = _read_figures(rows["value"], "comma")
    comma_only = np.isfinite(comma) & ~np.isfinite(point)
    differ = np.isfinite(point) & np.isfinite(comma) & (point != comma)
    on_semicolon = rows["input_file"].isin(semicolon).to_numpy(dtype=bool)
    if not (comma_only.any() or (differ & on_semicolon).any()):
        return "point"
    doubt = comma_only | differ
    shown = np.flatnonzero(doubt)[:EXAMPLES_SHOWN]
    readings = pd.Series(
        [
            f" (point: {_figure(point[i])}, comma: {_figure(comma[i])})"
            for i in shown  # the few cells quoted
        ],
        index=rows.index[shown],
    )
    doubted = rows[doubt]
    files = ", ".join(dict.fromkeys(Path(f).name for f in doubted["input_file"].unique()))
    columns = ", ".join(f"--value {c}" for c in doubted["value_column"].unique())
    fix = (
        "say which mark the table uses: --decimal comma (1.150 is 1150, 12,5 is 12.5) or "
        "--decimal point (1,150 is 1150, 12.5 is 12.5; 12,5 is then skipped)"
    )
    raise ImportRefused(
        f"{files}: {columns}: {int(doubt.sum()):,} figure(s) read differently with a decimal "
        f"point and a decimal comma" + examples(rows, doubt, notes=readings) + "; " + fix
    )


def _figure(number: float) -> str:
    return figure_text(pd.Series([number])).fillna("not a number").iloc[0]


def examples(
    rows: pd.DataFrame, mask, column: str | None = "value", notes: pd.Series | None = None
) -> str:
    """``, e.g. semi.csv:3 '1 250', ...``: the first rows of ``mask`` by file name and row
    (as a spreadsheet numbers it) and their ``column`` cell (none for an empty cell's row),
    escaped and shortened, each with its note; nothing where ``mask`` holds none."""
    shown = rows[np.asarray(mask, dtype=bool)].head(EXAMPLES_SHOWN)
    if not len(shown):
        return ""
    notes = notes if notes is not None else pd.Series("", index=shown.index)
    said = [
        f"{Path(file).name}:{row}{_short(cell)}{notes.get(at, '')}"
        for at, file, row, cell in zip(
            shown.index,
            shown["input_file"],
            shown["input_row"],
            shown[column] if column else pd.Series("", index=shown.index),
            strict=True,
        )  # the few rows shown
    ]
    more = len(np.flatnonzero(mask)) - len(shown)
    return ", e.g. " + ", ".join(said) + (f" and {more:,} more" if more > 0 else "")


def _short(cell) -> str:
    """A cell as a message quotes it after its row: escaped (repr), at most EXAMPLE_CHARS
    characters; nothing for no cell."""
    if pd.isna(cell):
        return " (empty)"
    text = str(cell)
    if not text:
        return ""
    return " " + repr(text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…")


def _days(text: pd.Series) -> pd.Series:
    """ISO dates or date-times (their day) as days; NaT where the text is neither."""
    day = text.str.extract(ISO_DAY, expand=False)
    return pd.to_datetime(day, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")


def with_days(rows: pd.DataFrame, options: Options, request: ImportRequest) -> pd.DataFrame:
    """``as_of`` (the day a value is as of) and ``said`` (the day its source gave it), from
    --time, --stated and --date; rows with a day that is not one are skipped and counted."""
    report = request.report
    fixed = pd.Timestamp(options.date) if options.date else pd.NaT
    drop = np.zeros(len(rows), dtype=bool)
    days = {}
    for option, column in (("--time", "time"), ("--stated", "stated")):  # two columns
        if getattr(options, column) is None:
            continue
        day = _days(rows[column])
        bad = day.isna().to_numpy() | ~in_supported_years(day).to_numpy()
        shown = np.flatnonzero(bad & ~drop)[:EXAMPLES_SHOWN]
        hints = pd.Series(
            [_iso_hint(rows[column].iloc[i]) for i in shown],  # the few cells quoted
            index=rows.index[shown],
            dtype=object,
        )
        report.skip(
            VALUES,
            f"{option} is not an ISO date (2022-03-01) of the years {SUPPORTED_YEARS_TEXT}"
            + examples(rows, bad & ~drop, column, notes=hints),
            int((bad & ~drop).sum()),
        )
        drop |= bad
        days[column] = day
    said = days.get("stated", days.get("time", pd.Series(fixed, index=rows.index)))
    as_of = days.get("time", said)
    early = ~drop & (said < as_of).to_numpy()
    report.skip(
        VALUES, "stated before the day it is as of" + examples(rows, early, None), int(early.sum())
    )
    future = ~drop & ~early & (said > pd.Timestamp(dt.date.today())).to_numpy()
    report.skip(VALUES, "stated in the future" + examples(rows, future, None), int(future.sum()))
    keep = ~(drop | early | future)
    rows = rows[keep].assign(as_of=as_of[keep], said=said[keep])
    return request.keep_within(rows, rows["as_of"], rows["as_of"], VALUES)


def _iso_hint(cell) -> str:
    """How to write a day given as 01/11/2025 or 1.11.2025 in ISO form; nothing for others."""
    found = re.fullmatch(SLASHED_DAY, cell) if isinstance(cell, str) else None
    if found is None:
        return ""
    first, second, year = (int(part) for part in found.groups())
    if first > 12 >= second:
        return f" (day first: write {year}-{second:02d}-{first:02d})"
    if second > 12 >= first:
        return f" (month first: write {year}-{first:02d}-{second:02d})"
    if first <= 12 and second <= 12:
        return (
            f" (write {year}-{second:02d}-{first:02d} if the day comes first, "
            f"{year}-{first:02d}-{second:02d} if the month does)"
        )
    return ""
