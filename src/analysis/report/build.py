"""``build_briefing``: the one entry that checks, executes, exports and publishes a briefing.

Order matters for the reader and for speed: parameters are checked before
any kernel starts and the dataset before any cell runs (clear errors, nothing
half-done); Chromium boots in a background thread while the kernel warms up;
the run is published whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BriefingError
from .outputs import (
    FAILED,
    git_commit,
    publish,
    staging_folder,
    tool_versions,
    write_index,
    write_manifest,
)
from .parameters import check_parameters, effective_parameters

if TYPE_CHECKING:
    from .execute import WarmKernel

FORMATS = ("html", "pdf")
PROJECT_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Briefing:
    """A published briefing: its folder, files and manifest."""

    folder: Path
    files: list[Path]
    manifest: dict


def notebooks_folder() -> Path:
    """``notebooks/`` of the working directory if it has one, else of this project."""
    here = Path.cwd() / "notebooks"
    return here if here.is_dir() else PROJECT_ROOT / "notebooks"


def find_notebook(name: str) -> Path:
    """A notebook given as a path, or by name (``briefing``) in the notebooks folder."""
    candidates = [Path(name), notebooks_folder() / name, notebooks_folder() / f"{name}.ipynb"]
    for candidate in candidates:
        if candidate.is_file() and candidate.suffix == ".ipynb":
            return candidate.resolve()
    available = ", ".join(p.stem for p in sorted(notebooks_folder().glob("*.ipynb"))) or "none"
    raise BriefingError(f"no notebook {name!r}; available: {available}")


def _dataset_argument(values: dict, given_names: set[str], notebook: Path) -> None:
    """Make the dataset path absolute: the user's from their working directory,
    the notebook's default from the notebook's folder (as JupyterLab runs it)."""
    if "dataset" not in values:
        return
    base = Path.cwd() if "dataset" in given_names else notebook.parent
    values["dataset"] = str((base / str(values["dataset"])).resolve())


@dataclass(frozen=True)
class _Plan:
    """What one build will do, settled before any kernel starts."""

    notebook: Path
    parameters: dict
    formats: tuple[str, ...]
    reports: Path
    started: dt.datetime
    clock: float

    @property
    def run_folder(self) -> Path:
        run_name = self.parameters.get("as_of") or self.started.strftime("%Y-%m-%d")
        return self.reports / self.notebook.stem / str(run_name)


def build_briefing(
    notebook: str | Path,
    given: list[tuple[str, str]] | None = None,
    *,
    formats: tuple[str, ...] = FORMATS,
    reports: Path = Path("reports"),
    chromium: str | None = None,
) -> Briefing:
    """Execute ``notebook`` with the ``-p`` pairs ``given`` and publish it under ``reports``.

    Output: ``reports/<notebook>/<as_of or run date>/`` with the executed
    ``.ipynb``, the ``.html`` and ``.pdf`` asked for, and ``manifest.json``;
    ``reports/index.html`` is rewritten. Raises BriefingError subclasses for the
    user's mistakes (bad parameters, invalid dataset, a failing cell).
    """
    from .execute import WarmKernel, import_executor
    from .export import PdfPrinter, find_chromium, html_exporter

    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    path = find_notebook(str(notebook))
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise BriefingError(f"unknown output format(s) {sorted(unknown)}; choose from html, pdf")
    given = given or []
    parameters = effective_parameters(path, check_parameters(path, given))
    _dataset_argument(parameters, {name for name, _ in given}, path)
    chromium_path = find_chromium(chromium) if "pdf" in formats else None
    plan = _Plan(path, parameters, tuple(formats), reports.resolve(), started, clock)

    # The kernel boots, imports and loads the dataset on one core while this
    # process imports papermill, starts Chromium and warms up the HTML exporter
    # on the other.
    with WarmKernel(path, parameters.get("dataset")) as kernel:
        import_executor()
        printer = PdfPrinter(chromium_path) if chromium_path else None
        try:
            exporter = _Background(lambda: html_exporter(warm_up=path))
            dataset = _checked_dataset(parameters, kernel.ready())
            briefing = _execute_and_publish(plan, dataset, kernel, printer, exporter)
        finally:
            if printer:
                printer.close()
    write_index(plan.reports)
    return briefing


class _Background:
    """Run ``make`` in a thread now; ``get()`` waits for its result (or its exception)."""

    def __init__(self, make):
        import threading

        self._result = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._result = make()
            except BaseException as exc:  # handed to whoever calls get()
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def get(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


@dataclass(frozen=True)
class _DatasetFacts:
    """What the title block and the manifest say about the dataset the notebook read."""

    path: Path
    name: str
    title: str


def _checked_dataset(parameters: dict, kernel: WarmKernel) -> _DatasetFacts | None:
    """The dataset as the kernel's warm-up loaded (so validated) it; None if the notebook
    takes none. If that failed, its problems are raised here, before any cell runs."""
    if "dataset" not in parameters:
        return None
    path = Path(parameters["dataset"])
    preloaded = kernel.preloaded or {}
    if "value" in preloaded:
        return _DatasetFacts(path, **preloaded["value"])
    from ..dataset import load_dataset

    dataset = load_dataset(path)  # raises the DatasetError listing every problem
    if "ename" in preloaded:
        raise BriefingError(
            f"the notebook kernel could not load the dataset: "
            f"{preloaded['ename']}: {preloaded['evalue']}"
        )
    return _DatasetFacts(path, dataset.name, dataset.title)


def _masthead(plan: _Plan, dataset):
    from .export import Masthead

    as_of = plan.parameters.get("as_of")
    stem = plan.notebook.stem
    return Masthead(
        title=str(plan.parameters.get("title") or (dataset.title if dataset else stem)),
        subtitle=(f"As of {as_of}" if as_of else "All reporting in the dataset")
        + f" \u00b7 built {plan.started:%Y-%m-%d %H:%M} UTC",
        marking=str(plan.parameters.get("marking") or ""),
        footer=f"{stem} \u00b7 dataset {dataset.name if dataset else '-'}",
    )


def _manifest(plan: _Plan, dataset, masthead, chromium_version, files: list[Path]) -> dict:
    from ..fingerprint import dataset_hash

    tools = tool_versions(chromium_version)
    return {
        "notebook": plan.notebook.stem,
        "title": masthead.title,
        "parameters": plan.parameters,
        "dataset": {
            "name": dataset.name if dataset else None,
            "path": str(dataset.path) if dataset else None,
            "sha256": dataset_hash(dataset.path) if dataset else None,
        },
        "package_version": tools["claim-briefings"],
        "git_commit": git_commit(PROJECT_ROOT),
        "tools": tools,
        "started": plan.started.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - plan.clock, 2),
        "files": [f.name for f in files] + ["manifest.json"],
    }


def _execute_and_publish(plan: _Plan, dataset, kernel, printer, exporter) -> Briefing:
    """Execute, export and publish; the staging folder goes whatever happens."""
    from .execute import execute_notebook
    from .export import to_html

    stem = plan.notebook.stem
    staging = staging_folder(plan.reports)
    try:
        executed = staging / f"{stem}.ipynb"
        failed = plan.reports / FAILED / f"{stem}-{plan.started:%Y%m%dT%H%M%S}"
        nb = execute_notebook(plan.notebook, executed, plan.parameters, failed, kernel)
        masthead = _masthead(plan, dataset)
        page = staging / f"{stem}.html"
        page.write_text(to_html(nb, masthead, exporter.get()), encoding="utf-8")
        files = [executed]
        if "html" in plan.formats:
            files.append(page)
        if printer:
            files.append(printer.print(page, staging / f"{stem}.pdf", masthead.marking))
            printer.finish()
        if "html" not in plan.formats:
            page.unlink()  # only the PDF was asked for; the HTML was its source
        manifest = _manifest(plan, dataset, masthead, printer.version if printer else None, files)
        write_manifest(staging, manifest)
        folder = publish(staging, plan.run_folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Briefing(folder, [folder / f.name for f in files], manifest)
