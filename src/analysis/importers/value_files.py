"""Reading a values table: CSV or TSV, delimiter guessed or given, header or not, blank
lines passed over, every row numbered as a spreadsheet numbers it; a ragged row or a
missing column refused with the file's line and the fix."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.importers.mapping import missing_column
from analysis.importers.messages import ImportRefused
from analysis.importers.request import ImportRequest
from analysis.importers.tables import check_width
from analysis.importers.value_options import DELIMITERS, TEXT, Options

LEADING_BLANK_LINES = re.compile(rb"\A(?:[ \t]*\r?\n)+")


def read_table(path: Path, options: Options, request: ImportRequest) -> tuple[pd.DataFrame, str]:
    """One CSV or TSV as stripped text (missing where blank), the option columns checked;
    ``input_row`` (as a spreadsheet numbers it: blank rows counted, then left out) and
    ``input_file`` added; and its delimiter. Blank lines before the header are passed over."""
    with request.open(path) as opened:
        data = opened.stream.read().removeprefix(b"\xef\xbb\xbf")
    if not data.strip():
        raise ImportRefused(f"{path}: empty file, nothing to import")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None
    blank = LEADING_BLANK_LINES.match(data)
    skipped = data[: blank.end()].count(b"\n") if blank else 0
    body = data[blank.end() :] if blank else data
    first = body.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
    delimiter = DELIMITERS[options.delimiter] if options.delimiter else _guessed(first)
    tab = delimiter == "\t"
    cells = first.split("\t") if tab else next(csv.reader([first], delimiter=delimiter))
    width = len(cells)
    check_width(str(path), width)
    names = (
        [str(n) for n in range(1, width + 1)]
        if options.no_header
        else [cell.strip() for cell in cells]
    )
    placeholders = [f"c{n}" for n in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(
                column_names=placeholders,
                skip_rows=0 if options.no_header else 1,
                block_size=max(len(body), 1 << 20),  # one block: a cell of any size fits
            ),
            # a TSV has no quoting: a '"' in a cell (a book's title) is text; a blank line
            # is read as a row of empty cells, so that rows are numbered as written
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char=False if tab else '"',
                newlines_in_values=not tab,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(placeholders, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        at = _ragged_line(data, delimiter, tab, width)
        raise ImportRefused(
            f"{path}{at}: not a table of {width} columns ({' '.join(str(exc).split())[:300]}); "
            "check the delimiter (--delimiter) and that every row has as many cells as the first"
        ) from None
    table = table.rename_columns(names)
    columns = list(table.column_names)
    twice = sorted({c for c in columns if columns.count(c) > 1})  # a loop over a few names
    if twice:
        raise ImportRefused(
            f"{path}:{skipped + 1}: column(s) {', '.join(map(repr, twice))} named twice"
        )
    for option, column in options.columns().items():  # a handful of options
        if column not in columns:
            raise ImportRefused(f"{option}: {_no_column(column, columns, path, options)}")
    frame = table.to_pandas(types_mapper={pa.string(): TEXT}.get)
    first_row = skipped + (1 if options.no_header else 2)
    numbers = np.arange(first_row, first_row + len(frame))
    empty = np.ones(len(frame), dtype=bool)
    for column in frame.columns:  # a loop over the table's columns
        empty &= (frame[column] == "").to_numpy(dtype=bool)
        frame[column] = frame[column].str.strip().replace("", pd.NA)
    request.report.handle(
        "blank rows", int(empty.sum()), "left out (input_row counts them, as a spreadsheet does)"
    )
    request.note_columns(frame.columns)
    frame = frame.assign(
        input_row=numbers,
        input_file=pd.Series(str(path), index=frame.index, dtype=TEXT),
    )
    return frame[~empty].reset_index(drop=True), delimiter


def read_summary(report) -> str:
    """What was read and why none of it was kept, for "nothing to import"."""
    parts = []
    for unit, rows in report.read.items():  # rows, then values
        reasons = "; ".join(
            f"{n:,} {reason}" for (u, reason), n in sorted(report.skipped.items()) if u == unit
        )
        parts.append(f"{rows:,} {unit} read" + (f", skipped: {reasons}" if reasons else ""))
    return "; ".join(parts)


def _no_column(column: str, columns: list[str], path: Path, options: Options) -> str:
    """Why a column an option names is not there, and the fix: a look-alike, numbers
    without a header, or a delimiter the guess (comma, tab, semicolon) does not try."""
    said = missing_column(column, columns, path.name)
    if options.no_header:
        return said + " (with --no-header, columns are numbered from 1)"
    if options.delimiter is None and len(columns) == 1:
        other = [name for name, mark in DELIMITERS.items() if mark in columns[0]]
        if other:
            return (
                f'no column "{column}" in {path.name}: its first line is one column '
                f'"{columns[0][:100]}"; for a table delimited by "{DELIMITERS[other[0]]}" '
                f"add --delimiter {other[0]}"
            )
    return said


def _ragged_line(data: bytes, delimiter: str, tab: bool, width: int) -> str:
    """``:<row>`` of the first row with another number of cells, counted as a
    spreadsheet counts rows (blank ones included, passed over), read again row by row
    only to word the refusal; nothing when it is not found."""
    text = io.StringIO(data.decode("utf-8"), newline="")
    rows = (
        (line.rstrip("\r\n").split("\t") for line in text)
        if tab
        else csv.reader(text, delimiter=delimiter)
    )
    for number, row in enumerate(rows, start=1):  # the error path only
        if row not in ([], [""]) and len(row) != width:
            return f":{number}"
    return ""


def _guessed(first: str) -> str:
    if "\t" in first:
        return "\t"
    if ";" in first and "," not in first:
        return ";"
    return ","
