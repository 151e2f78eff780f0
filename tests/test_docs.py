"""The docs name only what exists: every ``analysis.`` call they show resolves."""

from __future__ import annotations

import importlib
import re

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
