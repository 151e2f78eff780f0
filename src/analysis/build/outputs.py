"""Where briefings land: a folder per run, published whole, a manifest and an index.

A run is written into a hidden temporary folder beside its destination and
renamed into place only when complete, so a failed or killed build never
leaves a half-written briefing where readers look.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from analysis.build.export import TEMPLATES
from analysis.build.feeds import FEED_FILE, write_feeds
from analysis.build.layout import ReportsLayout, replace_file
from analysis.errors import BriefingError

_STAGING_NAME = re.compile(r"\.building-(?P<pid>[0-9]{1,10})-[0-9a-f]{12}")
RUN_NAME_PARAMETER = "as_of"  # a run folder is named for this parameter's value, else the day
TOOLS = (
    "papermill",
    "nbconvert",
    "nbformat",
    "pandas",
    "matplotlib",
    "playwright",
    "claim-briefings",
)


def check_reports_folder(reports: Path) -> None:
    """Refuse an output folder that cannot hold briefings, or whose ``index.html`` this
    tool did not write (it writes ``index.json`` beside it), before any work is done."""
    if reports.exists():
        if not reports.is_dir():
            raise BriefingError(f"--out {reports}: exists and is not a folder; give a folder")
        if not os.access(reports, os.W_OK | os.X_OK):
            raise BriefingError(f"--out {reports}: this user may not write in it")
        _check_index_is_ours(reports)
        return
    parent = next(p for p in reports.parents if p.exists())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise BriefingError(f"--out {reports}: cannot be created in {parent}")


def _check_index_is_ours(reports: Path) -> None:
    page, listing = reports / "index.html", reports / "index.json"
    if (page.exists() or page.is_symlink()) and not (
        listing.is_file() and not listing.is_symlink() and not page.is_symlink()
    ):
        raise BriefingError(
            f"--out {reports}: holds an index.html this tool did not write (no index.json "
            "beside it), which every build would overwrite; give another folder with --out"
        )


def check_replaceable_run(folder: Path) -> None:
    """A run folder is replaced only when it is a briefing this tool published (it has a
    ``manifest.json``) or an empty folder; anything else at that path is refused."""
    if not (folder.exists() or folder.is_symlink()):
        return
    if folder.is_symlink() or not folder.is_dir():
        what = "a link" if folder.is_symlink() else "a file"
    elif (folder / "manifest.json").is_file() or next(folder.iterdir(), None) is None:
        return
    else:
        what = "a folder this tool did not build (no manifest.json)"
    raise BriefingError(
        f"{folder} is {what}; a build would replace it. Move it away, or give another "
        "as_of or --out"
    )


def staging_folder(reports: Path) -> Path:
    """A fresh hidden folder under ``reports`` to build a run in, named for this process.

    Folders left by builds that were killed (their process is gone) are removed first.
    """
    reports.mkdir(parents=True, exist_ok=True)
    for stale in reports.glob(".building-*"):
        found = _STAGING_NAME.fullmatch(stale.name)  # only names this function gives
        if found and not stale.is_symlink() and not _alive(int(found["pid"])):
            shutil.rmtree(stale, ignore_errors=True)
    folder = reports / f".building-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


@contextlib.contextmanager
def staged_run(reports: Path) -> Iterator[Path]:
    """A staging folder for one run (see :func:`staging_folder`), removed on the way out
    unless it was published (moved into place) meanwhile. A reports folder made for
    this run and left empty (the run was refused) goes too."""
    existed = reports.exists()
    staging = staging_folder(reports)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not existed:
            with contextlib.suppress(OSError):
                reports.rmdir()  # only when empty


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish(staging: Path, destination: Path) -> Path:
    """Move a finished run into place, replacing an earlier run of the same name in one step.

    On Linux the two folders are swapped by one ``renameat2(RENAME_EXCHANGE)``:
    readers see the old run or the new one, never neither, whatever other
    publishers of the same run do at the same moment and wherever this process
    is killed. The old run ends up in ``staging`` and is removed with it (or,
    after a kill, with the next build's stale staging folders).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(PUBLISH_ATTEMPTS):  # each lost race means another publisher just finished
        try:
            if not _exchange(staging, destination):
                return _publish_by_renames(staging, destination)
            shutil.rmtree(staging, ignore_errors=True)
            return destination
        except FileNotFoundError:  # no earlier run: a plain rename, unless one appears meanwhile
            try:
                os.rename(staging, destination)
                return destination
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
    raise OSError(errno.EBUSY, "other builds kept publishing the same run", str(destination))


PUBLISH_ATTEMPTS = 20
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.cache
def _renameat2():
    """libc's renameat2, or None where the system has none (not Linux, old glibc)."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    result = function(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _publish_by_renames(staging: Path, destination: Path) -> Path:
    """Where no atomic swap exists: two renames under a lock shared by every publisher."""
    from filelock import FileLock

    with FileLock(destination.parent / f".{destination.name}.publishing"):
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


STALE_AFTER = dt.timedelta(hours=1)  # past its due time by this much, unbuilt: stale


def write_index(reports: Path) -> Path:
    """``reports/index.html`` and ``index.json``: every briefing, grouped by notebook (or
    desk job and key), newest first; a group whose last desk run failed is marked stale."""
    groups: dict[str, dict] = {}
    for manifest_file in _manifests(reports):
        inside = manifest_file.relative_to(reports).parts[:-1]
        try:
            manifest = json.loads(manifest_file.read_text())
        except (OSError, ValueError):
            continue
        group = "/".join(inside[:-1])
        entry = groups.setdefault(group, _group(reports, group))
        entry["runs"].append(_indexed_run(reports, manifest_file.parent, manifest))
    now = dt.datetime.now(dt.UTC)
    for entry in groups.values():  # a loop over the few groups of a reports folder
        entry["runs"].sort(key=lambda run: run["started"], reverse=True)
        _mark_overdue(entry, now)
    ordered = sorted(groups.values(), key=lambda g: g["runs"][0]["started"], reverse=True)
    _check_index_is_ours(reports)
    replace_file(reports / "index.json", json.dumps({"groups": ordered}, indent=1) + "\n")
    write_feeds(reports, ordered, replace_file)
    return replace_file(reports / "index.html", _render_index(ordered))


def _manifests(reports: Path) -> list[Path]:
    """``manifest.json`` of every published run: ``<notebook>/<run>/`` or
    ``<job>/<key>/<run>/``. Hidden and ``_`` folders (staging, retired, failed) and
    ``latest`` links are never entered, and a folder another build removes meanwhile
    is passed over."""
    found = []
    for first in _published_folders(reports):
        for second in _published_folders(first):
            found.append(second / "manifest.json")
            found += [third / "manifest.json" for third in _published_folders(second)]
    return [path for path in found if path.is_file()]


def _published_folders(folder: Path) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # gone, or not a folder
        return []
    return [
        Path(entry.path)
        for entry in entries
        if not ReportsLayout.is_internal(entry.name)
        and not entry.is_symlink()
        and entry.is_dir(follow_symlinks=False)
    ]


def _group(reports: Path, group: str) -> dict:
    folder = reports / group
    latest = ReportsLayout.latest(folder)
    job = group.split("/")[0]
    return {
        "group": group,
        "latest": f"{group}/{latest.name}" if latest.is_symlink() else None,
        "feed": f"{job}/{FEED_FILE}",
        "failed": ReportsLayout.failed_note(folder),
        "due": ReportsLayout.next_due(folder),
        "overdue": None,
        "runs": [],
    }


def _mark_overdue(entry: dict, now: dt.datetime) -> None:
    """A group whose next due time passed STALE_AFTER ago with no build since is stale;
    the due time is shown either way (UTC, so readers anywhere can compare)."""
    due = entry.pop("due")
    if due is None:
        return
    newest = entry["runs"][0]["started"] if entry["runs"] else ""
    try:
        built_after = dt.datetime.fromisoformat(newest) >= due
    except ValueError:
        built_after = False
    entry["next_due"] = due.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    if now - due > STALE_AFTER and not built_after:
        entry["overdue"] = entry["next_due"]


def _indexed_run(reports: Path, folder: Path, manifest: dict) -> dict:
    return {
        "folder": folder.relative_to(reports).as_posix(),
        "title": str(manifest.get("title", "")),
        "notebook": str(manifest.get("notebook", "")),
        "as_of": str(manifest.get("parameters", {}).get(RUN_NAME_PARAMETER) or "all"),
        "dataset": str((manifest.get("dataset") or {}).get("name") or ""),
        "started": str(manifest.get("started", "")),
        "built": str(manifest.get("started", ""))[:19].replace("T", " "),
        "age": _age(manifest.get("started")),
        "files": [str(name) for name in manifest.get("files", [])],
    }


def _age(started) -> str:
    """How old a run was when the index was written: "3 h", "2 days"."""
    try:
        moment = dt.datetime.fromisoformat(str(started))
    except ValueError:
        return ""
    seconds = (dt.datetime.now(dt.UTC) - moment.astimezone(dt.UTC)).total_seconds()
    if seconds < 3600:
        return f"{max(int(seconds // 60), 0)} min"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def _render_index(groups: list[dict]) -> str:
    import jinja2  # here: 0.1 s that `briefing notebooks` and the kernel need not pay

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "site"), autoescape=True
    )
    written = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    page = environment.get_template("index.html.j2").render(groups=groups, written=written)
    return page + "\n"
