"""Errors for mistakes in the user's data or arguments, rendered without a traceback.

Kept free of pandas: the ``briefing`` command imports this module at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema import DATASET_FILES

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
    "citation-cycle",
    # date expressions (§2, §3)
    "bad-date",
    "relative-not-allowed",
    "not-a-day",
    "no-anchor",
    "future-date",
    "stated-after-document",
)


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
        if self.code not in REASON_CODES:
            raise ValueError(f"unknown reason code {self.code!r}")  # a bug, not bad data

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


def _problem_order(p: Problem) -> tuple:
    """Files in the dataset's own order (manifest, then tables), then row, column, message."""
    rank = DATASET_FILES.index(p.file) if p.file in DATASET_FILES else len(DATASET_FILES)
    return (rank, p.file, p.row if p.row is not None else -1, p.column or "", p.message)
