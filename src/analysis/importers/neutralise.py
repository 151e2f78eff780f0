"""Text from an untrusted input made safe to print and to open in a spreadsheet.

Two dangers ride in on text that becomes a title, a name or a quote:

- control characters: an escape sequence (``\\x1b[2J``, ``\\x1b]0;...``) rewrites
  the analyst's terminal when the name is printed, a bidi override (U+202E)
  makes a name read backwards, a NUL or a lone carriage return garbles it.
  They are removed (a carriage return becomes a line break); nothing printable
  is lost.
- formulas (OWASP "CSV injection"): a cell starting with ``=``, ``+``, ``-`` or
  ``@`` runs as a formula when the dataset's CSV is opened in Excel or
  LibreOffice (``=HYPERLINK(...)`` leaks data, ``=cmd|...`` ran programs). Such
  text gets OWASP's advice: a single quote ``'`` in front, which spreadsheets
  show as text and readers see as a mark. A number (``-5``, ``+3.2``) is left
  alone: it is not a formula.

Only text columns are touched: the contract's free-text fields and an importer's
extra text columns; identifiers, references, enums, dates and numbers never.
Both counts go into the import report. Vectorized: each column is scanned once
per rule, and only the cells that match are rewritten.
"""

from __future__ import annotations

import pandas as pd

from analysis.contract import schema
from analysis.importers.report import ImportReport
from analysis.importers.tables import ContractTables

# C0 controls but tab and line feed (a carriage return is made a line feed first), DEL, C1
# controls, bidi embeddings, overrides and isolates; written so that Python's and pyarrow's
# (RE2) regular expressions read it the same
CONTROLS = "[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\u202a-\u202e\u2066-\u2069]"
RETURNS = "\\r\\n?"
FORMULA_START = "^[=+\\-@]"
NUMBER = "^[+-]?(?:[0-9]+(?:[.,][0-9]+)*|[.][0-9]+)(?:[eE][+-]?[0-9]+)?%?$"
TEXT = pd.StringDtype("pyarrow")
NOT_TEXT = {"id", "ref", "refs", "enum", "bool", "date", "number"}
MANIFEST_TEXT = ("title", "description", "license", "attribution")


def neutralised(tables: ContractTables, report: ImportReport) -> ContractTables:
    """``tables`` with control characters removed and formula-like text quoted, in every
    free-text column; the cells changed are counted in ``report``."""
    controls = formulas = 0
    for name, frame in tables.frames().items():  # a loop over the five tables
        fields = {f.name: f.kind for f in schema.TABLE_BY_NAME[name].fields}
        changed = {}
        for column in frame.columns:  # a loop over a table's columns
            if fields.get(column, "text") in NOT_TEXT or not _holds_text(frame[column]):
                continue
            text, n_controls, n_formulas = _safe_text(frame[column])
            controls += n_controls
            formulas += n_formulas
            if n_controls or n_formulas:
                changed[column] = text
        if changed:
            setattr(tables, name, frame.assign(**changed))
    tables.manifest = {
        key: without_controls(value) if key in MANIFEST_TEXT and isinstance(value, str) else value
        for key, value in tables.manifest.items()
    }
    report.handle(
        "control characters in text (terminal escape sequences, bidi overrides, NUL, "
        "carriage returns)",
        controls,
        "removed (a carriage return became a line break)",
    )
    report.handle(
        "text starting with = + - or @, which a spreadsheet would run as a formula",
        formulas,
        "a ' put in front (OWASP's CSV-injection advice); numbers such as -5 left as they are",
    )
    return tables


def _holds_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) or (
        values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "string"
    )


def _safe_text(values: pd.Series) -> tuple[pd.Series, int, int]:
    """The column made safe, and how many cells lost control characters or were quoted."""
    text = values.astype(TEXT)
    has_controls = text.str.contains(CONTROLS, regex=True).fillna(False).astype(bool)
    n_controls = int(has_controls.sum())
    if n_controls:
        fixed = text[has_controls].str.replace(RETURNS, "\n", regex=True)
        text = text.mask(has_controls, fixed.str.replace(CONTROLS, "", regex=True))
    stripped = text.str.strip()
    formula = stripped.str.contains(FORMULA_START, regex=True).fillna(False).astype(bool)
    if formula.any():
        formula &= ~stripped.str.contains(NUMBER, regex=True).fillna(False).astype(bool)
    n_formulas = int(formula.sum())
    if n_formulas:
        text = text.mask(formula, "'" + stripped[formula])
    return text, n_controls, n_formulas


def without_controls(value: str) -> str:
    """A manifest value (a title given with --title too) on one line with no control
    character: TOML cannot hold them, and a title is printed."""
    single = pd.Series([value], dtype=TEXT).str.replace(CONTROLS, " ", regex=True).iloc[0]
    return " ".join(single.split())
