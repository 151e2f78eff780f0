"""Sources that are the same outlet: ``aliases.csv`` (alias -> source_id), applied by every importer.

An alias matches a source's name or identifier as the importer made it,
ignoring case, repeated spaces and a trailing full stop. Merges happen only
through such a table (an importer's built-in one, then the analyst's), each
is listed in the import report, and ``briefing sources DIR --similar`` finds
candidates for the analyst to confirm: nothing is ever merged on a guess.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .. import schema
from ..csvfile import read_table
from ..errors import DatasetError, Problem
from .report import ImportReport
from .tables import ContractTables

ALIAS_FILE = "aliases.csv"
ALIAS_COLUMNS = ("alias", "source_id")  # required; ``name`` (display name) is optional
IDENTIFIER = re.compile(schema.IDENTIFIER + r"\Z")


def alias_key(text: pd.Series) -> pd.Series:
    """The form two spellings must share to count as the same alias."""
    return (
        text.astype("string")
        .str.casefold()
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
        .str.rstrip(".")
        .str.strip()
    )


def read_aliases(path: Path) -> pd.DataFrame:
    """An aliases file as ``alias_key``, ``source_id``, ``name`` (may be missing), checked."""
    frame, problems = read_table(path)
    file = path.name
    if frame is not None:
        missing = [c for c in ALIAS_COLUMNS if c not in frame.columns]
        for column in missing:
            problems.append(
                Problem(
                    file,
                    1,
                    column,
                    "missing column; the header must be alias,source_id[,name]",
                    code="missing-column",
                )
            )
        if not missing:
            if "name" not in frame.columns:
                frame["name"] = pd.NA
            for column in ALIAS_COLUMNS:
                for row in frame.index[frame[column].isna()]:
                    problems.append(
                        Problem(
                            file,
                            int(row),
                            column,
                            "empty; every row needs a value",
                            code="required-value",
                        )
                    )
            bad = frame["source_id"].notna() & ~frame["source_id"].astype(str).str.match(IDENTIFIER)
            for row in frame.index[bad]:
                problems.append(
                    Problem(
                        file,
                        int(row),
                        "source_id",
                        f"{frame.at[row, 'source_id']!r} is not an identifier: use a-z, 0-9 and _ . -",
                        code="bad-identifier",
                    )
                )
            keys = alias_key(frame["alias"])
            clash = keys.duplicated(keep=False) & frame.groupby(keys)["source_id"].transform(
                "nunique"
            ).gt(1)
            for row in frame.index[clash]:
                problems.append(
                    Problem(
                        file,
                        int(row),
                        "alias",
                        f"{frame.at[row, 'alias']!r} is given two different source_ids",
                        code="duplicate-id",
                    )
                )
    if problems:
        raise DatasetError(str(path), problems)
    return pd.DataFrame(
        {
            "alias_key": alias_key(frame["alias"]),
            "source_id": frame["source_id"],
            "name": frame["name"],
        }
    ).drop_duplicates("alias_key")


def apply_aliases(
    tables: ContractTables, aliases: pd.DataFrame, report: ImportReport
) -> ContractTables:
    """Re-point claims of aliased sources to their ``source_id`` and keep one row per source."""
    sources = tables.sources
    by_key = aliases.set_index("alias_key")
    target = alias_key(sources["name"]).map(by_key["source_id"])
    target = target.fillna(alias_key(sources["source_id"]).map(by_key["source_id"]))
    moved = target.notna() & target.ne(sources["source_id"])
    if not moved.any():
        return tables
    renamed = dict(zip(sources.loc[moved, "source_id"], target[moved], strict=True))
    claims = tables.claims.copy()
    claim_counts = claims["source_id"].value_counts()
    claims["source_id"] = claims["source_id"].replace(renamed)
    for old, new in sorted(renamed.items()):
        spelling = sources.loc[sources["source_id"].eq(old), "name"].iloc[0]
        report.merged.append((str(spelling), new, int(claim_counts.get(old, 0))))

    kept = sources[~moved]
    arriving = sources[moved].assign(source_id=target[moved])
    arriving = arriving[~arriving["source_id"].isin(kept["source_id"])]
    arriving = arriving.sort_values(["source_id", "name"]).drop_duplicates("source_id")
    display = (
        aliases.dropna(subset=["name"]).drop_duplicates("source_id").set_index("source_id")["name"]
    )
    arriving["name"] = arriving["source_id"].map(display).fillna(arriving["name"])
    merged_sources = pd.concat([kept, arriving], ignore_index=True)
    return ContractTables(
        sources=merged_sources,
        documents=tables.documents,
        assertions=tables.assertions,
        claims=claims,
        places=tables.places,
        manifest=tables.manifest,
    )
