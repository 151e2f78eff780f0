"""The docs name only what exists: every ``analysis.`` call they show resolves."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CALL = re.compile(r"`(analysis(?:\.\w+)+)\(")


def _calls() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for name in CALL.findall(doc.read_text(encoding="utf-8")):
            found.append((doc.name, name))
    return sorted(set(found))


def test_the_docs_show_library_calls():
    assert ("analysis.md", "analysis.analyze") in _calls()


@pytest.mark.parametrize(("doc", "dotted"), _calls(), ids=lambda v: str(v))
def test_every_call_in_the_docs_exists(doc, dotted):
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):  # the longest importable module, then attributes
        try:
            target = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)  # AttributeError: the docs name a ghost
        assert callable(target), f"{doc}: {dotted} is not callable"
        return
    pytest.fail(f"{doc}: {dotted} names no module")


# docs/configuration.md and settings.py: every variable and limit, declared once, listed once

CONFIGURATION = ROOT / "docs" / "configuration.md"
VARIABLE = re.compile(r"BRIEFING_[A-Z0-9_]*[A-Z0-9]")


def _table_rows(first_cell: str) -> list[list[str]]:
    """The cells of the page's table rows whose first cell starts with ``first_cell``."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in CONFIGURATION.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| {first_cell}")
    ]


def test_the_configuration_page_lists_every_variable_with_its_default():
    from analysis import settings

    listed = {}
    for names, default, *_ in _table_rows("`BRIEFING_"):
        for name in VARIABLE.findall(names):
            listed[name] = default
    assert set(listed) == settings.NAMES
    assert {v.name: v.default for v in settings.VARIABLES} == listed


def test_the_docs_name_only_declared_variables():
    from analysis import settings

    named = {
        (doc.name, name)
        for doc in DOCS
        for name in VARIABLE.findall(doc.read_text(encoding="utf-8"))
    }
    assert {(doc, name) for doc, name in named if name not in settings.NAMES} == set()


def test_the_configuration_page_gives_each_default_and_limit_as_declared():
    """Every constant settings.py declares (a folder, a file, seconds, a port) has its row,
    with its value."""
    from analysis import settings

    shown = {
        name.strip("`"): value.strip("`").removesuffix(" s")
        for name, value, *_ in _table_rows("`")
        if not name.startswith("`BRIEFING_")
    }
    declared = {
        name: str(value) if isinstance(value, Path) else f"{value:g}"
        for name, value in vars(settings).items()
        if name.isupper() and isinstance(value, Path | int | float)
    }
    assert shown == declared
