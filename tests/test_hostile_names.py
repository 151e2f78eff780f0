"""Hostile names and destinations: whatever text a user gives, no command reaches outside.

Generated values for the run folder's name (``as_of``), publish destinations and
import ``--out`` folders holding assorted contents. Properties: a run folder is
always a direct child of ``reports/<notebook>/`` or the value is refused with a
BriefingError; a destination folder is replaced only when it is new, empty or
made by the tool, otherwise it is left byte for byte as it was. The seed is
fixed, so ``make test`` runs the same examples; a longer run:

    HOSTILE_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_hostile_names.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.build.briefing import run_name
from analysis.build.site import check_replaceable_site, publish_site
from analysis.errors import BriefingError
from analysis.importers.writer import check_out_folder
from analysis.runtime.ownership import folder_name, mark

from .test_data_loss import snapshot
from .test_publish import make_site

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PIECES = ["..", ".", "/", "\\", "latest", "_failed", ".desk", "~", "\x00", "\n", "\u202e", "é", "a"]
names = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.integers(200, 400).map(lambda n: "x" * n),
    st.integers(60, 130).map(lambda n: "é" * n),  # 2 bytes each: over 255 bytes from 128
)


@SETTINGS
@given(value=names)
def test_a_run_name_is_one_folder_inside_its_notebooks_folder_or_refused(value):
    started = dt.datetime(2025, 4, 8, tzinfo=dt.UTC)
    reports = Path("/srv/reports") / "briefing"
    try:
        name = run_name({"as_of": value}, started)
    except BriefingError as refused:
        assert len(str(refused)) < 300 and "\n" not in str(refused)
        return
    folder = reports / name
    assert os.path.normpath(folder).startswith(str(reports) + "/")
    assert Path(os.path.normpath(folder)).parent == reports
    assert name not in (".", "..", "latest") and not name.startswith((".", "_"))
    assert len(os.fsencode(name)) <= 255
    assert folder_name(name, "again") == name


CONTENTS = ["empty", "user file", "user folder", "index only", "our site", "our dataset", "link"]


def furnish(folder: Path, contents: list[str]) -> None:
    """Fill ``folder`` with a mix of things, some the tool's, some a user's."""
    folder.mkdir()
    for index, what in enumerate(contents):  # a handful of entries
        if what == "user file":
            (folder / f"notes-{index}.txt").write_text("mine")
        elif what == "user folder":
            (folder / f"work-{index}").mkdir()
            (folder / f"work-{index}" / "draft.txt").write_text("mine")
        elif what == "index only":
            (folder / "index.html").write_text("<h1>mine</h1>")
        elif what == "our site":
            mark(folder, "site")
        elif what == "our dataset":
            mark(folder, "dataset")
        elif what == "link":
            with_link = folder / f"link-{index}"
            if not with_link.exists():
                os.symlink("/", with_link)


@pytest.mark.slow  # a whole publish per example: seconds
@SETTINGS
@given(contents=st.lists(st.sampled_from(CONTENTS), max_size=5))
def test_publish_replaces_only_a_new_empty_or_marked_folder(tmp_path_factory, contents):
    work = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    reports = work / "reports"
    make_site(reports)
    target = work / "www"
    furnish(target, [c for c in contents if c != "empty"])
    before = snapshot(target)
    ours = not any(target.iterdir()) or "our site" in contents
    try:
        publish_site(reports, str(target))
    except BriefingError as refused:
        assert not ours, refused
        assert snapshot(target) == before
        assert "\n" not in str(refused)
    else:
        assert ours
        assert (target / "index.html").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["reports", "www"]  # no staging left
    shutil.rmtree(work)


@SETTINGS
@given(contents=st.lists(st.sampled_from(CONTENTS), max_size=5), replace=st.booleans())
def test_import_out_is_accepted_only_when_new_empty_or_an_earlier_import(
    tmp_path_factory, contents, replace
):
    work = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    out = work / "out"
    furnish(out, [c for c in contents if c != "empty"])
    earlier_import = "our dataset" in contents
    try:
        check_out_folder(out, replace=replace)
    except BriefingError as refused:
        assert "\n" not in str(refused)
        assert not (not any(out.iterdir()) or (earlier_import and replace))
    else:
        assert not any(out.iterdir()) or (earlier_import and replace)
    shutil.rmtree(work)


@pytest.mark.parametrize("kind", ["site", "dataset"])
def test_a_mark_that_is_a_link_or_of_another_kind_does_not_count(tmp_path, kind):
    (tmp_path / "elsewhere").mkdir()
    mark(tmp_path / "elsewhere", kind)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    os.symlink(
        tmp_path / "elsewhere" / f".claim-briefings-{kind}", folder / f".claim-briefings-{kind}"
    )
    with pytest.raises(BriefingError):
        if kind == "site":
            check_replaceable_site(folder)
        else:
            check_out_folder(folder, replace=True)
