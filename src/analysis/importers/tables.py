"""The contract tables an importer produces, and the vectorized helpers every importer shares.

Identifiers must be stable across re-imports (the desk's "what changed" compares
them), so they derive from content: a slug of a name, or a 64-bit hash of the
fields that make a row what it is, never a row number of one input.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.contract import schema
from analysis.contract.timeexpr import SUPPORTED_YEARS
from analysis.importers.messages import ImportRefused

# The contract's own columns of each table, in the order they are written;
# an importer's extra columns follow them in the importer's order.
MAX_SLUG = 48  # longer names are cut and told apart by a hash
MAX_COLUMNS = 16_384  # Excel's limit: a wider header is not a table anyone made by hand
TABLE_COLUMNS = {table.name: [f.name for f in table.fields] for table in schema.TABLES}


@dataclass
class ContractTables:
    """One dataset's tables as an importer built them (text or bool columns, missing = NA),
    and its manifest (title, description, license, attribution)."""

    sources: pd.DataFrame
    documents: pd.DataFrame
    assertions: pd.DataFrame
    claims: pd.DataFrame
    places: pd.DataFrame | None = None
    manifest: dict[str, str] = field(default_factory=dict)
    questions: pd.DataFrame | None = None

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables by name, places and questions only when there are any."""
        frames = {
            "sources": self.sources,
            "documents": self.documents,
            "assertions": self.assertions,
            "claims": self.claims,
        }
        if self.places is not None and len(self.places):
            frames["places"] = self.places
        if self.questions is not None and len(self.questions):
            frames["questions"] = self.questions
        return frames


def slug(names: pd.Series, *, prefix: str = "", unknown: str = "unknown") -> pd.Series:
    """Identifiers from display names: ASCII-folded (``NOËL`` -> ``noel``), lower-case,
    runs of other characters turned into ``-``, at most MAX_SLUG characters. A name with no Latin letter or digit
    (``??????``, Cyrillic) becomes ``<unknown>-<hash>`` so it stays distinct and stable.
    Works on the distinct names only, so a million rows cost as much as their names."""
    codes, distinct = pd.factorize(names.astype("string").fillna(""), sort=False)
    text = pd.Series(distinct, dtype="string")
    folded = (
        text.str.normalize("NFKD")
        .str.encode("ascii", errors="ignore")
        .str.decode("ascii")
        .str.lower()
        .str.replace(r"[^a-z0-9]+", "-", regex=True)
        .str.strip("-")
    )
    empty = folded.eq("")
    if empty.any():
        folded[empty] = unknown + "-" + content_hash(text[empty].to_frame())
    long = folded.str.len() > MAX_SLUG
    if long.any():  # a whole sentence as a name: keep its start, tell it apart by a hash
        folded[long] = (
            folded[long].str.slice(0, MAX_SLUG - 9).str.rstrip("-")
            + "-"
            + (content_hash(text[long].to_frame()).str.slice(0, 8))
        )
    slugs = (prefix + folded).to_numpy(dtype=object)
    return pd.Series(slugs[codes], index=names.index, dtype=object)


def content_hash(parts: pd.DataFrame) -> pd.Series:
    """A 16-hex-digit hash of each row's values (pandas' fixed-key SipHash: the same
    text always gives the same hash, on any machine and in any run)."""
    hashes = pd.util.hash_pandas_object(parts.astype("string").fillna(""), index=False)
    hexed = binascii.hexlify(hashes.to_numpy(dtype=">u8").tobytes())
    return pd.Series(np.frombuffer(hexed, dtype="S16").astype(str), index=parts.index, dtype=object)


def figure_text(numbers: pd.Series) -> pd.Series:
    """Figures (float, NaN where none) as the contract writes them: digits only, a whole
    number without a decimal point (``12``, not ``12.0`` or ``1.2e+11``), else Python's
    shortest form (``4.5``); missing where NaN. Text work once per distinct figure."""
    codes, distinct = pd.factorize(pd.Series(numbers, dtype="float64"))
    values = np.asarray(distinct, dtype="float64")
    whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2**53)
    texts = values.astype(str).astype(object)
    texts[whole] = values[whole].astype(np.int64).astype(str)
    shown = pd.array(texts, dtype="string").take(codes, allow_fill=True)
    return pd.Series(shown, index=numbers.index)


def in_supported_years(days: pd.Series) -> pd.Series:
    """Whether each date lies in the years the contract supports (1700-2199). pandas reads
    year 0 or 9999 without complaint (in a coarser unit than nanoseconds), and such a day
    would only be refused later, by validation, naming a row of a file the import writes."""
    years = days.dt.year
    return years.between(*SUPPORTED_YEARS).fillna(False).astype(bool)


SUPPORTED_YEARS_TEXT = f"{SUPPORTED_YEARS[0]}-{SUPPORTED_YEARS[1]}"


def check_width(name: str, columns: int) -> None:
    """Refuse a header wider than MAX_COLUMNS (each column costs time and memory of its own)."""
    if columns > MAX_COLUMNS:
        raise ImportRefused(
            f"{name}:1: the header has {columns:,} columns, more than the {MAX_COLUMNS:,} a "
            "spreadsheet can hold; check the delimiter, or that this is the right file"
        )
