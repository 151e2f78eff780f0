"""An .xlsx worksheet's cells as the workbook saved them, checked before they are trusted.

A formula cell holds its formula and, once the workbook has been saved by a
spreadsheet program, the result it computed. That result is what the analyst
saw, so it is what we read. A workbook written by a script (or a formula
never calculated) has no result: its cells would read as empty, silently losing
data, so they are refused by sheet and cell instead. A workbook is a zip: its
declared size is checked against the same expansion limit as any compressed
input before a byte is decompressed.
"""

from __future__ import annotations

import itertools
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from analysis.importers.compressed import ExpansionRefused, expansion_limit
from analysis.importers.messages import ImportRefused

FORMULAS_SHOWN = 10
TEXT = pd.StringDtype("pyarrow")
# what openpyxl raises on a damaged or hostile workbook (its XML errors are SyntaxErrors)
UNREADABLE = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
    EOFError,
)


class UncalculatedFormulas(ImportRefused):
    """Formula cells with no saved result: their value is unknown, so nothing is imported."""


@dataclass(frozen=True)
class WorksheetCells:
    """One worksheet's cells: ``grid`` holds typed values (rows and columns numbered from 0)."""

    worksheet: str
    worksheets: tuple[str, ...]
    grid: pd.DataFrame
    formula_results: int  # formula cells read as the result the workbook saved


def worksheet_cells(path: Path, file: BinaryIO, worksheet: str | None) -> WorksheetCells:
    """The saved values of ``worksheet`` (default: the first) of the workbook in ``file``."""
    name = str(path)
    _check_expansion(name, file)
    values, chosen, sheets = _grid(name, file, worksheet, data_only=True)
    file.seek(0)
    formulas, _, _ = _grid(name, file, chosen, data_only=False)
    formulas = formulas.reindex_like(values)
    is_formula = pd.DataFrame(
        {  # a loop over columns: text cells starting with "=" in the formula view
            c: formulas[c].astype(TEXT).str.startswith("=").fillna(False).astype(bool)
            for c in formulas.columns
        }
    )
    saved = values.notna().to_numpy()
    unknown = is_formula.to_numpy() & ~saved
    if unknown.any():
        rows, columns = np.nonzero(unknown)
        shown = [
            f"{_cell(int(r), int(c))} {_short(formulas.iat[r, c])}"
            for r, c in zip(rows[:FORMULAS_SHOWN], columns[:FORMULAS_SHOWN], strict=True)
        ]
        more = f" and {len(rows) - FORMULAS_SHOWN:,} more" if len(rows) > FORMULAS_SHOWN else ""
        raise UncalculatedFormulas(
            f'{name}: worksheet "{chosen}": {len(rows):,} formula cell(s) with no saved result '
            f"({'; '.join(shown)}{more}); open the workbook in Excel or LibreOffice and save it "
            "(that stores each result), or paste the cells as values"
        )
    results = int((is_formula.to_numpy() & saved).sum())
    return WorksheetCells(chosen, sheets, values, results)


def _check_expansion(name: str, file: BinaryIO) -> None:
    """Refuse a workbook whose parts declare more bytes than a compressed input may expand to
    (the zip reader never yields more than a part declares)."""
    try:
        with zipfile.ZipFile(file) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportRefused(f"{name}: not a readable .xlsx workbook ({exc})") from None
    file.seek(0, 2)
    limit = expansion_limit(file.tell())
    file.seek(0)
    if declared > limit:
        raise ExpansionRefused(
            f"{name}: the workbook expands to {declared:,} bytes, past the limit of {limit:,} "
            "for a compressed input (a decompression bomb?); save it again from a spreadsheet "
            "program, or as CSV"
        )


def _grid(
    name: str, file: BinaryIO, worksheet: str | None, *, data_only: bool
) -> tuple[pd.DataFrame, str, tuple[str, ...]]:
    """Every cell of ``worksheet`` as an object frame; the worksheet read and all names."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=data_only, keep_links=False)
    except UNREADABLE as exc:
        raise ImportRefused(f"{name}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheets = tuple(book.sheetnames)
        if worksheet is not None and worksheet not in sheets:
            listed = ", ".join(f'"{s}"' for s in sheets)
            raise ImportRefused(
                f'{name}: no worksheet "{worksheet}"; its worksheets: {listed} '
                '(choose with --sheet NAME or worksheet = "NAME" under [sheet])'
            )
        if not sheets:
            raise ImportRefused(f"{name}: the workbook has no worksheet")
        chosen = worksheet or sheets[0]
        sheet = book[chosen]
        # the size a workbook declares can be wrong (some tools write "A1"): read every cell,
        # rows as long as their last cell, padded by transposing into columns
        sheet.reset_dimensions()
        rows = list(sheet.iter_rows(min_row=1, values_only=True))
    except UNREADABLE as exc:
        raise ImportRefused(f"{name}: not a readable .xlsx workbook ({exc})") from None
    finally:
        book.close()
    columns = itertools.zip_longest(*rows)
    grid = pd.DataFrame(
        {i: np.array(column, dtype=object) for i, column in enumerate(columns)},
        index=pd.RangeIndex(len(rows)),
    )
    return grid, chosen, sheets


def _cell(row: int, column: int) -> str:
    """``C5`` for the 0-based ``row`` 4 and ``column`` 2."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row + 1}"


def _short(formula: object) -> str:
    text = str(formula)
    return repr(text if len(text) <= 40 else text[:39] + "…")
