"""The jobs file (``briefings.toml``): read it, refuse it whole with every problem's line,
and expand each job's grid into briefings with stable, readable keys.

Everything a run could trip on is checked here, before anything runs: keys,
the cron expression and time zone, the notebook, and every parameter value
against the notebook's own parameters cell (``check_parameters``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BriefingError
from ..report.build import FORMATS, find_notebook
from ..report.parameters import (
    check_parameters,
    dataset_parameter,
    effective_parameters,
)
from .positions import JOB_TABLE, Positions, scan
from .schedule import CATCH_UP, Schedule, cron_problem, time_zone

JOBS_FILE = "briefings.toml"
JOB_KEYS = (
    "name",
    "notebook",
    "parameters",
    "grid",
    "formats",
    "schedule",
    "timeout",
    "cell_timeout",
    "notify",
)
TIMEOUT = 1800.0  # seconds one briefing's build may take, unless the job says otherwise
CELL_TIMEOUT = 600.0  # seconds one cell may run, unless the job says otherwise
SCHEDULE_KEYS = ("cron", "timezone", "catch_up")
NOTIFY_KEYS = ("on_success", "on_failure")
DESK_TABLE = "desk"  # the run's own settings, beside the jobs
DESK_KEYS = ("executor", "scheduler")
EXECUTORS = ("local", "dask")
# A dask.distributed scheduler's address: a protocol, a host (or [IPv6]) and a port.
_SCHEDULER = re.compile(r"^(?:tcp|tls|ws|wss|ucx)://(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$")
# One plain address: no display name, no list, nothing a mail header could be bent with.
_ADDRESS = re.compile(
    r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,}$"
)
PLACEHOLDER = "{scheduled_date}"
DEFAULT_KEY = "default"  # the key of the one briefing of a job without a grid
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_BRACED = re.compile(r"\{[A-Za-z_]\w*\}")
_NOT_IN_KEY = re.compile(r"[^a-z0-9_.-]+")
_SAMPLE_DATE = "2000-01-01"  # stands for {scheduled_date} when values are checked at load

Scalar = str | int | float | bool | dt.date


@dataclass(frozen=True, order=True)
class JobsProblem:
    """One thing wrong in a jobs file: its line, what is wrong, and how to fix it."""

    line: int
    message: str
    fix: str = ""

    def render(self, file: str) -> str:
        return f"{file}:{self.line}: {self.message}" + (f"; {self.fix}" if self.fix else "")


class JobsFileError(BriefingError):
    """A jobs file refused whole, with every problem found; nothing runs."""

    def __init__(self, path: Path, problems: list[JobsProblem]):
        self.path = path
        self.problems = sorted(set(problems))
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.path}: {len(self.problems)} problem(s) found, nothing was run"]
        return "\n".join(lines + [p.render(str(self.path)) for p in self.problems])


@dataclass(frozen=True)
class Notify:
    """Who is mailed when a briefing of the job is built, and when one fails."""

    on_success: tuple[str, ...] = ()
    on_failure: tuple[str, ...] = ()


@dataclass(frozen=True)
class Desk:
    """The jobs file's ``[desk]`` table: where ``briefing run`` builds when its flags
    do not say (None: not written; the flags' defaults apply)."""

    executor: str | None = None
    scheduler: str | None = None


@dataclass(frozen=True)
class Job:
    """One ``[[job]]``: its notebook (absolute), parameters and grid as written (with any
    ``{scheduled_date}`` still in them), output formats and schedule. ``root`` is the jobs
    file's folder: relative dataset paths are read from there."""

    name: str
    notebook: Path
    parameters: dict[str, Scalar]
    grid: dict[str, tuple[Scalar, ...]]
    formats: tuple[str, ...]
    schedule: Schedule
    root: Path
    dataset_parameter: str | None = None
    line: int = 1
    timeout: float = TIMEOUT
    cell_timeout: float = CELL_TIMEOUT
    notify: Notify = Notify()

    def briefings(self) -> list[JobBriefing]:
        """One briefing per combination of grid values: the grid's names in the order
        written, each name's values in the order listed, the last name varying fastest."""
        names = list(self.grid)
        combos = itertools.product(*(self.grid[n] for n in names))
        return [JobBriefing(self, dict(zip(names, combo, strict=True))) for combo in combos]


@dataclass(frozen=True)
class JobBriefing:
    """One briefing of a job: the grid values that tell it from the job's other briefings."""

    job: Job
    values: dict[str, Scalar] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return briefing_key(self.values)

    def given(self, scheduled: dt.datetime) -> list[tuple[str, str]]:
        """The ``-p NAME VALUE`` pairs for a build at ``scheduled``: ``{scheduled_date}``
        replaced as text (nothing is evaluated), a dataset path made absolute."""
        date = self.job.schedule.scheduled_date(scheduled)
        pairs = []
        for name, value in {**self.job.parameters, **self.values}.items():  # a job's few
            text = as_text(value).replace(PLACEHOLDER, date)
            if name == self.job.dataset_parameter and text.strip():
                text = str((self.job.root / text).resolve())
            pairs.append((name, text))
        return pairs

    def parameters(self, scheduled: dt.datetime) -> dict[str, object]:
        """Every notebook parameter with the value a build at ``scheduled`` uses: typed,
        defaults filled in, the dataset an absolute path (a default one is read from the
        notebook's folder, as ``briefing build`` does)."""
        notebook = self.job.notebook
        values = effective_parameters(notebook, check_parameters(notebook, self.given(scheduled)))
        name = self.job.dataset_parameter
        if name is not None and values.get(name) is not None:
            values[name] = str((notebook.parent / str(values[name])).resolve())
        return values


def as_text(value: Scalar) -> str:
    """A TOML value as the text ``-p`` would give: ``true``, ``40``, ``2025-04-08``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def briefing_key(values: dict[str, Scalar]) -> str:
    """A readable folder name from grid values: ``{"topic": "Drones"}`` -> ``drones``,
    several joined with ``-``, other characters than ``[a-z0-9_.-]`` made ``-``;
    ``default`` for a job without a grid."""
    if not values:
        return DEFAULT_KEY
    return "-".join(_slug(as_text(v)) for v in values.values())


def _slug(text: str) -> str:
    return _NOT_IN_KEY.sub("-", text.lower()).strip("-.")


def select_jobs(jobs: list[Job], names: list[str]) -> list[Job]:
    """The jobs named (all when none are), in the file's order; unknown names refused."""
    known = {job.name for job in jobs}
    unknown = [n for n in names if n not in known]
    if unknown:
        available = ", ".join(sorted(known)) or "none"
        raise BriefingError(f"no job {', '.join(map(repr, unknown))}; jobs: {available}")
    return [job for job in jobs if not names or job.name in names]


def load_jobs(path: str | Path = JOBS_FILE) -> list[Job]:
    """The jobs of a jobs file, checked; JobsFileError listing every problem otherwise."""
    return _read_file(Path(path))[0]


def load_desk(path: str | Path = JOBS_FILE) -> Desk:
    """The ``[desk]`` settings of a jobs file; the whole file is checked, so a run started
    from them refuses a file with any problem before anything runs."""
    return _read_file(Path(path))[1]


def _read_file(path: Path) -> tuple[list[Job], Desk]:
    """The file read and checked: its jobs and its ``[desk]`` settings."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BriefingError(
            f"no jobs file {path}; write one (see docs/desk.md) or name it with --jobs FILE"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JobsFileError(path, [_syntax_problem(exc, text)]) from None
    reader = _Reader(scan(text), path.resolve().parent)
    jobs = reader.read(data)
    if reader.problems:
        raise JobsFileError(path, reader.problems)
    return jobs, reader.desk


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> JobsProblem:
    """tomllib's message, its ``(at line L, column C)`` turned into our ``file:LINE:``."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        line, message = int(found[1]), f"{message[: found.start()]} (column {found[2]})"
    else:  # "(at end of document)"
        line, message = max(1, len(text.splitlines())), re.sub(r"\s*\(at .*\)$", "", message)
    return JobsProblem(line, f"not valid TOML: {message}", "see docs/desk.md for the format")


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
    ("desk", "executor"): 'write "local" (processes on this machine) or "dask" (a cluster)',
    ("desk", "scheduler"): 'write a running scheduler\'s address, e.g. "tcp://10.0.0.5:8786"',
}


@dataclass
class _Reader:
    """Reads the parsed file job by job, collecting problems with the line of each."""

    positions: Positions
    root: Path
    problems: list[JobsProblem] = field(default_factory=list)
    desk: Desk = Desk()

    def problem(
        self, job: int | None, path: tuple[str, ...], message: str, fix: str | None = None
    ) -> None:
        fix = FIXES.get(path, "") if fix is None else fix
        self.problems.append(JobsProblem(self.positions.line(job, *path), message, fix))

    def read(self, data: dict) -> list[Job]:
        for key in data:  # a loop over the file's top-level keys
            if key not in (JOB_TABLE, DESK_TABLE):
                fix = "each job is a [[job]] table"
                if difflib.get_close_matches(key, (DESK_TABLE,), n=1):
                    fix = "did you mean 'desk'? the run's settings are a [desk] table"
                self.problem(None, (key,), f"unknown key {key!r}", fix)
        if DESK_TABLE in data:
            self.desk = self.desk_table(data[DESK_TABLE])
        entries = data.get(JOB_TABLE, [])
        if not isinstance(entries, list):
            self.problem(None, (JOB_TABLE,), "job must be written [[job]]", "use [[job]] headers")
            return []
        jobs: list[Job] = []
        first_of: dict[str, int] = {}
        for index, entry in enumerate(entries):  # a loop over the jobs
            name = entry.get("name")
            if isinstance(name, str) and name in first_of:
                first = self.positions.line(first_of[name], "name")
                message = f"job name {name!r} is already used on line {first}"
                self.problem(index, ("name",), message, "give each job its own name")
            elif isinstance(name, str):
                first_of[name] = index
            job = self.job(index, entry)
            if job is not None:
                jobs.append(job)
        return jobs if not self.problems else []

    def desk_table(self, table: object) -> Desk:
        """The ``[desk]`` table: which executor a run uses and the Dask scheduler."""
        if not isinstance(table, dict):
            self.problem(None, (DESK_TABLE,), "desk is not a table")
            return Desk()
        self.unknown_keys(None, (DESK_TABLE,), table, DESK_KEYS, "[desk]")
        executor, scheduler = table.get("executor"), table.get("scheduler")
        if executor is not None and executor not in EXECUTORS:
            close = difflib.get_close_matches(str(executor), EXECUTORS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            fix = hint + FIXES[DESK_TABLE, "executor"]
            self.problem(None, (DESK_TABLE, "executor"), f"executor {executor!r} is not known", fix)
            executor = None
        if scheduler is not None and not (
            isinstance(scheduler, str) and _SCHEDULER.match(scheduler)
        ):
            message = f"scheduler {scheduler!r} is not a scheduler address"
            self.problem(None, (DESK_TABLE, "scheduler"), message)
            scheduler = None
        return Desk(executor, scheduler)

    def job(self, index: int, entry: dict) -> Job | None:
        """One ``[[job]]`` table as a Job, or None after recording its problems."""
        before = len(self.problems)
        self.unknown_keys(index, (), entry, JOB_KEYS, "a job")
        name = self.name(index, entry.get("name"))
        notebook = self.notebook(index, entry.get("notebook"))
        formats = self.formats(index, entry.get("formats", list(FORMATS)))
        timeout = self.seconds(index, "timeout", entry.get("timeout", TIMEOUT))
        cell_timeout = self.seconds(index, "cell_timeout", entry.get("cell_timeout", CELL_TIMEOUT))
        schedule = self.schedule(index, entry.get("schedule"))
        notify = self.notify(index, entry.get("notify", {}))
        parameters = self.table(index, "parameters", entry.get("parameters", {}))
        grid = self.grid(index, self.table(index, "grid", entry.get("grid", {})), parameters)
        if notebook is not None:
            self.check_values(index, notebook, parameters, grid)
            self.check_keys(index, grid)
        if len(self.problems) > before:
            return None
        return Job(
            name=name,
            notebook=notebook,
            parameters=parameters,
            grid=grid,
            formats=formats,
            schedule=schedule,
            root=self.root,
            dataset_parameter=dataset_parameter(notebook),
            line=self.positions.line(index),
            timeout=timeout,
            cell_timeout=cell_timeout,
            notify=notify,
        )

    def unknown_keys(self, index, path, table: dict, allowed: tuple, what: str) -> None:
        for key in table:  # a loop over a table's few keys
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                fix = f"{hint}{what} takes {', '.join(allowed)}"
                self.problem(index, (*path, key), f"unknown key {key!r} in {what}", fix)

    def name(self, index: int, name: object) -> str:
        if name is None:
            self.problem(index, (), "job has no name", 'add name = "morning" under [[job]]')
        elif not isinstance(name, str) or not _NAME.match(name):
            self.problem(index, ("name",), f"job name {name!r} is not a name")
        else:
            return name
        return ""

    def notebook(self, index: int, notebook: object) -> Path | None:
        if notebook is None:
            self.problem(index, (), "job has no notebook", 'add notebook = "briefing"')
            return None
        if not isinstance(notebook, str):
            self.problem(index, ("notebook",), f"notebook {notebook!r} is not a name or a path")
            return None
        for candidate in (self.root / notebook, self.root / "notebooks" / f"{notebook}.ipynb"):
            if candidate.is_file() and candidate.suffix == ".ipynb":
                return candidate.resolve()
        try:
            return find_notebook(notebook)
        except BriefingError as exc:
            self.problem(index, ("notebook",), str(exc))
            return None

    def formats(self, index: int, formats: object) -> tuple[str, ...]:
        if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
            message = f"formats {formats!r} are not a list of {' and '.join(FORMATS)}"
            self.problem(index, ("formats",), message)
            return FORMATS
        return tuple(dict.fromkeys(formats))

    def seconds(self, index: int, key: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.problem(index, (key,), f"{key} {value!r} is not a number of seconds above 0")
            return TIMEOUT
        return float(value)

    def schedule(self, index: int, table: object) -> Schedule | None:
        if not isinstance(table, dict):
            message = "job has no schedule" if table is None else "schedule is not a table"
            self.problem(index, () if table is None else ("schedule",), message, FIXES["schedule",])
            return None
        self.unknown_keys(index, ("schedule",), table, SCHEDULE_KEYS, "a schedule")
        cron, zone = table.get("cron"), table.get("timezone")
        catch_up = table.get("catch_up", CATCH_UP[0])
        before = len(self.problems)
        where = ("schedule", "cron")
        if not isinstance(cron, str):
            self.problem(index, where if "cron" in table else ("schedule",), "schedule has no cron")
        elif problem := cron_problem(cron):
            self.problem(index, where, problem)
        where = ("schedule", "timezone")
        if not isinstance(zone, str):
            where = where if "timezone" in table else ("schedule",)
            self.problem(index, where, "schedule has no timezone")
        else:
            try:
                time_zone(zone)
            except ValueError as exc:
                self.problem(index, where, str(exc))
        if catch_up not in CATCH_UP:
            self.problem(index, ("schedule", "catch_up"), f"catch_up {catch_up!r} is not known")
        return None if len(self.problems) > before else Schedule(cron, zone, catch_up)

    def notify(self, index: int, table: object) -> Notify:
        if not isinstance(table, dict):
            self.problem(index, ("notify",), "notify is not a table")
            return Notify()
        self.unknown_keys(index, ("notify",), table, NOTIFY_KEYS, "notify")
        lists = {}
        for key in NOTIFY_KEYS:  # two lists
            addresses = table.get(key, [])
            if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
                message = f"notify.{key} {addresses!r} is not a list of addresses"
                self.problem(index, ("notify", key), message, f'write {key} = ["desk@example.org"]')
                continue
            wrong = [a for a in addresses if not _ADDRESS.match(a)]
            if wrong:
                message = f"notify.{key}: {wrong[0]!r} is not an email address"
                self.problem(index, ("notify", key), message, 'write it as "name@example.org"')
                continue
            lists[key] = tuple(dict.fromkeys(addresses))
        return Notify(**lists)

    def table(self, index: int, name: str, table: object) -> dict:
        if isinstance(table, dict):
            return table
        self.problem(index, (name,), f"{name} is not a table", f"write [job.{name}]")
        return {}

    def grid(self, index: int, grid: dict, parameters: dict) -> dict[str, tuple]:
        checked = {}
        for name, values in grid.items():  # a loop over a grid's few names
            if not isinstance(values, list) or not values:
                message, fix = (
                    f"grid {name!r} is not a list of values",
                    f'write {name} = ["a", "b"]',
                )
                self.problem(index, ("grid", name), message, fix)
            elif name in parameters:
                message = f"{name!r} is both a parameter and a grid name"
                self.problem(index, ("grid", name), message, "keep it in one of them")
            else:
                checked[name] = tuple(values)
        return checked

    def check_values(self, index: int, notebook: Path, parameters: dict, grid: dict) -> None:
        """Each value against the notebook's parameters cell, one by one so each problem
        has its line; ``{scheduled_date}`` stands in as a sample date."""
        pairs = [(("parameters", n), n, v) for n, v in parameters.items()]
        pairs += [(("grid", n), n, v) for n, values in grid.items() for v in values]
        for path, name, value in pairs:  # a loop over a job's few values
            if not (isinstance(value, str | int | float) or type(value) is dt.date):
                self.problem(
                    index,
                    path,
                    f"parameter {name!r}: {value!r} is not a single value",
                    "use a string, a number, true/false or a date",
                )
                continue
            text = as_text(value)
            braced = [b for b in _BRACED.findall(text) if b != PLACEHOLDER]
            if braced:
                self.problem(
                    index,
                    path,
                    f"parameter {name!r}: unknown placeholder {braced[0]}",
                    f"the only placeholder is {PLACEHOLDER}",
                )
                continue
            try:
                check_parameters(notebook, [(name, text.replace(PLACEHOLDER, _SAMPLE_DATE))])
            except BriefingError as exc:
                reasons = getattr(exc, "problems", None) or [str(exc)]
                self.problem(index, path, reasons[0], f"see: briefing notebooks ({notebook.stem})")

    def check_keys(self, index: int, grid: dict) -> None:
        """Every briefing of the grid has a key of its own, with no empty part."""
        for name, values in grid.items():  # a loop over a grid's few names
            empty = [v for v in values if not _slug(as_text(v))]
            if empty:
                message = f"grid value {empty[0]!r} has no letter or digit for the key"
                self.problem(index, ("grid", name), message, "use values with letters or digits")
                return
        seen: dict[str, dict] = {}
        where = ("grid", *list(grid)[:1]) if len(grid) == 1 else ("grid",)
        for combo in itertools.product(*grid.values()):  # a loop over the grid's briefings
            values = dict(zip(grid, combo, strict=True))
            key = briefing_key(values)
            if key in seen:
                message = f"{_shown(seen[key])} and {_shown(values)} both make the key {key!r}"
                self.problem(index, where, message, "make the values differ in letters or digits")
                return
            seen[key] = values


def _shown(values: dict[str, Scalar]) -> str:
    return ", ".join(f"{name} = {value!r}" for name, value in values.items())
