"""What a run would do with each briefing, and why: build, skip or not due.

``plan_briefings`` is the one decision the desk makes; ``briefing plan`` prints
it and ``briefing run`` acts on it. Deciding reads files and the history and
changes nothing.

- With ``due``, a briefing whose schedule has no time due (see ``Schedule.due``)
  is ``not due (next ...)``. Without it, every briefing is considered for the
  latest scheduled time at or before ``now`` (what ``{scheduled_date}`` becomes).
- A briefing considered is built when it was never built (the reason says when its
  last run failed, if it did), when ``force`` is set,
  when its last good build's folder is gone, or when its fingerprint differs
  from that build's (the reason names each part that changed); otherwise it is
  skipped, ``unchanged since`` the scheduled time of that build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from analysis.desk.fingerprint import Fingerprint, Fingerprinter, changes
from analysis.desk.history import History
from analysis.desk.jobs import Job, JobBriefing

BUILD, SKIP, NOT_DUE = "build", "skip", "not due"


@dataclass(frozen=True)
class Decision:
    """What to do with one briefing. ``scheduled`` is the scheduled time a build or skip
    is for (and the one to record in the history); ``fingerprint`` is what to record
    with it. Both are None when the briefing is not due."""

    briefing: JobBriefing
    action: str
    reason: str
    scheduled: dt.datetime | None = None
    fingerprint: Fingerprint | None = None
    late: bool = False

    def __str__(self) -> str:
        caught_up = "; catching up a missed time" if self.late else ""
        return f"{self.action} ({self.reason}{caught_up})"


def plan_briefings(
    jobs: list[Job],
    now: dt.datetime,
    history: History,
    *,
    due: bool = False,
    force: bool = False,
    fingerprinter: Fingerprinter | None = None,
) -> list[Decision]:
    """One decision per briefing of ``jobs`` at the time ``now``, in the jobs file's order."""
    fingerprinter = fingerprinter or Fingerprinter()
    return [
        decide(briefing, now, history, fingerprinter, due=due, force=force)
        for job in jobs  # a loop over jobs and their grids
        for briefing in job.briefings()
    ]


def decide(
    briefing: JobBriefing,
    now: dt.datetime,
    history: History,
    fingerprinter: Fingerprinter,
    *,
    due: bool = False,
    force: bool = False,
) -> Decision:
    """The decision for one briefing; see the module's docstring for the rules."""
    job, key = briefing.job.name, briefing.key
    schedule = briefing.job.schedule
    late = False
    if due:
        slot = schedule.due(now, history.last_scheduled(job, key))
        if slot.scheduled is None:
            return Decision(briefing, NOT_DUE, f"next {schedule.show(slot.next)}")
        scheduled, late = slot.scheduled, slot.late
    else:
        scheduled = schedule.latest(now)
    fingerprint = fingerprinter.of(briefing, scheduled)

    def decision(action: str, reason: str) -> Decision:
        return Decision(briefing, action, reason, scheduled, fingerprint, late)

    last = history.last_built(job, key)
    if force:
        return decision(BUILD, "forced")
    if last is None:
        tried = history.last_run(job, key)  # never built, but perhaps tried and failed
        if tried is not None and tried.result == "failed":
            return decision(BUILD, f"new; the run for {schedule.show(tried.scheduled)} failed")
        return decision(BUILD, "new")
    reasons = (
        changes(last.fingerprint, fingerprint) if last.fingerprint else ["no fingerprint recorded"]
    )
    if last.folder and not Path(last.folder).exists():
        reasons.append(f"published folder missing: {last.folder}")
    if reasons:
        return decision(BUILD, "; ".join(reasons))
    return decision(SKIP, f"unchanged since {schedule.show(last.scheduled)}")
