"""A briefing's fingerprint: everything its published files depend on, part by part.

A briefing is rebuilt when its fingerprint differs from its last good build's,
and skipped when it is the same. The parts are kept apart (and the dataset file
by file) so the desk can say what changed: ``dataset changed: claims.csv``.

The parts: the notebook's source with outputs and execution counts stripped;
the resolved parameters; the dataset's identity (each of its files' hash, from
:mod:`analysis.contract.fingerprint`: the files a load reads, so a README or the
``aliases.csv`` an import kept beside them changes nothing); the output formats;
the package version; the hash of ``requirements.lock``; the hash of the export
template's files. Code of the package itself counts
through its version only: after editing it without a new version, rebuild
with ``--force``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from importlib import metadata
from pathlib import Path

from analysis import __version__
from analysis.build import PROJECT_ROOT, TEMPLATES, notebook_cells
from analysis.contract.fingerprint import dataset_hash, dataset_identity
from analysis.desk.jobs import JobBriefing
from analysis.desk.jobs_text import shown
from analysis.errors import BriefingError

LOCK_FILE = PROJECT_ROOT / "requirements.lock"
TEMPLATE_FOLDER = TEMPLATES / "briefing"


@dataclass(frozen=True)
class Fingerprint:
    """The inputs of one briefing, each as a hash or (for small ones) as its value.

    ``dataset`` maps each dataset file's name to its SHA-256; ``dataset_sha256`` is
    ``dataset_hash`` of the folder (as in manifest.json), None if the folder is missing.
    """

    notebook: str
    parameters: dict[str, object]
    dataset_folder: str | None
    dataset: dict[str, str]
    dataset_sha256: str | None
    formats: tuple[str, ...]
    package_version: str
    lock: str | None
    template: str

    @property
    def digest(self) -> str:
        """One hash of all parts: equal digests, nothing changed."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> Fingerprint:
        """A stored fingerprint; a part missing from an older record reads as None."""
        stored = json.loads(text)
        values = {f.name: stored.get(f.name) for f in fields(cls)}
        values["formats"] = tuple(values["formats"] or ())
        values["parameters"] = values["parameters"] or {}
        values["dataset"] = values["dataset"] or {}
        return cls(**values)


def changes(before: Fingerprint, after: Fingerprint) -> list[str]:
    """What differs from ``before`` to ``after``, in the analyst's words, most telling
    first; an empty list when nothing does."""
    found = []
    if before.notebook != after.notebook:
        found.append("notebook changed")
    names = sorted(
        n
        for n in before.parameters.keys() | after.parameters.keys()
        if before.parameters.get(n) != after.parameters.get(n)
    )
    if names:
        found.append(f"parameters changed: {', '.join(names)}")
    if after.dataset_folder is not None and after.dataset_sha256 is None:
        found.append(f"dataset missing: {after.dataset_folder}")
    else:
        files = sorted(
            name
            for name in before.dataset.keys() | after.dataset.keys()
            if before.dataset.get(name) != after.dataset.get(name)
        )
        if files:
            found.append(f"dataset changed: {', '.join(files)}")
    if before.formats != after.formats:
        found.append(f"formats changed: {', '.join(before.formats)} -> {', '.join(after.formats)}")
    if before.package_version != after.package_version:
        found.append(
            f"package version changed: {before.package_version} -> {after.package_version}"
        )
    if before.lock != after.lock:
        found.append(f"{LOCK_FILE.name} changed")
    if before.template != after.template:
        found.append("export template changed")
    return found


@dataclass
class Fingerprinter:
    """Fingerprints for one plan. What many briefings share (the lock, the template, a
    notebook, a dataset) is hashed once per Fingerprinter, so make a new one for each
    plan: files edited after it hashed them would go unseen."""

    lock: Path | None = LOCK_FILE
    template: Path = TEMPLATE_FOLDER
    package_version: str | None = None
    _hashes: dict[tuple[str, Path], object] = field(default_factory=dict, init=False, repr=False)

    def of(self, briefing: JobBriefing, scheduled: dt.datetime) -> Fingerprint:
        """The fingerprint of ``briefing`` built for the scheduled time ``scheduled``."""
        parameters = briefing.parameters(scheduled)
        name = briefing.job.dataset_parameter
        folder = Path(str(parameters[name])) if name and parameters.get(name) else None
        files, whole = self._dataset(folder) if folder else ({}, None)
        return Fingerprint(
            notebook=self._cached("notebook", briefing.job.notebook, notebook_source_hash),
            parameters=json.loads(json.dumps(parameters, default=str)),
            dataset_folder=str(folder) if folder else None,
            dataset=files,
            dataset_sha256=whole,
            formats=briefing.job.formats,
            package_version=self.package_version or package_version(),
            lock=self._cached("file", self.lock, _file_hash) if self.lock else None,
            template=self._cached("folder", self.template, folder_hash),
        )

    def _dataset(self, folder: Path) -> tuple[dict[str, str], str | None]:
        """The dataset's file hashes and its whole hash; none for a folder that is not
        there. Only read: a jobs file may name any folder, even one we may not list."""
        try:
            if not folder.is_dir():
                return {}, None
            files = self._cached("dataset", folder, dataset_identity)
            return files, self._cached("dataset_hash", folder, dataset_hash)
        except OSError as exc:  # no permission, a name too long, a loop of links
            raise BriefingError(
                f"dataset folder {shown(str(folder))} cannot be read: {exc.strerror or exc}"
            ) from None

    def _cached(self, kind: str, path: Path, compute):
        if (kind, path) not in self._hashes:
            self._hashes[kind, path] = compute(path)
        return self._hashes[kind, path]


def notebook_source_hash(path: Path) -> str:
    """SHA-256 of what a notebook would run and show: each cell's type, source and tags.
    Outputs, execution counts and other metadata (what JupyterLab rewrites on every
    save) are left out, so running or saving a notebook does not change it."""
    cells = [
        [cell["cell_type"], cell["source"], sorted(cell["metadata"].get("tags", []))]
        for cell in notebook_cells(path)
    ]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def folder_hash(folder: Path) -> str:
    """SHA-256 over every file under ``folder`` (relative names and bytes), in name order."""
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def package_version() -> str:
    """The installed claim-briefings version; the source's own when it is not installed."""
    try:
        return metadata.version("claim-briefings")
    except metadata.PackageNotFoundError:
        return __version__


def _file_hash(path: Path) -> str | None:
    """SHA-256 of one file; None when it does not exist (e.g. no lock in an installed copy)."""
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except FileNotFoundError:
        return None
