"""A small desk on disk for the desk's tests (no tests here): a notebook with a
parameters cell, two datasets, a lock file and an export template, and a jobs file
written per test. Nothing starts a kernel."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from analysis.desk.fingerprint import Fingerprinter

KYIV = ZoneInfo("Europe/Kyiv")

PARAMETERS = """\
dataset = "../data/one"  # type: dataset  dataset folder
as_of = None  # type: Optional[date]  cut-off date
topic = None  # type: Optional[str]  only this topic
marking = "TEST"  # type: str  handling line
max_rows = 40  # type: count  most rows"""

JOB = """\
[[job]]
name = "morning"
notebook = "brief"

[job.parameters]
marking = "INTERNAL"

[job.schedule]
cron = "0 6 * * *"
timezone = "Europe/Kyiv"
"""


def kyiv(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=KYIV)


def notebook_json(parameters: str = PARAMETERS, body: str = 'print("hello")') -> dict:
    """An nbformat 4 notebook: the parameters cell, a heading, one code cell."""
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "p",
                "metadata": {"tags": ["parameters"]},
                "outputs": [],
                "source": parameters.splitlines(keepends=True),
            },
            {"cell_type": "markdown", "id": "h", "metadata": {}, "source": ["## Heading"]},
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "b",
                "metadata": {},
                "outputs": [],
                "source": [body],
            },
        ],
        "metadata": {"kernelspec": {"name": "claim-briefings", "display_name": "x"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_desk(root: Path, jobs: str = JOB) -> Path:
    """The desk under ``root``; returns the jobs file's path."""
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "brief.ipynb").write_text(json.dumps(notebook_json()))
    for name in ("one", "two"):
        folder = root / "data" / name
        folder.mkdir(parents=True)
        (folder / "dataset.toml").write_text(f'name = "{name}"\n')
        (folder / "claims.csv").write_text("claim_id,source_id\nc1,s1\n")
        (folder / "sources.csv").write_text("source_id,name\ns1,Source one\n")
        (folder / "README.md").write_text("notes, not data\n")
    (root / "requirements.lock").write_text("pandas==2.2.0\n")
    (root / "template").mkdir()
    (root / "template" / "index.html.j2").write_text("{{ body }}\n")
    jobs_file = root / "briefings.toml"
    jobs_file.write_text(jobs)
    return jobs_file


def fingerprinter(root: Path, version: str = "1.0") -> Fingerprinter:
    """A fresh Fingerprinter reading the desk's own lock and template."""
    return Fingerprinter(
        lock=root / "requirements.lock", template=root / "template", package_version=version
    )
