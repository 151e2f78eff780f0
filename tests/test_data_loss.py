"""Nothing outside the tool's own folders is ever replaced or deleted.

Each case is an attack that lost data before: a run folder named by a parameter
that walks out of ``reports/``, ``briefing publish`` and ``briefing import
--replace`` pointed at a folder the tool never made, a reports folder whose
``index.html`` is someone else's, a run folder that is not a briefing. Each is
refused with one line and exit 2, and the folder under attack is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from analysis.build.outputs import check_replaceable_run
from analysis.cli import main

from .conftest import SEED

NOTEBOOKS = Path(__file__).parent / "data" / "notebooks"
PLAIN_AS_OF = NOTEBOOKS / "plain_as_of.ipynb"  # as_of untyped: any text reaches the folder name


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed) and a digest of its bytes."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            key = str(path.relative_to(folder))
            found[key] = (
                "link" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
            )
    return found


def precious(folder: Path) -> Path:
    """A folder of somebody's work that no command of ours may touch."""
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "draft.txt").write_text("months of work")
    (folder / "index.html").write_text("<h1>my own page</h1>")
    return folder


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "as_of",
    [
        "../../../somewhere",
        "../somewhere",
        "..",
        ".",
        "/tmp/elsewhere",
        "a/b",
        "latest",
        ".hidden",
        "_failed",
        "x" * 300,
        "bad\nname",
    ],
)
def test_a_run_folder_named_by_a_parameter_stays_one_folder_name(
    tmp_path, capsys, monkeypatch, as_of
):
    work = tmp_path / "deep" / "er" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    somewhere = precious(tmp_path / "somewhere")
    before = snapshot(tmp_path / "somewhere")
    code, err = run_cli(capsys, "build", str(PLAIN_AS_OF), "--to", "html", "-p", "as_of", as_of)
    assert code == 2, err
    assert err.startswith("briefing: error: parameter 'as_of'") and "cannot name a folder" in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(somewhere) == before
    assert not (work / "reports").exists()  # refused before anything was made


@pytest.mark.slow
def test_a_plain_text_as_of_that_is_a_folder_name_builds(tmp_path, capsys):
    code, err = run_cli(
        capsys, "build", str(PLAIN_AS_OF), "--to", "html", "--out", str(tmp_path / "reports"),
        "-p", "as_of", "2025-04-08",
    )  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "reports" / "plain_as_of" / "2025-04-08" / "plain_as_of.html").is_file()


def test_a_run_folder_that_is_not_a_briefing_is_never_replaced(tmp_path, capsys):
    reports = tmp_path / "reports"
    theirs = precious(reports / "plain_as_of" / "2025-04-08")
    before = snapshot(theirs)
    code, err = run_cli(capsys, "build", str(PLAIN_AS_OF), "--to", "html", "--out", str(reports))
    assert code == 2
    assert "a folder this tool did not build (no manifest.json)" in err
    assert snapshot(theirs) == before


def test_what_a_run_folder_may_be_replaced_over(tmp_path):
    check_replaceable_run(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    check_replaceable_run(tmp_path / "empty")
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "manifest.json").write_text("{}")
    check_replaceable_run(tmp_path / "ours")
    (tmp_path / "file").write_text("x")
    os.symlink(tmp_path / "ours", tmp_path / "link")
    for refused in ("file", "link"):
        with pytest.raises(Exception, match="a build would replace it"):
            check_replaceable_run(tmp_path / refused)


def test_a_reports_folder_with_someone_elses_index_is_refused(tmp_path, capsys):
    site = precious(tmp_path / "www")
    before = snapshot(site)
    code, err = run_cli(capsys, "build", str(PLAIN_AS_OF), "--to", "html", "--out", str(site))
    assert code == 2
    assert "holds an index.html this tool did not write" in err
    assert snapshot(site) == before


# --- briefing publish ---------------------------------------------------------------


@pytest.fixture
def built_site(tmp_path) -> Path:
    """A reports folder with one published briefing, as a build leaves it."""
    from .test_publish import make_site

    reports = tmp_path / "reports"
    make_site(reports)
    return reports


def test_publish_refuses_a_folder_it_did_not_make(built_site, tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(SEED, data / SEED.name)  # `briefing publish data` deleted every dataset
    precious(data)
    before = snapshot(data)
    monkeypatch.chdir(tmp_path)
    code, err = run_cli(capsys, "publish", "data", "--out", str(built_site))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "was not made by briefing publish" in err
    assert snapshot(data) == before


def test_publish_refuses_a_link_or_a_file(built_site, tmp_path, capsys):
    theirs = precious(tmp_path / "theirs")
    os.symlink(theirs, tmp_path / "link")
    (tmp_path / "file").write_text("x")
    for target in ("link", "file"):
        code, err = run_cli(capsys, "publish", str(tmp_path / target), "--out", str(built_site))
        assert code == 2, target
    assert snapshot(theirs)["notes/draft.txt"]
    assert (tmp_path / "file").read_text() == "x"


def test_publish_fills_a_new_or_empty_folder_and_replaces_its_own_site(built_site, tmp_path):
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "new" / "site", tmp_path / "empty"):
        assert main(["publish", str(target), "--out", str(built_site)]) == 0
        assert (target / "index.html").is_file()
        (target / "stray.txt").write_text("left by a web server")  # the site is ours: replaced
        assert main(["publish", str(target), "--out", str(built_site)]) == 0
        assert not (target / "stray.txt").exists()


# --- briefing import --out DIR --replace --------------------------------------------

ACLED = str(Path(__file__).parent / "data" / "importers" / "acled" / "ukraine-march-2024.csv")


def test_import_replace_refuses_a_folder_it_did_not_make(tmp_path, capsys, monkeypatch):
    """Following the import's own hint ("add --replace") with ``--out data`` deleted
    every dataset; a hand-written dataset is not an import either."""
    data = tmp_path / "data"
    shutil.copytree(SEED, data / SEED.name)
    precious(data)
    before = snapshot(data)
    monkeypatch.chdir(tmp_path)
    for out in ("data", f"data/{SEED.name}", "data/notes", ".", "data/.."):
        code, err = run_cli(capsys, "import", "acled", ACLED, "--out", out, "--replace")
        assert code == 2, out
        assert "was not made by briefing import" in err, err
        assert len(err.strip().splitlines()) == 1
    assert snapshot(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no staging left


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_import_fills_a_new_or_empty_folder_and_replaces_its_own_import(tmp_path, capsys):
    out = tmp_path / "acled"
    out.mkdir()  # empty: no --replace needed
    assert main(["import", "acled", ACLED, "--out", str(out)]) == 0
    code, err = run_cli(capsys, "import", "acled", ACLED, "--out", str(out))
    assert code == 2 and "add --replace" in err
    assert main(["import", "acled", ACLED, "--out", str(out), "--replace"]) == 0
    (out / "my-notes.txt").write_text("added by hand")  # still marked: ours to replace
    assert main(["import", "acled", ACLED, "--out", str(out), "--replace"]) == 0
    assert not (out / "my-notes.txt").exists()


def test_an_import_from_before_marks_is_replaced_and_a_link_is_not(tmp_path, capsys):
    out = tmp_path / "acled"
    assert main(["import", "acled", ACLED, "--out", str(out)]) == 0
    next(out.glob(".claim-briefings-*")).unlink()  # as an older version left it
    assert main(["import", "acled", ACLED, "--out", str(out), "--replace"]) == 0
    os.symlink(out, tmp_path / "link")
    code, err = run_cli(
        capsys, "import", "acled", ACLED, "--out", str(tmp_path / "link"), "--replace"
    )
    assert code == 2 and "is a link" in err


@pytest.mark.parametrize(
    "destination", ["-oProxyCommand=touch%pwned:site", "user@-oProxyCommand=x:site", "-e:site"]
)
def test_a_remote_destination_never_becomes_an_option_of_ssh_or_scp(tmp_path, destination):
    from analysis.build.site import remote_commands
    from analysis.errors import BriefingError

    with pytest.raises(BriefingError, match="is not a host name"):
        remote_commands(tmp_path, destination, "rsync", "0123456789ab")


def test_a_hostile_remote_destination_is_one_line_from_the_command(
    built_site, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, err = run_cli(capsys, "publish", "user@-oProxyCommand=x:site", "--out", str(built_site))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


@pytest.mark.slow
def test_a_briefing_published_under_an_index_that_cannot_be_written_is_built(tmp_path, capsys):
    reports = tmp_path / "reports"
    (reports / "index.json").mkdir(parents=True)  # in the way of the index
    code, err = run_cli(capsys, "build", str(PLAIN_AS_OF), "--to", "html", "--out", str(reports))
    assert code == 0
    assert (reports / "plain_as_of" / "2025-04-08" / "manifest.json").is_file()
    assert err.startswith("briefing: note: the index was not rewritten")
