"""Where briefings land: a folder per run, published whole, a manifest and an index.

A run is written into a hidden temporary folder beside its destination and
renamed into place only when complete, so a failed or killed build never
leaves a half-written briefing where readers look.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

FAILED = "_failed"
TOOLS = (
    "papermill",
    "nbconvert",
    "nbformat",
    "pandas",
    "matplotlib",
    "playwright",
    "claim-briefings",
)


def staging_folder(reports: Path) -> Path:
    """A fresh hidden folder under ``reports`` to build a run in, named for this process.

    Folders left by builds that were killed (their process is gone) are removed first.
    """
    reports.mkdir(parents=True, exist_ok=True)
    for stale in reports.glob(".building-*"):
        pid = stale.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    folder = reports / f".building-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish(staging: Path, destination: Path) -> Path:
    """Move a finished run into place, replacing an earlier run of the same name."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    retired = None
    if destination.exists():
        retired = destination.parent / f".retired-{uuid.uuid4().hex[:12]}"
        os.replace(destination, retired)
    os.replace(staging, destination)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
    return destination


def git_commit(folder: Path) -> str | None:
    """The commit of the repository holding ``folder``, or None outside git."""
    try:
        run = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout.strip() or None if run.returncode == 0 else None


def tool_versions(chromium: str | None) -> dict[str, str | None]:
    from importlib import metadata  # here: 13 ms that would delay the kernel's start

    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for tool in TOOLS:
        try:
            versions[tool] = metadata.version(tool)
        except metadata.PackageNotFoundError:
            versions[tool] = None
    versions["chromium"] = chromium
    return versions


def write_manifest(folder: Path, manifest: dict) -> Path:
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str) + "\n")
    return path


def write_index(reports: Path) -> Path:
    """``reports/index.html``: every briefing, newest first, with links to its files."""
    runs = []
    for manifest_file in reports.glob("*/*/manifest.json"):
        if manifest_file.parts[-3].startswith((".", "_")):
            continue
        try:
            runs.append((manifest_file.parent, json.loads(manifest_file.read_text())))
        except (OSError, ValueError):
            continue
    runs.sort(key=lambda run: run[1].get("started", ""), reverse=True)
    rows = []
    for folder, manifest in runs:
        relative = folder.relative_to(reports).as_posix()
        links = " ".join(
            f'<a href="{html.escape(relative)}/{html.escape(name)}">{html.escape(name.rsplit(".", 1)[-1])}</a>'
            for name in manifest.get("files", [])
        )
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(manifest.get('title', '')))}</td>"
            f"<td>{html.escape(str(manifest.get('notebook', '')))}</td>"
            f"<td>{html.escape(str(manifest.get('parameters', {}).get('as_of') or 'all'))}</td>"
            f"<td>{html.escape(str(manifest.get('dataset', {}).get('name', '')))}</td>"
            f"<td>{html.escape(str(manifest.get('started', ''))[:19].replace('T', ' '))}</td>"
            f"<td>{links}</td></tr>"
        )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Briefings</title>'
        "<style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;"
        "padding:.3rem .5rem;border-bottom:1px solid #ccc}</style></head><body>"
        f"<h1>Briefings</h1><p>{len(runs)} briefing(s), newest first.</p>"
        "<table><thead><tr><th>Title</th><th>Notebook</th><th>As of</th><th>Dataset</th>"
        f"<th>Built (UTC)</th><th>Files</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</body></html>\n"
    )
    index = reports / "index.html"
    staging = reports / f".index-{uuid.uuid4().hex[:8]}.html"
    staging.write_text(page, encoding="utf-8")
    os.replace(staging, index)
    return index
