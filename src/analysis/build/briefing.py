"""``build_briefing``: check, execute, export and publish one briefing.

One build, its processes and threads (time runs down)::

    briefing process, main thread      kernel process            helper threads
    ----------------------------       --------------            --------------
    plan: notebook, -p values checked
    start the kernel ----------------> boots, imports the
                                       notebook's modules,
                                       loads the dataset
    import papermill                                             pdf-printer: starts
                                                                 Chromium, opens a page
                                                                 html-exporter: compiles
                                                                 the template
    wait for the warm-up <------------ dataset's name, or
                                       its problems (refused)
    papermill runs the cells --------> runs the cells
    release the kernel                 shut down (thread)
    HTML (exporter) -> PDF ------------------------------------> pdf-printer prints
    manifest, publish, index

Every wait is bounded: the warm-up (``WarmKernel.ready``), the exporter
(``EXPORT_TIMEOUT``) and the printer (``export.PRINT_TIMEOUT``), each by the build's
own time limit too (:mod:`.deadline`: the kernel is killed when it passes). The run
is written in a staging folder and published whole or not at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analysis.build.deadline import Deadline
from analysis.build.execute import WarmKernel, execute_notebook, import_executor
from analysis.build.export import PRINT_TIMEOUT, find_chromium, html_exporter, to_html
from analysis.build.layout import ReportsLayout
from analysis.build.outputs import (
    RUN_NAME_PARAMETER,
    check_replaceable_run,
    check_reports_folder,
    git_commit,
    publish,
    staged_run,
    tool_versions,
    write_index,
    write_manifest,
)
from analysis.build.parameters import (
    PREVIOUS,
    ParameterError,
    check_parameters,
    dataset_parameter,
    effective_parameters,
    parameter_of_type,
)
from analysis.build.resources import BuildResources
from analysis.contract.fingerprint import dataset_hash
from analysis.contract.schema import DATASET_FILES
from analysis.errors import BriefingError, BuildFailed, DatasetError, Problem, ReportedError
from analysis.present.masthead import CHANGES_MIMETYPE, Masthead, displayed, masthead_of
from analysis.runtime.ownership import folder_name

FORMATS = ("html", "pdf")
CELL_TIMEOUT = 600.0  # seconds one cell may run before the build stops it
EXPORT_TIMEOUT = 60.0  # seconds for the HTML exporter to be ready once the notebook has run
PROJECT_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Briefing:
    """A published briefing: its folder, files and manifest; ``index_error`` says why the
    reports index could not be rewritten (the briefing itself is published)."""

    folder: Path
    files: list[Path]
    manifest: dict
    index_error: str | None = None


@dataclass(frozen=True)
class BuildPlan:
    """What one build will do, settled before any kernel starts."""

    notebook: Path
    parameters: dict
    dataset: Path | None
    formats: tuple[str, ...]
    reports: Path
    chromium: str | None
    started: dt.datetime
    clock: float
    destination: Path | None = None
    cell_timeout: float | None = CELL_TIMEOUT

    @property
    def run_folder(self) -> Path:
        if self.destination is not None:
            return self.destination
        folder = ReportsLayout(self.reports).notebook_folder(self.notebook.stem)
        return folder / run_name(self.parameters, self.started)


def run_name(parameters: dict, started: dt.datetime) -> str:
    """The run folder's name: the ``as_of`` parameter's value, else the day of the run.
    Refused unless it is one safe folder name (a plain-text ``as_of`` of ``../..`` would
    otherwise put the run, and the swap that publishes it, outside the reports folder)."""
    value = parameters.get(RUN_NAME_PARAMETER) or started.strftime("%Y-%m-%d")
    return folder_name(value, f"parameter {RUN_NAME_PARAMETER!r}")


@dataclass(frozen=True)
class DatasetFacts:
    """What the manifest says about the dataset the notebook read."""

    path: Path
    name: str
    title: str


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


def parse_formats(formats: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Output formats from ``"html,pdf"`` or a sequence; refused unless each is known."""
    parts = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in parts if p.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        given = formats if isinstance(formats, str) else ",".join(formats)
        raise BriefingError(
            f"unknown output format(s) in {given!r}: choose from html and pdf, "
            "comma-separated, e.g. --to html,pdf"
        )
    return chosen


def build_briefing(
    notebook: str | Path,
    given: list[tuple[str, str]] | None = None,
    *,
    formats: str | tuple[str, ...] = FORMATS,
    reports: Path = Path("reports"),
    chromium: Path | None = None,
    destination: Path | None = None,
    cell_timeout: float | None = CELL_TIMEOUT,
    timeout: float | None = None,
    resources: BuildResources | None = None,
) -> Briefing:
    """Execute ``notebook`` with the ``-p`` pairs ``given`` and publish it under ``reports``.

    Output: ``destination``, by default ``reports/<notebook>/<as_of or run date>/``, with the executed
    ``.ipynb``, the ``.html`` and ``.pdf`` asked for, and ``manifest.json``;
    ``reports/index.html`` is rewritten. Raises BriefingError subclasses for the
    user's mistakes (bad parameters, invalid dataset, a failing cell), and
    :class:`~.deadline.BuildTimeout` when the whole build takes longer than ``timeout`` seconds
    (its kernel is killed, see :mod:`.deadline`). ``resources``: what the caller keeps
    for many builds (a desk worker's zygote and Chromium, see :mod:`.resources`); by
    default a plain kernel and a Chromium for this build alone.
    """
    with Deadline(timeout) as deadline:
        try:
            return _build(
                notebook,
                given,
                formats,
                reports,
                chromium,
                destination,
                cell_timeout,
                resources or BuildResources(),
                deadline,
            )
        except ReportedError:
            deadline.check()  # what failed was stopped by the deadline: say that
            raise


def _build(
    notebook, given, formats, reports, chromium, destination, cell_timeout, resources, deadline
) -> Briefing:
    plan = plan_build(notebook, given or [], parse_formats(formats), reports, chromium)
    plan = dataclasses.replace(
        plan,
        destination=destination.resolve() if destination else None,
        cell_timeout=cell_timeout,
    )
    check_replaceable_run(plan.run_folder)
    # The kernel boots, imports and loads the dataset on one core while this
    # process imports papermill, starts Chromium and compiles the template.
    with (
        staged_run(plan.reports) as staging,
        WarmKernel(
            plan.notebook, plan.dataset, output=staging, deadline=deadline, resources=resources
        ) as kernel,
        _helper_thread() as helper,
    ):
        import_executor()
        with resources.printer_for(plan.chromium) as printer:
            exporter = helper.submit(html_exporter, plan.notebook)
            dataset = checked_dataset(plan, kernel.ready())
            briefing = execute_and_publish(
                plan, dataset, kernel, printer, exporter, staging, deadline
            )
    try:
        write_index(plan.reports)
    except (OSError, BriefingError) as exc:  # the briefing is out; only its listing is not
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        return dataclasses.replace(briefing, index_error=f"{reason}{where}")
    return briefing


@contextlib.contextmanager
def _helper_thread() -> Iterator[ThreadPoolExecutor]:
    """One background thread; on the way out nobody waits for work still queued on it."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="html-exporter")
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def plan_build(
    notebook: str | Path,
    given: list[tuple[str, str]],
    formats: tuple[str, ...],
    reports: Path,
    chromium: Path | None,
) -> BuildPlan:
    """Find the notebook, check the parameters and Chromium: every refusal before any start."""
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    path = find_notebook(str(notebook))
    parameters = effective_parameters(path, check_parameters(path, given))
    given_names = {name for name, _ in given}
    dataset = _dataset_path(path, parameters, given_names)
    _previous_path(path, parameters, given_names)
    check_reports_folder(reports.resolve())
    folder_name(path.stem, "the notebook's name")
    run_name(parameters, started)
    return BuildPlan(
        notebook=path,
        parameters=parameters,
        dataset=dataset,
        formats=formats,
        reports=reports.resolve(),
        chromium=find_chromium(chromium) if "pdf" in formats else None,
        started=started,
        clock=clock,
    )


def _dataset_path(notebook: Path, parameters: dict, given_names: set[str]) -> Path | None:
    """The dataset parameter made absolute (in ``parameters`` too): the user's value from
    their working directory, the notebook's default from its folder (as JupyterLab runs it)."""
    name = dataset_parameter(notebook)
    if name is None or parameters.get(name) is None:
        return None
    base = Path.cwd() if name in given_names else notebook.parent
    path = (base / str(parameters[name])).resolve()
    if not path.is_dir():  # the kernel would say so too, but only after 10 s of start-up
        what = "does not exist" if not path.exists() else "is not a folder"
        raise DatasetError(
            str(path),
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"{what}; give the path of a dataset folder",
                    code="not-a-folder",
                )
            ],
        )
    parameters[name] = str(path)
    return path


def _previous_path(notebook: Path, parameters: dict, given_names: set[str]) -> None:
    """An earlier briefing given with ``-p``: read from the working directory, refused
    unless it is a folder (a typo would otherwise read as "nothing to compare with")."""
    name = parameter_of_type(notebook, PREVIOUS)
    if name is None or name not in given_names or parameters.get(name) is None:
        return
    path = (Path.cwd() / str(parameters[name])).resolve()
    if not path.is_dir():
        raise ParameterError(
            notebook.name, [f"parameter {name!r}: {str(parameters[name])!r} is not a folder"]
        )
    parameters[name] = str(path)


def checked_dataset(plan: BuildPlan, kernel: WarmKernel) -> DatasetFacts | None:
    """The dataset as the kernel's warm-up loaded (so validated) it; None if the notebook
    takes none. If that failed, its problems are raised here, before any cell runs."""
    if plan.dataset is None:
        return None
    answer = kernel.preloaded or {}
    if "value" in answer and "problems" in answer["value"]:
        refused = answer["value"]
        problems = [Problem(**p) for p in refused["problems"]]
        raise DatasetError(refused["path"], problems, DATASET_FILES)
    if "value" in answer:
        return DatasetFacts(plan.dataset, **answer["value"])
    reason = f"{answer['ename']}: {answer['evalue']}" if "ename" in answer else "no answer"
    raise BuildFailed(f"the notebook kernel could not load the dataset: {reason}")


def execute_and_publish(
    plan: BuildPlan, dataset, kernel, printer, exporter, staging, deadline: Deadline
) -> Briefing:
    """Execute in ``staging``, export there and publish it as the run folder (unless the
    ``deadline`` passed first: then nothing is published)."""
    stem = plan.notebook.stem
    executed = staging / f"{stem}.ipynb"
    kept = f"{stem}-{plan.started:%Y%m%dT%H%M%S}-{staging.name[-6:]}"
    failed = ReportsLayout(plan.reports).failed_notebooks() / kept
    nb = execute_notebook(
        plan.notebook, executed, plan.parameters, failed, kernel, plan.cell_timeout, deadline
    )
    deadline.check()
    masthead = masthead_of(nb, stem, plan.started)
    files = [executed, *export(plan, nb, masthead, exporter, printer, staging, deadline)]
    manifest = build_manifest(plan, dataset, masthead, printer, files)
    manifest["changes"] = displayed(nb, CHANGES_MIMETYPE)
    write_manifest(staging, manifest)
    check_replaceable_run(plan.run_folder)  # again: the build took a while
    deadline.check()  # the last moment to stop: the swap below is published whole
    folder = publish(staging, plan.run_folder)
    return Briefing(folder, [folder / f.name for f in files], manifest)


def export(
    plan: BuildPlan, nb, masthead: Masthead, exporter, printer, staging: Path, deadline: Deadline
) -> list:
    """The reader's HTML, and the PDF printed from it, in ``staging``; the files asked for.
    Each wait ends at the build's ``deadline`` if it comes first."""
    stem = plan.notebook.stem
    page = staging / f"{stem}.html"
    try:
        ready = exporter.result(deadline.left(EXPORT_TIMEOUT))
    except TimeoutError:
        deadline.check()
        raise BuildFailed(
            f"the HTML exporter was not ready within {EXPORT_TIMEOUT:.0f} s; nothing was published"
        ) from None
    page.write_text(to_html(nb, masthead, ready), encoding="utf-8")
    files = [page] if "html" in plan.formats else []
    if printer:
        pdf = staging / f"{stem}.pdf"
        files.append(printer.print(page, pdf, masthead.marking, deadline.left(PRINT_TIMEOUT)))
        printer.finish()
    if "html" not in plan.formats:
        page.unlink()  # only the PDF was asked for; the HTML was its source
    return files


def build_manifest(plan: BuildPlan, dataset, masthead: Masthead, printer, files) -> dict:
    """What was built, from what, with which tools: ``manifest.json`` of a run."""
    tools = tool_versions(printer.version if printer else None)
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
