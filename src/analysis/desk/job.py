"""A job of the jobs file and its briefings: what was written, checked, and the stable,
readable key that names each briefing's folder."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.build import check_parameters, effective_parameters
from analysis.desk.schedule import Schedule

TIMEOUT = 1800.0  # seconds one briefing's build may take, unless the job says otherwise
CELL_TIMEOUT = 600.0  # seconds one cell may run, unless the job says otherwise
PLACEHOLDER = "{scheduled_date}"
DEFAULT_KEY = "default"  # the key of the one briefing of a job without a grid
_NOT_IN_KEY = re.compile(r"[^a-z0-9_.-]+")

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
    return "-".join(key_part(v) for v in values.values())


def key_part(value: Scalar) -> str:
    """What one grid value gives its briefing's key: empty when it has no letter or digit."""
    return _NOT_IN_KEY.sub("-", as_text(value).lower()).strip("-.")
