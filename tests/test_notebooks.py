"""The committed notebooks: clean, parameterized first, thin."""

from __future__ import annotations

import nbformat
import pytest

from analysis.build import notebook_parameters

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_three_briefing_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == ["agreement", "briefing", "chronology"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_parameters_first(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), (
        "strip outputs before committing"
    )
    assert nb.cells[0].metadata.get("tags") == ["parameters"]
    assert nb.metadata.kernelspec.name == "claim-briefings"
    assert all(
        "def " not in c.source and "class " not in c.source for c in code
    )  # logic lives in the library


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_has_a_type_default_and_help(path):
    declared = {p.name: p for p in notebook_parameters(path)}
    assert {"dataset", "as_of", "topic", "title", "marking", "max_rows"} <= set(declared)
    assert declared["dataset"].default == "../data/belgorod-2025-04"
    assert declared["as_of"].default is None and declared["as_of"].type_name == "Optional[date]"
    assert declared["dataset"].type_name == "dataset"
    assert declared["max_rows"].type_name == "count"
    assert all(p.help.strip() for p in declared.values())


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_as_in_jupyterlab_with_no_edits(path):
    """No injected parameters: the notebook's own defaults, its folder as working directory."""
    from nbclient import NotebookClient

    from analysis.build.execute import ensure_kernel

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, kernel_name=ensure_kernel(), resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/svg+xml" in o.get("data", {}) for o in shown)  # the figures


@pytest.mark.slow
def test_title_and_marking_show_in_jupyterlab_as_in_a_build():
    """An analyst edits title and marking in the parameters cell and runs all: the notebook's
    first output is the title block with them, escaped."""
    from nbclient import NotebookClient

    from analysis.build.execute import ensure_kernel
    from analysis.present.masthead import MIMETYPE

    path = ROOT / "notebooks" / "briefing.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = (
        nb.cells[0]
        .source.replace("title = None", 'title = "Desk <view>"')
        .replace('marking = "UNCLASSIFIED // FOR DISCUSSION"', 'marking = "INTERNAL ONLY"')
    )
    NotebookClient(
        nb, kernel_name=ensure_kernel(), resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    first = next(o for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert first["data"][MIMETYPE]["title"] == "Desk <view>"
    assert first["data"][MIMETYPE]["marking"] == "INTERNAL ONLY"
    shown = first["data"]["text/html"]
    assert "Desk &lt;view&gt;" in shown and "INTERNAL ONLY" in shown
    assert "All reporting in the dataset" in shown
