"""When a job's briefings are due: cron times in the job's own time zone, and catch-up.

Times come from croniter over a time-zone-aware start in ``zoneinfo``, so a
daily 06:00 in Europe/Kyiv stays 06:00 local on both sides of a clock change.
Two rules settle the clock changes themselves, as classic cron does: a time
skipped by the spring change (03:30 on a night that jumps from 03:00 to 04:00)
runs at the first instant after it, and a wall-clock time the autumn change
repeats is scheduled once, at its first occurrence.

Nothing here reads a clock: every function takes ``now``, so tests use fixed
times and never sleep. Any aware time is taken, from year 1 to 9999: a time
with no scheduled time before or after it within those years (croniter's
OverflowError, ValueError or CroniterBadDateError) is a ScheduleError, one line.

A schedule gives the same times at every run: croniter's random ``R`` fields
(drawn again each time the file is read) and hashed ``H`` fields (which need an
id the jobs file has no place for) are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

from analysis.errors import BriefingError

CATCH_UP = ("latest", "none")
# With catch_up = "none", a scheduled time still counts as "now" for this long: a desk
# started by cron every 15 minutes, or a slow machine, still builds its 06:00 briefing.
GRACE = dt.timedelta(hours=1)
_PROBE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # any start, to see whether a cron ever fires
MAX_CRON = 200  # characters; "0,5,10,...,55 * * * *" is 30
# croniter's random (R) and hashed (H) fields, as its own pattern reads them (any case).
_RANDOM_FIELD = re.compile(r"[hr](?:\(\d+-\d+\))?(?:/\d+)?", re.IGNORECASE)
# Everything croniter raises for an expression or a time out of its range.
_CRONITER_ERRORS = (CroniterError, ValueError, OverflowError, KeyError, IndexError, TypeError)


class ScheduleError(BriefingError):
    """A time the schedule has no answer for, such as the next time after 9999-12-31."""


def cron_problem(expression: str) -> str | None:
    """Why ``expression`` is not a usable five-field cron expression, or None if it is."""
    if len(expression) > MAX_CRON or not expression.isascii():
        return f"cron {_cut(expression)} is not a cron expression (ASCII, at most {MAX_CRON})"
    fields = expression.split()
    if len(fields) != 5:
        return f"cron {expression!r} has {len(fields)} field(s), not 5"
    if any(_RANDOM_FIELD.fullmatch(f) for f in fields):
        return (
            f"cron {expression!r} has a random (R) or hashed (H) field, which would move "
            "at every run; write the minute and hour yourself, e.g. 17 6 for 06:17"
        )
    try:
        if not croniter.is_valid(expression):
            return f"cron {expression!r} is not a valid cron expression" + _field_at_fault(fields)
        croniter(expression, _PROBE).get_next(dt.datetime)
    except _CRONITER_ERRORS:
        return f"cron {expression!r} never happens"
    return None


# Each field's name and what it takes, in cron's order.
_FIELDS = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day of month", "1-31"),
    ("month", "1-12 or jan-dec"),
    ("weekday", "0-6 or sun-sat"),
)


def _field_at_fault(fields: list[str]) -> str:
    """ ": its hour field '25' is not valid (hour takes 0-23)", found by trying each field
    alone among stars; "" when no single field is at fault."""
    for at, (name, takes) in enumerate(_FIELDS):  # five fields
        alone = " ".join(fields[at] if i == at else "*" for i in range(len(_FIELDS)))
        if not croniter.is_valid(alone):
            return f": its {name} field {fields[at]!r} is not valid ({name} takes {takes})"
    return ""


def _cut(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def time_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ValueError (with the reason) when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
        raise ValueError(f"unknown time zone {_cut(name)}") from None


@dataclass(frozen=True)
class Due:
    """The answer for one briefing at ``now``: the scheduled time to build for (None if
    nothing is due), the next scheduled time after ``now``, and whether ``scheduled`` is
    a catch-up of a time missed by more than GRACE."""

    scheduled: dt.datetime | None
    next: dt.datetime
    late: bool = False


@dataclass(frozen=True)
class Schedule:
    """A job's cron expression, its IANA time zone, and what to do about missed times."""

    cron: str
    timezone: str
    catch_up: str = "latest"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def latest(self, now: dt.datetime) -> dt.datetime:
        """The latest scheduled time at or before ``now``, in the job's zone."""
        # croniter's previous time is strictly before its start: start a minute later
        # and step back past any time after ``now``. (Not from a whole minute: an old
        # zone's local mean time is off UTC by seconds, Kyiv's by 2:02:04 before 1924.)
        _aware(now)
        try:
            times = croniter(self.cron, (_utc(now) + dt.timedelta(minutes=1)).astimezone(self.zone))
            moment = self._first_occurrence(lambda: times.get_prev(dt.datetime))
            while _utc(moment) > _utc(now):  # at most twice: times are whole minutes of local time
                moment = self._first_occurrence(lambda: times.get_prev(dt.datetime))
            return moment
        except _CRONITER_ERRORS:
            raise self._no_time("at or before", now) from None

    def next(self, now: dt.datetime) -> dt.datetime:
        """The first scheduled time strictly after ``now``, in the job's zone."""
        _aware(now)
        try:
            times = croniter(self.cron, _utc(now).astimezone(self.zone))
            return self._first_occurrence(lambda: times.get_next(dt.datetime))
        except _CRONITER_ERRORS:
            raise self._no_time("after", now) from None

    def _no_time(self, relation: str, now: dt.datetime) -> ScheduleError:
        return ScheduleError(
            f'cron "{self.cron}" ({self.timezone}) has no time {relation} '
            f"{now.isoformat(timespec='minutes')} within the years 1 to 9999; "
            "plan for a time between those years"
        )

    def due(self, now: dt.datetime, last: dt.datetime | None) -> Due:
        """What is due at ``now`` when the latest scheduled time already run is ``last``.

        Due means a scheduled time passed since ``last``. ``latest`` builds once, for
        the latest of the missed times; ``none`` builds only when that time is within
        GRACE of ``now``, and otherwise waits for the next one.
        """
        latest, following = self.latest(now), self.next(now)
        # in UTC: Python compares two times of one zone by wall clock, blind to DST
        if last is not None and _utc(last) >= _utc(latest):
            return Due(None, following)
        late = _utc(now) - _utc(latest) > GRACE
        if late and self.catch_up == "none":
            return Due(None, following)
        return Due(latest, following, late)

    def show(self, moment: dt.datetime) -> str:
        """``moment`` as the desk prints it: ``2026-11-27 06:00`` in the job's zone."""
        local = moment.astimezone(self.zone)  # not strftime: its %Y gives "1" for year 1
        return f"{local.date().isoformat()} {local:%H:%M}"

    def scheduled_date(self, moment: dt.datetime) -> str:
        """``YYYY-MM-DD`` of ``moment`` in the job's zone: what ``{scheduled_date}`` becomes."""
        return moment.astimezone(self.zone).date().isoformat()

    def describe(self) -> str:
        return f'cron "{self.cron}" {self.timezone}, catch-up {self.catch_up}'

    def _first_occurrence(self, step) -> dt.datetime:
        """The next time ``step`` yields, skipping the second occurrence of a repeated
        wall-clock time (the autumn change); ``fold`` is 1 exactly on those."""
        while True:
            moment = _utc(step()).astimezone(self.zone)  # normalized, so fold is right
            if moment.fold == 0:
                return moment


def _utc(moment: dt.datetime) -> dt.datetime:
    return _aware(moment).astimezone(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the desk needs time-zone-aware times")  # a bug, not a user's mistake
    return moment
