"""The jobs file as TOML text, read by :func:`analysis.tomlfile.read_toml`, and how its
problems are shown: every problem with its line, all of them at once."""

from __future__ import annotations

from analysis import tomlfile
from analysis.errors import ProblemsError
from analysis.tomlfile import shown as shown  # the desk quotes a file's values with it

MAX_SHOWN = 30  # problems listed in full; the rest are counted


class JobsFileError(ProblemsError):
    """A jobs file refused whole, with every problem found (each a Problem whose ``row``
    is its line); nothing runs. Past MAX_SHOWN problems the rest are counted, not listed:
    the first ones are the ones to fix."""

    shown = MAX_SHOWN

    def heading(self) -> str:
        return f"{self.path}: {self.count} problem(s) found, nothing was run"


JOBS_FILE = tomlfile.TomlKind(
    name="jobs file",
    missing="no jobs file {path}; write one (see docs/desk.md) or name it with --jobs FILE",
    too_large=(
        "jobs file {path} is over {kib} KiB, far more than any jobs file needs; "
        "is it the right file?"
    ),
    syntax_fix="see docs/desk.md for the format",
    key_parts_fix="a job's keys have 1 to 3 parts",
    max_bytes=1 << 20,  # a jobs file of a thousand jobs is well under 1 MiB
    refused=JobsFileError,
)
