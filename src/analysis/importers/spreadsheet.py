"""Reading an analyst's sheet (CSV or XLSX) as text cells numbered by the sheet's own rows.

Every cell becomes text (missing when empty) so the mapping decides what it
means; the frame's index is the row number the analyst sees in Excel or
LibreOffice (the header row counts), so every later message can send them to
the right row. XLSX cells arrive typed: dates become ISO days (date-times when
they have a time), whole numbers lose Excel's ``.0``, and error values such as
``#N/A`` become empty cells, counted for the report.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.importers.compressed import open_input
from analysis.importers.messages import ImportRefused
from analysis.importers.progress import ImportProgress
from analysis.importers.tables import check_width
from analysis.importers.workbook import worksheet_cells

BOM = b"\xef\xbb\xbf"
TEXT = pd.StringDtype("pyarrow")  # text cells: pyarrow's vectorized string kernels, missing = NA
# whitespace spelt out: pyarrow's regex engine reads ``\s`` differently, so pandas would
# fall back to Python for it, row by row
SPACES = "[ \t\r\n\f\v\u00a0\u2007\u2009\u202f]+"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
EXCEL_ERRORS = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA")
ERRORS_SHOWN = 10
HEADER_SCAN = 20  # rows looked at to find the header row
HEAD_CHARS = 1 << 22  # characters of a CSV file read to find it
UTF8 = ("utf-8", "utf_8", "utf8", "utf-8-sig")


@dataclass
class Sheet:
    """One input read: its cells as text, its rows numbered as in the sheet."""

    name: str  # the input as the analyst named it, for messages
    frame: pd.DataFrame  # string columns named by the header row; index: sheet row numbers
    header_row: int
    worksheet: str | None = None  # XLSX: the worksheet read
    worksheets: tuple[str, ...] = ()
    excel_errors: int = 0  # cells holding an Excel error value, read as empty
    formula_results: int = 0  # formula cells read as the result the workbook saved
    delimiter: str | None = None  # CSV: the delimiter used
    encoding: str | None = None


def read_sheet(
    path: Path,
    *,
    worksheet: str | None = None,
    header_row: int | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    progress: ImportProgress | None = None,
) -> Sheet:
    """The sheet at ``path``: an ``.xlsx`` workbook's worksheet, else a delimited text file."""
    progress = progress or ImportProgress()
    if path.suffix.lower() in XLSX_SUFFIXES:
        with progress.open(path) as file:
            return _read_xlsx(path, file, worksheet, header_row)
    if path.suffix.lower() == ".xls":
        raise ImportRefused(
            f"{path}: the old Excel .xls format cannot be read; save it as .xlsx or CSV UTF-8"
        )
    with open_input(path, progress) as opened:
        return _read_text(path, opened.stream.read(), header_row, encoding, delimiter)


def decode(data: bytes, name: str, encoding: str) -> str:
    """The text of a CSV file, or an error naming the line and the fix."""
    if data.startswith(BOM) and encoding.lower() in UTF8:
        data = data[len(BOM) :]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        if codecs.lookup(encoding).name == "utf-8":
            fix = (
                'save the sheet as "CSV UTF-8" (Excel: File > Save As), or name its encoding '
                'in the mapping: encoding = "cp1252" under [sheet] (Windows Western European)'
            )
        else:
            fix = f"the file is not {encoding}; correct encoding under [sheet] in the mapping"
        raise ImportRefused(
            f"{name}: line {line}: byte 0x{byte} is not {encoding} text; {fix}"
        ) from None


def header_position(filled: np.ndarray) -> int:
    """Which of the first rows (0-based) holds the column names, given the number of filled
    cells per row: the first at least half as wide as the widest of the first HEADER_SCAN
    (a title or a note above the header is narrower), and at least two cells wide if any is."""
    first = filled[:HEADER_SCAN]
    widest = int(first.max())
    need = max(min(2, widest), (widest + 1) // 2, 1)
    return int(np.argmax(first >= need))


def guess_delimiter(line: str) -> str:
    """The delimiter a header line uses most among , ; tab and | (a comma on a tie)."""
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts.values())
    return "," if best == 0 or counts[","] == best else max(counts, key=counts.get)


def _read_text(
    path: Path, data: bytes, header_row: int | None, encoding: str, delimiter: str | None
) -> Sheet:
    name = str(path)
    text = decode(data, name, encoding)
    if not text.strip():
        raise ImportRefused(f"{name}: the file is empty; it needs a header row and rows below it")
    top_text = text[:HEAD_CHARS]  # the header is near the top; no copy of a big file
    first_line = next((line for line in io.StringIO(top_text) if line.strip()), "")
    delimiter = delimiter or guess_delimiter(first_line)
    records = csv.reader(io.StringIO(top_text, newline=""), delimiter=delimiter)
    top: list[list[str]] = []
    try:
        for record in records:  # the first few rows only: where is the header?
            top.append(record)
            if len(top) >= max(HEADER_SCAN, header_row or 0):
                break
    except csv.Error as exc:
        raise ImportRefused(f"{name}: row {len(top) + 1}: not valid CSV ({exc})") from None
    filled = np.array([sum(bool(c.strip()) for c in record) for record in top] or [0])
    number = header_row or header_position(filled) + 1
    header = top[number - 1] if number <= len(top) else []
    if not any(c.strip() for c in header):
        where = f"row {header_row}" if header_row else "the file"
        raise ImportRefused(
            f"{name}: {where} holds no column names; check header_row under [sheet]"
        )
    check_width(name, len(header))
    names = _column_names(name, [c.strip() for c in header])
    ragged: list[tuple[int, int, int]] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        ragged.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    body = text.encode("utf-8") if encoding.lower() not in UTF8 else data.removeprefix(BOM)
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=number,
                use_threads=False,
                # one block for the file (it is in memory already): a cell of any size fits
                block_size=max(len(body) + 1, 1 << 24),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as exc:
        raise ImportRefused(f"{name}: not a readable CSV table: {exc}") from None
    if ragged:
        shown = "; ".join(
            f"row {n}: {actual} cells where the header has {expected}"
            for n, expected, actual in ragged[:ERRORS_SHOWN]
        )
        more = f" and {len(ragged) - ERRORS_SHOWN} more rows" if len(ragged) > ERRORS_SHOWN else ""
        raise ImportRefused(
            f"{name}: {shown}{more}; quote cells that contain the delimiter {delimiter!r}, "
            "or remove the extra cells"
        )
    frame = table_text(table)
    frame.index = pd.RangeIndex(number + 1, number + 1 + len(frame), name="row")
    frame = _named_columns(name, frame)
    return Sheet(name, frame, number, delimiter=delimiter, encoding=encoding)


def _read_xlsx(path: Path, file, worksheet: str | None, header_row: int | None) -> Sheet:
    name = str(path)
    read = worksheet_cells(path, file, worksheet)
    chosen, sheets, grid = read.worksheet, read.worksheets, read.grid
    if grid.empty:
        raise ImportRefused(f'{name}: worksheet "{chosen}" is empty')
    errors = grid.isin(EXCEL_ERRORS)
    grid = grid.mask(errors)
    cells = pd.DataFrame({c: excel_text(grid[c]) for c in grid.columns})  # a loop over columns
    counts = cells.notna().sum(axis=1).to_numpy()
    filled = counts > 0
    if header_row is None:
        if not filled.any():
            raise ImportRefused(f'{name}: worksheet "{chosen}" holds no values')
        header_row = header_position(counts) + 1
    elif header_row > len(cells) or not filled[header_row - 1]:
        raise ImportRefused(
            f'{name}: row {header_row} of worksheet "{chosen}" holds no column names; '
            "check header_row under [sheet]"
        )
    last = len(filled) - int(np.argmax(filled[::-1]))  # trailing empty rows are formatting
    header = cells.iloc[header_row - 1].fillna("").astype(str).str.strip().tolist()
    body = cells.iloc[header_row:last]
    body.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(body), name="row")
    body.columns = _column_names(name, header)
    frame = _named_columns(name, body)
    n_errors = int(errors.iloc[header_row:last].to_numpy().sum())
    return Sheet(
        name,
        frame,
        header_row,
        chosen,
        sheets,
        excel_errors=n_errors,
        formula_results=read.formula_results,
    )


def excel_text(values: pd.Series) -> pd.Series:
    """One column of typed XLSX cells as text: dates ISO, whole numbers without ``.0``,
    booleans ``true``/``false``; text is trimmed and empty text is missing."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("datetime", "datetime64", "date"):
        return iso_datetimes(pd.to_datetime(values, errors="coerce"))
    if kind == "boolean":
        text = pd.Series(np.where(values.astype(bool), "true", "false"), index=values.index)
        return text.where(values.notna()).astype(TEXT)
    if kind in ("integer", "floating", "mixed-integer-float"):
        numbers = pd.to_numeric(values, errors="coerce")
        whole = numbers.notna() & numbers.eq(numbers.round())
        text = numbers.astype(TEXT)
        text[whole] = numbers[whole].astype("Int64").astype(TEXT)
        return text
    text = values.astype(TEXT)
    if kind not in ("string", "empty"):  # mixed types: the forms pandas gives them, made ISO
        text = text.str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1", regex=True)
        text = text.str.replace(
            r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})(?::00)?$", r"\1T\2", regex=True
        )
        text = text.str.replace(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$", r"\1T\2", regex=True)
        text = text.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
        text = text.replace({"True": "true", "False": "false"})
    return _stripped(text)


def iso_datetimes(stamps: pd.Series) -> pd.Series:
    """ISO days, or date-times (minutes, seconds when there are any) where there is a time."""
    day = stamps.dt.strftime("%Y-%m-%d")
    minutes = stamps.dt.strftime("%Y-%m-%dT%H:%M")
    seconds = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S")
    has_time = stamps.ne(stamps.dt.normalize())
    has_seconds = stamps.dt.second.ne(0)
    text = np.select([has_seconds, has_time], [seconds, minutes], day)
    return pd.Series(text, index=stamps.index, dtype=TEXT).where(stamps.notna())


def _stripped(text: pd.Series) -> pd.Series:
    text = text.astype(TEXT).str.strip()
    return text.where(text.ne(""))


def table_text(table: pa.Table) -> pd.DataFrame:
    """An arrow table of text as a frame of trimmed cells, empty ones missing (in arrow: fast)."""
    empty = pa.scalar(None, pa.string())
    trimmed = [pc.utf8_trim_whitespace(column) for column in table.columns]  # per column
    cells = [pc.if_else(pc.equal(column, ""), empty, column) for column in trimmed]
    return pa.table(cells, names=table.column_names).to_pandas(types_mapper={pa.string(): TEXT}.get)


def _column_names(name: str, header: list[str]) -> list[str]:
    """The header's names, unnamed columns given placeholders (dropped later if empty);
    a name used twice is refused, since the mapping could not tell the columns apart."""
    seen: dict[str, int] = {}
    for position, column in enumerate(header, start=1):  # a loop over the header's cells
        if column and column in seen:
            raise ImportRefused(
                f'{name}: the header names two columns "{column}" ({_letter(seen[column])} and '
                f"{_letter(position)}); rename one so the mapping can tell them apart"
            )
        seen.setdefault(column, position)
    return [c or f"\x00{i}" for i, c in enumerate(header, start=1)]


def _named_columns(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Drop unnamed columns that hold nothing (spreadsheet leftovers); refuse the others."""
    unnamed = [c for c in frame.columns if str(c).startswith("\x00")]
    for column in unnamed:  # a loop over the few unnamed columns
        if frame[column].notna().any():
            position = int(str(column)[1:])
            raise ImportRefused(
                f"{name}: column {_letter(position)} holds values but has no name in the header "
                "row; give it one"
            )
    return frame.drop(columns=unnamed)


def _letter(position: int) -> str:
    """A column's spreadsheet letter (1 -> A, 28 -> AB), as the analyst sees it."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def utf8_or_guess(path: Path) -> str:
    """``utf-8`` when a CSV file decodes as such, else ``cp1252`` (what Excel on Windows writes)."""
    data = path.read_bytes()
    try:
        data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"
