"""The dataset contract's per-column facts (§1, §3), declared once.

Every table, column, type, enum, reference, default and date rule of a dataset
is declared here; :mod:`analysis.contract.dataset` loops over these declarations instead
of repeating them. Values are read as text; pandera checks presence, required
values, identifier syntax, uniqueness, enums and numbers (:func:`table_schema`).
Checks across tables (references, dates, citations) are run by the loader from
the ``references`` and ``dates`` declared here.

This module imports no pandas or pandera at import time: :mod:`analysis.errors`,
which the ``briefing`` command imports at start-up, orders problems by it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandera.pandas as pa

MANIFEST = "dataset.toml"
# all text, optional; ``attribution`` is the credit line a licence such as CC BY requires,
# ``source`` where the data comes from (a URL)
MANIFEST_KEYS = ("name", "title", "description", "license", "attribution", "source", "timezone")
DEFAULT_TIMEZONE = "UTC"
IDENTIFIER = r"[a-z0-9][a-z0-9_.-]*"
SOURCE_KINDS = (
    "official",
    "military",
    "politician",
    "milblogger",
    "think_tank",
    "media",
    "ngo",
    "osint",
    "other",
)
STANCES = ("supports", "refutes", "neutral")
RELIABILITY = ("A", "B", "C", "D", "E", "F")
BOOLEANS = ("true", "false")  # the first means true
FIGURE_COLUMNS = ("value", "low", "high")  # claims' numbers on a quantity


@dataclass(frozen=True)
class Dates:
    """Which date expressions (§2) a ``date`` column accepts, and what it resolves into.

    ``prefix`` names the resolved columns: ``<prefix>_start``, ``<prefix>_end`` and
    ``<prefix>_precision``; for a ``day_only`` column only ``<prefix>_day``.
    ``anchor`` is (reference column, date column): relative phrases are allowed and
    resolved against that date column's day in the row the reference names; without
    it only ISO values are. ``day_only``: a full date or date-time (one with an
    offset is read in the dataset's time zone), fit to anchor other columns.
    ``not_after_anchor``: the interval may not start after its anchor day (needs ``anchor``).
    """

    prefix: str
    anchor: tuple[str, str] | None = None
    day_only: bool = False
    not_after_anchor: bool = False


@dataclass(frozen=True)
class Field:
    """One column of a table: its name, whether it must be there, and what it holds.

    ``kind`` is one of ``id`` (this table's identifier), ``ref`` (an identifier
    of the table named by ``references``), ``refs`` (``;``-separated identifiers
    of that table), ``text``, ``enum`` and ``bool`` (one of ``values``), ``date``
    (see ``dates``), ``number`` (between ``low`` and ``high``). ``default`` is the
    value an empty cell or a left-out optional column stands for.
    """

    name: str
    required: bool
    kind: str = "text"
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    references: str | None = None
    default: str | None = None
    dates: Dates | None = None


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    fields: tuple[Field, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def id_column(self) -> str:
        return next(f.name for f in self.fields if f.kind == "id")

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


# Claims' relative dates are anchored on the publication day of their document.
_CLAIM_ANCHOR = ("document_id", "published")

# In dependency order: a table comes after the tables its dates are anchored on.
TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        True,
        (
            Field("source_id", True, "id"),
            Field("name", True),
            Field("kind", True, "enum", SOURCE_KINDS),
            Field("side", False),
            Field("reliability", False, "enum", RELIABILITY, default="F"),
            Field("url", False),
            Field("notes", False),
        ),
    ),
    Table(
        "documents",
        True,
        (
            Field("document_id", True, "id"),
            Field("title", True),
            Field("publisher", True),
            Field("published", True, "date", dates=Dates("published", day_only=True)),
            Field("url", False),
            Field("notes", False),
        ),
    ),
    Table(
        "places",
        False,
        (
            Field("place_id", True, "id"),
            Field("name", True),
            Field("admin1", False),
            Field("country", False),
            Field("lat", False, "number", low=-90, high=90),
            Field("lon", False, "number", low=-180, high=180),
        ),
    ),
    Table(
        "questions",
        False,
        (
            Field("question_id", True, "id"),
            Field("text", True),
            Field("topic", False),
        ),
    ),
    Table(
        "assertions",
        True,
        (
            Field("assertion_id", True, "id"),
            Field("statement", True),
            Field("topic", False),
            Field("place_id", False, "ref", references="places"),
            Field("event_time", False, "date", dates=Dates("event")),
            # a non-blank unit makes the assertion a quantity (§1): claims give figures
            Field("unit", False),
            Field("cumulative", False, "bool", BOOLEANS, default="false"),
            Field("question_id", False, "ref", references="questions"),
        ),
    ),
    Table(
        "claims",
        True,
        (
            Field("claim_id", True, "id"),
            Field("source_id", True, "ref", references="sources"),
            Field("assertion_id", True, "ref", references="assertions"),
            Field("document_id", True, "ref", references="documents"),
            Field("stance", True, "enum", STANCES),
            Field("hedged", False, "bool", BOOLEANS, default="false"),
            Field(
                "stated",
                True,
                "date",
                dates=Dates("stated", anchor=_CLAIM_ANCHOR, not_after_anchor=True),
            ),
            Field("event_time", False, "date", dates=Dates("event", anchor=_CLAIM_ANCHOR)),
            Field("quote", False),
            Field("cites", False, "refs", references="claims"),
            Field("notes", False),
            # a claim's figure on a quantity (§1): a value, a range, or both
            *(Field(name, False, "number") for name in FIGURE_COLUMNS),
        ),
    ),
)
TABLE_BY_NAME = {table.name: table for table in TABLES}
DATASET_FILES = (MANIFEST, *(table.file for table in TABLES))


def value_rule(field: Field) -> tuple[str, str] | None:
    """The reason code and message for a value this column refuses (None: any text)."""
    if field.kind in ("id", "ref"):
        return (
            "bad-identifier",
            "not a valid identifier: use lower-case letters, digits and _ . - "
            "starting with a letter or digit",
        )
    if field.kind == "refs":
        return "bad-identifier", "not a ;-separated list of identifiers such as c1;c2"
    if field.kind in ("enum", "bool"):
        return "not-in-enum", f"must be one of {', '.join(field.values)}"
    if field.kind == "number" and field.low is None:
        return (
            "bad-number",
            "must be a number written with digits, such as 12 or 4.5 (no thousands "
            "separators, words or units)",
        )
    if field.kind == "number":
        return "bad-number", f"must be a number between {field.low:g} and {field.high:g}"
    return None


UNIQUENESS = "field_uniqueness"  # the name pandera reports its own uniqueness check under

# pandera's own checks, by the name it reports them under: reason code and message.
BUILTIN_PROBLEMS = {
    "column_in_dataframe": (
        "missing-column",
        "required column is missing; add it to the header row",
    ),
    "not_nullable": ("required-value", "required value is empty"),
    UNIQUENESS: ("duplicate-id", "duplicate identifier; each row needs its own"),
}


def _checks(field: Field) -> list[pa.Check]:
    """Vectorized checks: identifiers by Arrow's RE2 (pandas loops in Python over
    ``;``-lists), uniqueness by Arrow's hash count before any per-row work."""
    import pandas as pd
    import pandera.pandas as pa

    from analysis.contract import arrowtext

    checks = []
    if field.kind == "id":
        checks.append(pa.Check(_unique, element_wise=False, name=UNIQUENESS))
    rule = value_rule(field)
    if rule is None:
        return checks
    message = rule[1]
    if field.kind in ("id", "ref"):
        return [*checks, _vector_check(lambda s: arrowtext.fullmatch(s, IDENTIFIER), message)]
    if field.kind == "refs":
        return [_vector_check(_identifier_lists, message)]
    if field.kind in ("enum", "bool"):
        return [pa.Check.isin(field.values, error=message)]
    if field.low is None:
        return [_vector_check(_finite_numbers, message)]
    return [
        pa.Check(
            lambda s, lo=field.low, hi=field.high: pd.to_numeric(s, errors="coerce").between(
                lo, hi
            ),
            element_wise=False,
            error=message,
        )
    ]


def _vector_check(test, message: str) -> pa.Check:
    """A pandera check from a function of the column giving one boolean per row."""
    import pandas as pd
    import pandera.pandas as pa

    return pa.Check(lambda s: pd.Series(test(s), index=s.index), element_wise=False, error=message)


def _unique(values):
    """Per row, whether its identifier is the only one of its kind (every copy of a
    repeated one fails); the hash count answers "all unique" without that work."""
    from analysis.contract import arrowtext

    if arrowtext.all_unique(values):
        return True
    return ~values.duplicated(keep=False)


def _finite_numbers(values):
    """Per cell, whether it reads as a finite number (a missing cell passes)."""
    import numpy as np

    numbers = parse_numbers(values)
    return np.isfinite(numbers) | values.isna().to_numpy()


def parse_numbers(values):
    """A text column's numbers as float64, NaN where a cell is missing or not a number:
    Arrow's cast when every present cell reads (the usual case), else pandas' parse."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.isna().all():  # a column left out or left blank: no text to parse
        return np.full(len(values), np.nan)
    try:
        cast = pc.cast(pa.array(values.astype("str"), from_pandas=True), pa.float64())
        return cast.to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _identifier_lists(values):
    """Per cell, whether it is a ``;``-separated list of identifiers (spaces around items
    allowed, no empty item)."""
    import numpy as np

    from analysis.contract import arrowtext

    parents, items = arrowtext.split_lists(values)
    bad_items = ~arrowtext.fullmatch(items, IDENTIFIER) | items.isna().to_numpy()
    bad = np.zeros(len(values), dtype=bool)
    bad[parents[bad_items]] = True
    return ~bad


@functools.cache  # built once per table: a load validates four to six tables
def table_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of a table read as text (empty cells already missing).

    pandas and pandera are imported here, on first use, not with this module.
    """
    import pandera.pandas as pa

    columns = {
        field.name: pa.Column(
            required=field.required,
            nullable=not field.required,
            checks=_checks(field),
        )
        for field in table.fields
    }
    return pa.DataFrameSchema(columns, strict=False)
