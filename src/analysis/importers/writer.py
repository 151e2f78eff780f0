"""Writing an imported dataset: all of it, validated, or nothing.

The tables go to a hidden staging folder next to the destination, the staged
folder is loaded with the same validation as any dataset, and only then is it
renamed into place. A failure anywhere removes the staging folder, so an
import never leaves a half-written or invalid dataset behind.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tomllib
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.contract import schema
from analysis.contract.arrowtext import trimmed
from analysis.contract.dataset import Dataset, validate_written
from analysis.errors import BriefingError, DatasetError
from analysis.importers.tables import TABLE_COLUMNS, ContractTables
from analysis.runtime.ownership import is_empty_folder, made_by_us, mark

IMPORT_REPORT_FILE = "IMPORT.md"
ALIASES_FILE = "aliases.csv"
DATASET = "dataset"  # the kind of mark an imported dataset carries (see runtime/ownership.py)
CSV_OPTIONS = pacsv.WriteOptions(quoting_style="needed")  # strings quoted, numbers bare


class ImportInvalid(DatasetError):
    """The converted data broke a contract rule; nothing was written."""

    SHOWN = 30  # problem lines: the first of each kind tell what the converter got wrong

    def render(self, limit: int | None = None) -> str:
        limit = self.SHOWN if limit is None else limit
        problems = super().render(limit).splitlines()[1:]
        return (
            f"briefing: error: the imported data does not validate, so nothing was written to "
            f"{self.path}. The problems, in the files the import would have written:\n"
            + "\n".join(f"  {line}" for line in problems)
        )


def table_in_order(name: str, frame: pd.DataFrame) -> pa.Table:
    """The contract's columns first (those present), then extras; rows in identifier order;
    booleans as ``true``/``false``; text trimmed, empty text missing. Done in Arrow: on
    millions of rows pandas' string methods and sort take several times longer."""
    contract = [c for c in TABLE_COLUMNS[name] if c in frame.columns]
    extras = [c for c in frame.columns if c not in TABLE_COLUMNS[name]]
    columns = {}
    for column in contract + extras:  # a loop over a table's columns
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            array = pa.array(values.to_numpy(dtype=bool))
            columns[column] = pc.if_else(array, "true", "false")
        elif pd.api.types.is_numeric_dtype(values):
            columns[column] = pa.array(values, from_pandas=True)
        else:
            text = pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
            columns[column] = trimmed(text)
    table = pa.table(columns)
    id_column = schema.TABLE_BY_NAME[name].id_column
    order = pc.sort_indices(table, sort_keys=[(id_column, "ascending")])
    if pc.all(pc.equal(order, pa.array(np.arange(len(order))))).as_py() in (True, None):
        return table  # already in order: no copy of every column
    return table.take(order)


def write_csv(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(table, path, CSV_OPTIONS)


def manifest_text(manifest: dict[str, str]) -> str:
    """``dataset.toml`` with every value a TOML basic string (escaped, one line)."""
    lines = []
    for key in schema.MANIFEST_KEYS:
        if manifest.get(key):
            value = " ".join(str(manifest[key]).split())
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key} = "{escaped}"')
    text = "\n".join(lines) + "\n"
    assert tomllib.loads(text) == {  # noqa: S101 (a bug if the escaping ever breaks)
        k: " ".join(str(v).split()) for k, v in manifest.items() if k in schema.MANIFEST_KEYS and v
    }
    return text


def write_dataset(
    tables: ContractTables,
    out: Path,
    *,
    report_markdown: Callable[[dict[str, int]], str],
    aliases_file: Path | None,
    replace: bool,
) -> tuple[Dataset, dict[str, int]]:
    """Stage, validate and move the dataset to ``out``; the loaded dataset and rows per table.

    The frames of ``tables`` are released once converted to the Arrow tables that are
    written (set to None); validation reads those Arrow tables, as the files would read.
    """
    staging = out.parent / f".importing-{out.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    try:
        mark(staging, DATASET)
        arrow_tables = {}
        for name in list(tables.frames()):  # a handful of tables
            arrow_tables[name] = table_in_order(name, getattr(tables, name))
            setattr(tables, name, None)
            write_csv(arrow_tables[name], staging / schema.TABLE_BY_NAME[name].file)
        written = {name: len(table) for name, table in arrow_tables.items()}
        (staging / schema.MANIFEST).write_text(manifest_text(tables.manifest), encoding="utf-8")
        (staging / IMPORT_REPORT_FILE).write_text(report_markdown(written), encoding="utf-8")
        if aliases_file is not None:
            shutil.copyfile(aliases_file, staging / ALIASES_FILE)
        try:
            # from the tables in memory: the same frames as reading the files (tested),
            # without parsing them again; not kept in the dataset cache (its first
            # briefing fills it)
            dataset = validate_written(staging, arrow_tables)
        except DatasetError as exc:
            raise ImportInvalid(str(out), exc.problems) from None
        _move_into_place(staging, out, replace=replace)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dataclasses.replace(dataset, path=out), written


def check_out_folder(out: Path, *, replace: bool) -> None:
    """Refuse an ``--out`` the import may not fill: a file or link, a folder holding
    anything but an earlier import (even with ``--replace``), or an earlier import
    without ``--replace``. New and empty folders are always fine."""
    if out.is_symlink():
        raise BriefingError(f"{out} is a link; give the dataset folder itself with --out")
    if not out.exists() or is_empty_folder(out):
        return
    if not out.is_dir():
        raise BriefingError(f"{out} is a file, not a dataset folder; choose another --out")
    if not is_earlier_import(out):
        raise BriefingError(
            f"{out} was not made by briefing import, so it is never replaced; "
            "choose a new folder with --out (or move this one away)"
        )
    if not replace:
        raise BriefingError(f"{out} already exists; add --replace to overwrite it with this import")


def is_earlier_import(folder: Path) -> bool:
    """Made by ``briefing import``: its mark, or (an import from before marks) an
    ``IMPORT.md`` beside nothing but the files an import writes."""
    if made_by_us(folder, DATASET):
        return True
    written = {*schema.DATASET_FILES, IMPORT_REPORT_FILE, ALIASES_FILE}
    try:
        names = {entry.name for entry in os.scandir(folder)}
    except OSError:
        return False
    return IMPORT_REPORT_FILE in names and names <= written


def _move_into_place(staging: Path, out: Path, *, replace: bool) -> None:
    """Rename the staged folder to ``out``; an earlier import there is swapped out first.
    ``out`` is checked again: another process may have put something there meanwhile."""
    check_out_folder(out, replace=replace)
    if not out.exists():
        staging.rename(out)
        return
    retired = out.parent / f".replaced-{out.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
