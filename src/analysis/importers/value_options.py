"""The options of ``briefing import values``, checked, and the names every part of the
importer shares (report units, the text dtype, placeholders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analysis.importers.messages import ImportRefused
from analysis.importers.tables import SUPPORTED_YEARS

ROWS, VALUES = "rows", "values"  # the report's units: input rows, value cells


TEXT = pd.StringDtype("pyarrow")


PLACEHOLDERS = ("not available", "n/a", "null", "nan")  # folded; "no value", as empty


ITEM_JOINER = " / "  # between the parts of an item made of several columns


DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|"}


DECIMALS = ("point", "comma")


@dataclass(frozen=True)
class Options:
    """``briefing import values``'s own options, checked (formats/values.py declares them)."""

    source: str
    items: tuple[str, ...]
    values: tuple[str, ...]
    time: str | None = None
    stated: str | None = None
    date: dt.date | None = None
    kind: str = "choice"
    unit: str | None = None
    cumulative: bool = False
    decimal: str | None = None  # point or comma; None: point, refused where that is a guess
    no_header: bool = False
    delimiter: str | None = None
    missing: tuple[str, ...] = ()
    source_kind: str = "other"
    licence: str = ""
    attribution: str = ""

    @classmethod
    def of(cls, given: dict) -> Options:
        for name in ("source", "item", "value"):
            if not given.get(name):
                raise ImportRefused(f"briefing import values needs --{name} COL")
        kind = given.get("kind") or "choice"
        if kind not in ("choice", "number"):
            raise ImportRefused(f"--kind {kind!r}: write choice or number")
        if kind == "choice" and (given.get("unit") or given.get("cumulative")):
            raise ImportRefused("--unit and --cumulative describe figures: add --kind number")
        decimal = given.get("decimal")
        if decimal is not None and decimal not in DECIMALS:
            raise ImportRefused(f"--decimal {decimal!r}: write point (12.5) or comma (12,5)")
        if kind == "choice" and decimal:
            raise ImportRefused("--decimal says how figures are written: add --kind number")
        if given.get("date") and (given.get("time") or given.get("stated")):
            raise ImportRefused(
                "--date is the one day of a table without dates: leave it out with --time "
                "or --stated"
            )
        if not (given.get("time") or given.get("stated") or given.get("date")):
            raise ImportRefused(
                "say when the values were given: --time COL (the day each value is as of), "
                "or --date YYYY-MM-DD for a table without dates (the day it was published)"
            )
        date = given.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise ImportRefused(f"--date {date!r}: write a day such as 2025-04-08") from None
        if date is not None and date > dt.date.today():
            raise ImportRefused(f"--date {date}: in the future; check the year")
        if date is not None and not SUPPORTED_YEARS[0] <= date.year <= SUPPORTED_YEARS[1]:
            first, last = SUPPORTED_YEARS
            raise ImportRefused(f"--date {date}: write a year from {first} to {last}")
        return cls(
            source=given["source"],
            items=tuple(_listed(given["item"])),
            values=tuple(_listed(given["value"])),
            time=given.get("time"),
            stated=given.get("stated"),
            date=date,
            kind=kind,
            unit=given.get("unit"),
            cumulative=bool(given.get("cumulative")),
            decimal=decimal,
            no_header=bool(given.get("no_header")),
            delimiter=given.get("delimiter"),
            missing=tuple(_listed(given.get("missing") or ())),
            source_kind=given.get("source_kind") or "other",
            licence=given.get("licence") or "",
            attribution=given.get("attribution") or "",
        )

    def columns(self) -> dict[str, str]:
        """Every column an option names, by the option (``--item`` and ``--value`` numbered)."""
        named = {"--source": self.source}
        named |= {f"--item {n + 1}": c for n, c in enumerate(self.items)}
        named |= {f"--value {n + 1}": c for n, c in enumerate(self.values)}
        named |= {f"--{k}": getattr(self, k) for k in ("time", "stated") if getattr(self, k)}
        return named


def _listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
