"""Reading a notebook's parameters cell, and checking -p values against it."""

from __future__ import annotations

import ast
import json

import papermill
import pytest

from analysis.build.parameters import (
    ParameterError,
    check_parameters,
    dataset_parameter,
    notebook_parameters,
    parameters_in,
)
from analysis.errors import BriefingError

from .conftest import DATA, ROOT


def _as_tuples(parameters):
    return [(p.name, p.type_name, p.default, p.help) for p in parameters]


def test_both_declaration_forms_and_their_help():
    source = (
        "limit: int = 3  # how many rows\n"
        "day = None  # type: Optional[str]  YYYY-MM-DD, None for all\n"
        "names = [\n"
        "    'a',\n"
        "    'b',\n"
        "]  # type: list  spans lines; the comment is on the last one\n"
        "plain = 'x'\n"
    )
    assert _as_tuples(parameters_in(source)) == [
        ("limit", "int", 3, "how many rows"),
        ("day", "Optional[str]", None, "YYYY-MM-DD, None for all"),
        ("names", "list", ["a", "b"], "spans lines; the comment is on the last one"),
        ("plain", "None", "x", ""),
    ]


def test_statements_that_are_not_parameters_are_skipped():
    source = (
        "import os\n"
        "sep = os.sep  # type: str  an expression keeps its text\n"
        "a, b = 1, 2\n"
        "counts: dict\n"
        "print('hello')\n"
    )
    assert _as_tuples(parameters_in(source)) == [
        ("sep", "str", "os.sep", "an expression keeps its text")
    ]


@pytest.mark.parametrize(
    "notebook",
    [
        *sorted((ROOT / "notebooks").glob("*.ipynb")),
        *sorted((DATA / "notebooks").glob("*.ipynb")),
        ROOT / "benchmarks" / "notebooks" / "toy.ipynb",
    ],
    ids=lambda p: p.stem,
)
def test_reads_what_papermill_reads(notebook):
    """The reader stands in for papermill's inspector (which is slow to import): same answers."""
    expected = []
    for item in papermill.inspect_notebook(str(notebook)).values():
        try:
            default = ast.literal_eval(item["default"])
        except ValueError:
            default = item["default"]
        expected.append((item["name"], item["inferred_type_name"], default, item["help"]))
    assert _as_tuples(notebook_parameters(notebook)) == expected


def _notebook(tmp_path, source: str, tags=("parameters",)):
    path = tmp_path / "n.ipynb"
    cell = {
        "id": "parameters",
        "cell_type": "code",
        "metadata": {"tags": list(tags)},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }
    path.write_text(
        json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]})
    )
    return path


def test_a_notebook_without_a_parameters_cell_takes_none(tmp_path):
    path = _notebook(tmp_path, "x = 1", tags=())
    assert notebook_parameters(path) == []
    with pytest.raises(
        ParameterError, match="unknown parameter 'x' \\(this notebook takes: none\\)"
    ):
        check_parameters(path, [("x", "2")])


def test_a_parameters_cell_that_does_not_parse_names_the_line(tmp_path):
    path = _notebook(tmp_path, "a = 1\nb = (2\n")
    with pytest.raises(
        BriefingError, match=r"n.ipynb: the parameters cell is not valid Python \(line 2"
    ):
        notebook_parameters(path)


def test_a_file_that_is_not_a_notebook(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{ not json")
    with pytest.raises(BriefingError, match="broken.ipynb: not a notebook"):
        notebook_parameters(path)


def test_values_are_converted_to_the_declared_type(tmp_path):
    path = _notebook(
        tmp_path,
        "rows = 40  # type: count  most rows\n"
        "offset = 0  # type: int  may be negative\n"
        "day = None  # type: Optional[date]  a date\n"
        "draft = False  # type: bool  a flag\n"
        "folder = 'x'  # type: dataset  a dataset\n",
    )
    given = [("rows", "12"), ("offset", "-3"), ("day", "none"), ("draft", "yes"), ("folder", "d")]
    assert check_parameters(path, given) == {
        "rows": 12,
        "offset": -3,
        "day": None,
        "draft": True,
        "folder": "d",
    }
    assert check_parameters(path, [("day", " 2025-04-08 ")]) == {"day": "2025-04-08"}
    with pytest.raises(ParameterError) as info:
        check_parameters(
            path,
            [("rows", "0"), ("offset", "many"), ("draft", "perhaps"), ("day", "8 April")],
        )
    assert info.value.problems == [
        "parameter 'rows': '0' is not valid: expected a whole number of 1 or more",
        "parameter 'offset': 'many' is not valid: expected a whole number",
        "parameter 'draft': 'perhaps' is not valid: expected true or false",
        "parameter 'day': '8 April' is not valid: expected a date written YYYY-MM-DD, "
        "such as 2025-04-08 (handed to the notebook as text)",
    ]


def test_meaning_comes_from_the_type_not_the_name(tmp_path):
    """A parameter called as_of but typed str takes any text; the build knows types."""
    path = _notebook(tmp_path, "as_of = None  # type: Optional[str]  free text\n")
    assert check_parameters(path, [("as_of", "8 April")]) == {"as_of": "8 April"}


def test_the_dataset_parameter_is_found_by_its_type(tmp_path):
    path = _notebook(tmp_path, "source = 'a'  # type: dataset  data\nother = 'b'  # type: str  x\n")
    assert dataset_parameter(path) == "source"
    assert dataset_parameter(_notebook(tmp_path, "x = 1  # type: int  x\n")) is None
    two = _notebook(tmp_path, "a = 'a'  # type: dataset  x\nb = 'b'  # type: dataset  y\n")
    with pytest.raises(BriefingError, match="a, b are all of type dataset"):
        dataset_parameter(two)


def test_an_old_format_notebook_is_converted_first(tmp_path):
    path = tmp_path / "old.ipynb"
    cell = {
        "cell_type": "code",
        "input": "rows = 3  # type: int  most rows",
        "language": "python",
        "metadata": {"tags": ["parameters"]},
        "outputs": [],
    }
    path.write_text(
        json.dumps(
            {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [cell]}]}
        )
    )
    assert _as_tuples(notebook_parameters(path)) == [("rows", "int", 3, "most rows")]


def test_json_that_is_not_a_notebook(tmp_path):
    path = tmp_path / "data.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "cells": "none"}))
    with pytest.raises(BriefingError, match="data.ipynb: not a notebook papermill can read"):
        notebook_parameters(path)
