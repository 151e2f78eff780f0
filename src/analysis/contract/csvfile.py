"""Reading one CSV table of a dataset as text, with every structural problem named.

pyarrow parses the file (fast, RFC 4180 quoting, newlines inside quotes); rows
with the wrong number of cells are collected rather than failing the read.
The frame's index is the CSV row number, counting the header as row 1, so
later checks can name the row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.contract.arrowtext import trimmed
from analysis.errors import Problem

BOM = b"\xef\xbb\xbf"
csv.field_size_limit(2**31 - 1)  # the csv module's 128 KiB default would refuse long cells
BLOCK_SIZE = 1 << 20  # pyarrow's default; a longer cell is retried with one block for the file
HEADER_BYTES = 1 << 20


def _check_utf8(data: bytes, file: str) -> Problem | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        message = f"byte 0x{byte} is not UTF-8 text; save the file as UTF-8"
        return Problem(file, line, None, message, code="not-utf8")
    return None


def _header(data: bytes) -> list[str]:
    """The first CSV row's names, from the file's first MiB (a header is never longer)."""
    start = data[:HEADER_BYTES].decode("utf-8", errors="replace")
    first = next(csv.reader(io.StringIO(start, newline="")), [])
    return [name.strip() for name in first]


def read_table(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The table at ``path`` as text columns (trimmed, empty cells missing), and its problems.

    Returns ``None`` for the frame when the file cannot be read as a table at all.
    """
    file = path.name
    data = path.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if problem := _check_utf8(data, file):  # before Arrow, whose bad-row callback cannot
        return None, [problem]  # even be handed a row that is not UTF-8
    if not data.strip():
        return None, [
            Problem(file, None, None, "file is empty; it needs a header row", code="empty-file")
        ]

    try:
        header = _header(data)
    except csv.Error as exc:
        message = f"the header row is not valid CSV ({exc})"
        return None, [Problem(file, 1, None, message, code="bad-header")]
    if not any(header):
        return None, [
            Problem(
                file,
                1,
                None,
                "the first row must be the header row; remove blank lines above it",
                code="bad-header",
            )
        ]
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if name == "":
            message = "a column in the header row has no name"
            problems.append(Problem(file, 1, None, message, code="bad-header"))
        elif name in seen:
            message = "column appears twice in the header row"
            problems.append(Problem(file, 1, name, message, code="duplicate-column"))
        seen.add(name)
    if problems:
        return None, problems

    ragged: list[tuple[int | None, int, int]] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        ragged.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    def parse(block_size: int, threads: bool) -> pa.Table:
        ragged.clear()
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                # the header is skipped as a CSV row, so a quoted line break in it is fine
                column_names=header,
                skip_rows_after_names=1,
                use_threads=threads,
                block_size=block_size,
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        try:
            table = parse(BLOCK_SIZE, threads=True)
            if ragged:  # rare: read again on one thread, which numbers the rows it skips
                table = parse(BLOCK_SIZE, threads=False)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            table = parse(len(data) + 1, threads=False)  # a cell longer than a block
    except pa.ArrowInvalid as exc:
        message = f"not a readable CSV table: {exc}"
        return None, [Problem(file, None, None, message, code="bad-csv")]

    if data.count(b'"') % 2 and (line := _unclosed_quote_line(data)):
        message = (
            f"a quoted cell starting on line {line} is never closed, so the rest of the "
            'file would be read into it; close the quote (write "" for a quote inside a cell)'
        )
        return None, [Problem(file, None, None, message, code="bad-csv")]
    frame = _stripped(table).to_pandas()
    for number, expected, actual in ragged:
        problems.append(
            Problem(
                file,
                number,
                None,
                f"row has {actual} cells but the header has {expected}; "
                "check for a missing or extra comma, or quote cells that contain commas",
                code="ragged-row",
            )
        )
    skipped = np.array(sorted(n for n, _, _ in ragged if n is not None), dtype=np.int64)
    rows = np.arange(2, len(frame) + len(skipped) + 2, dtype=np.int64)
    frame.index = pd.Index(np.setdiff1d(rows, skipped, assume_unique=True), name="row")
    return frame, problems


def frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """The frame :func:`read_table` gives for ``table`` once written with pyarrow's CSV
    writer: every column as text (numbers formatted as the writer formats them), trimmed,
    empty cells missing, the index the CSV row number. Lets a program that has just
    written a table validate it without parsing the file again."""
    text = table.cast(pa.schema([(name, pa.large_string()) for name in table.column_names]))
    frame = _stripped(text).to_pandas()
    frame.index = pd.Index(np.arange(2, len(frame) + 2, dtype=np.int64), name="row")
    return frame


def _unclosed_quote_line(data: bytes) -> int | None:
    """The line where a quoted cell opens and the file ends inside it, else None.

    Only called when the file has an odd number of quote characters (rare, and
    also true of valid files with a stray quote inside an unquoted cell), so a
    reader that walks the records is affordable here.
    """
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True)
    start = 1
    try:
        for _ in reader:  # records of a file already known to be odd, not a hot path
            start = reader.line_num + 1
    except csv.Error:
        return start
    return None


def _stripped(table: pa.Table) -> pa.Table:
    """Every cell trimmed of surrounding spaces, cells left empty made missing (in Arrow:
    faster than pandas' string methods on millions of cells)."""
    columns = [trimmed(column) for column in table.columns]  # per column
    return pa.table(columns, names=table.column_names)
