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
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.build import (
    FORMATS,
    RUN_NAME_PARAMETER,
    Parameter,
    check_parameters,
    dataset_parameter,
    effective_parameters,
    find_notebook,
    notebook_parameters,
)
from analysis.desk import executors
from analysis.desk.grid import MAX_BRIEFINGS, count_shown, grid_size
from analysis.desk.jobs_text import JobsFileError, JobsProblem, read_toml, shown
from analysis.desk.schedule import CATCH_UP, Schedule, cron_problem, time_zone
from analysis.errors import BriefingError
from analysis.runtime.ownership import NAME_MAX, folder_name
from analysis.tomlfile import JOB_TABLE, Positions, scan

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
MAX_SECONDS = 7 * 86400.0  # a week: longer is a typo, and inf or 1e300 break the clocks
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
PLACEHOLDER = "{scheduled_date}"
DEFAULT_KEY = "default"  # the key of the one briefing of a job without a grid
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_BRACED = re.compile(r"\{[A-Za-z_]\w*\}")
_NOT_IN_KEY = re.compile(r"[^a-z0-9_.-]+")
_SAMPLE_DATE = "2000-01-01"  # stands for {scheduled_date} when values are checked at load
# A key names reports/<job>/<key>/ and the run's lock file reports/.desk/locks/<job>/<key>.lock
KEY_MAX = NAME_MAX - len(".lock")
# Parameter types whose values are digits, a sign, "nan", "True" or a date: one folder name.
_TYPED_FOLDERS = ("int", "count", "float", "bool", "date")

Scalar = str | int | float | bool | dt.date


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
        raise BriefingError(f"no job {_listed(unknown, shown)}; jobs: {_listed(sorted(known))}")
    wanted = set(names)
    return [job for job in jobs if not names or job.name in wanted]


def _listed(items: list[str], show=str, most: int = 20) -> str:
    """A list for one line: its first ``most`` items, then how many in all."""
    text = ", ".join(map(show, items[:most])) or "none"
    return text + (f", ... ({len(items)} in all)" if len(items) > most else "")


def load_jobs(path: str | Path = JOBS_FILE) -> list[Job]:
    """The jobs of a jobs file, checked; JobsFileError listing every problem otherwise."""
    return _read_file(Path(path))[0]


def load_desk(path: str | Path = JOBS_FILE) -> Desk:
    """The ``[desk]`` settings of a jobs file; the whole file is checked, so a run started
    from them refuses a file with any problem before anything runs."""
    return _read_file(Path(path))[1]


def _read_file(path: Path) -> tuple[list[Job], Desk]:
    """The file read and checked: its jobs and its ``[desk]`` settings."""
    text, data = read_toml(path)
    reader = _Reader(scan(text), path.resolve().parent)
    jobs = reader.read(data)
    if reader.problems:
        raise JobsFileError(path, reader.problems)
    return jobs, reader.desk


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


@dataclass
class _Reader:
    """Reads the parsed file job by job, collecting problems with the line of each."""

    positions: Positions
    root: Path
    problems: list[JobsProblem] = field(default_factory=list)
    desk: Desk = Desk()
    # Each notebook's declared parameters, read once for the whole file, not once per job.
    declared: dict[Path, list[Parameter]] = field(default_factory=dict)

    def parameters_of(self, notebook: Path) -> list[Parameter]:
        if notebook not in self.declared:
            self.declared[notebook] = notebook_parameters(notebook)
        return self.declared[notebook]

    def problem(
        self, job: int | None, path: tuple[str, ...], message: str, fix: str | None = None
    ) -> None:
        fix = FIXES.get(path, "") if fix is None else fix
        self.problems.append(JobsProblem(self.positions.line(job, *path), message, fix))

    def read(self, data: dict) -> list[Job]:
        for key in data:  # a loop over the file's top-level keys
            if key not in (JOB_TABLE, DESK_TABLE):
                fix = "each job is a [[job]] table"
                if difflib.get_close_matches(key[:100], (DESK_TABLE,), n=1):
                    fix = "did you mean 'desk'? the run's settings are a [desk] table"
                self.problem(None, (key,), f"unknown key {shown(key)}", fix)
        if DESK_TABLE in data:
            self.desk = self.desk_table(data[DESK_TABLE])
        entries = data.get(JOB_TABLE, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.problem(None, (JOB_TABLE,), "job must be written [[job]]", "use [[job]] headers")
            return []
        jobs: list[Job] = []
        first_of: dict[str, int] = {}
        briefings = 0
        for index, entry in enumerate(entries):  # a loop over the jobs
            name = entry.get("name")
            # casefolded: on macOS and Windows "Morning" and "morning" are one folder
            if isinstance(name, str) and name.casefold() in first_of:
                first = self.positions.line(first_of[name.casefold()], "name")
                message = f"job name {shown(name)} is already used on line {first}"
                self.problem(index, ("name",), message, "give each job its own name")
            elif isinstance(name, str):
                first_of[name.casefold()] = index
            job = self.job(index, entry)
            if job is None:
                continue
            jobs.append(job)
            briefings += grid_size(job.grid)
            if briefings > MAX_BRIEFINGS >= briefings - grid_size(job.grid):
                message = (
                    f"the jobs up to this one make {count_shown(briefings)} briefings; "
                    f"a jobs file may make at most {MAX_BRIEFINGS:,}"
                )
                self.problem(index, (), message, "split the jobs over several files")
        return jobs if not self.problems else []

    def desk_table(self, table: object) -> Desk:
        """The ``[desk]`` table: which executor a run uses and the Dask scheduler."""
        if not isinstance(table, dict):
            self.problem(None, (DESK_TABLE,), "desk is not a table")
            return Desk()
        self.unknown_keys(None, (DESK_TABLE,), table, DESK_KEYS, "[desk]")
        executor, scheduler = table.get("executor"), table.get("scheduler")
        if executor is not None and executor not in executors.names():
            close = difflib.get_close_matches(str(executor)[:100], executors.names(), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            fix = hint + executors.how_to_choose()
            message = f"executor {shown(executor)} is not known"
            self.problem(None, (DESK_TABLE, "executor"), message, fix)
            executor = None
        if scheduler is not None and not (
            isinstance(scheduler, str)
            and _SCHEDULER.fullmatch(scheduler)
            and int(scheduler.rpartition(":")[2]) <= 65535
        ):
            message = f"scheduler {shown(scheduler)} is not a scheduler address"
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
        values_before = len(self.problems)
        grid = self.grid(index, self.table(index, "grid", entry.get("grid", {})), parameters)
        if notebook is not None:
            self.check_values(index, notebook, parameters, grid)
        if len(self.problems) == values_before:  # keys of values refused would say nothing
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
                close = difflib.get_close_matches(key[:100], allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                fix = f"{hint}{what} takes {', '.join(allowed)}"
                self.problem(index, (*path, key), f"unknown key {shown(key)} in {what}", fix)

    def name(self, index: int, name: object) -> str:
        """The job's name: it names the folder reports/<name>/, so one safe folder name."""
        if name is None:
            self.problem(index, (), "job has no name", 'add name = "morning" under [[job]]')
        elif not isinstance(name, str) or not _NAME.fullmatch(name):
            self.problem(index, ("name",), f"job name {shown(name)} is not a name")
        else:
            try:
                return folder_name(name, "job name")
            except BriefingError as exc:
                self.problem(index, ("name",), str(exc), "choose another name")
        return ""

    def notebook(self, index: int, notebook: object) -> Path | None:
        if notebook is None:
            self.problem(index, (), "job has no notebook", 'add notebook = "briefing"')
            return None
        if not isinstance(notebook, str) or "\0" in notebook or len(notebook) > 4096:
            message = f"notebook {shown(notebook)} is not a name or a path"
            self.problem(index, ("notebook",), message)
            return None
        try:
            for candidate in (self.root / notebook, self.root / "notebooks" / f"{notebook}.ipynb"):
                if candidate.is_file() and candidate.suffix == ".ipynb":
                    found = candidate.resolve()
                    break
            else:
                found = find_notebook(notebook)
            self.parameters_of(found)  # a notebook we cannot read is this job's problem
        except BriefingError as exc:
            self.problem(index, ("notebook",), str(exc))
            return None
        except OSError as exc:  # a name too long for the file system, a loop of links
            message = f"notebook {shown(notebook)} cannot be read: {exc.strerror or exc}"
            self.problem(index, ("notebook",), message)
            return None
        return found

    def formats(self, index: int, formats: object) -> tuple[str, ...]:
        if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
            message = f"formats {shown(formats)} are not a list of {' and '.join(FORMATS)}"
            self.problem(index, ("formats",), message)
            return FORMATS
        return tuple(dict.fromkeys(formats))

    def seconds(self, index: int, key: str, value: object) -> float:
        """A time limit: a finite number of seconds above 0 and at most MAX_SECONDS."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 < value <= MAX_SECONDS  # False for nan
        ):
            message = f"{key} {shown(value)} is not a number of seconds above 0 and at most "
            self.problem(index, (key,), message + f"{MAX_SECONDS:,.0f} (a week)")
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
        if not isinstance(catch_up, str) or catch_up not in CATCH_UP:
            message = f"catch_up {shown(catch_up)} is not known"
            self.problem(index, ("schedule", "catch_up"), message)
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
                message = f"notify.{key} {shown(addresses)} is not a list of addresses"
                self.problem(index, ("notify", key), message, f'write {key} = ["desk@example.org"]')
                continue
            wrong = [a for a in addresses if not _ADDRESS.fullmatch(a)]
            if wrong:
                message = f"notify.{key}: {shown(wrong[0])} is not an email address"
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
        """The grid's lists, refused whole when their product passes MAX_BRIEFINGS: counted,
        never expanded, so a hostile grid costs nothing."""
        checked = {}
        for name, values in grid.items():  # a loop over a grid's few names
            if not isinstance(values, list) or not values:
                bare = name if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name) else "topic"
                message = f"grid {shown(name)} is not a list of values"
                fix = f'write {bare} = ["a", "b"]'
                self.problem(index, ("grid", name), message, fix)
            elif name in parameters:
                message = f"{shown(name)} is both a parameter and a grid name"
                self.problem(index, ("grid", name), message, "keep it in one of them")
            else:
                checked[name] = tuple(values)
        size = grid_size(checked)
        if size > MAX_BRIEFINGS:
            message = (
                f"the grid makes {count_shown(size)} briefings "
                f"({' x '.join(str(len(v)) for v in list(checked.values())[:8])}"
                f"{' x ...' if len(checked) > 8 else ''}); a job may make at most "
                f"{MAX_BRIEFINGS:,}"
            )
            self.problem(index, ("grid",), message, "list fewer values, or split the job")
        return checked

    def check_values(self, index: int, notebook: Path, parameters: dict, grid: dict) -> None:
        """Each value against the notebook's parameters cell, one problem per name (with
        its line); ``{scheduled_date}`` stands in as a sample date. The notebook is read
        once per name, not once per value: a grid may list thousands."""
        declared = [p.name for p in self.parameters_of(notebook)]
        named = [(("parameters", n), n, [v]) for n, v in parameters.items()]
        named += [(("grid", n), n, list(values)) for n, values in grid.items()]
        for path, name, values in named:  # a loop over a job's few names
            problem = _value_problem(name, values, declared, notebook.stem)
            if problem is None:
                texts = [as_text(v).replace(PLACEHOLDER, _SAMPLE_DATE) for v in values]
                try:
                    check_parameters(notebook, [(name, text) for text in texts])
                except BriefingError as exc:
                    reasons = getattr(exc, "problems", None) or [str(exc)]
                    problem = (reasons[0], f"see: briefing notebooks ({notebook.stem})")
                else:
                    problem = self.run_name_problem(notebook, name, texts)
            if problem is not None:
                self.problem(index, path, *problem)
        if RUN_NAME_PARAMETER not in parameters and RUN_NAME_PARAMETER not in grid:
            default = {p.name: p.default for p in self.parameters_of(notebook)}
            problem = self.run_name_problem(notebook, None, [default.get(RUN_NAME_PARAMETER)])
            if problem is not None:
                self.problem(index, ("parameters",), *problem)

    def run_name_problem(
        self, notebook: Path, name: str | None, texts: list
    ) -> tuple[str, str] | None:
        """Why an ``as_of`` would not make one safe folder reports/<job>/<key>/<as_of>/,
        or None. ``name`` None: the notebook's default, used as it is.

        A value typed as a number, true/false or a date always names one folder
        (``.5`` as a float is ``0.5``); as text it names the folder as written, except
        that an optional one may be empty (none: the folder is the scheduled date)."""
        if name not in (RUN_NAME_PARAMETER, None):
            return None
        declared = {p.name: p.type_name for p in self.parameters_of(notebook)}
        type_name = declared.get(RUN_NAME_PARAMETER, "str")
        if name and type_name.removeprefix("Optional[").removesuffix("]") in _TYPED_FOLDERS:
            return None
        for text in dict.fromkeys(texts[:MAX_BRIEFINGS]):  # past it the grid is refused
            try:
                folder_name(text, "as_of")
                continue
            except BriefingError:
                pass
            value = check_parameters(notebook, [(name, text)])[name] if name else text
            if not value:  # None or empty: the run folder is the scheduled date
                continue
            try:
                folder_name(value, "as_of")
            except BriefingError as exc:
                where = "the notebook's default as_of" if name is None else "as_of"
                fix = "write a date such as 2025-04-08, or {scheduled_date}"
                return f"{where}: {exc}".replace("as_of: as_of", "as_of"), fix
        return None

    def check_keys(self, index: int, grid: dict) -> None:
        """Every briefing of the grid has a key of its own, one safe folder name (it names
        reports/<job>/<key>/ and a lock file), with no empty part. The grid is at most
        MAX_BRIEFINGS here, so the product is walked once."""
        if grid_size(grid) > MAX_BRIEFINGS:
            return
        for name, values in grid.items():  # a loop over a grid's few names
            empty = [v for v in values if not _slug(as_text(v))]
            if empty:
                message = f"grid value {shown(empty[0])} has no letter or digit for the key"
                self.problem(index, ("grid", name), message, "use values with letters or digits")
                return
        seen: dict[str, dict] = {}
        where = ("grid", *list(grid)[:1]) if len(grid) == 1 else ("grid",)
        for combo in itertools.product(*grid.values()):  # a loop over the grid's briefings
            values = dict(zip(grid, combo, strict=True))
            key = briefing_key(values)
            if problem := _key_problem(key, values):
                self.problem(index, where, *problem)
                return
            if key in seen:
                message = f"{_shown(seen[key])} and {_shown(values)} both make the key {shown(key)}"
                self.problem(index, where, message, "make the values differ in letters or digits")
                return
            seen[key] = values


def _value_problem(
    name: str, values: list, declared: list[str], notebook: str
) -> tuple[str, str] | None:
    """What makes ``values`` of parameter ``name`` unusable before the notebook is asked:
    an unknown name, a value that is not one scalar, NaN or infinity (never equal to
    itself, so a briefing would never be skipped), a NUL, a misspelt placeholder."""
    if name not in declared:
        known = ", ".join(declared) or "none"
        message = f"unknown parameter {shown(name)} (this notebook takes: {known})"
        return message, f"see: briefing notebooks ({notebook})"
    for value in values:  # a loop over one name's values
        if not (isinstance(value, str | int | float) or type(value) is dt.date):
            message = f"parameter {name!r}: {shown(value)} is not a single value"
            return message, "use a string, a number, true/false or a date"
        if isinstance(value, float) and not math.isfinite(value):
            return f"parameter {name!r}: {value!r} is not a number a briefing can use", ""
        text = as_text(value)
        if "\0" in text:
            return f"parameter {name!r}: {shown(value)} holds a NUL character", ""
        braced = [b for b in _BRACED.findall(text) if b != PLACEHOLDER]
        if braced:
            message = f"parameter {name!r}: unknown placeholder {shown(braced[0])[1:-1]}"
            return message, f"the only placeholder is {PLACEHOLDER}"
    return None


def _key_problem(key: str, values: dict[str, Scalar]) -> tuple[str, str] | None:
    """Why ``key`` cannot name a briefing's folder and lock file, or None."""
    try:
        folder_name(key, "the key")
    except BriefingError as exc:
        return f"{_shown(values)}: {exc}", "change the grid values"
    if len(key.encode()) > KEY_MAX:
        message = f"{_shown(values)} make a key of {len(key.encode())} bytes; at most {KEY_MAX}"
        return message, "use shorter grid values"
    return None


def _shown(values: dict[str, Scalar]) -> str:
    return ", ".join(f"{shown(name)[1:-1]} = {shown(value)}" for name, value in values.items())
