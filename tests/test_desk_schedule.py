"""Due times under fixed clocks: latest and next, catch-up, and Kyiv's clock changes.

In 2026 Europe/Kyiv springs forward on 29 March (03:00 EET -> 04:00 EEST, 01:00 UTC)
and falls back on 25 October (04:00 EEST -> 03:00 EET, 01:00 UTC). Around the changes
times are compared in UTC: Python compares two times of one zone by their wall clock,
and calls a time of the repeated hour unequal to any time of another zone (PEP 495).
"""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.desk.schedule import GRACE, Due, Schedule, cron_problem, time_zone

from .test_desk_support import kyiv

DAILY = Schedule("0 6 * * *", "Europe/Kyiv", "latest")
STRICT = Schedule("0 6 * * *", "Europe/Kyiv", "none")


def utc(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=dt.UTC)


def test_latest_and_next_around_a_scheduled_time():
    assert DAILY.latest(kyiv(2026, 11, 28, 6, 10)) == kyiv(2026, 11, 28, 6)
    assert DAILY.next(kyiv(2026, 11, 28, 6, 10)) == kyiv(2026, 11, 29, 6)
    # exactly on time: that time is the latest, and the next is tomorrow's
    assert DAILY.latest(kyiv(2026, 11, 28, 6)) == kyiv(2026, 11, 28, 6)
    assert DAILY.next(kyiv(2026, 11, 28, 6)) == kyiv(2026, 11, 29, 6)
    # a moment before: yesterday's
    just_before = kyiv(2026, 11, 28, 5, 59, 59, 900_000)
    assert DAILY.latest(just_before) == kyiv(2026, 11, 27, 6)
    assert DAILY.next(just_before) == kyiv(2026, 11, 28, 6)


def test_now_in_another_zone_is_the_same_instant():
    # 04:10 UTC is 06:10 in Kyiv in November (UTC+2)
    assert DAILY.latest(utc(2026, 11, 28, 4, 10)) == utc(2026, 11, 28, 4, 0)


def test_a_time_is_due_once():
    now = kyiv(2026, 11, 28, 6, 10)
    assert DAILY.due(now, last=None) == Due(kyiv(2026, 11, 28, 6), kyiv(2026, 11, 29, 6))
    assert DAILY.due(now, last=kyiv(2026, 11, 27, 6)).scheduled == kyiv(2026, 11, 28, 6)
    assert DAILY.due(now, last=kyiv(2026, 11, 28, 6)) == Due(None, kyiv(2026, 11, 29, 6))


def test_catch_up_latest_builds_once_for_the_latest_missed_time():
    # off from the 25th's run until 09:00 on the 28th: three times missed, one build
    due = DAILY.due(kyiv(2026, 11, 28, 9), last=kyiv(2026, 11, 25, 6))
    assert due == Due(kyiv(2026, 11, 28, 6), kyiv(2026, 11, 29, 6), late=True)


def test_catch_up_none_builds_only_within_the_grace_window():
    assert dt.timedelta(hours=1) == GRACE
    last = kyiv(2026, 11, 27, 6)
    assert STRICT.due(kyiv(2026, 11, 28, 6, 30), last).scheduled == kyiv(2026, 11, 28, 6)
    assert STRICT.due(kyiv(2026, 11, 28, 7, 0), last).scheduled == kyiv(2026, 11, 28, 6)
    assert STRICT.due(kyiv(2026, 11, 28, 7, 1), last) == Due(None, kyiv(2026, 11, 29, 6))
    # a new job added at 10:00 waits for tomorrow's 06:00
    assert STRICT.due(kyiv(2026, 11, 28, 10), None) == Due(None, kyiv(2026, 11, 29, 6))


def in_utc(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(dt.UTC) if moment else None


def test_spring_forward_a_skipped_time_runs_when_the_clock_resumes():
    night = Schedule("30 3 * * *", "Europe/Kyiv")
    first = night.next(kyiv(2026, 3, 28, 12))
    assert in_utc(first) == utc(2026, 3, 29, 1, 0)  # 03:30 never happens: 04:00 EEST
    assert first.strftime("%H:%M %z") == "04:00 +0300"
    assert in_utc(night.next(first)) == utc(2026, 3, 30, 0, 30)  # 03:30 EEST
    assert in_utc(night.latest(utc(2026, 3, 29, 2))) == utc(2026, 3, 29, 1, 0)


def test_spring_forward_a_daily_0600_stays_0600_local():
    before = DAILY.next(kyiv(2026, 3, 28, 12))
    after = DAILY.next(before)
    assert (in_utc(before), in_utc(after)) == (utc(2026, 3, 29, 3), utc(2026, 3, 30, 3))
    assert in_utc(DAILY.latest(utc(2026, 3, 29, 2))) == utc(2026, 3, 28, 4)  # 06:00 EET
    due = DAILY.due(utc(2026, 3, 29, 3, 5), last=utc(2026, 3, 28, 4))
    assert in_utc(due.scheduled) == utc(2026, 3, 29, 3)  # 23 hours after the last


def test_fall_back_a_repeated_wall_clock_time_is_scheduled_once():
    night = Schedule("30 3 * * *", "Europe/Kyiv")
    first = night.next(kyiv(2026, 10, 24, 12))
    assert in_utc(first) == utc(2026, 10, 25, 0, 30)  # 03:30 EEST, the first of two
    assert in_utc(night.next(first)) == utc(2026, 10, 26, 1, 30)  # the next night
    # at the second 03:30 (01:30 UTC) the latest is still the first: not due again
    second = utc(2026, 10, 25, 1, 30)
    assert in_utc(night.latest(second)) == utc(2026, 10, 25, 0, 30)
    due = night.due(second, last=utc(2026, 10, 25, 0, 30))
    assert (due.scheduled, in_utc(due.next)) == (None, utc(2026, 10, 26, 1, 30))


def test_fall_back_an_hourly_job_runs_once_per_wall_clock_hour():
    hourly = Schedule("0 * * * *", "Europe/Kyiv")
    times, moment = [], utc(2026, 10, 24, 23, 30)  # 02:30 EEST
    for _ in range(4):
        moment = hourly.next(moment)
        times.append(in_utc(moment))
    # 03:00 EEST is 00:00 UTC; 03:00 EET (01:00 UTC) repeats that wall clock: skipped
    assert times == [utc(2026, 10, 25, h) for h in (0, 2, 3, 4)]
    assert [t.astimezone(DAILY.zone).strftime("%H:%M") for t in times] == [
        "03:00",
        "04:00",
        "05:00",
        "06:00",
    ]


def test_fall_back_a_daily_0600_is_due_at_0600_local():
    due = DAILY.due(utc(2026, 10, 25, 4, 30), last=utc(2026, 10, 24, 3))
    assert in_utc(due.scheduled) == utc(2026, 10, 25, 4)  # 06:00 EET, 25 hours after the last


def test_scheduled_date_is_the_date_in_the_jobs_zone():
    assert DAILY.scheduled_date(utc(2026, 11, 27, 23, 30)) == "2026-11-28"
    assert DAILY.show(utc(2026, 11, 27, 4)) == "2026-11-27 06:00"


def test_a_naive_time_is_a_bug():
    with pytest.raises(ValueError, match="time-zone-aware"):
        DAILY.latest(dt.datetime(2026, 11, 28, 6))


@pytest.mark.parametrize(
    ("cron", "problem"),
    [
        ("0 6 * * *", None),
        ("*/15 8-18 * * mon-fri", None),
        ("0 6 * *", "cron '0 6 * *' has 4 field(s), not 5"),
        ("0 6 * * * *", "cron '0 6 * * * *' has 6 field(s), not 5"),
        (
            "61 6 * * *",
            "cron '61 6 * * *' is not a valid cron expression: its minute field '61' is not "
            "valid (minute takes 0-59)",
        ),
        (
            "30 25 * * mon-fri",
            "cron '30 25 * * mon-fri' is not a valid cron expression: its hour field '25' is "
            "not valid (hour takes 0-23)",
        ),
        (
            "0 6 * * funday",
            "cron '0 6 * * funday' is not a valid cron expression: its weekday field 'funday' "
            "is not valid (weekday takes 0-6 or sun-sat)",
        ),
        ("0 0 30 2 *", "cron '0 0 30 2 *' never happens"),
    ],
)
def test_cron_problems(cron, problem):
    assert cron_problem(cron) == problem


def test_time_zone_names():
    assert str(time_zone("Europe/Kyiv")) == "Europe/Kyiv"
    for bad in ("Europe/Kiyv", "", "../etc/passwd"):
        with pytest.raises(ValueError, match="unknown time zone"):
            time_zone(bad)
