"""Status over time: each assertion's status as the reporting stood on each day (contract §4).

The as-of rule replayed: on day D the known claims are those whose stated
interval had ended and whose document was out by D, and the status follows
from the positions and evidence lines they give, with the refutations that a
support of one alternative of a question implies for the others (computed by
:func:`analysis.compute.questions.implied_refutations`, as the analysis does),
so the last day replayed gives the status table's statuses. Only the days on
which something new became known about an assertion, or about another
alternative of its question, can change its status, so the replay visits those
days (a loop over days, each step vectorized) and only for the assertions worth
showing.

Which assertions are worth showing (a figure has room for a few dozen bands):

1. up to half the rows go to those whose status changed in the newest period
   (the last tenth of the time from the first report to the last change, at
   least a week), most changes there first, then most claims: where the
   reporting stands now is never crowded out by older, busier stories;
2. the other rows are dealt in turn from four rankings, so that no single
   measure fills the figure: the most changes of status; the earliest changes
   (how the story began); the most claims; the latest changes;
3. assertions whose status never changed after they were first reported
   come last.

A change is a status different from the day before, first reports included,
except on the opening day, when everything reported is the starting state.
No name is special: the rule only sees days, statuses and counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compute import agreement, chronology, questions
from analysis.compute.results import Analysis

MAX_DAYS = 200  # days replayed at most; beyond, evenly spread change days are kept
NEWEST_SHARE = 0.1  # the newest period: this share of the reported time span ...
NEWEST_AT_LEAST = pd.Timedelta(days=7)  # ... and never less than a week
RANKINGS = ("changes", "first_change", "claims", "latest")  # dealt in turn, in this order


@dataclass(frozen=True)
class StatusHistory:
    """The replayed history of the shown assertions and what the choice left out.

    ``history``: ``assertion_id``, ``day`` (the status holds from this day),
    ``status``; one row per change, assertions newest change first.
    ``newest_since``: first day of the newest period (None with nothing known);
    ``newest``: how many shown assertions changed in it. ``total``: assertions
    with claims; ``one_day_left_out``: of those not shown, how many had everything
    known about them on one day (so their status never moved).
    """

    history: pd.DataFrame
    total: int
    newest_since: pd.Timestamp | None = None
    newest: int = 0
    one_day_left_out: int = 0

    @property
    def shown(self) -> list[str]:
        """The shown assertion ids, in the figure's order (newest change first)."""
        return list(dict.fromkeys(self.history["assertion_id"]))

    @property
    def left_out(self) -> int:
        return self.total - len(self.shown)


def replay(result: Analysis, max_assertions: int = 30) -> StatusHistory:
    """The status history of the ``max_assertions`` assertions the module's rule picks."""
    data = result.dataset
    known = chronology.known_claims(data, result.as_of, result.topic)
    if result.quantities is not None:  # a status means nothing for a count: no band
        quantity = (
            known["assertion_id"].astype(str).isin(result.quantities["assertion_id"].astype(str))
        )
        known = known[~quantity.to_numpy()]
    if known.empty:
        return StatusHistory(pd.DataFrame(columns=["assertion_id", "day", "status"]), 0)
    known = known.assign(
        known_on=np.maximum(known["stated_end"], known["published_day"]),
        key=known["assertion_id"].astype(str),  # the categorical stays for agreement.*
    )
    opening = known["known_on"].min()
    candidates = _candidates(known, opening, max_assertions)
    days_learnt = known.groupby("key")["known_on"].nunique()
    total = len(days_learnt)
    answering = known[known["key"].isin(_with_alternatives(data, candidates))]
    known = known[known["key"].isin(candidates)]
    history = _replayed(result, answering, candidates)
    ranking = _ranking(history, known, opening)
    if ranking.empty:  # only neutral claims: no assertion was ever reported on
        one_day = int((days_learnt == 1).sum())
        return StatusHistory(
            history.iloc[:0][["assertion_id", "day", "status"]], total, None, 0, one_day
        )
    last_change = ranking["latest"].max()
    newest_since = last_change - max((last_change - opening) * NEWEST_SHARE, NEWEST_AT_LEAST)
    newest_since = newest_since.normalize()  # a whole day, as the figure and the note say it
    newest_changes = history[(history["day"] > opening) & (history["day"] >= newest_since)]
    ranking["newest_changes"] = (
        newest_changes.groupby("assertion_id").size().reindex(ranking.index, fill_value=0)
    )
    chosen, newest = _choose(ranking, max_assertions)
    shown = ranking.loc[chosen].sort_values("latest", ascending=False, kind="stable")
    order = {a: i for i, a in enumerate(shown.index)}
    history = history[history["assertion_id"].isin(order)]
    history = history.assign(rank=history["assertion_id"].map(order))
    history = history.sort_values(["rank", "day"]).drop(columns="rank").reset_index(drop=True)
    one_day = int(((days_learnt == 1) & ~days_learnt.index.isin(order)).sum())
    return StatusHistory(
        history[["assertion_id", "day", "status"]],
        total,
        newest_since,
        newest,
        one_day,
    )


def status_over_time(result: Analysis, max_assertions: int = 12) -> tuple[pd.DataFrame, int]:
    """(history, how many assertions with claims are left out): :func:`replay` as a pair."""
    replayed = replay(result, max_assertions)
    return replayed.history, replayed.left_out


def _candidates(known: pd.DataFrame, opening: pd.Timestamp, max_assertions: int) -> list[str]:
    """Assertions worth replaying (replaying all of 100,000 would be slow): the leaders of
    each ranking the choice uses, measured on claims instead of statuses."""
    later = known[known["known_on"] > opening]
    activity = pd.DataFrame(
        {
            "days": later.groupby("key")["known_on"].nunique(),
            "first": later.groupby("key")["known_on"].min(),
            "latest": known.groupby("key")["known_on"].max(),
            "claims": known.groupby("key").size(),
        }
    )
    activity = activity.fillna({"days": 0}).sort_index()
    keep = 2 * max_assertions
    leaders = [
        activity.sort_values(["latest", "days"], ascending=False, kind="stable").index[:keep],
        activity.sort_values("days", ascending=False, kind="stable").index[:keep],
        activity.dropna(subset=["first"]).sort_values("first", kind="stable").index[:keep],
        activity.sort_values("claims", ascending=False, kind="stable").index[:keep],
    ]
    return list(dict.fromkeys(a for index in leaders for a in index))


def _with_alternatives(data, candidates: list[str]) -> pd.Index:
    """The ``candidates`` and every other alternative of their questions: a support of
    one alternative refutes the others, so their claims bear on the candidates' status."""
    asked = data.assertions[["assertion_id", "question_id"]]
    chosen = asked["assertion_id"].isin(candidates)
    theirs = asked["question_id"].notna() & asked["question_id"].isin(
        asked.loc[chosen, "question_id"]
    )
    return pd.Index(asked.loc[chosen | theirs, "assertion_id"].astype(str))


AGREEMENT_COLUMNS = (
    "claim_id",
    "claim_row",
    "claim_rank",
    "source_id",
    "assertion_id",
    "stance",
    "hedged",
    "stated_start",
    "stated_end",
)


def _replayed(result: Analysis, known: pd.DataFrame, candidates: list[str]) -> pd.DataFrame:
    """Each candidate's status from each day it changed (rows where it did not are dropped).
    ``known``: the claims on the candidates and on the other alternatives of their questions."""
    data = result.dataset
    question_of = questions.question_codes(data) if questions.has_questions(data) else None
    assertions = data.assertions[data.assertions["assertion_id"].astype(str).isin(candidates)]
    days = np.sort(known["known_on"].unique())
    if len(days) > MAX_DAYS:
        days = days[np.linspace(0, len(days) - 1, MAX_DAYS).round().astype(int)]
    # only what the agreement functions read, in the order claims became known: each
    # day's claims are then a first slice, not a filtered copy of every column
    known = known[list(AGREEMENT_COLUMNS)].assign(known_on=known["known_on"])
    known = known.sort_values("known_on", kind="stable").reset_index(drop=True)
    ends = np.searchsorted(known["known_on"].to_numpy(), days, side="right")
    steps = []
    for day, end in zip(days, ends, strict=True):  # a loop over change days, not claims
        seen = known.iloc[:end]
        implied = None if question_of is None else questions.implied_refutations(seen, question_of)
        held = agreement.positions(seen, implied)
        lines = agreement.evidence_lines(seen, data, held)
        status = agreement.assertion_status(assertions, seen, held, lines)
        steps.append(status[["assertion_id", "status"]].assign(day=day))
    history = pd.concat(steps, ignore_index=True)
    history["assertion_id"] = history["assertion_id"].astype(str)
    history = history.sort_values(["assertion_id", "day"], kind="stable")
    changed = history["status"].ne(history.groupby("assertion_id")["status"].shift())
    return history[changed]


def _ranking(history: pd.DataFrame, known: pd.DataFrame, opening: pd.Timestamp) -> pd.DataFrame:
    """Per replayed assertion that was reported: its changes, first and latest change, claims."""
    reported = history.groupby("assertion_id")["status"].last().ne("unaddressed")
    changes = history[history["day"] > opening].groupby("assertion_id")["day"]
    ranking = pd.DataFrame(
        {
            "changes": changes.size(),
            "first_change": changes.min(),
            "latest": history.groupby("assertion_id")["day"].max(),
            "claims": known.groupby("key").size(),
        }
    )
    ranking = ranking[reported.reindex(ranking.index, fill_value=False)]
    return ranking.fillna({"changes": 0}).astype({"changes": int}).sort_index()


def _choose(ranking: pd.DataFrame, max_assertions: int) -> tuple[list[str], int]:
    """The assertions to show by the module's rule, and how many came from the newest period."""
    by = {  # each ranking: its sort keys and directions; ties by assertion_id (the index)
        "newest": (["newest_changes", "claims", "latest"], [False, False, False]),
        "changes": (["changes", "claims", "latest"], [False, False, False]),
        "first_change": (["first_change", "changes"], [True, False]),
        "claims": (["claims", "changes"], [False, False]),
        "latest": (["latest", "changes"], [False, False]),
    }

    def ranked(frame: pd.DataFrame, name: str) -> list[str]:
        keys, ascending = by[name]
        return frame.sort_values(keys, ascending=ascending, kind="stable").index.tolist()

    in_newest = ranking[ranking["newest_changes"] > 0]
    chosen = ranked(in_newest, "newest")[: max(max_assertions // 2, 1)]
    newest = len(chosen)
    changed = ranking[ranking["changes"] > 0]
    queues = [iter(ranked(changed, name)) for name in RANKINGS]
    taken = set(chosen)
    while len(chosen) < max_assertions and queues:
        for queue in list(queues):  # deal one from each ranking in turn
            pick = next((a for a in queue if a not in taken), None)
            if pick is None:
                queues.remove(queue)
                continue
            chosen.append(pick)
            taken.add(pick)
            if len(chosen) == max_assertions:
                break
    rest = ranked(ranking[ranking["changes"] == 0], "claims")
    chosen += [a for a in rest if a not in taken][: max_assertions - len(chosen)]
    return chosen, newest
