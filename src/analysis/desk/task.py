"""One briefing of a desk run as plain data a worker can receive, and what became of it."""

from __future__ import annotations

import datetime as dt
import signal
from dataclasses import dataclass
from pathlib import Path

from analysis.desk import stopping

INTERRUPTED = "interrupted"  # stopped by a signal: not recorded, due again


@dataclass(frozen=True)
class Outcome:
    """What a run did with one briefing, for the summary and the exit code."""

    job: str
    key: str
    result: str  # built, skipped, failed, not due, busy (another run holds it), interrupted
    detail: str
    duration_s: float = 0.0
    folder: str | None = None
    cell: int | None = None  # a failure's failing cell, when a cell raised
    kept: str | None = None  # a failure's partly executed notebook, under _failed/


@dataclass(frozen=True)
class Task:
    """One briefing to build, as plain data a worker process can receive."""

    jobs_file: Path
    job: str
    key: str
    now: dt.datetime
    due: bool
    force: bool
    reports: Path
    chromium: Path | None  # the user's choice (settings); None: Debian's
    started: dt.datetime  # when the run began: a build finished since is another run's
    timeout: float | None = None  # seconds one briefing's build may take

    def failed(self, detail: str) -> Outcome:
        return Outcome(self.job, self.key, "failed", detail)

    def interrupted(self, started: bool = True) -> Outcome:
        """Stopped by the run's stop (nothing recorded: due again)."""
        signum = stopping.stopped()
        by = f" by {signal.Signals(signum).name}" if signum else ""
        said = "stopped before it finished" if started else "not started"
        return Outcome(
            self.job, self.key, INTERRUPTED, f"{said}: the run was stopped{by}; due again"
        )
