"""One import from start to end: check the request, convert, merge aliases, write, report."""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path

from analysis.contract.dataset import Dataset
from analysis.errors import BriefingError
from analysis.importers.aliases import apply_aliases, read_aliases
from analysis.importers.formats import format_named
from analysis.importers.neutralise import without_controls
from analysis.importers.progress import import_progress
from analysis.importers.report import ImportReport, InputFile
from analysis.importers.request import ImportRequest, RowFilter
from analysis.importers.writer import check_out_folder, write_dataset


def import_dataset(
    format_name: str,
    inputs: list[Path],
    out: Path,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    where: list[str] = (),
    aliases: Path | None = None,
    replace: bool = False,
    title: str | None = None,
    options: dict | None = None,
    command: list[str] | None = None,
) -> tuple[Dataset, ImportReport]:
    """Import ``inputs`` in ``format_name`` into the dataset folder ``out``.

    Raises BriefingError (nothing written) for a mistake in the request or the
    inputs, and ImportInvalid when the converted data breaks a contract rule.
    """
    module = format_named(format_name).converter()
    out = Path(os.path.abspath(out))  # `--out .` or `a/..` names the folder itself
    _check_request(inputs, out, since, until, aliases, replace)
    filters = [RowFilter.parse(text) for text in where]
    user_aliases = read_aliases(aliases) if aliases else None
    report = ImportReport(module.TITLE, licence=module.LICENCE, attribution=module.ATTRIBUTION)
    report.inputs = [InputFile.of(path) for path in inputs]
    with import_progress(inputs) as progress:
        request = ImportRequest(
            inputs, report, since, until, filters, dict(options or {}), progress=progress
        )
        tables = module.convert(request)
        request.check_filters_used()
        if not len(tables.claims):
            names = ", ".join(Path(path).name for path in inputs[:3])
            more = f" and {len(inputs) - 3:,} more" if len(inputs) > 3 else ""
            raise BriefingError(f"{names}{more}: nothing to import: {_read_summary(report)}")
        for table in filter(None, (getattr(module, "BUILTIN_ALIASES", None),)):
            tables = apply_aliases(tables, read_aliases(table), report)
        if user_aliases is not None:
            tables = apply_aliases(tables, user_aliases, report)
        tables.manifest = {
            "name": without_controls(out.name),
            "title": without_controls(title or "")
            or tables.manifest.get("title")
            or without_controls(out.name),
            "description": tables.manifest.get("description", ""),
            "license": module.LICENCE,
            "attribution": module.ATTRIBUTION,
            "timezone": "UTC",
            **{k: v for k, v in tables.manifest.items() if k in ("license", "attribution")},
        }
        report.licence = tables.manifest["license"]
        report.attribution = tables.manifest["attribution"]
        shown = shlex.join(command) if command else f"briefing import {format_name} ..."

        def markdown(written: dict[str, int]) -> str:
            report.written = written
            return report.markdown(shown, tables.manifest["title"])

        progress.step("writing and validating the dataset")
        dataset, _ = write_dataset(
            tables, out, report_markdown=markdown, aliases_file=aliases, replace=replace
        )
    return dataset, report


def _check_request(inputs, out, since, until, aliases, replace) -> None:
    """Refuse a request that cannot succeed before reading a byte of input."""
    for path in [*inputs, *([aliases] if aliases else [])]:
        if not path.is_file():
            raise BriefingError(f"{path}: no such file")
    if since and until and since > until:
        raise BriefingError(f"--since {since} is after --until {until}")
    check_out_folder(out, replace=replace)


def _read_summary(report: ImportReport) -> str:
    parts = []
    for unit, rows in report.read.items():
        reasons = "; ".join(
            f"{n:,} {reason}" for (u, reason), n in sorted(report.skipped.items()) if u == unit
        )
        parts.append(f"{rows:,} {unit} read" + (f", skipped: {reasons}" if reasons else ""))
    return "; ".join(parts) or "the inputs hold no rows"
