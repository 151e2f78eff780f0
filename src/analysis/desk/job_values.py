"""Checks of a job's values before anything runs: each parameter value against the
notebook's own parameters cell, the ``as_of`` that names each run's folder, and the key
of every briefing of the grid. Each check answers a Finding, or None when all is well;
the reader gives it the line of the key at fault."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from pathlib import Path
from typing import NamedTuple

from analysis.build import RUN_NAME_PARAMETER, TYPE_MEANINGS, Parameter, check_parameters
from analysis.desk.grid import MAX_BRIEFINGS, grid_size
from analysis.desk.job import PLACEHOLDER, Scalar, as_text, briefing_key, key_part
from analysis.desk.jobs_text import shown
from analysis.errors import BriefingError
from analysis.runtime.ownership import NAME_MAX, folder_name

_BRACED = re.compile(r"\{[A-Za-z_]\w*\}")
_SAMPLE_DATE = "2000-01-01"  # stands for {scheduled_date} when values are checked at load
# A key names reports/<job>/<key>/ and the run's lock file reports/.desk/locks/<job>/<key>.lock
KEY_MAX = NAME_MAX - len(".lock")
# Parameter types whose values are digits, a sign, "nan", "True" or a date: one folder name.
_TYPED_FOLDERS = ("int", "count", "float", "bool", "date")


class Finding(NamedTuple):
    """One problem a check found: its reason code (analysis.errors), what is wrong, and
    how to fix it (None: the usual fix for the key it is written under)."""

    code: str
    message: str
    fix: str | None = None


def parameter_problems(
    notebook: Path, declared: list[Parameter], parameters: dict, grid: dict
) -> list[tuple[tuple[str, ...], Finding]]:
    """Each value against the notebook's parameters cell, one problem per name, with the
    key it is written under; ``{scheduled_date}`` stands in as a sample date. The notebook
    is asked once per name, not once per value: a grid may list thousands."""
    names = [p.name for p in declared]
    types = {p.name: p.type_name for p in declared}
    named = [(("parameters", n), n, [v]) for n, v in parameters.items()]
    named += [(("grid", n), n, list(values)) for n, values in grid.items()]
    found = []
    for path, name, values in named:  # a loop over a job's few names
        problem = value_problem(name, values, names, notebook.stem)
        if problem is None:
            problem = type_problem(name, values, types[name])
        if problem is None:
            texts = [as_text(v).replace(PLACEHOLDER, _SAMPLE_DATE) for v in values]
            try:
                check_parameters(notebook, [(name, text) for text in texts])
            except BriefingError as exc:
                reasons = getattr(exc, "problems", None) or [str(exc)]
                fix = f"see: briefing notebooks ({notebook.stem})"
                problem = Finding("bad-parameter", reasons[0], fix)
            else:
                problem = run_name_problem(notebook, declared, name, texts)
        if problem is not None:
            found.append((path, problem))
    if RUN_NAME_PARAMETER not in parameters and RUN_NAME_PARAMETER not in grid:
        default = {p.name: p.default for p in declared}
        problem = run_name_problem(notebook, declared, None, [default.get(RUN_NAME_PARAMETER)])
        if problem is not None:
            found.append((("parameters",), problem))
    return found


def value_problem(name: str, values: list, declared: list[str], notebook: str) -> Finding | None:
    """What makes ``values`` of parameter ``name`` unusable before the notebook is asked:
    an unknown name, a value that is not one scalar, NaN or infinity (never equal to
    itself, so a briefing would never be skipped), a NUL, a misspelt placeholder."""
    if name not in declared:
        known = ", ".join(declared) or "none"
        message = f"unknown parameter {shown(name)} (this notebook takes: {known})"
        return Finding("unknown-parameter", message, f"see: briefing notebooks ({notebook})")
    for value in values:  # a loop over one name's values
        if not (isinstance(value, str | int | float) or type(value) is dt.date):
            message = f"parameter {name!r}: {shown(value)} is not a single value"
            return Finding("bad-parameter", message, "use a string, a number, true/false or a date")
        if isinstance(value, float) and not math.isfinite(value):
            message = f"parameter {name!r}: {value!r} is not a number a briefing can use"
            return Finding("bad-parameter", message)
        text = as_text(value)
        if "\0" in text:
            return Finding(
                "bad-parameter", f"parameter {name!r}: {shown(value)} holds a NUL character"
            )
        braced = [b for b in _BRACED.findall(text) if b != PLACEHOLDER]
        if braced:
            message = f"parameter {name!r}: unknown placeholder {shown(braced[0])[1:-1]}"
            return Finding("bad-parameter", message, f"the only placeholder is {PLACEHOLDER}")
    return None


_NUMBERS = ("int", "count", "float")


def type_problem(name: str, values: list, type_name: str) -> Finding | None:
    """A TOML value of another kind than the parameter's: ``title = true`` or
    ``marking = 5`` would reach the notebook as the text "true" or "5". Text and dates
    are left to the notebook's own check (``max_rows = "25"`` reads as 25, as on the
    command line; ``as_of = 2025-04-08`` as its ISO text)."""
    base = type_name.removeprefix("Optional[").removesuffix("]")
    for value in values:  # a loop over one name's values
        if isinstance(value, bool):
            wrong = base != "bool" and "a true/false value"
        elif isinstance(value, int | float):
            wrong = base not in _NUMBERS and "a number"
        else:  # text, or a TOML date: read as its ISO text, the same either way
            continue
        if wrong:
            wanted = TYPE_MEANINGS.get(base, f"a value of type {base}")
            message = f"parameter {name!r}: {as_text(value)} is {wrong}, but it takes {wanted}"
            fix = f'write it in quotes ("{as_text(value)}") if you mean that text'
            return Finding("bad-parameter", message, fix if base not in _NUMBERS else None)
    return None


def run_name_problem(
    notebook: Path, declared: list[Parameter], name: str | None, texts: list
) -> Finding | None:
    """Why an ``as_of`` would not make one safe folder reports/<job>/<key>/<as_of>/,
    or None. ``name`` None: the notebook's default, used as it is.

    A value typed as a number, true/false or a date always names one folder
    (``.5`` as a float is ``0.5``); as text it names the folder as written, except
    that an optional one may be empty (none: the folder is the scheduled date)."""
    if name not in (RUN_NAME_PARAMETER, None):
        return None
    types = {p.name: p.type_name for p in declared}
    type_name = types.get(RUN_NAME_PARAMETER, "str")
    if name and type_name.removeprefix("Optional[").removesuffix("]") in _TYPED_FOLDERS:
        return None
    for text in dict.fromkeys(texts[:MAX_BRIEFINGS]):  # past it the grid is refused
        try:
            folder_name(text, "as_of")
            continue
        except BriefingError:
            pass
        value = check_parameters(notebook, [(name, text)])[name] if name else text
        if not value:  # None or empty: the run folder is the scheduled date
            continue
        try:
            folder_name(value, "as_of")
        except BriefingError as exc:
            where = "the notebook's default as_of" if name is None else "as_of"
            fix = "write a date such as 2025-04-08, or {scheduled_date}"
            message = f"{where}: {exc}".replace("as_of: as_of", "as_of")
            return Finding("bad-parameter", message, fix)
    return None


def grid_key_problem(grid: dict) -> tuple[tuple[str, ...], Finding] | None:
    """Why the briefings of ``grid`` would not each have a key of their own, one safe
    folder name (it names reports/<job>/<key>/ and a lock file) with no empty part, and
    the key it is told at; or None. Checked only for a grid of at most MAX_BRIEFINGS, so
    the product is walked once."""
    if grid_size(grid) > MAX_BRIEFINGS:
        return None
    for name, values in grid.items():  # a loop over a grid's few names
        empty = [v for v in values if not key_part(v)]
        if empty:
            message = f"grid value {shown(empty[0])} has no letter or digit for the key"
            fix = "use values with letters or digits"
            return ("grid", name), Finding("bad-briefing-key", message, fix)
    seen: dict[str, dict] = {}
    where = ("grid", *list(grid)[:1]) if len(grid) == 1 else ("grid",)
    for combo in itertools.product(*grid.values()):  # a loop over the grid's briefings
        values = dict(zip(grid, combo, strict=True))
        key = briefing_key(values)
        if problem := key_problem(key, values):
            return where, problem
        if key in seen:
            message = f"{_listed(seen[key])} and {_listed(values)} both make the key {shown(key)}"
            fix = "make the values differ in letters or digits"
            return where, Finding("duplicate-briefing-key", message, fix)
        seen[key] = values
    return None


def key_problem(key: str, values: dict[str, Scalar]) -> Finding | None:
    """Why ``key`` cannot name a briefing's folder and lock file, or None."""
    try:
        folder_name(key, "the key")
    except BriefingError as exc:
        return Finding("bad-briefing-key", f"{_listed(values)}: {exc}", "change the grid values")
    if len(key.encode()) > KEY_MAX:
        message = f"{_listed(values)} make a key of {len(key.encode())} bytes; at most {KEY_MAX}"
        return Finding("bad-briefing-key", message, "use shorter grid values")
    return None


def _listed(values: dict[str, Scalar]) -> str:
    return ", ".join(f"{shown(name)[1:-1]} = {shown(value)}" for name, value in values.items())
