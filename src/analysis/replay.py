"""Status over time: each assertion's status as the reporting stood on each day (contract §4).

The as-of rule replayed: on day D the known claims are those whose stated
interval had ended and whose document was out by D, and the status follows
from the positions and evidence lines they give. Only the days on which
something new became known about an assertion can change its status, so the
replay visits those days (a loop over days, each step vectorized) and only for
the assertions worth showing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import agreement, chronology
from .results import Analysis

MAX_DAYS = 200  # days replayed at most; beyond, evenly spread change days are kept


def status_over_time(result: Analysis, max_assertions: int = 12) -> tuple[pd.DataFrame, int]:
    """Per shown assertion, its status from each change day on.

    Returns a frame with ``assertion_id``, ``day`` (the status holds from this
    day), ``status``, newest change first, and the number of assertions with
    claims left out. The rows shown are, a third each, those whose status changed
    most often, most recently, and that drew the most claims.
    """
    data = result.dataset
    known = chronology.known_claims(data, result.as_of, result.topic)
    if known.empty:
        return pd.DataFrame(columns=["assertion_id", "day", "status"]), 0
    known = known.assign(known_on=np.maximum(known["stated_end"], known["published_day"]))
    activity = known.groupby("assertion_id", observed=True).agg(
        days=("known_on", "nunique"), latest=("known_on", "max")
    )
    # candidates: the assertions learnt about on most days, then most recently
    candidates = activity.sort_values(["days", "latest"], ascending=False).head(4 * max_assertions)
    known = known[known["assertion_id"].isin(candidates.index)]
    assertions = data.assertions[data.assertions["assertion_id"].isin(candidates.index)]
    days = np.sort(known["known_on"].unique())
    if len(days) > MAX_DAYS:
        days = days[np.linspace(0, len(days) - 1, MAX_DAYS).round().astype(int)]
    steps = []
    for day in days:  # a loop over change days, not claims
        seen = known[known["known_on"] <= day]
        held = agreement.positions(seen)
        lines = agreement.evidence_lines(seen, data, held)
        status = agreement.assertion_status(assertions, seen, held, lines)
        steps.append(status[["assertion_id", "status"]].assign(day=day))
    history = pd.concat(steps, ignore_index=True)
    history["assertion_id"] = history["assertion_id"].astype(str)
    history = history.sort_values(["assertion_id", "day"], kind="stable")
    changed = history["status"].ne(history.groupby("assertion_id")["status"].shift())
    history = history[changed]
    ranking = history.groupby("assertion_id").agg(changes=("day", "size"), latest=("day", "max"))
    ranking = ranking[history.groupby("assertion_id")["status"].last().ne("unaddressed")]
    ranking["claims"] = known.groupby("assertion_id", observed=True).size().reindex(ranking.index)
    # a third of the rows each: the most changes, the latest change, the most claims
    picks = [
        ranking.sort_values([key, "latest"], ascending=False).index
        for key in ("changes", "latest", "claims")
    ]
    chosen = list(dict.fromkeys(a for trio in zip(*picks, strict=True) for a in trio))
    shown = ranking.loc[chosen[:max_assertions]].sort_values("latest", ascending=False)
    order = {a: i for i, a in enumerate(shown.index)}
    history = history[history["assertion_id"].isin(order)]
    history = history.assign(rank=history["assertion_id"].map(order))
    history = history.sort_values(["rank", "day"]).drop(columns="rank").reset_index(drop=True)
    left_out = int(activity.shape[0] - len(shown))
    return history[["assertion_id", "day", "status"]], left_out
