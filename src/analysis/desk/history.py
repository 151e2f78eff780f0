"""Run history: one row per briefing a run handled, in ``reports/.desk/history.sqlite``.

The desk reads it to decide (the last scheduled time handled, the last good
build's fingerprint) and ``briefing jobs`` shows it. SQLite (stdlib ``sqlite3``)
because several runs may write at once: each row is one short transaction, and
a writer waits up to ``TIMEOUT`` for another to finish. Times are stored as UTC
ISO text, so they sort and compare as text.

A history that cannot be used (damaged, truncated, another program's database, a
folder or a link in its place, read-only, locked for longer than ``TIMEOUT``) is a
BriefingError naming the file and the way out; the desk never rewrites or removes
it to carry on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis.build import ReportsLayout
from analysis.desk.fingerprint import Fingerprint
from analysis.errors import BriefingError

RESULTS = ("built", "skipped", "failed")
TIMEOUT = 30.0  # seconds a writer waits for another run's transaction
SCHEMA_VERSION = 1
_SCHEMA = f"""
BEGIN;
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
COMMIT;
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


MOVE_AWAY = "move it away (e.g. add .old to its name); the next run starts a new history"
_TABLES = {
    "runs": set(_COLUMNS.split(", ")),
    "notices": {"job", "key", "at", "kind", "recipients", "sent", "error"},
}


def history_path(reports: Path) -> Path:
    return ReportsLayout(Path(reports)).history


class History:
    """The run history under a reports folder. ``read_only`` never creates or changes
    anything (``briefing plan``, ``briefing jobs``): a missing file reads as empty.
    ``timeout``: seconds to wait for another process's transaction."""

    def __init__(self, reports: Path, *, read_only: bool = False, timeout: float | None = None):
        self.path = history_path(reports)
        self.read_only = read_only
        self.timeout = TIMEOUT if timeout is None else timeout

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection | None]:
        """A connection to a checked history (None: nothing recorded yet, read-only);
        every SQLite error, here or in the caller's block, becomes one BriefingError."""
        if not self._usable_path():
            yield None
            return
        try:
            connection = self._open()
            with closing(connection):
                if not self._checked(connection):
                    yield None
                    return
                yield connection
        except sqlite3.Error as exc:
            raise BriefingError(self._trouble(exc)) from None
        except (
            UnicodeDecodeError
        ) as exc:  # damaged text: SQLite hands back bytes Python cannot read
            raise BriefingError(
                self._trouble(sqlite3.DatabaseError(f"text unreadable: {exc.reason}"))
            ) from None

    def _usable_path(self) -> bool:
        """Whether there is a file to open (a writer creates it); refuses what is not a
        plain file, so nothing outside the reports folder is written through a link."""
        if self.path.parent.is_symlink():
            raise BriefingError(
                f"the desk's folder {self.path.parent} is a link; the desk keeps its history "
                "and locks inside the reports folder: move the link away"
            )
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            kind = "a link" if self.path.is_symlink() else "not a file"
            raise BriefingError(f"the desk's history {self.path} is {kind}; {MOVE_AWAY}")
        if self.read_only:
            return self.path.exists()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BriefingError(
                f"cannot make the desk's folder {self.path.parent}: {exc.strerror or exc}; "
                "the reports folder (--out) must be a folder the desk's user can write in"
            ) from None
        return True

    def _open(self) -> sqlite3.Connection:
        if self.read_only:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, timeout=self.timeout)
        return sqlite3.connect(self.path, timeout=self.timeout)

    def _checked(self, connection: sqlite3.Connection) -> bool:
        """Check the schema (and create it in a new file); False when a read-only
        history has no runs table yet."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise BriefingError(
                f"{self.path} was written by a newer version of the desk "
                f"(schema {version}); upgrade claim-briefings to read it"
            )
        tables = {
            name: {
                c for (c,) in connection.execute("SELECT name FROM pragma_table_info(?)", (name,))
            }
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        foreign = sorted(set(tables) - set(_TABLES) - {"sqlite_sequence"})
        lacking = [name for name, needed in _TABLES.items() if needed - tables.get(name, needed)]
        if foreign or lacking:
            what = (
                f"table {foreign[0]!r}" if foreign else f"a {lacking[0]!r} table of other columns"
            )
            raise BriefingError(f"{self.path} is not a desk history (it has {what}); {MOVE_AWAY}")
        if version < SCHEMA_VERSION or set(_TABLES) - set(tables):  # new, or from before notices
            if self.read_only:
                return "runs" in tables  # a history being created: read what is there
            connection.executescript(_SCHEMA)
        return True

    def _trouble(self, exc: sqlite3.Error) -> str:
        """One line for an SQLite error: what is wrong with the file and what to do."""
        said = str(exc)
        if "locked" in said or "busy" in said:
            return (
                f"the desk's history {self.path} is locked by another process (a desk run?) for "
                f"over {self.timeout:g} s; wait for it to end, or find it with: fuser {self.path}"
            )
        if "readonly" in said or "read-only" in said:
            return (
                f"the desk's history {self.path} cannot be written ({said}); make the file and "
                f"its folder {self.path.parent} writable for the desk's user"
            )
        if "unable to open" in said:
            return (
                f"the desk's history {self.path} cannot be opened ({said}); check the file "
                f"and its folder {self.path.parent} can be read and written by the desk's user"
            )
        return f"the desk's history {self.path} is damaged ({said}); {MOVE_AWAY}"

    def check_writable(self) -> None:
        """Refuse, before a run builds anything, a history it could not record in (a
        read-only file or folder, a lock held for longer than the timeout)."""
        for path in (self.path, self.path.parent):
            if path.exists() and not os.access(path, os.W_OK):
                raise BriefingError(self._trouble(sqlite3.OperationalError(f"{path} is read-only")))
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")  # takes the write lock, as a record would
            connection.rollback()

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
            connection.execute(
                "INSERT INTO notices (job, key, at, kind, recipients, sent, error)"
                " VALUES (?,?,?,?,?,?,?)",
                row,
            )

    def notices(self) -> list[Notice]:
        """Every notice recorded, oldest first."""
        sql = "SELECT id, job, key, at, kind, recipients, sent, error FROM notices ORDER BY id"
        with self._connect() as connection:
            has = (
                connection
                and connection.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'notices'"
                ).fetchone()
            )
            rows = connection.execute(sql).fetchall() if has else []  # none before notices
        return [self._decoded(row, "notices", _notice) for row in rows]

    def last_scheduled(self, job: str, key: str) -> dt.datetime | None:
        """The latest scheduled time a run handled for this briefing, whatever its result:
        a failure waits for the next scheduled time (or a run by hand), not the next minute."""
        sql = "SELECT id, scheduled FROM runs WHERE job = ? AND key = ? ORDER BY scheduled DESC"
        found = self._one(sql + " LIMIT 1", job, key)
        return self._decoded(found, "runs", lambda row: _time(row[0])) if found else None

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
        sql = f"SELECT id, {_COLUMNS} FROM runs {'WHERE ' + where if where else ''} ORDER BY id"
        with self._connect() as connection:
            rows = connection.execute(sql, values).fetchall() if connection else []
        return [self._decoded(row, "runs", _run) for row in rows]

    def _last(self, where: str, *values: str) -> Run | None:
        sql = f"SELECT id, {_COLUMNS} FROM runs WHERE {where} ORDER BY id DESC LIMIT 1"
        row = self._one(sql, *values)
        return self._decoded(row, "runs", _run) if row else None

    def _one(self, sql: str, *values: str) -> tuple | None:
        with self._connect() as connection:
            return connection.execute(sql, values).fetchone() if connection else None

    def _decoded(self, row: tuple, table: str, decode):
        """``decode`` of a row without its id; a row the desk did not write this way (a
        time without its zone, a result it does not know, a mangled fingerprint) is the
        history's damage, named with the row, never a traceback."""
        try:
            return decode(row[1:])
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise BriefingError(
                f"the desk's history {self.path} is damaged (row {row[0]} of {table}: "
                f"{str(exc)[:120]}); {MOVE_AWAY}"
            ) from None


def _text(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history times must be time-zone aware")  # a bug
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError(f"time {text!r} has no time zone")
    return moment


def _fingerprint(text: str) -> Fingerprint:
    """A stored fingerprint, its parts of the types the plan compares."""
    stored = json.loads(text)
    if not isinstance(stored, dict):
        raise ValueError("the fingerprint is not an object")
    for name, kind in (("parameters", dict), ("dataset", dict), ("formats", list)):
        if stored.get(name) is not None and not isinstance(stored[name], kind):
            raise ValueError(f"the fingerprint's {name} is not a {kind.__name__}")
    if not all(isinstance(f, str) for f in stored.get("formats") or ()):
        raise ValueError("the fingerprint's formats are not names")
    return Fingerprint.from_json(text)


def _run(row: tuple) -> Run:
    job, key, scheduled, started, finished, result, fingerprint, duration, folder, error = row
    return Run(
        job=_str(job),
        key=_str(key),
        scheduled=_time(scheduled),
        started=_time(started),
        finished=_time(finished),
        result=result,
        fingerprint=_fingerprint(fingerprint) if fingerprint else None,
        duration_s=float(duration) if duration is not None else None,
        folder=_str(folder) if folder is not None else None,
        error=str(error) if error is not None else None,
    )


def _notice(row: tuple) -> Notice:
    job, key, at, kind, recipients, sent, error = row
    recipients = tuple(_str(recipients).split(", "))
    return Notice(_str(job), _str(key), _time(at), _str(kind), recipients, bool(sent), error)


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value
