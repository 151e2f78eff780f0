"""Errors for mistakes in the user's data or arguments, rendered without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a dataset. ``row`` counts the header as row 1."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class BriefingError(Exception):
    """A mistake the user can fix; the CLI prints it without a traceback."""


class DatasetError(BriefingError):
    """A dataset that cannot be loaded, with every problem found."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__(self.render())

    def render(self, limit: int | None = None) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [f"{self.path}: {len(self.problems)} problem(s) found"]
        lines += [str(p) for p in shown]
        if len(shown) < len(self.problems):
            lines.append(f"... and {len(self.problems) - len(shown)} more")
        return "\n".join(lines)


_FILE_ORDER = [
    "dataset.toml",
    "sources.csv",
    "documents.csv",
    "places.csv",
    "assertions.csv",
    "claims.csv",
]


def _problem_order(p: Problem) -> tuple:
    file_rank = _FILE_ORDER.index(p.file) if p.file in _FILE_ORDER else len(_FILE_ORDER)
    return (file_rank, p.file, p.row if p.row is not None else -1, p.column or "", p.message)
