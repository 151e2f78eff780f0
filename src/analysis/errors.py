"""Errors for mistakes in the user's data or arguments, rendered without a traceback.

Kept free of pandas: the ``briefing`` command imports this module at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Every reason a dataset can be refused, as a stable code (docs/contract.md §3,
# docs/data-format.md has the rule and what to fix for each).
REASON_CODES = (
    # the folder and its manifest (§1)
    "not-a-folder",
    "not-a-dataset",
    "missing-manifest",
    "bad-manifest",
    "unknown-timezone",
    "missing-table",
    "link-outside-folder",
    # reading one CSV file (§1)
    "not-utf8",
    "empty-file",
    "bad-header",
    "duplicate-column",
    "ragged-row",
    "bad-csv",
    # columns and values of one table (§1, §3)
    "missing-column",
    "empty-table",
    "required-value",
    "bad-identifier",
    "duplicate-id",
    "not-in-enum",
    "bad-number",
    # between tables (§3)
    "dangling-reference",
    "dangling-citation",
    "too-many-cites",
    "citation-cycle",
    # date expressions (§2, §3)
    "bad-date",
    "relative-not-allowed",
    "not-a-day",
    "no-anchor",
    "future-date",
    "stated-after-document",
    # quantities, their figures and questions with alternatives (§1, §3)
    "figure-on-proposition",
    "missing-figure",
    "misplaced-figure",
    "value-outside-range",
    "low-above-high",
    "negative-count",
    "cumulative-without-unit",
    "quantity-in-question",
)


# Reasons an importer's own input files are refused for (docs/importers.md), beside
# the dataset's: the aliases file.
IMPORTER_CODES = ("alias-cycle",)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a dataset. ``row`` counts the header as row 1; ``code`` is
    one of REASON_CODES, for programs that act on the kind of problem."""

    file: str
    row: int | None
    column: str | None
    message: str
    code: str

    def __post_init__(self) -> None:
        if self.code not in REASON_CODES and self.code not in IMPORTER_CODES:
            raise ValueError(f"unknown reason code {self.code!r}")  # a bug, not bad data

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class BriefingError(Exception):
    """A mistake the user can fix; the CLI prints it without a traceback and exits 2."""


class BuildFailed(BriefingError):
    """The build itself failed, not the user's input: the kernel died or did not answer,
    a cell failed or ran too long, the build passed its time limit, Chromium could not
    print. Printed without a traceback too, but the command exits 1 (as a desk run with a
    failed briefing does), so a scheduler tells "fix your arguments" from "look into it".
    A subclass of BriefingError: code that keeps one briefing's failure apart catches both.
    """


class DatasetError(BriefingError):
    """A dataset that cannot be loaded, with every problem found, listed file by file in
    ``file_order`` (the dataset's own order: manifest, then tables), then by row."""

    def __init__(self, path: str, problems: list[Problem], file_order: Sequence[str] = ()):
        self.path = path
        rank = {name: i for i, name in enumerate(file_order)}
        self.problems = sorted(set(problems), key=lambda p: _problem_order(p, rank))
        super().__init__(self.render())

    def render(self, limit: int | None = None) -> str:
        """The problems as lines, kept short whatever the dataset: the first few of each
        kind (reason code), ``limit`` lines at most, each line cut at LINE_LENGTH."""
        limit = SHOWN_PROBLEMS if limit is None else limit
        lines = [f"{self.path}: {len(self.problems)} problem(s) found"]
        shown_of_kind: dict[str, int] = {}
        hidden_of_kind: dict[str, int] = {}
        for problem in self.problems:  # at most a few hundred thousand small objects
            seen = shown_of_kind.get(problem.code, 0)
            if seen < SHOWN_PER_KIND and len(lines) <= limit:
                shown_of_kind[problem.code] = seen + 1
                line = str(problem)
                lines.append(line if len(line) <= LINE_LENGTH else line[: LINE_LENGTH - 3] + "...")
            else:
                hidden_of_kind[problem.code] = hidden_of_kind.get(problem.code, 0) + 1
        for code, count in hidden_of_kind.items():
            lines.append(f"... and {count} more {code} problem(s)")
        return "\n".join(lines)


SHOWN_PER_KIND = 20  # problems of one kind printed before the rest are counted
SHOWN_PROBLEMS = 100  # problem lines printed at most
LINE_LENGTH = 400  # a problem quoting a huge cell is cut here


def _problem_order(p: Problem, rank: dict[str, int]) -> tuple:
    row = p.row if p.row is not None else -1
    return (rank.get(p.file, len(rank)), p.file, row, p.column or "", p.message)
