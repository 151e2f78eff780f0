"""The import report: what was read, kept, skipped and repaired, and where it came from.

Printed after every import and written as ``IMPORT.md`` in the dataset, so the
dataset carries its own provenance: the exact command, each input's SHA-256,
and the licence and attribution its publisher requires. It holds no clock time,
so importing the same input twice gives byte-identical folders.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MERGES_SHOWN = 10  # on the terminal; IMPORT.md lists every merge


@dataclass(frozen=True)
class InputFile:
    path: str
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> InputFile:
        digest = hashlib.sha256()
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        return cls(str(path), path.stat().st_size, digest.hexdigest())


@dataclass
class ImportReport:
    """Counts by unit ("events", "mentions", "rows"...). ``handled`` holds the messy cases
    the importer dealt with on purpose: case -> (rows, what was done)."""

    format_title: str
    licence: str = ""
    attribution: str = ""
    inputs: list[InputFile] = field(default_factory=list)
    read: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (unit, reason) -> rows
    handled: dict[str, tuple[int, str]] = field(default_factory=dict)
    merged: list[tuple[str, str, int]] = field(default_factory=list)  # spelling, into, claims
    written: dict[str, int] = field(default_factory=dict)

    def count_read(self, unit: str, rows: int) -> None:
        self.read[unit] += rows

    def skip(self, unit: str, reason: str, rows: int) -> None:
        if rows:
            self.skipped[unit, reason] += rows

    def handle(self, case: str, rows: int, how: str) -> None:
        """Record a messy case dealt with on purpose (nothing recorded for zero rows)."""
        if rows:
            before, _ = self.handled.get(case, (0, how))
            self.handled[case] = (before + rows, how)

    def imported(self, unit: str) -> int:
        return self.read[unit] - sum(n for (u, _), n in self.skipped.items() if u == unit)

    def lines(self) -> list[str]:
        """The report as plain lines for the terminal."""
        out = []
        for unit, rows in self.read.items():
            out.append(f"{unit}: {rows:,} read, {self.imported(unit):,} imported")
            for (u, reason), n in sorted(self.skipped.items()):
                if u == unit:
                    out.append(f"  skipped {n:,}: {reason}")
        for case, (rows, how) in self.handled.items():
            out.append(f"handled {rows:,}: {case}: {how}")
        if self.merged:
            out.append(f"sources merged: {len(self.merged)} spellings")
            for spelling, into, n in self.merged[:MERGES_SHOWN]:
                out.append(f"  {spelling!r} -> {into} ({n:,} claims)")
            if len(self.merged) > MERGES_SHOWN:
                out.append(
                    f"  and {len(self.merged) - MERGES_SHOWN} more (IMPORT.md lists them all)"
                )
        out.append("written: " + ", ".join(f"{n:,} {t}" for t, n in self.written.items()))
        return out

    def markdown(self, command: str, title: str) -> str:
        """``IMPORT.md``: the same report with provenance, as a document."""
        rows = [
            f"# Import report: {title}",
            "",
            f"Format: {self.format_title}.",
            "",
            "Command (from the directory it was run in):",
            "",
            "```sh",
            command,
            "```",
            "",
            "| input | bytes | SHA-256 |",
            "|---|---|---|",
            *(f"| `{f.path}` | {f.size:,} | `{f.sha256}` |" for f in self.inputs),
            "",
            f"Licence: {self.licence or 'not stated'}.",
            "",
            f"Attribution: {self.attribution or 'none stated'}",
            "",
            "## Rows",
            "",
            "| | rows |",
            "|---|---:|",
        ]
        for unit, read in self.read.items():
            rows.append(f"| {unit} read | {read:,} |")
            for (u, reason), n in sorted(self.skipped.items()):
                if u == unit:
                    rows.append(f"| {unit} skipped: {_cell(reason)} | {n:,} |")
            rows.append(f"| {unit} imported | {self.imported(unit):,} |")
        if self.handled:
            rows += ["", "## Handled on purpose", "", "| case | rows | what was done |"]
            rows.append("|---|---:|---|")
            for case, (n, how) in self.handled.items():
                rows.append(f"| {_cell(case)} | {n:,} | {_cell(how)} |")
        if self.merged:
            rows += [
                "",
                "## Sources merged",
                "",
                "| spelling in the input | merged into | claims |",
            ]
            rows.append("|---|---|---:|")
            for spelling, into, n in self.merged:
                rows.append(f"| {_cell(spelling)} | `{into}` | {n:,} |")
        rows += ["", "## Written", "", "| table | rows |", "|---|---:|"]
        rows += [f"| {table} | {n:,} |" for table, n in self.written.items()]
        return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    """Text made safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")
