"""Hand-written TOML files (the desk's jobs file, an import's mapping): read
defensively, and where each key is written, so an error can name its line.

``read_toml`` reads a file of a few kilobytes of UTF-8 and refuses anything else
with one line before ``tomllib`` sees it, because tomllib meets hostile text
badly: it recurses once per nested array (a RecursionError after a few thousand
``[``), its memory grows with the square of a dotted key's length (``a.a.a...``
of 10,000 parts takes half a gigabyte), and an integer of more than 4,300 digits
raises a ValueError rather than its own error. Text it refuses is one
:class:`~analysis.errors.Problem` with its line and reason code, raised in the
file's own error (``TomlKind.refused``), as the caller lists its own problems.

``tomllib`` keeps no positions. ``scan`` of the text finds the ``[[job]]``
headers, the ``[table]`` headers and every ``key =`` line, and remembers each
under its path: within its job for a jobs file (``("schedule", "cron")`` for
``cron`` in ``[job.schedule]``, for ``schedule.cron = ...``, or for
``schedule = {cron = ...}``, the latter's line), else from the top
(``("claim", "stance", "map")``). It runs only on text tomllib has accepted, so
it needs to tell apart just four things: headers, keys, comments, and the
continuation lines of multi-line arrays, inline tables and strings.
"""

from __future__ import annotations

import codecs
import re
import reprlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import BriefingError, Problem, ProblemsError

MAX_KEY_PARTS = 32  # parts of one dotted key or header (``job.schedule.cron`` has 3)
# Possessive and anchored at a part's start, so a megabyte without dots is one pass.
_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\n]*+"|'[^'\n]*+')[ \t]*+\.[ \t]*+"""
_DOTTED = re.compile(rf"(?<![A-Za-z0-9_-])(?:{_KEY_PART}){{{MAX_KEY_PARTS},}}")
_UTF16_32 = {
    codecs.BOM_UTF32_LE: "UTF-32",  # before UTF-16: its BOM starts with UTF-16's
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}
SAVE_AS_UTF8 = "save it as UTF-8 text (TOML files are UTF-8)"
_short = reprlib.Repr()
_short.maxlevel, _short.maxstring, _short.maxother = 2, 80, 80
_short.maxlist = _short.maxtuple = _short.maxdict = 4

JOB_TABLE = "job"
_KEY = re.compile(r"""^\s*(?P<key>[A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*|"[^"]*"|'[^']*')\s*=""")
_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")
_TRIPLE = re.compile(r'"""|\'\'\'')

KeyPath = tuple[str, ...]


def shown(value: object) -> str:
    """``repr(value)`` cut to a line: a hostile file's megabyte string or deeply nested
    table must not make a megabyte (or a RecursionError) of an error message."""
    return _short.repr(value)


@dataclass(frozen=True)
class TomlKind:
    """How one kind of TOML file is named in messages, and how large it may be.
    ``missing`` and ``too_large`` are whole messages, with ``{path}`` (and ``{kib}``,
    the limit) filled in; the fixes follow a problem in the text. ``refused`` is the
    error a file with problems raises: the jobs file's, the mapping's."""

    name: str  # "jobs file": "jobs file briefings.toml:6: is not UTF-8 ..."
    missing: str
    too_large: str
    syntax_fix: str = ""  # where the file's format is described
    key_parts_fix: str = ""  # how many parts the file's keys have
    max_bytes: int = 1 << 20  # a hand-written file is a few kilobytes
    refused: type[ProblemsError] = ProblemsError


def read_toml(path: Path, kind: TomlKind) -> tuple[str, dict]:
    """The file's text and its parsed TOML; BriefingError with one line (the file is not
    one we can read as text) or ``kind.refused`` with its Problem (the text is not TOML we
    accept: ``toml-syntax``, ``key-too-deep``, ``nested-too-deep``, ``number-too-long``)."""
    text = _read_text(path, kind)

    def refused(line: int, message: str, code: str, fix: str) -> ProblemsError:
        return kind.refused(path, [Problem(str(path), line, None, message, code, fix)])

    found = _DOTTED.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        message = f"a dotted key or table header of more than {MAX_KEY_PARTS} parts"
        raise refused(line, message, "key-too-deep", kind.key_parts_fix)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _syntax_problem(exc, text)
        raise refused(line, message, "toml-syntax", kind.syntax_fix) from None
    except RecursionError:  # tomllib recurses once per level of [ or {
        message = "arrays or tables nested too deeply to read"
        raise refused(1, message, "nested-too-deep", "nest less") from None
    except ValueError as exc:  # an integer too long to convert
        message = f"not valid TOML: {shown(str(exc))}"
        raise refused(1, message, "number-too-long", "write shorter numbers") from None


def _read_text(path: Path, kind: TomlKind) -> str:
    """At most ``kind.max_bytes`` of a regular file, decoded as UTF-8 (a leading BOM dropped)."""
    try:
        if not path.is_file():  # a folder, a FIFO that would block, /dev/zero that never ends
            if path.exists():
                raise BriefingError(f"{kind.name} {path} is not a file; name a .toml file")
            raise FileNotFoundError
        with path.open("rb") as file:
            data = file.read(kind.max_bytes + 1)
    except FileNotFoundError:
        raise BriefingError(kind.missing.format(path=path)) from None
    except OSError as exc:
        raise BriefingError(f"cannot read {kind.name} {path}: {exc.strerror or exc}") from None
    if len(data) > kind.max_bytes:
        raise BriefingError(kind.too_large.format(path=path, kib=kind.max_bytes // 1024))
    for bom, encoding in _UTF16_32.items():  # four encodings
        if data.startswith(bom):
            raise BriefingError(f"{kind.name} {path} is {encoding} text; {SAVE_AS_UTF8}")
    data = data.removeprefix(codecs.BOM_UTF8)
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise BriefingError(
            f"{kind.name} {path}:{line}: holds NUL bytes, so it is UTF-16 without a BOM or "
            f"not text at all; {SAVE_AS_UTF8}"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise BriefingError(
            f"{kind.name} {path}:{line}: is not UTF-8 (byte 0x{byte}; Latin-1 or Windows-1252?); "
            + SAVE_AS_UTF8
        ) from None


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, str]:
    """tomllib's message, its ``(at line L, column C)`` turned into our ``file:LINE:``."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        line, message = int(found[1]), f"{message[: found.start()]} (column {found[2]})"
        if message.startswith("Cannot overwrite a value"):
            message = _set_twice(text, line) or message
    else:  # "(at end of document)"
        line, message = max(1, len(text.splitlines())), re.sub(r"\s*\(at .*\)$", "", message)
    return line, f"not valid TOML: {message}"


_ASSIGNED = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _set_twice(text: str, line: int) -> str | None:
    """ "dataset is set twice (first on line 6)" for tomllib's "Cannot overwrite a value"
    at ``line``, when the key written there was set earlier in the same table."""
    lines = text.splitlines()
    here = _ASSIGNED.match(lines[line - 1]) if line <= len(lines) else None
    if here is None:
        return None
    key = re.sub(r"\s+", "", here[1])
    for number in range(line - 1, 0, -1):  # back to the table's header
        earlier = lines[number - 1]
        if earlier.lstrip().startswith("["):
            break
        before = _ASSIGNED.match(earlier)
        if before is not None and re.sub(r"\s+", "", before[1]) == key:
            return f"{key} is set twice in one table (first on line {number}); keep one"
    return f"{key} is set twice in one table; keep one"


@dataclass
class Positions:
    """Line numbers (from 1) of a file's keys: ``jobs[i]`` for the i-th ``[[job]]``
    (its header under the empty path), ``top`` for keys outside any job."""

    jobs: list[dict[KeyPath, int]] = field(default_factory=list)
    top: dict[KeyPath, int] = field(default_factory=dict)

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
    section: KeyPath = ()
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


def _header(line: str) -> tuple[KeyPath, bool] | None:
    """``(path, is_array)`` of a ``[table]`` or ``[[array]]`` header line, else None."""
    stripped = line.strip()
    if stripped.startswith("[[") and stripped.endswith("]]"):
        return _key_path(stripped[2:-2]), True
    if stripped.startswith("[") and stripped.endswith("]"):
        return _key_path(stripped[1:-1]), False
    return None


def _key_path(key: str) -> KeyPath:
    """``schedule . "cron"`` -> ``("schedule", "cron")``; a quoted key stays whole."""
    key = key.strip()
    if key[:1] in "\"'":
        return (key[1:-1],)
    return tuple(part.strip() for part in key.split("."))


def _balance(text: str) -> int:
    """Opening minus closing brackets and braces in ``text`` (strings already removed)."""
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")
