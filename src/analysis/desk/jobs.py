"""The jobs file (``briefings.toml``): read it, refuse it whole with every problem's line,
and expand each job's grid into briefings with stable, readable keys.

Everything a run could trip on is checked before anything runs: keys, the cron
expression and time zone, the notebook, and every parameter value against the
notebook's own parameters cell. The work is split by concern: the job and its
briefings (:mod:`.job`), the reader of the parsed file (:mod:`.jobs_reader`), the
settings tables (:mod:`.job_settings`), parameter values and briefing keys
(:mod:`.job_values`), the text and its error (:mod:`.jobs_text`). This module is
what the rest of the desk imports.
"""

from __future__ import annotations

from pathlib import Path

from analysis.desk.job import Desk, Job, JobBriefing, Notify, briefing_key
from analysis.desk.jobs_reader import JobsReader
from analysis.desk.jobs_text import JOBS_FILE as JOBS_TEXT
from analysis.desk.jobs_text import JobsFileError, shown
from analysis.errors import BriefingError
from analysis.tomlfile import read_toml, scan

__all__ = [  # what the desk, the command and the tests import from here
    "JOBS_FILE",
    "Desk",
    "Job",
    "JobBriefing",
    "JobsFileError",
    "Notify",
    "briefing_key",
    "load_desk",
    "load_jobs",
    "select_jobs",
]

JOBS_FILE = "briefings.toml"


def load_jobs(path: str | Path = JOBS_FILE) -> list[Job]:
    """The jobs of a jobs file, checked; JobsFileError listing every problem otherwise."""
    return _read_file(Path(path))[0]


def load_desk(path: str | Path = JOBS_FILE) -> Desk:
    """The ``[desk]`` settings of a jobs file; the whole file is checked, so a run started
    from them refuses a file with any problem before anything runs."""
    return _read_file(Path(path))[1]


def _read_file(path: Path) -> tuple[list[Job], Desk]:
    """The file read and checked: its jobs and its ``[desk]`` settings."""
    text, data = read_toml(path, JOBS_TEXT)
    reader = JobsReader(str(path), scan(text), path.resolve().parent)
    jobs = reader.read(data)
    if reader.problems:
        raise JobsFileError(path, reader.problems)
    return jobs, reader.desk


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
