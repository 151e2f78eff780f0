"""The tables of a dataset (contract §1): columns, enums and checks, declared once.

Values are read as text; pandera checks presence, required values, identifier
syntax, uniqueness and enums. References, dates and citation cycles need more
than one table and are checked in :mod:`analysis.dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

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
BOOLEANS = ("true", "false")


@dataclass(frozen=True)
class Field:
    """One column of a table: its name, whether it must be there, and what it holds.

    ``kind`` is one of ``id`` (this table's identifier), ``ref`` (an identifier
    of another table), ``refs`` (``;``-separated identifiers), ``text``,
    ``enum``, ``bool``, ``date``, ``number``.
    """

    name: str
    required: bool
    kind: str = "text"
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None


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


TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        True,
        (
            Field("source_id", True, "id"),
            Field("name", True),
            Field("kind", True, "enum", SOURCE_KINDS),
            Field("side", False),
            Field("reliability", False, "enum", RELIABILITY),
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
            Field("published", True, "date"),
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
        "assertions",
        True,
        (
            Field("assertion_id", True, "id"),
            Field("statement", True),
            Field("topic", False),
            Field("place_id", False, "ref"),
            Field("event_time", False, "date"),
        ),
    ),
    Table(
        "claims",
        True,
        (
            Field("claim_id", True, "id"),
            Field("source_id", True, "ref"),
            Field("assertion_id", True, "ref"),
            Field("document_id", True, "ref"),
            Field("stance", True, "enum", STANCES),
            Field("hedged", False, "bool", BOOLEANS),
            Field("stated", True, "date"),
            Field("event_time", False, "date"),
            Field("quote", False),
            Field("cites", False, "refs"),
            Field("notes", False),
        ),
    ),
)
TABLE_BY_NAME = {table.name: table for table in TABLES}


def _checks(field: Field) -> list[pa.Check]:
    if field.kind in ("id", "ref"):
        return [
            pa.Check.str_matches(
                rf"{IDENTIFIER}\Z",
                error=(
                    "not a valid identifier: use lower-case letters, digits and _ . - "
                    "starting with a letter or digit"
                ),
            )
        ]
    if field.kind == "refs":
        return [
            pa.Check.str_matches(
                rf"\s*{IDENTIFIER}\s*(?:;\s*{IDENTIFIER}\s*)*\Z",
                error="not a ;-separated list of identifiers such as c1;c2",
            )
        ]
    if field.kind in ("enum", "bool"):
        return [pa.Check.isin(field.values, error=f"must be one of {', '.join(field.values)}")]
    if field.kind == "number":
        return [
            pa.Check(
                lambda s, lo=field.low, hi=field.high: pd.to_numeric(s, errors="coerce").between(
                    lo, hi
                ),
                element_wise=False,
                error=f"must be a number between {field.low:g} and {field.high:g}",
            )
        ]
    return []


def table_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of a table read as text (empty cells already missing)."""
    columns = {
        field.name: pa.Column(
            required=field.required,
            nullable=not field.required,
            unique=field.kind == "id",
            checks=_checks(field),
        )
        for field in table.fields
    }
    return pa.DataFrameSchema(columns, strict=False)


# Messages for pandera's own checks, keyed by the check name it reports.
BUILTIN_MESSAGES = {
    "column_in_dataframe": "required column is missing; add it to the header row",
    "not_nullable": "required value is empty",
    "field_uniqueness": "duplicate identifier; each row needs its own",
}
