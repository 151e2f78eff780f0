"""Checks of the jobs file's settings tables: a job's ``[job.schedule]`` and
``[job.notify]``, the file's ``[desk]``, and the keys any table may hold. Each answers
the value read and the problems found, each with the key it is written under, for the
reader to give the line of."""

from __future__ import annotations

import difflib
import re

from analysis.desk import executors
from analysis.desk.job import Desk, Notify
from analysis.desk.job_values import Finding
from analysis.desk.jobs_text import shown
from analysis.desk.schedule import CATCH_UP, Schedule, cron_problem, time_zone

KeyPath = tuple[str, ...]
Found = list[tuple[KeyPath, Finding]]

SCHEDULE_KEYS = ("cron", "timezone", "catch_up")
NOTIFY_KEYS = ("on_success", "on_failure")
DESK_TABLE = "desk"  # the run's own settings, beside the jobs
DESK_KEYS = ("executor", "scheduler")
# A dask.distributed scheduler's address: a protocol, a host (or [IPv6]) and a port.
# (All matched whole with fullmatch: ``$`` would let a trailing newline through.)
_SCHEDULER = re.compile(r"(?:tcp|tls|ws|wss|ucx)://(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}")
# One plain address: no display name, no list, nothing a mail header could be bent with.
_ADDRESS = re.compile(
    r"[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,}"
)

# How to fix a problem with each key, unless the problem says otherwise.
FIXES = {
    ("name",): "start with a letter; use letters, digits, - and _",
    ("notebook",): "name one in notebooks/ (see: briefing notebooks) or give its path",
    ("formats",): 'write e.g. formats = ["html", "pdf"]',
    ("timeout",): "write a number of seconds above 0, e.g. timeout = 900",
    ("cell_timeout",): "write a number of seconds above 0, e.g. cell_timeout = 300",
    ("schedule",): 'write [job.schedule] with cron = "0 6 * * *" and timezone = "Europe/Kyiv"',
    ("schedule", "cron"): 'write minute hour day month weekday, e.g. "0 6 * * *" for 06:00 daily',
    ("schedule", "timezone"): 'use an IANA name such as "Europe/Kyiv" or "UTC"',
    ("schedule", "catch_up"): 'write "latest" (build once for missed times) or "none"',
    ("notify",): 'write [job.notify] with on_failure = ["desk@example.org"]',
    ("desk",): 'write [desk] with executor = "dask" and scheduler = "tcp://10.0.0.5:8786"',
    ("desk", "scheduler"): 'write a running scheduler\'s address, e.g. "tcp://10.0.0.5:8786"',
}


def unknown_keys(path: KeyPath, table: dict, allowed: tuple, what: str) -> Found:
    """A problem for each key of ``table`` not in ``allowed``, with the closest one."""
    found = []
    for key in table:  # a loop over a table's few keys
        if key not in allowed:
            close = difflib.get_close_matches(key[:100], allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            fix = f"{hint}{what} takes {', '.join(allowed)}"
            message = f"unknown key {shown(key)} in {what}"
            found.append(((*path, key), Finding("unknown-key", message, fix)))
    return found


def desk_settings(table: object) -> tuple[Desk, Found]:
    """The ``[desk]`` table: which executor a run uses and the Dask scheduler."""
    if not isinstance(table, dict):
        return Desk(), [((DESK_TABLE,), Finding("not-a-table", "desk is not a table"))]
    found = unknown_keys((DESK_TABLE,), table, DESK_KEYS, "[desk]")
    executor, scheduler = table.get("executor"), table.get("scheduler")
    if executor is not None and executor not in executors.names():
        close = difflib.get_close_matches(str(executor)[:100], executors.names(), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        message = f"executor {shown(executor)} is not known"
        finding = Finding("unknown-executor", message, hint + executors.how_to_choose())
        found.append(((DESK_TABLE, "executor"), finding))
        executor = None
    if scheduler is not None and not (
        isinstance(scheduler, str)
        and _SCHEDULER.fullmatch(scheduler)
        and int(scheduler.rpartition(":")[2]) <= 65535
    ):
        message = f"scheduler {shown(scheduler)} is not a scheduler address"
        found.append(((DESK_TABLE, "scheduler"), Finding("bad-address", message)))
        scheduler = None
    return Desk(executor, scheduler), found


def schedule_of(table: object) -> tuple[Schedule | None, Found]:
    """A job's ``[job.schedule]``: a cron expression, a time zone, how missed times are
    caught up; None when any is wrong."""
    fix = FIXES["schedule",]
    if table is None:
        return None, [((), Finding("missing-key", "job has no schedule", fix))]
    if not isinstance(table, dict):
        return None, [(("schedule",), Finding("not-a-table", "schedule is not a table", fix))]
    found = unknown_keys(("schedule",), table, SCHEDULE_KEYS, "a schedule")
    cron, zone = table.get("cron"), table.get("timezone")
    catch_up = table.get("catch_up", CATCH_UP[0])
    before = len(found)
    if not isinstance(cron, str):
        where = ("schedule", "cron") if "cron" in table else ("schedule",)
        found.append((where, Finding("missing-key", "schedule has no cron")))
    elif problem := cron_problem(cron):
        found.append((("schedule", "cron"), Finding("bad-schedule", problem)))
    where = ("schedule", "timezone")
    if not isinstance(zone, str):
        where = where if "timezone" in table else ("schedule",)
        found.append((where, Finding("missing-key", "schedule has no timezone")))
    else:
        try:
            time_zone(zone)
        except ValueError as exc:
            found.append((where, Finding("bad-schedule", str(exc))))
    if not isinstance(catch_up, str) or catch_up not in CATCH_UP:
        message = f"catch_up {shown(catch_up)} is not known"
        found.append((("schedule", "catch_up"), Finding("bad-schedule", message)))
    return (None if len(found) > before else Schedule(cron, zone, catch_up)), found


def notify_of(table: object) -> tuple[Notify, Found]:
    """A job's ``[job.notify]``: the addresses mailed on success and on failure."""
    if not isinstance(table, dict):
        return Notify(), [(("notify",), Finding("not-a-table", "notify is not a table"))]
    found = unknown_keys(("notify",), table, NOTIFY_KEYS, "notify")
    lists = {}
    for key in NOTIFY_KEYS:  # two lists
        addresses = table.get(key, [])
        if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
            message = f"notify.{key} {shown(addresses)} is not a list of addresses"
            finding = Finding("bad-value", message, f'write {key} = ["desk@example.org"]')
            found.append((("notify", key), finding))
            continue
        wrong = [a for a in addresses if not _ADDRESS.fullmatch(a)]
        if wrong:
            message = f"notify.{key}: {shown(wrong[0])} is not an email address"
            finding = Finding("bad-address", message, 'write it as "name@example.org"')
            found.append((("notify", key), finding))
            continue
        lists[key] = tuple(dict.fromkeys(addresses))
    return Notify(**lists), found
