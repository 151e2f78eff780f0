"""A briefing's snapshot: the analysis tables it was built on, kept in its folder.

The next briefing of the same series compares itself with them (see
:mod:`analysis.compute.changes`). The build names the run's staging folder in the
kernel's environment; the notebook's "what changed" cell writes the snapshot
there, so it is published with the briefing, whole or not at all.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pandas as pd

from analysis.compute.changes import FIGURE_SNAPSHOT_COLUMNS, SNAPSHOT_COLUMNS
from analysis.runtime.handoff import OUTPUT_VARIABLE

SNAPSHOT_FOLDER = "analysis"


def output_folder() -> Path | None:
    """The staging folder of the build running this kernel; None in JupyterLab."""
    folder = os.environ.get(OUTPUT_VARIABLE)
    return Path(folder) if folder else None


def save_snapshot(tables: dict[str, pd.DataFrame], briefing_folder: Path) -> Path:
    """Write each table as Parquet under ``<briefing_folder>/analysis/``."""
    folder = briefing_folder / SNAPSHOT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():  # a loop over eight tables
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def load_snapshot(briefing_folder: str | Path) -> dict[str, pd.DataFrame] | None:
    """The tables an earlier briefing kept; None when it kept none (or they are unreadable:
    then the comparison says so rather than failing the briefing)."""
    folder = Path(briefing_folder) / SNAPSHOT_FOLDER
    try:
        tables = {
            name: pd.read_parquet(folder / f"{name}.parquet", columns=columns)
            for name, columns in SNAPSHOT_COLUMNS.items()
        }
    except (OSError, ValueError, KeyError):
        return None
    # a briefing built before figures and questions kept none: they are not compared
    with contextlib.suppress(OSError, ValueError, KeyError):
        tables |= {
            name: pd.read_parquet(folder / f"{name}.parquet", columns=columns)
            for name, columns in FIGURE_SNAPSHOT_COLUMNS.items()
        }
    return tables
