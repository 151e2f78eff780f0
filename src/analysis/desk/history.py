"""Run history: one row per briefing a run handled, in ``reports/.desk/history.sqlite``.

The desk reads it to decide (the last scheduled time handled, the last good
build's fingerprint) and ``briefing jobs`` shows it. SQLite (stdlib ``sqlite3``)
because several runs may write at once: each row is one short transaction, and
a writer waits up to ``TIMEOUT`` for another to finish. Times are stored as UTC
ISO text, so they sort and compare as text.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import BriefingError
from .fingerprint import Fingerprint

HISTORY_FILE = Path(".desk") / "history.sqlite"
RESULTS = ("built", "skipped", "failed")
TIMEOUT = 30.0  # seconds a writer waits for another run's transaction
SCHEMA_VERSION = 1
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    job         TEXT NOT NULL,
    key         TEXT NOT NULL,
    scheduled   TEXT NOT NULL,
    started     TEXT NOT NULL,
    finished    TEXT NOT NULL,
    result      TEXT NOT NULL CHECK (result IN {RESULTS!r}),
    fingerprint TEXT,
    duration_s  REAL,
    folder      TEXT,
    error       TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_briefing ON runs (job, key, result, scheduled);
{{notices}}
PRAGMA user_version = {SCHEMA_VERSION};
"""
# Mail notices, sent or not; created on first use too (a history older than notices).
_NOTICES = """
CREATE TABLE IF NOT EXISTS notices (
    id          INTEGER PRIMARY KEY,
    job         TEXT NOT NULL,
    key         TEXT NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    recipients  TEXT NOT NULL,
    sent        INTEGER NOT NULL,
    error       TEXT
);
"""
_SCHEMA = _SCHEMA.replace("{notices}", _NOTICES)
_COLUMNS = "job, key, scheduled, started, finished, result, fingerprint, duration_s, folder, error"


@dataclass(frozen=True)
class Run:
    """What happened to one briefing in one run. ``scheduled`` is the scheduled time it
    was built for; ``folder`` the published folder (for a skip, the one kept);
    ``error`` the failure's message."""

    job: str
    key: str
    scheduled: dt.datetime
    started: dt.datetime
    finished: dt.datetime
    result: str
    fingerprint: Fingerprint | None = None
    duration_s: float | None = None
    folder: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"unknown result {self.result!r}")  # a bug, not a user's mistake


@dataclass(frozen=True)
class Notice:
    """One mail notice of a run: ``kind`` is ``success`` or ``failure``; ``sent`` False
    with the ``error`` when the mail could not be sent."""

    job: str
    key: str
    at: dt.datetime
    kind: str
    recipients: tuple[str, ...]
    sent: bool
    error: str | None = None


def history_path(reports: Path) -> Path:
    return Path(reports) / HISTORY_FILE


class History:
    """The run history under a reports folder. ``read_only`` never creates or changes
    anything (``briefing plan``, ``briefing jobs``): a missing file reads as empty."""

    def __init__(self, reports: Path, *, read_only: bool = False):
        self.path = history_path(reports)
        self.read_only = read_only

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection | None]:
        if self.read_only:
            if not self.path.exists():
                yield None
                return
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            connection = sqlite3.connect(uri, uri=True, timeout=TIMEOUT)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=TIMEOUT)
        with closing(connection):
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise BriefingError(
                    f"{self.path} was written by a newer version of the desk "
                    f"(schema {version}); upgrade claim-briefings to read it"
                )
            if version < SCHEMA_VERSION:
                if self.read_only:  # created but no run recorded yet
                    yield None
                    return
                connection.executescript(_SCHEMA)
            yield connection

    def record(self, run: Run) -> None:
        """Add one run's result (one transaction)."""
        if self.read_only:
            raise ValueError("a read-only history records nothing")  # a bug in the caller
        row = (
            run.job,
            run.key,
            _text(run.scheduled),
            _text(run.started),
            _text(run.finished),
            run.result,
            run.fingerprint.to_json() if run.fingerprint else None,
            run.duration_s,
            run.folder,
            run.error,
        )
        with self._connect() as connection, connection:
            connection.execute(f"INSERT INTO runs ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", row)

    def record_notice(self, notice: Notice) -> None:
        """Add one mail notice's fate (one transaction): a mail that could not be sent is
        kept here, where ``briefing jobs`` readers and the desk's keeper look."""
        if self.read_only:
            raise ValueError("a read-only history records nothing")  # a bug in the caller
        row = (
            notice.job,
            notice.key,
            _text(notice.at),
            notice.kind,
            ", ".join(notice.recipients),
            int(notice.sent),
            notice.error,
        )
        with self._connect() as connection, connection:
            connection.executescript(_NOTICES)
            connection.execute(
                "INSERT INTO notices (job, key, at, kind, recipients, sent, error)"
                " VALUES (?,?,?,?,?,?,?)",
                row,
            )

    def notices(self) -> list[Notice]:
        """Every notice recorded, oldest first."""
        sql = "SELECT job, key, at, kind, recipients, sent, error FROM notices ORDER BY id"
        with self._connect() as connection:
            if connection is None:
                return []
            try:
                rows = connection.execute(sql).fetchall()
            except sqlite3.OperationalError:  # a history from before notices
                return []
        return [
            Notice(job, key, _time(at), kind, tuple(to.split(", ")), bool(sent), error)
            for job, key, at, kind, to, sent, error in rows
        ]

    def last_scheduled(self, job: str, key: str) -> dt.datetime | None:
        """The latest scheduled time a run handled for this briefing, whatever its result:
        a failure waits for the next scheduled time (or a run by hand), not the next minute."""
        found = self._one("SELECT MAX(scheduled) FROM runs WHERE job = ? AND key = ?", job, key)
        return _time(found[0]) if found and found[0] else None

    def last_built(self, job: str, key: str) -> Run | None:
        """The latest good build of this briefing: the one a new build is compared with."""
        return self._last("job = ? AND key = ? AND result = 'built'", job, key)

    def last_run(self, job: str, key: str) -> Run | None:
        """The latest run of this briefing, whatever its result."""
        return self._last("job = ? AND key = ?", job, key)

    def runs(self, job: str | None = None, key: str | None = None) -> list[Run]:
        """Every run recorded (of one job, or one briefing), oldest first."""
        where = " AND ".join(w for w, v in (("job = ?", job), ("key = ?", key)) if v is not None)
        values = [v for v in (job, key) if v is not None]
        sql = f"SELECT {_COLUMNS} FROM runs {'WHERE ' + where if where else ''} ORDER BY id"
        with self._connect() as connection:
            rows = connection.execute(sql, values).fetchall() if connection else []
        return [_run(row) for row in rows]

    def _last(self, where: str, *values: str) -> Run | None:
        sql = f"SELECT {_COLUMNS} FROM runs WHERE {where} ORDER BY id DESC LIMIT 1"
        row = self._one(sql, *values)
        return _run(row) if row else None

    def _one(self, sql: str, *values: str) -> tuple | None:
        with self._connect() as connection:
            return connection.execute(sql, values).fetchone() if connection else None


def _text(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history times must be time-zone aware")  # a bug
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _run(row: tuple) -> Run:
    job, key, scheduled, started, finished, result, fingerprint, duration, folder, error = row
    return Run(
        job=job,
        key=key,
        scheduled=_time(scheduled),
        started=_time(started),
        finished=_time(finished),
        result=result,
        fingerprint=Fingerprint.from_json(fingerprint) if fingerprint else None,
        duration_s=duration,
        folder=folder,
        error=error,
    )
