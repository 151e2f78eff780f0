"""A notebook's papermill parameters: read them, and check values before any kernel starts.

Papermill reads the ``parameters`` cell (names, defaults, the ``# type:`` comment
and the help text after it). Papermill itself only warns about unknown names
and passes any value; here both are refused with one message naming each problem.
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import BriefingError

_NONE_WORDS = {"none", "null", ""}
_TRUE_WORDS = {"true", "yes", "1"}
_FALSE_WORDS = {"false", "no", "0"}


class ParameterError(BriefingError):
    """Parameters that do not fit the notebook, each problem on its own line."""

    def __init__(self, notebook: str, problems: list[str]):
        self.notebook = notebook
        self.problems = problems
        super().__init__(f"{notebook}: " + "\n  ".join(["parameters refused", *problems]))


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: its name, type name, default value and help text."""

    name: str
    type_name: str
    default: object
    help: str


def notebook_parameters(path: Path) -> list[Parameter]:
    """The parameters a notebook declares in its ``parameters`` cell, in order."""
    import papermill
    from nbformat.reader import NotJSONError

    try:
        found = papermill.inspect_notebook(str(path))
    except (NotJSONError, ValueError, KeyError) as exc:
        raise BriefingError(f"{path}: not a notebook papermill can read ({exc})") from None
    parameters = []
    for item in found.values():
        try:
            default = ast.literal_eval(item["default"])
        except (ValueError, SyntaxError):
            default = item["default"]
        parameters.append(
            Parameter(item["name"], item["inferred_type_name"], default, item["help"])
        )
    return parameters


def _convert(text: str, type_name: str) -> object:
    """``text`` as a value of ``type_name``; ValueError with the reason when it is not."""
    optional = type_name.startswith("Optional[") and type_name.endswith("]")
    base = type_name[len("Optional[") : -1] if optional else type_name
    if optional and text.strip().lower() in _NONE_WORDS:
        return None
    if base == "int":
        return int(text)
    if base == "float":
        return float(text)
    if base == "bool":
        word = text.strip().lower()
        if word in _TRUE_WORDS | _FALSE_WORDS:
            return word in _TRUE_WORDS
        raise ValueError("expected true or false")
    return text


def _check_meaning(name: str, value: object) -> None:
    """Parameters whose meaning the briefings fix, beyond their type."""
    if name == "as_of" and value is not None:
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError("expected a date written YYYY-MM-DD, such as 2025-04-08") from None
    if name in ("max_judgments", "max_rows") and isinstance(value, int) and value < 1:
        raise ValueError("expected a whole number of 1 or more")


def check_parameters(notebook: Path, given: list[tuple[str, str]]) -> dict[str, object]:
    """Typed values for the ``-p NAME VALUE`` pairs given; every problem raised at once."""
    declared = {p.name: p for p in notebook_parameters(notebook)}
    values: dict[str, object] = {}
    problems: list[str] = []
    for name, text in given:
        if name not in declared:
            known = ", ".join(declared) or "none"
            problems.append(f"unknown parameter {name!r} (this notebook takes: {known})")
            continue
        parameter = declared[name]
        try:
            value = _convert(text, parameter.type_name)
            _check_meaning(name, value)
        except ValueError as exc:
            reason = str(exc) if "expected" in str(exc) else f"expected {parameter.type_name}"
            problems.append(f"parameter {name!r}: {text!r} is not valid: {reason}")
            continue
        values[name] = value
    if problems:
        raise ParameterError(notebook.name, problems)
    return values


def effective_parameters(notebook: Path, values: dict[str, object]) -> dict[str, object]:
    """Every declared parameter with the value the run will use."""
    return {p.name: values.get(p.name, p.default) for p in notebook_parameters(notebook)}
