"""Sources that are the same outlet: ``aliases.csv`` (alias -> source_id), applied by every importer.

An alias matches a source's name or identifier as the importer made it,
ignoring case, repeated spaces and a trailing full stop. Merges happen only
through such a table (an importer's built-in one, then the analyst's), each
is listed in the import report, and ``briefing sources DIR --similar`` finds
candidates for the analyst to confirm: nothing is ever merged on a guess.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.contract import schema
from analysis.contract.csvfile import read_table
from analysis.errors import DatasetError, Problem
from analysis.importers.neutralise import neutralised
from analysis.importers.report import ImportReport
from analysis.importers.tables import ContractTables

ALIAS_FILE = "aliases.csv"
ALIAS_COLUMNS = ("alias", "source_id")  # required; ``name`` (display name) is optional
IDENTIFIER = re.compile(schema.IDENTIFIER + r"\Z")
CYCLE_SHOWN = 10  # rows of an alias cycle named in its message


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
    aliases = pd.DataFrame(
        {
            "alias_key": alias_key(frame["alias"]),
            "source_id": frame["source_id"],
            "name": frame["name"],
            "alias": frame["alias"],
        }
    ).drop_duplicates("alias_key")
    return resolve_chains(aliases, file).drop(columns="alias")


def resolve_chains(aliases: pd.DataFrame, file: str) -> pd.DataFrame:
    """Each alias pointed at the end of its chain: with ``a,b`` and ``b,c``, ``a`` goes to
    ``c`` (a source_id that is itself an alias is followed). A cycle (``a,b`` and ``b,a``)
    has no end and is refused, naming its rows. A row whose alias is its own source_id
    (``ukrinform,ukrinform``) changes nothing and is not a cycle.

    Pointer doubling over row positions: each round follows two steps per step of the last,
    so chains of any length end in log2(rows) vectorized rounds, never a walk per row."""
    keys = aliases["alias_key"].reset_index(drop=True)
    position = pd.Series(np.arange(len(keys)), index=keys.to_numpy())
    nxt = alias_key(aliases["source_id"]).map(position).to_numpy(dtype=float)
    own = np.arange(len(keys))
    follows = ~np.isnan(nxt) & (nxt != own)
    step = np.where(follows, np.nan_to_num(nxt).astype(np.int64), own)
    end = step.copy()
    for _ in range(max(1, int(len(keys)).bit_length()) + 1):  # log2(rows) rounds
        end = end[end]
    cyclic = step[end] != end  # the chain never reached a row that points nowhere further
    if cyclic.any():
        on_cycle = int(end[np.flatnonzero(cyclic)[0]])  # followed far enough, a chain is in it
        raise DatasetError(file, [_cycle_problem(aliases, step, on_cycle, file)])
    resolved = aliases["source_id"].to_numpy(dtype=object)[end]
    return aliases.assign(source_id=resolved)


def _cycle_problem(aliases: pd.DataFrame, step: np.ndarray, start: int, file: str) -> Problem:
    """The cycle through row ``start`` (a row on it), its first CYCLE_SHOWN rows written out."""
    cycle = [start]
    while len(cycle) <= CYCLE_SHOWN and (cycle[-1] != start or len(cycle) == 1):
        cycle.append(int(step[cycle[-1]]))
    names = [repr(str(aliases["alias"].iloc[i])) for i in cycle]
    more = " -> ..." if cycle[-1] != start else ""
    return Problem(
        file,
        int(aliases.index[start]),
        "source_id",
        f"the aliases form a cycle, {' -> '.join(names)}{more}: each spelling must lead to "
        "one source_id that is not itself an alias of another; remove or correct one of these rows",
        code="alias-cycle",
    )


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
    renamed = pd.Series(target[moved].to_numpy(), index=sources.loc[moved, "source_id"])
    renamed = renamed[~renamed.index.duplicated()].sort_index()
    claims = tables.claims.copy()
    claim_counts = claims["source_id"].value_counts()
    claims["source_id"] = claims["source_id"].map(renamed).fillna(claims["source_id"])
    spelling = sources.drop_duplicates("source_id").set_index("source_id")["name"]
    report.merged.extend(
        zip(
            spelling.reindex(renamed.index).astype(str),
            renamed.astype(str),
            claim_counts.reindex(renamed.index).fillna(0).astype(int).tolist(),
            strict=True,
        )
    )

    kept = sources[~moved]
    arriving = sources[moved].assign(source_id=target[moved])
    arriving = arriving[~arriving["source_id"].isin(kept["source_id"])]
    arriving = arriving.sort_values(["source_id", "name"]).drop_duplicates("source_id")
    display = (
        aliases.dropna(subset=["name"]).drop_duplicates("source_id").set_index("source_id")["name"]
    )
    arriving["name"] = arriving["source_id"].map(display).astype(object).fillna(arriving["name"])
    merged_sources = pd.concat([kept, arriving], ignore_index=True)
    merged = dataclasses.replace(tables, sources=merged_sources, claims=claims)
    return neutralised(merged, report)  # display names from the aliases file are input too
