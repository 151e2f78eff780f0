"""What the tool may name, replace and delete: one safe folder name, and marks on what it made.

Two rules keep every command inside its own folders:

- a value that becomes a folder name (a run's ``as_of``, a desk job or key) must be
  one ordinary path component, checked before anything starts (:func:`folder_name`);
- a folder is replaced or emptied only when the tool made it: it carries a mark
  file written when it was made (:func:`mark`, :func:`made_by_us`). Anything else
  is refused with one line that says why and what to do.
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from analysis.errors import BriefingError

NAME_MAX = 255  # bytes in one file name on Linux file systems
RESERVED_NAMES = frozenset({".", "..", "latest"})  # `latest` is the desk's link to the newest run


def folder_name(value: object, what: str) -> str:
    """``value`` as one folder name, or BriefingError naming ``what`` and the fix.

    Refused: empty text, ``.``/``..``, ``latest``, a ``/`` or ``\\``, a leading ``.`` or
    ``_`` (hidden and internal folders the index never shows), control characters,
    and names over 255 bytes.
    """
    name = str(value)
    reason = _unsafe_because(name)
    if reason is None:
        return name
    shown = name if len(name) <= 60 else name[:57] + "..."
    raise BriefingError(
        f"{what} {shown!r} cannot name a folder: {reason}; "
        "use letters, digits, '-', '_' or '.' (e.g. 2025-04-08)"
    )


def _unsafe_because(name: str) -> str | None:
    if not name.strip():
        return "it is empty"
    if name in RESERVED_NAMES:
        return "the name is reserved"
    if "/" in name or "\\" in name:
        return "it holds a path separator"
    if name.startswith((".", "_")):
        return "it starts with '.' or '_' (hidden and internal folders)"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return "it holds a control character"
    if len(os.fsencode(name)) > NAME_MAX:
        return f"it is longer than {NAME_MAX} bytes"
    return None


def mark(folder: Path, kind: str) -> Path:
    """Write ``folder``'s mark: it was made by this tool, as a ``kind`` (site, dataset)."""
    path = folder / _mark_file(kind)
    path.write_text(json.dumps({"made_by": "claim-briefings", "kind": kind}) + "\n")
    return path


def made_by_us(folder: Path, kind: str) -> bool:
    """Does ``folder`` carry the mark :func:`mark` writes for ``kind``?"""
    path = folder / _mark_file(kind)
    try:
        facts = json.loads(path.read_text())
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return isinstance(facts, dict) and facts.get("kind") == kind and not path.is_symlink()


def _mark_file(kind: str) -> str:
    return f".claim-briefings-{kind}"


def is_empty_folder(folder: Path) -> bool:
    try:
        return folder.is_dir() and not folder.is_symlink() and next(folder.iterdir(), None) is None
    except OSError:
        return False
