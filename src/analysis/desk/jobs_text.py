"""The jobs file as TOML text, read by :func:`analysis.tomlfile.read_toml`, and how its
problems are shown: every problem with its line, all of them at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis import tomlfile
from analysis.errors import BriefingError
from analysis.tomlfile import shown as shown  # the desk quotes a file's values with it

MAX_SHOWN = 30  # problems listed in full; the rest are counted
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
)


@dataclass(frozen=True, order=True)
class JobsProblem:
    """One thing wrong in a jobs file: its line, what is wrong, and how to fix it."""

    line: int
    message: str
    fix: str = ""

    def render(self, file: str) -> str:
        return f"{file}:{self.line}: {self.message}" + (f"; {self.fix}" if self.fix else "")


class JobsFileError(BriefingError):
    """A jobs file refused whole, with every problem found; nothing runs. Past MAX_SHOWN
    problems the rest are counted, not listed: the first ones are the ones to fix."""

    def __init__(self, path: Path, problems: list[JobsProblem]):
        self.path = path
        self.problems = sorted(set(problems))
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.path}: {len(self.problems)} problem(s) found, nothing was run"]
        lines += [p.render(str(self.path)) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - MAX_SHOWN} more problem(s)")
        return "\n".join(lines)


def read_toml(path: Path) -> tuple[str, dict]:
    """The file's text and its parsed TOML; BriefingError with one line (the file is not
    one we can read as text) or JobsFileError (the text is not TOML we accept)."""
    try:
        return tomlfile.read_toml(path, JOBS_FILE)
    except tomlfile.TomlProblem as exc:
        raise JobsFileError(path, [JobsProblem(exc.line, exc.message, exc.fix)]) from None
