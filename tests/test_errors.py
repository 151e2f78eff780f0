"""The two families of errors the command reports in one line: mistakes and failed builds."""

from __future__ import annotations

from analysis.errors import (
    BriefingError,
    BuildFailed,
    BuildTimeout,
    CellError,
    DatasetError,
    ReportedError,
)


def test_mistakes_exit_2_and_failed_builds_exit_1_and_neither_is_the_other():
    assert BriefingError("typo").exit_code == 2
    assert DatasetError("folder", []).exit_code == 2
    assert BuildFailed("kernel died").exit_code == 1
    assert BuildTimeout("too long").exit_code == 1
    assert not issubclass(BuildFailed, BriefingError)
    assert not issubclass(BriefingError, BuildFailed)
    assert issubclass(BuildFailed, ReportedError) and issubclass(BriefingError, ReportedError)


def test_a_cell_that_refused_its_input_is_a_mistake_and_a_broken_cell_a_failure(tmp_path):
    refused = CellError("briefing.ipynb", 3, "DatasetError", "no topic 'x'", None)
    broken = CellError("briefing.ipynb", 3, "KeyError", "'x'", tmp_path / "kept.ipynb")
    assert refused.refused and refused.exit_code == 2
    assert str(refused) == "briefing.ipynb refused its parameters or data: no topic 'x'"
    assert not broken.refused and broken.exit_code == 1
    assert str(broken) == (
        f"briefing.ipynb: cell 3 failed: KeyError: 'x'; the executed notebook is kept at "
        f"{tmp_path / 'kept.ipynb'}"
    )
    assert (broken.cell, broken.saved) == (3, tmp_path / "kept.ipynb")
    # a cell that raised a build failure (not a mistake) is no refusal
    assert not CellError("b.ipynb", 1, "BuildTimeout", "late", None).refused
