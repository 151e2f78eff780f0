"""A notebook's papermill parameters: read them, and check values before any kernel starts.

The ``parameters`` cell is read the way papermill documents it: one assignment per
parameter, its type from an annotation or a ``# type:`` comment, the rest of the
comment as help. Python's own parser reads it here rather than papermill's
inspector, because importing papermill costs a quarter of a second that would
delay the kernel's start. Papermill itself only warns about unknown names and
passes any value; here both are refused with one message naming each problem.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import BriefingError

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


_TYPE_COMMENT = re.compile(r"#\s*type:\s*(?P<type>\S+)\s*(?P<help>.*)$|#\s*(?P<plain>.*)$")


def notebook_cells(path: Path) -> list[dict]:
    """A notebook's cells as plain dicts, ``source`` joined into one string.

    A version 4 notebook is read as the JSON it is: nbformat's import and schema
    would cost 0.1 s before the kernel can start. Older versions are converted
    by nbformat. Papermill validates the notebook fully when it runs it.
    """
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
        if content.get("nbformat") != 4:
            import nbformat  # only for notebooks older than version 4

            content = nbformat.read(path, as_version=4)
        cells = [dict(c) for c in content["cells"]]
        for cell in cells:  # a loop over a notebook's cells
            if isinstance(cell["source"], list):
                cell["source"] = "".join(cell["source"])
            cell.setdefault("metadata", {})
            cell["cell_type"]  # noqa: B018 (a cell without a type is no notebook)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise BriefingError(f"{path}: not a notebook papermill can read ({reason})") from None
    return cells


def code_cells(path: Path) -> list[dict]:
    """A notebook's code cells (see :func:`notebook_cells`)."""
    return [cell for cell in notebook_cells(path) if cell["cell_type"] == "code"]


def notebook_parameters(path: Path) -> list[Parameter]:
    """The parameters a notebook declares in its ``parameters`` cell, in order."""
    cell = next(
        (c for c in code_cells(path) if "parameters" in c["metadata"].get("tags", [])), None
    )
    if cell is None:
        return []
    try:
        return parameters_in(cell["source"])
    except SyntaxError as exc:
        raise BriefingError(
            f"{path}: the parameters cell is not valid Python (line {exc.lineno}: {exc.msg})"
        ) from None


def parameters_in(source: str) -> list[Parameter]:
    """The parameters one ``parameters`` cell assigns: ``name = default  # type: T  help``
    or ``name: T = default  # help``. Other statements are not parameters."""
    statements = ast.parse(source).body  # first, so broken syntax is a SyntaxError
    comments = {
        token.start[0]: token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }
    parameters = []
    for node in statements:  # a loop over a cell's few statements
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, annotation = node.targets[0], None
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, annotation = node.target, ast.unparse(node.annotation)
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        comment = _TYPE_COMMENT.match(comments.get(node.end_lineno, "#"))
        type_name = annotation or comment["type"] or "None"
        help_text = comment["help"] if comment["type"] else comment["plain"]
        try:
            default = ast.literal_eval(node.value)
        except (ValueError, TypeError):  # an expression, not a literal: keep its text
            default = ast.get_source_segment(source, node.value)
        parameters.append(Parameter(target.id, type_name, default, help_text.strip()))
    return parameters


# The types a parameters cell may declare, beyond Python's own. A notebook says what a
# parameter means by its type; the build knows no parameter by its name.
DATE, COUNT, DATASET, PREVIOUS = "date", "count", "dataset", "previous"
TYPE_MEANINGS = {
    "str": "any text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    DATE: "a date written YYYY-MM-DD, such as 2025-04-08 (handed to the notebook as text)",
    COUNT: "a whole number of 1 or more",
    DATASET: "a dataset folder; checked before any cell runs",
    PREVIOUS: "an earlier briefing's folder to compare with; the desk sets it",
}


def _convert(text: str, type_name: str) -> object:
    """``text`` as a value of ``type_name``; ValueError with the reason when it is not."""
    optional = type_name.startswith("Optional[") and type_name.endswith("]")
    base = type_name[len("Optional[") : -1] if optional else type_name
    if optional and text.strip().lower() in _NONE_WORDS:
        return None
    if base in ("int", COUNT):
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"expected {TYPE_MEANINGS[base]}") from None
        if base == COUNT and number < 1:
            raise ValueError(f"expected {TYPE_MEANINGS[COUNT]}")
        return number
    if base == "float":
        return float(text)
    if base == "bool":
        word = text.strip().lower()
        if word in _TRUE_WORDS | _FALSE_WORDS:
            return word in _TRUE_WORDS
        raise ValueError("expected true or false")
    if base == DATE:
        try:  # fromisoformat alone would take 20250408 and 2025-W15-2 too
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
                raise ValueError
            return dt.date.fromisoformat(text.strip()).isoformat()
        except ValueError:
            raise ValueError(f"expected {TYPE_MEANINGS[DATE]}") from None
    return text


def dataset_parameter(notebook: Path) -> str | None:
    """The name of the notebook's parameter of type ``dataset``, if it has one."""
    return parameter_of_type(notebook, DATASET)


def parameter_of_type(notebook: Path, type_name: str) -> str | None:
    """The name of the notebook's one parameter of ``type_name`` (or ``Optional[...]`` of
    it), if it has one; two are refused, since the build would not know which to fill."""
    names = [
        p.name
        for p in notebook_parameters(notebook)
        if p.type_name in (type_name, f"Optional[{type_name}]")
    ]
    if len(names) > 1:
        raise BriefingError(
            f"{notebook.name}: parameters {', '.join(names)} are all of type {type_name}; "
            "a briefing takes one"
        )
    return names[0] if names else None


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
