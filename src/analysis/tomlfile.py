"""Where each key of a jobs file is written, so an error can name its line.

``tomllib`` parses the file but keeps no positions. This scan of the text finds
the ``[[job]]`` headers, the ``[job.<table>]`` headers and every ``key =`` line,
and remembers each under its path within its job: ``("schedule", "cron")`` for
``cron`` in ``[job.schedule]``, for ``schedule.cron = ...``, or for
``schedule = {cron = ...}`` (the latter's line). It runs only on text tomllib
has accepted, so it needs to tell apart just four things: headers, keys,
comments, and the continuation lines of multi-line arrays, inline tables and
strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

JOB_TABLE = "job"
_KEY = re.compile(r"""^\s*(?P<key>[A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*|"[^"]*"|'[^']*')\s*=""")
_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")
_TRIPLE = re.compile(r'"""|\'\'\'')

Path = tuple[str, ...]


@dataclass
class Positions:
    """Line numbers (from 1) of a jobs file's keys: ``jobs[i]`` for the i-th ``[[job]]``
    (its header under the empty path), ``top`` for keys outside any job."""

    jobs: list[dict[Path, int]] = field(default_factory=list)
    top: dict[Path, int] = field(default_factory=dict)

    def line(self, job: int | None, *path: str) -> int:
        """The line of ``path`` in job ``job`` (None: outside jobs); when that key is not
        written on a line of its own, the line of its nearest enclosing key or table."""
        lines = self.top if job is None or job >= len(self.jobs) else self.jobs[job]
        for end in range(len(path), -1, -1):
            if path[:end] in lines:
                return lines[path[:end]]
        return 1


def scan(text: str) -> Positions:
    """The positions of every header and key in the TOML ``text``."""
    positions = Positions()
    section: Path = ()
    in_job = False
    depth = 0  # open brackets and braces of a multi-line value
    in_string: str | None = None  # the quotes of an open multi-line string
    for number, raw in enumerate(text.splitlines(), start=1):  # a loop over the file's lines
        line, in_string = _outside_multiline_string(raw, in_string)
        code = _STRING.sub('""', line).split("#", 1)[0]  # strings and comments blanked
        if depth > 0:
            depth += _balance(code)
            continue
        header = _header(code)
        if header is not None:
            path, is_array = header
            if is_array and path == (JOB_TABLE,):
                positions.jobs.append({(): number})
                in_job, section = True, ()
            elif path[0] == JOB_TABLE and in_job:
                section = path[1:]
                positions.jobs[-1].setdefault(section, number)
            else:
                in_job, section = False, path
                positions.top.setdefault(path, number)
            continue
        match = _KEY.match(line)
        if match is None:
            continue
        key = section + _key_path(match["key"])
        lines = positions.jobs[-1] if in_job else positions.top
        for end in range(len(section) + 1, len(key) + 1):  # a dotted key opens its tables too
            lines.setdefault(key[:end], number)
        depth = _balance(code.partition("=")[2])
    return positions


def _outside_multiline_string(line: str, quotes: str | None) -> tuple[str, str | None]:
    """The part of ``line`` outside triple-quoted strings, and the quotes still open after it."""
    kept, rest = "", line
    while True:
        if quotes is not None:
            end = rest.find(quotes)
            if end < 0:
                return kept, quotes
            rest, quotes = rest[end + 3 :], None
            kept += '""'
            continue
        opening = _TRIPLE.search(rest)
        if opening is None:
            return kept + rest, None
        kept += rest[: opening.start()]
        rest, quotes = rest[opening.end() :], opening.group()


def _header(line: str) -> tuple[Path, bool] | None:
    """``(path, is_array)`` of a ``[table]`` or ``[[array]]`` header line, else None."""
    stripped = line.strip()
    if stripped.startswith("[[") and stripped.endswith("]]"):
        return _key_path(stripped[2:-2]), True
    if stripped.startswith("[") and stripped.endswith("]"):
        return _key_path(stripped[1:-1]), False
    return None


def _key_path(key: str) -> Path:
    """``schedule . "cron"`` -> ``("schedule", "cron")``; a quoted key stays whole."""
    key = key.strip()
    if key[:1] in "\"'":
        return (key[1:-1],)
    return tuple(part.strip() for part in key.split("."))


def _balance(text: str) -> int:
    """Opening minus closing brackets and braces in ``text`` (strings already removed)."""
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")
