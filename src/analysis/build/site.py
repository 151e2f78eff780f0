"""``briefing publish``: copy the reports site where a web server can serve it, atomically.

The site is ``index.html``, ``index.json`` and every published briefing, with each
``latest`` link made a real folder (a web server or a copy tool need not follow
links). The desk's internals stay behind: hidden entries (``.desk`` with the run
history and locks, ``.building-*`` staging folders, ``.failed.json`` notes, whose
message the index already shows) and ``_failed/`` (partly executed notebooks,
which may hold tracebacks with local paths), as do loose files such as a
``desk.log``.

A local destination is staged whole beside itself and swapped in with one
``renameat2(RENAME_EXCHANGE)`` (:func:`analysis.build.outputs.publish`): a reader
sees the old site or the new one, never a mix. A remote one (``host:path``) is
copied to a fresh folder beside ``path`` and a ``path`` link is switched to it
with one rename over ssh.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from analysis.build.layout import LATEST, ReportsLayout
from analysis.build.outputs import publish
from analysis.errors import BriefingError
from analysis.runtime.ownership import is_empty_folder, made_by_us, mark

SITE_FILES = ("index.html", "index.json", "feed.atom")
SITE = "site"  # the kind of mark a published site carries (see runtime/ownership.py)
COPY_ATTEMPTS = 5  # a briefing folder swapped by a build while it is copied is copied again
TOOLS = ("rsync", "scp")
STAMP_LENGTH = 12  # hex digits naming each remote copy (see _stamp)
STAMP_GLOB = "[0-9a-f]" * STAMP_LENGTH  # only copies made by publish are ever removed
_REMOTE = re.compile(r"^(?P<host>[^/:\s]+):(?P<path>.*)$")
_HOST = re.compile(r"(?:[A-Za-z0-9._%+][A-Za-z0-9._%+-]*@)?[A-Za-z0-9_][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Published:
    """Where the site went and how much of it: for the command's one line."""

    destination: str
    briefings: int
    files: int


def is_remote(destination: str) -> bool:
    """``host:path`` or ``user@host:path`` (as rsync and scp read it); a path with a ``/``
    before its first ``:`` is local."""
    return _REMOTE.match(destination) is not None


def publish_site(reports: Path, destination: str, *, via: str | None = None) -> Published:
    """Copy the site under ``reports`` to ``destination`` (a folder, or ``host:path``)."""
    reports = Path(reports).resolve()
    if not (reports / "index.html").is_file():
        raise BriefingError(
            f"no site in {reports}: index.html is missing; build a briefing or run the desk first"
        )
    if is_remote(destination):
        with tempfile.TemporaryDirectory(prefix="briefing-site-") as scratch:
            site = Path(scratch) / "site"
            briefings, files = stage_site(reports, site)
            for command in remote_commands(site, destination, via or _default_tool(), _stamp()):
                _run(command)
        return Published(destination, briefings, files)
    given = Path(destination).absolute()
    if given.is_symlink():
        raise BriefingError(
            f"{given} is a link; give the folder itself (a site is replaced, never a link)"
        )
    target = given.resolve()
    if target == reports or reports in target.parents or target in reports.parents:
        raise BriefingError(f"publish to a folder outside {reports}, not {target}")
    check_replaceable_site(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.staging-{os.getpid()}-{_stamp()}"
    try:
        briefings, files = stage_site(reports, staging)
        publish(staging, target)  # the old site lands in staging and goes with it
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Published(str(target), briefings, files)


def check_replaceable_site(target: Path) -> None:
    """A local destination is replaced whole, so it must be new, empty or a site that
    ``briefing publish`` made (its mark, or a site from before marks: ``index.html``
    and ``index.json`` listing groups); anything else is refused, never emptied."""
    if not target.exists():
        return
    if not target.is_dir():
        raise BriefingError(f"{target} is a file; give a folder to publish the site into")
    if is_empty_folder(target) or made_by_us(target, SITE) or _unmarked_site(target):
        return
    raise BriefingError(
        f"{target} was not made by briefing publish and is not empty; publishing replaces "
        "the whole folder, so give a new or empty folder (or move this one away)"
    )


def _unmarked_site(folder: Path) -> bool:
    """A site published before sites were marked: our two index files and nothing loose."""

    try:
        listing = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return (
        isinstance(listing, dict)
        and isinstance(listing.get("groups"), list)
        and (folder / "index.html").is_file()
    )


def stage_site(reports: Path, site: Path) -> tuple[int, int]:
    """Write a full copy of the site into the new folder ``site``; the number of
    briefings and files copied.

    The index is copied first: briefings are only ever added or replaced in place,
    never removed, so every briefing the copied index lists is still there when the
    folders are copied after it.
    """
    site.mkdir(parents=True)
    for name in SITE_FILES:  # two files
        if (reports / name).is_file():
            shutil.copy2(reports / name, site / name)
    latest: list[tuple[Path, Path]] = []
    briefings = 0
    for entry in _site_entries(reports):  # the few groups of a reports folder
        if entry.is_dir() and not entry.is_symlink():
            briefings += _copy_folder(reports, entry, site / entry.name, latest)
    for link, copy in latest:  # `latest` as a real folder, hard links to its target's copy
        target = site / link.resolve().relative_to(reports)
        if target.is_dir():
            shutil.copytree(target, copy, copy_function=_link_or_copy)
    files = sum(len(names) for _, _, names in os.walk(site))
    mark(site, SITE)  # not counted: it is not part of what readers see
    return briefings, files


def _copy_folder(reports: Path, source: Path, copy: Path, latest: list) -> int:
    """Copy one folder of the site; a briefing folder (it has ``manifest.json``) is
    copied again if a build swapped it meanwhile, so its files are all of one build.
    ``latest`` links found are noted for later. Returns the briefings copied."""
    if (source / "manifest.json").is_file():
        for _ in range(COPY_ATTEMPTS):  # a build replaces a folder by swapping it whole
            before = source.stat().st_ino
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(source, copy, symlinks=True, ignore=_internals)
            if source.stat().st_ino == before:
                return 1
        raise BriefingError(f"{source} kept being rebuilt while it was copied; publish again")
    copy.mkdir()
    briefings = 0
    for entry in _site_entries(source):  # a group's runs
        if entry.is_symlink():
            if entry.name == LATEST and _inside(entry.resolve(), reports):
                latest.append((entry, copy / entry.name))
        elif entry.is_dir():
            briefings += _copy_folder(reports, entry, copy / entry.name, latest)
        elif entry.is_file():
            shutil.copy2(entry, copy / entry.name)
    return briefings


def _site_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not ReportsLayout.is_internal(p.name))


def _internals(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if name.startswith(".")]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _link_or_copy(source: str, copy: str) -> None:
    try:
        os.link(source, copy)
    except OSError:
        shutil.copy2(source, copy)


def remote_commands(site: Path, destination: str, via: str, stamp: str) -> list[list[str]]:
    """The commands that put a staged site at ``host:path``: copy it to a fresh folder
    ``.NAME-STAMP`` beside ``path`` (rsync reuses the previous copy's unchanged files by
    hard links), then over ssh point the link ``path`` at it with one rename and remove
    older copies, keeping the one just replaced for readers still on it."""
    if via not in TOOLS:
        raise BriefingError(f"--via {via!r} is not known; use {' or '.join(TOOLS)}")
    found = _REMOTE.match(destination)
    if found is None:
        raise BriefingError(f"{destination!r} is not a remote target host:path")
    host, path = found["host"], found["path"].rstrip("/")
    if not _HOST.fullmatch(host):  # "-oProxyCommand=..." would be an option of ssh and scp
        raise BriefingError(
            f"{host!r} is not a host name; write host:path or user@host:path, the host in "
            "letters, digits, '.', '-' and '_', not starting with '-'"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise BriefingError(f"{destination!r}: the path holds a control character")
    if not path or path in (".", "~"):
        raise BriefingError(f"{destination!r}: name the folder to publish into, e.g. host:www/site")
    parent, name = os.path.split(path)
    parent = parent or "."
    fresh, following, current = f".{name}-{stamp}", f".{name}.next", f".{name}-current"
    remote_fresh = f"{host}:{parent}/{fresh}"
    if via == "rsync":
        copy = ["rsync", "-a", "-H", "--delete", f"--link-dest=../{current}", f"{site}/"]
        copy.append(f"{remote_fresh}/")
    else:
        copy = ["scp", "-r", "-p", "-q", str(site), remote_fresh]
    q = shlex.quote
    refusal = f"{name} is a real folder, not a link made by briefing publish; move it away"
    switch = (
        f"cd {q(parent)}"
        f" && if [ -d {q(name)} ] && [ ! -L {q(name)} ]; then"
        f" echo {q(refusal)} >&2; exit 3; fi"
        f" && previous=$(readlink {q(name)} || true)"
        f" && ln -sfn {q(fresh)} {q(following)}"
        f" && mv -T {q(following)} {q(name)}"
        f" && ln -sfn {q(fresh)} {q(current)}"
        f" && for old in .{q(name)}-{STAMP_GLOB}; do"
        f' case "$old" in {q(fresh)}|"$previous"|{q(current)}) ;;'
        f' *) rm -rf -- "$old" ;; esac; done'
    )
    return [copy, ["ssh", host, switch]]


def _default_tool() -> str:
    return "rsync" if shutil.which("rsync") else "scp"


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BriefingError(f"{command[0]} is not installed; it is needed to publish remotely")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = said[-1] if said else f"exit status {done.returncode}"
        raise BriefingError(f"{command[0]} failed: {reason}")


def _stamp() -> str:
    return uuid.uuid4().hex[:STAMP_LENGTH]
