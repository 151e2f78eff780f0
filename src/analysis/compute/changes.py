"""What changed between two analyses of a series: the comparison a desk briefing opens with.

An analysis is reduced to a few small tables (:func:`snapshot_tables`), which a
briefing keeps beside itself; the next briefing of the same job and key compares
its own tables with them (:func:`compare`), never by re-running old code.
Everything is a merge on identifiers, so it costs what the tables cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SNAPSHOT_COLUMNS = {
    "claims": ["claim_id", "source_id", "assertion_id"],
    "assertions": ["assertion_id", "statement", "status"],
    "positions": ["source_id", "assertion_id", "claim_id", "stance", "hedged"],
    "shifts": ["source_id", "assertion_id", "from_claim", "to_claim"],
    "conflicts": ["source_id", "assertion_id", "claim_a", "claim_b"],
}


@dataclass(frozen=True)
class Changes:
    """Differences from an earlier analysis; ``first`` when there was none to compare with.

    ``status_moves``: assertion_id, statement, before, after. ``withdrawn``: positions
    held before and no longer (source_id, assertion_id, stance, hedged).
    ``revised``: positions whose stance or hedging changed (source_id, assertion_id,
    before_stance, before_hedged, stance, hedged). ``new_shifts``, ``new_conflicts``:
    rows of the current tables that were not there before.
    """

    first: bool
    new_claims: int = 0
    new_sources: tuple[str, ...] = ()
    status_moves: pd.DataFrame | None = None
    withdrawn: pd.DataFrame | None = None
    revised: pd.DataFrame | None = None
    new_shifts: pd.DataFrame | None = None
    new_conflicts: pd.DataFrame | None = None

    @property
    def nothing(self) -> bool:
        """True when the analysis is the same as before (and there was a before)."""
        frames = (
            self.status_moves,
            self.withdrawn,
            self.revised,
            self.new_shifts,
            self.new_conflicts,
        )
        return (
            not self.first
            and self.new_claims == 0
            and not self.new_sources
            and all(f is None or f.empty for f in frames)
        )


def snapshot_tables(result) -> dict[str, pd.DataFrame]:
    """The tables of an :class:`~analysis.compute.results.Analysis` a later comparison needs,
    identifiers as plain text."""
    frames = {
        "claims": result.timeline,
        "assertions": result.assertions,
        "positions": result.positions,
        "shifts": result.shifts,
        "conflicts": result.conflicts,
    }
    out = {}
    for name, columns in SNAPSHOT_COLUMNS.items():  # a loop over five tables
        frame = frames[name][columns].reset_index(drop=True)
        out[name] = frame.astype({c: str for c in columns if c != "hedged"})
    return out


def compare(current: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame] | None) -> Changes:
    """What changed from ``previous`` to ``current`` (both from :func:`snapshot_tables`)."""
    if previous is None:
        return Changes(first=True)
    claims, before_claims = current["claims"], previous["claims"]
    new_claims = ~claims["claim_id"].isin(before_claims["claim_id"])
    sources = pd.Index(claims["source_id"].unique())
    new_sources = sources.difference(pd.Index(before_claims["source_id"].unique()))

    statuses = current["assertions"].merge(
        previous["assertions"][["assertion_id", "status"]],
        on="assertion_id",
        how="left",
        suffixes=("", "_before"),
    )
    moved = statuses["status_before"].notna() & (statuses["status"] != statuses["status_before"])
    status_moves = statuses.loc[moved, ["assertion_id", "statement", "status_before", "status"]]
    status_moves = status_moves.rename(columns={"status_before": "before", "status": "after"})

    keys = ["source_id", "assertion_id"]
    held = previous["positions"].merge(
        current["positions"], on=keys, how="left", suffixes=("_before", ""), indicator=True
    )
    gone = held["_merge"] == "left_only"
    withdrawn = held.loc[gone, [*keys, "stance_before", "hedged_before"]].rename(
        columns={"stance_before": "stance", "hedged_before": "hedged"}
    )
    changed = ~gone & (
        (held["stance"] != held["stance_before"]) | (held["hedged"] != held["hedged_before"])
    )
    revised = held.loc[changed, [*keys, "stance_before", "hedged_before", "stance", "hedged"]]
    revised = revised.rename(
        columns={"stance_before": "before_stance", "hedged_before": "before_hedged"}
    )
    return Changes(
        first=False,
        new_claims=int(new_claims.sum()),
        new_sources=tuple(new_sources),
        status_moves=status_moves.reset_index(drop=True),
        withdrawn=withdrawn.reset_index(drop=True),
        revised=revised.reset_index(drop=True),
        new_shifts=_new_rows(current["shifts"], previous["shifts"]),
        new_conflicts=_new_rows(current["conflicts"], previous["conflicts"]),
    )


def _new_rows(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    both = current.merge(previous, how="left", indicator=True)
    return both.loc[both["_merge"] == "left_only", list(current.columns)].reset_index(drop=True)


def changes_facts(changes: Changes, limit: int = 40) -> dict:
    """The changes as plain JSON data for ``manifest.json``: counts, and the first
    ``limit`` status moves."""
    if changes.first:
        return {"first": True}

    def rows(frame: pd.DataFrame | None) -> int:
        return 0 if frame is None else len(frame)

    moves = changes.status_moves.head(limit)
    return {
        "first": False,
        "new_claims": changes.new_claims,
        "new_sources": list(changes.new_sources),
        "status_moves": moves[["assertion_id", "before", "after"]].to_dict("records"),
        "status_moves_total": rows(changes.status_moves),
        "positions_withdrawn": rows(changes.withdrawn),
        "positions_revised": rows(changes.revised),
        "new_shifts": rows(changes.new_shifts),
        "new_conflicts": rows(changes.new_conflicts),
    }
