"""What changed between two analyses of a series: the comparison a desk briefing opens with.

An analysis is reduced to a few small tables (:func:`snapshot_tables`), which a
briefing keeps beside itself; the next briefing of the same job and key compares
its own tables with them (:func:`compare`), never by re-running old code.
Everything is a merge on identifiers, so it costs what the tables cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compute.quantities import REVISION_COLUMNS

SNAPSHOT_COLUMNS = {
    "claims": ["claim_id", "source_id", "assertion_id"],
    "assertions": ["assertion_id", "statement", "status"],
    "positions": ["source_id", "assertion_id", "claim_id", "stance", "hedged"],
    "shifts": ["source_id", "assertion_id", "from_claim", "to_claim"],
    "conflicts": ["source_id", "assertion_id", "claim_a", "claim_b"],
}


# Kept beside the five above since figures and questions exist (issue 24); a briefing
# built before keeps none of them, and its figures are then not compared.
FIGURE_SNAPSHOT_COLUMNS = {
    "figures": ["assertion_id", "source_id", "claim_id", "value", "low", "high", "hedged", "day"],
    "revisions": list(REVISION_COLUMNS),
    "questions": ["question_id", "text", "status", "answer"],
}
NUMBERS = ("value", "low", "high", "from_value", "from_low", "from_high", "to_value", "to_low",
           "to_high")  # fmt: skip
FLAGS = ("hedged",)


@dataclass(frozen=True)
class Changes:
    """Differences from an earlier analysis; ``first`` when there was none to compare with.

    ``status_moves``: assertion_id, statement, before, after. ``withdrawn``: positions
    held before and no longer (source_id, assertion_id, stance, hedged).
    ``revised``: positions whose stance or hedging changed (source_id, assertion_id,
    before_stance, before_hedged, stance, hedged). ``new_shifts``, ``new_conflicts``:
    rows of the current tables that were not there before.

    When both analyses kept figures and questions (``figures_compared``):
    ``new_revisions``, revisions and corrections not there before (REVISION_COLUMNS);
    ``new_figures`` and ``withdrawn_figures``, a source's current figure on a quantity
    that it had not given before or no longer gives (the figures snapshot's columns);
    ``updated_totals``, how many running totals moved to a later day; ``question_moves``:
    question_id, text, before, after, answer.
    """

    first: bool
    new_claims: int = 0
    new_sources: tuple[str, ...] = ()
    status_moves: pd.DataFrame | None = None
    withdrawn: pd.DataFrame | None = None
    revised: pd.DataFrame | None = None
    new_shifts: pd.DataFrame | None = None
    new_conflicts: pd.DataFrame | None = None
    figures_compared: bool = False
    new_revisions: pd.DataFrame | None = None
    new_figures: pd.DataFrame | None = None
    withdrawn_figures: pd.DataFrame | None = None
    updated_totals: int = 0
    question_moves: pd.DataFrame | None = None

    @property
    def nothing(self) -> bool:
        """True when the analysis is the same as before (and there was a before)."""
        frames = (
            self.status_moves,
            self.withdrawn,
            self.revised,
            self.new_shifts,
            self.new_conflicts,
            self.new_revisions,
            self.new_figures,
            self.withdrawn_figures,
            self.question_moves,
        )
        return (
            not self.first
            and self.new_claims == 0
            and self.updated_totals == 0
            and not self.new_sources
            and all(f is None or f.empty for f in frames)
        )


def snapshot_tables(result) -> dict[str, pd.DataFrame]:
    """The tables of an :class:`~analysis.compute.results.Analysis` a later comparison needs,
    identifiers as plain text."""
    assertions = result.assertions
    if result.quantities is not None:  # a quantity's moves are its figures' (figure_tables)
        quantity = (
            assertions["assertion_id"]
            .astype(str)
            .isin(result.quantities["assertion_id"].astype(str))
        )
        assertions = assertions[~quantity.to_numpy()]
    frames = {
        "claims": result.timeline,
        "assertions": assertions,
        "positions": result.positions,
        "shifts": result.shifts,
        "conflicts": result.conflicts,
    }
    out = {}
    for name, columns in SNAPSHOT_COLUMNS.items():  # a loop over five tables
        frame = frames[name][columns].reset_index(drop=True)
        out[name] = frame.astype({c: str for c in columns if c != "hedged"})
    return out | figure_tables(result)


def figure_tables(result) -> dict[str, pd.DataFrame]:
    """The figures, revisions and questions a later comparison needs: small (a row per
    source and quantity, per revision, per question), empty for a dataset without them,
    identifiers and days as plain text."""
    empty = pd.DataFrame(columns=["assertion_id"])
    frames = {
        "figures": result.figures if result.figures is not None else empty,
        "revisions": result.revisions if result.revisions is not None else empty,
        "questions": result.questions if result.questions is not None else empty,
    }
    out = {}
    for name, columns in FIGURE_SNAPSHOT_COLUMNS.items():  # a loop over three tables
        frame = frames[name].reindex(columns=columns).reset_index(drop=True)
        out[name] = pd.DataFrame(
            {
                c: frame[c].astype(float)
                if c in NUMBERS
                else frame[c].astype(bool)
                if c in FLAGS
                else _text(frame[c])
                for c in columns  # ids as text, days as YYYY-MM-DD, blanks as ""
            }
        )
    return out


def _text(column: pd.Series) -> np.ndarray:
    """A column as plain text: dates as YYYY-MM-DD, missing values as ""."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    return column.astype(object).where(column.notna(), "").astype(str).to_numpy(dtype=object)


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
        **_figure_changes(current, previous),
    )


def _figure_changes(current: dict, previous: dict) -> dict:
    """The fields of :class:`Changes` on figures and questions; none when either
    analysis kept no figure tables (a briefing built before they existed)."""
    if any(
        name not in tables for tables in (current, previous) for name in FIGURE_SNAPSHOT_COLUMNS
    ):
        return {}
    keys = ["assertion_id", "source_id"]
    revisions = current["revisions"]
    seen = previous["revisions"][["from_claim", "to_claim"]]
    new_revisions = revisions.merge(seen, how="left", indicator=True)
    new_revisions = new_revisions[new_revisions["_merge"] == "left_only"]
    figures = current["figures"].merge(
        previous["figures"], on=keys, how="outer", suffixes=("", "_before"), indicator=True
    )
    columns = FIGURE_SNAPSHOT_COLUMNS["figures"]
    before = {f"{c}_before": c for c in columns if c not in keys}
    new_figures = figures.loc[figures["_merge"] == "left_only", columns]
    withdrawn = figures.loc[figures["_merge"] == "right_only", [*keys, *before]].rename(
        columns=before
    )
    both = figures[figures["_merge"] == "both"]
    moved_on = (both["day"] != "") & (both["day"] != both["day_before"])
    questions = current["questions"].merge(
        previous["questions"][["question_id", "status"]],
        on="question_id",
        suffixes=("", "_before"),
    )
    moved = questions["status"] != questions["status_before"]
    question_moves = questions.loc[moved, ["question_id", "text", "status_before", "status",
                                           "answer"]]  # fmt: skip
    return {
        "figures_compared": True,
        "new_revisions": new_revisions[list(REVISION_COLUMNS)].reset_index(drop=True),
        "new_figures": new_figures.reset_index(drop=True),
        "withdrawn_figures": withdrawn.reset_index(drop=True),
        "updated_totals": int(moved_on.sum()),
        "question_moves": question_moves.rename(
            columns={"status_before": "before", "status": "after"}
        ).reset_index(drop=True),
    }


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
    facts = {
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
    return facts | figure_facts(changes, limit)


def figure_facts(changes: Changes, limit: int = 40) -> dict:
    """The changes of figures and questions for ``manifest.json``: the first ``limit``
    revisions ("General Staff revised tanks from 3,120 to 3,098 on ...") and question
    moves, and counts. Nothing when there was none to compare or nothing of the kind, so
    the facts of a briefing without figures or questions read as before."""
    if not changes.figures_compared:
        return {}
    facts: dict = {}
    revisions = changes.new_revisions
    if len(revisions) or len(changes.new_figures) or len(changes.withdrawn_figures):
        shown = revisions.head(limit)
        facts |= {
            "figures_revised": [
                {
                    "assertion_id": r.assertion_id,
                    "source_id": r.source_id,
                    "from": _figure(r.from_value, r.from_low, r.from_high),
                    "to": _figure(r.to_value, r.to_low, r.to_high),
                    "at": r.at,
                    "day": r.day or None,
                }
                for r in shown.itertuples(index=False)  # at most ``limit``
            ],
            "figures_revised_total": len(revisions),
            "figures_new": len(changes.new_figures),
            "figures_withdrawn": len(changes.withdrawn_figures),
        }
    if changes.updated_totals:
        facts["totals_updated"] = changes.updated_totals
    if len(changes.question_moves):
        moves = changes.question_moves.head(limit)
        facts["question_moves"] = [
            {"question_id": m.question_id, "before": m.before, "after": m.after,
             "answer": m.answer or None}
            for m in moves.itertuples(index=False)
        ]  # fmt: skip
    return facts


def _figure(value: float, low: float, high: float) -> dict:
    """A figure as JSON: its value, low and high, null where blank."""
    return {
        name: None if pd.isna(number) else float(number)
        for name, number in (("value", value), ("low", low), ("high", high))
    }
