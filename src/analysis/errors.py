"""Errors for mistakes in the user's data or arguments, rendered without a traceback.

Kept free of pandas: the ``briefing`` command imports this module at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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


# Reasons an importer's own inputs are refused for (docs/importers.md), beside the
# dataset's codes, which a sheet's cells share where the rule is the same: the aliases
# file, the mapping naming a column the sheet lacks, a cell its map does not list.
IMPORTER_CODES = ("alias-cycle", "unknown-column", "not-in-map")

# Reasons a hand-written TOML file (the desk's jobs file, an import's mapping) is
# refused for, whichever it is (docs/desk.md, docs/importers.md).
CONFIG_CODES = (
    # the text, as read_toml reads it
    "toml-syntax",
    "key-too-deep",
    "nested-too-deep",
    "number-too-long",
    # its keys and values
    "unknown-key",
    "missing-key",
    "not-a-table",
    "bad-value",
    "duplicate-name",
)

# The jobs file's own reasons (docs/desk.md): what a run would trip on.
JOBS_CODES = (
    "unknown-notebook",
    "unknown-parameter",
    "bad-parameter",
    "bad-schedule",
    "bad-address",
    "unknown-executor",
    "too-many-briefings",
    "bad-briefing-key",
    "duplicate-briefing-key",
)

PROBLEM_CODES = frozenset((*REASON_CODES, *IMPORTER_CODES, *CONFIG_CODES, *JOBS_CODES))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in an input file: a dataset's table, an aliases file, a sheet's
    row, a jobs file, a mapping. ``row`` counts a CSV's header as row 1 (a sheet's rows as
    numbered there); in a text file such as TOML it is the line. ``code`` is one of
    PROBLEM_CODES, for programs that act on the kind of problem; ``fix`` says how to fix
    it, when the message does not already."""

    file: str
    row: int | None
    column: str | None
    message: str
    code: str
    fix: str = ""

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_CODES:
            raise ValueError(f"unknown reason code {self.code!r}")  # a bug, not bad data

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        what = f"{self.message}; {self.fix}" if self.fix else self.message
        return f"{where}: {self.column}: {what}" if self.column else f"{where}: {what}"


class ReportedError(Exception):
    """An error the command prints in one line, without a traceback, then exits with
    ``exit_code``. Two families derive from it: :class:`BriefingError`, a mistake the
    user can fix (exit 2), and :class:`BuildFailed`, a build that broke (exit 1). Bugs
    stay ordinary exceptions and keep their traceback."""

    exit_code = 1


class BriefingError(ReportedError):
    """A mistake the user can fix (data, arguments, files, configuration); exit 2."""

    exit_code = 2


class BuildFailed(ReportedError):
    """The build itself failed, not the user's input: the kernel died or did not answer,
    a cell failed, the build passed its time limit, Chromium could not print; exit 1, as
    a desk run with a failed briefing does, so a scheduler tells "fix your arguments"
    from "look into it". ``cell`` and ``saved`` (the executed notebook kept for a look)
    are set when they are known."""

    exit_code = 1
    cell: int | None = None
    saved: Path | None = None


class CellError(BuildFailed):
    """A notebook cell raised while the briefing ran. When it raised one of our errors
    for a user's mistake (an unknown topic, say: ``refused``), the message is the
    library's, told as a refusal, and the command exits 2 as for any mistake."""

    def __init__(self, notebook: str, cell: int, ename: str, evalue: str, saved: Path | None):
        self.notebook, self.cell, self.ename, self.evalue, self.saved = (
            notebook,
            cell,
            ename,
            evalue,
            saved,
        )
        where = f"; the executed notebook is kept at {saved}" if saved else ""
        if self.refused:
            message = f"{notebook} refused its parameters or data: {evalue}{where}"
        else:
            message = f"{notebook}: cell {cell} failed: {ename}: {evalue}{where}"
        super().__init__(message)

    @property
    def refused(self) -> bool:
        return self.ename in _family_names(BriefingError)

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return BriefingError.exit_code if self.refused else BuildFailed.exit_code


class BuildTimeout(BuildFailed):
    """The whole build took longer than it was allowed."""


def _family_names(error: type) -> set[str]:
    return {error.__name__}.union(*(_family_names(sub) for sub in error.__subclasses__()))


class ProblemsError(BriefingError):
    """An input refused whole, with every problem found in it (a dataset, a jobs file, a
    mapping, a sheet): ``path`` names what was refused, ``problems`` are Problems for a
    program to read. The message is a heading and a line per problem, kept short whatever
    the input: ``shown`` lines at most (``shown_per_kind`` of one code, when set), each cut
    at ``line_length`` (when set), the rest counted. ``uncounted`` problems were found
    but not kept (a sheet of a million bad cells keeps the first few of each check)."""

    shown = 30
    shown_per_kind: int | None = None
    line_length: int | None = None
    indent = ""  # before each problem line
    more = "... and {count} more problem(s)"  # the hidden problems, counted in all

    def __init__(self, path: str | Path, problems: Iterable[Problem], uncounted: int = 0):
        self.path = str(path)
        self.problems = self.ordered(set(problems))
        self.uncounted = uncounted
        super().__init__(self.render())

    @property
    def count(self) -> int:
        return len(self.problems) + self.uncounted

    def ordered(self, problems: set[Problem]) -> list[Problem]:
        """The problems in the order they are listed: by file, row, column and message."""
        return sorted(problems, key=lambda p: _problem_order(p, {}))

    def heading(self) -> str:
        return f"{self.path}: {self.count} problem(s) found"

    def render(self, limit: int | None = None) -> str:
        """The heading and the problems, ``limit`` (else ``shown``) of them at most."""
        limit = self.shown if limit is None else limit
        lines = [self.heading()]
        shown_of_kind: dict[str, int] = {}
        hidden_of_kind: dict[str, int] = {}
        for problem in self.problems:  # at most a few hundred thousand small objects
            seen = shown_of_kind.get(problem.code, 0)
            per_kind = self.shown_per_kind is None or seen < self.shown_per_kind
            if per_kind and len(lines) <= limit:
                shown_of_kind[problem.code] = seen + 1
                lines.append(self.indent + self._cut(str(problem)))
            else:
                hidden_of_kind[problem.code] = hidden_of_kind.get(problem.code, 0) + 1
        return "\n".join(lines + self.hidden(hidden_of_kind))

    def hidden(self, hidden_of_kind: dict[str, int]) -> list[str]:
        """The lines that count the problems not listed."""
        count = sum(hidden_of_kind.values()) + self.uncounted
        return [self.indent + self.more.format(count=count)] if count else []

    def _cut(self, line: str) -> str:
        length = self.line_length
        return line if length is None or len(line) <= length else line[: length - 3] + "..."


class DatasetError(ProblemsError):
    """A dataset that cannot be loaded, with every problem found, listed file by file in
    ``file_order`` (the dataset's own order: manifest, then tables), then by row: the
    first few of each kind (reason code), the rest counted by kind."""

    shown = 100  # problem lines printed at most
    shown_per_kind = 20  # problems of one kind printed before the rest are counted
    line_length = 400  # a problem quoting a huge cell is cut here

    def __init__(self, path: str, problems: list[Problem], file_order: Sequence[str] = ()):
        self.file_order = tuple(file_order)
        super().__init__(path, problems)

    def ordered(self, problems: set[Problem]) -> list[Problem]:
        rank = {name: i for i, name in enumerate(self.file_order)}
        return sorted(problems, key=lambda p: _problem_order(p, rank))

    def hidden(self, hidden_of_kind: dict[str, int]) -> list[str]:
        return [f"... and {n} more {code} problem(s)" for code, n in hidden_of_kind.items()]


def _problem_order(p: Problem, rank: dict[str, int]) -> tuple:
    row = p.row if p.row is not None else -1
    return (rank.get(p.file, len(rank)), p.file, row, p.column or "", p.message, p.fix)
