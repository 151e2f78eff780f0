"""The parsed jobs file read job by job into Jobs, every problem collected with the line
of its key and its reason code, so the file is refused whole with all of them at once.

The job's keys, name, notebook, formats, time limits and the size of its grid are
checked here; the schedule, notify and ``[desk]`` tables in
:mod:`analysis.desk.job_settings`; each parameter value and each briefing's key in
:mod:`analysis.desk.job_values`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.build import FORMATS, Parameter, dataset_parameter, find_notebook, notebook_parameters
from analysis.desk.grid import MAX_BRIEFINGS, count_shown, grid_size
from analysis.desk.job import CELL_TIMEOUT, TIMEOUT, Desk, Job
from analysis.desk.job_settings import (
    DESK_TABLE,
    FIXES,
    Found,
    desk_settings,
    notify_of,
    schedule_of,
    unknown_keys,
)
from analysis.desk.job_values import grid_key_problem, parameter_problems
from analysis.desk.jobs_text import shown
from analysis.errors import BriefingError, Problem
from analysis.runtime.ownership import folder_name
from analysis.tomlfile import JOB_TABLE, Positions

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
MAX_SECONDS = 7 * 86400.0  # a week: longer is a typo, and inf or 1e300 break the clocks
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass
class JobsReader:
    """Reads the parsed file job by job, collecting problems with the line of each.
    ``file`` names the jobs file in the problems; ``root`` is its folder."""

    file: str
    positions: Positions
    root: Path
    problems: list[Problem] = field(default_factory=list)
    desk: Desk = Desk()
    # Each notebook's declared parameters, read once for the whole file, not once per job.
    declared: dict[Path, list[Parameter]] = field(default_factory=dict)

    def parameters_of(self, notebook: Path) -> list[Parameter]:
        if notebook not in self.declared:
            self.declared[notebook] = notebook_parameters(notebook)
        return self.declared[notebook]

    def problem(
        self,
        job: int | None,
        path: tuple[str, ...],
        code: str,
        message: str,
        fix: str | None = None,
    ) -> None:
        fix = FIXES.get(path, "") if fix is None else fix
        line = self.positions.line(job, *path)
        self.problems.append(Problem(self.file, line, None, message, code, fix))

    def found(self, job: int | None, found: Found) -> None:
        for path, finding in found:  # a loop over a table's few problems
            self.problem(job, path, *finding)

    def read(self, data: dict) -> list[Job]:
        for key in data:  # a loop over the file's top-level keys
            if key not in (JOB_TABLE, DESK_TABLE):
                fix = "each job is a [[job]] table"
                if difflib.get_close_matches(key[:100], (DESK_TABLE,), n=1):
                    fix = "did you mean 'desk'? the run's settings are a [desk] table"
                self.problem(None, (key,), "unknown-key", f"unknown key {shown(key)}", fix)
        if DESK_TABLE in data:
            self.desk, found = desk_settings(data[DESK_TABLE])
            self.found(None, found)
        entries = data.get(JOB_TABLE, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            message, fix = "job must be written [[job]]", "use [[job]] headers"
            self.problem(None, (JOB_TABLE,), "not-a-table", message, fix)
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
                self.problem(
                    index, ("name",), "duplicate-name", message, "give each job its own name"
                )
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
                fix = "split the jobs over several files"
                self.problem(index, (), "too-many-briefings", message, fix)
        return jobs if not self.problems else []

    def job(self, index: int, entry: dict) -> Job | None:
        """One ``[[job]]`` table as a Job, or None after recording its problems."""
        before = len(self.problems)
        self.found(index, unknown_keys((), entry, JOB_KEYS, "a job"))
        name = self.name(index, entry.get("name"))
        notebook = self.notebook(index, entry.get("notebook"))
        formats = self.formats(index, entry.get("formats", list(FORMATS)))
        timeout = self.seconds(index, "timeout", entry.get("timeout", TIMEOUT))
        cell_timeout = self.seconds(index, "cell_timeout", entry.get("cell_timeout", CELL_TIMEOUT))
        schedule, found = schedule_of(entry.get("schedule"))
        self.found(index, found)
        notify, found = notify_of(entry.get("notify", {}))
        self.found(index, found)
        parameters = self.table(index, "parameters", entry.get("parameters", {}))
        values_before = len(self.problems)
        grid = self.grid(index, self.table(index, "grid", entry.get("grid", {})), parameters)
        if notebook is not None:
            declared = self.parameters_of(notebook)
            self.found(index, parameter_problems(notebook, declared, parameters, grid))
        if len(self.problems) == values_before:  # keys of values refused would say nothing
            key_problem = grid_key_problem(grid)
            self.found(index, [key_problem] if key_problem else [])
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

    def name(self, index: int, name: object) -> str:
        """The job's name: it names the folder reports/<name>/, so one safe folder name."""
        if name is None:
            fix = 'add name = "morning" under [[job]]'
            self.problem(index, (), "missing-key", "job has no name", fix)
        elif not isinstance(name, str) or not _NAME.fullmatch(name):
            self.problem(index, ("name",), "bad-value", f"job name {shown(name)} is not a name")
        else:
            try:
                return folder_name(name, "job name")
            except BriefingError as exc:
                self.problem(index, ("name",), "bad-value", str(exc), "choose another name")
        return ""

    def notebook(self, index: int, notebook: object) -> Path | None:
        if notebook is None:
            fix = 'add notebook = "briefing"'
            self.problem(index, (), "missing-key", "job has no notebook", fix)
            return None
        if not isinstance(notebook, str) or "\0" in notebook or len(notebook) > 4096:
            message = f"notebook {shown(notebook)} is not a name or a path"
            self.problem(index, ("notebook",), "bad-value", message)
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
            self.problem(index, ("notebook",), "unknown-notebook", str(exc))
            return None
        except OSError as exc:  # a name too long for the file system, a loop of links
            message = f"notebook {shown(notebook)} cannot be read: {exc.strerror or exc}"
            self.problem(index, ("notebook",), "unknown-notebook", message)
            return None
        return found

    def formats(self, index: int, formats: object) -> tuple[str, ...]:
        if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
            message = f"formats {shown(formats)} are not a list of {' and '.join(FORMATS)}"
            self.problem(index, ("formats",), "bad-value", message)
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
            self.problem(index, (key,), "bad-value", message + f"{MAX_SECONDS:,.0f} (a week)")
            return TIMEOUT
        return float(value)

    def table(self, index: int, name: str, table: object) -> dict:
        if isinstance(table, dict):
            return table
        message, fix = f"{name} is not a table", f"write [job.{name}]"
        self.problem(index, (name,), "not-a-table", message, fix)
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
                self.problem(index, ("grid", name), "bad-value", message, fix)
            elif name in parameters:
                message = f"{shown(name)} is both a parameter and a grid name"
                self.problem(
                    index, ("grid", name), "duplicate-name", message, "keep it in one of them"
                )
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
            fix = "list fewer values, or split the job"
            self.problem(index, ("grid",), "too-many-briefings", message, fix)
        return checked
