"""The briefing command line: exit codes and messages, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main

from .conftest import CONTRACT_EXAMPLE, SEED


def test_validate_seed_prints_summary(capsys):
    assert main(["validate", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "belgorod-2025-04" in out
    assert re.search(r"^  claims +27$", out, re.MULTILINE)
    assert re.search(r"^  sources +6$", out, re.MULTILINE)
    assert "Institute for the Study of War" in out
    assert "stated     2025-01-01 .. 2025-04-08" in out


def test_validate_bad_dataset_lists_problems_on_stderr(dataset_copy, capsys):
    path = dataset_copy(CONTRACT_EXAMPLE)
    text = (path / "claims.csv").read_text().replace(",refutes,", ",denies,", 1)
    (path / "claims.csv").write_text(text)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        "claims.csv:3: stance: must be one of supports, refutes, neutral: 'denies'" in captured.err
    )
    assert "Traceback" not in captured.err


@pytest.mark.slow  # a subprocess or a kernel
def test_console_script_runs_and_helps():
    run = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "validate", "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0
    assert "file:row: column: problem" in " ".join(run.stdout.split())


@pytest.mark.slow  # a subprocess or a kernel
def test_installed_script_passes_on_the_exit_code():
    script = Path(sys.executable).with_name("briefing")
    good = subprocess.run([script, "validate", str(SEED)], capture_output=True, text=True)
    assert good.returncode == 0
    assert re.search(r"^  claims +27$", good.stdout, re.MULTILINE)
    run = subprocess.run(
        [script, "validate", "no/such/folder"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "no/such/folder: does not exist" in run.stderr
    assert "Traceback" not in run.stderr


def test_analyze_json_is_the_contract_object(capsys):
    assert main(["analyze", str(CONTRACT_EXAMPLE), "--as-of", "2025-05-06", "--json"]) == 0
    out = capsys.readouterr().out
    assert out == (CONTRACT_EXAMPLE / "expected-as-of-2025-05-06.json").read_text()


def test_analyze_summary_shows_status_contested_and_shifts(capsys):
    assert main(["analyze", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "status     3 contested, 2 corroborated, 10 single-source" in out
    assert "  ua_reached_demidovka: Ukrainian forces reached the village of Demidovka" in out
    assert "7 April 2025  zelensky on ua_in_belgorod: hedged supports -> supports" in out


@pytest.mark.slow  # a subprocess or a kernel
def test_analyze_refuses_bad_arguments(capsys):
    assert main(["analyze", str(SEED), "--topic", "weather"]) == 2
    assert (
        "no assertion has topic 'weather'; topics in this dataset: belgorod-incursion"
        in capsys.readouterr().err
    )
    run = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "analyze", str(SEED), "--as-of", "April 8"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "is not a date; write it as YYYY-MM-DD" in run.stderr


def test_notebooks_lists_each_notebook_and_its_parameters(capsys):
    assert main(["notebooks"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "agreement"
    assert "briefing" in out.splitlines() and "chronology" in out.splitlines()
    assert "  -p max_judgments  count          default 12" in out
    assert "  count     a whole number of 1 or more" in out
    assert "handling line printed on every page" in out


def test_build_refuses_bad_parameters_with_exit_2(capsys, tmp_path):
    code = main(["build", "briefing", "-p", "colour", "red", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "briefing.ipynb: parameters refused" in err
    assert "unknown parameter 'colour'" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_summary_shows_the_most_telling_first_and_counts_the_rest():
    from analysis.compute.results import analyze
    from analysis.contract.dataset import load_dataset
    from analysis.present.summary import analysis_summary

    text = analysis_summary(analyze(load_dataset(SEED)), max_rows=2)
    rows = text.split("supporting / refuting\n", 1)[1].splitlines()
    assert rows[0].startswith("ua_in_belgorod ") and rows[1].startswith("ua_reached_demidovka ")
    assert rows[2] == "  ... and 13 more (briefing analyze --json lists all)"


@pytest.mark.slow  # a subprocess or a kernel
def test_unreadable_notebook_and_reports_path_in_the_way(tmp_path, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert main(["build", str(broken)]) == 2
    assert "not a notebook papermill can read" in capsys.readouterr().err


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--out", "{file}"], "exists and is not a folder"),
        (["--out", "/dev/null"], "exists and is not a folder"),
        (["-p", "dataset", "{tmp}/no-such-dataset"], "no-such-dataset: does not exist"),
        (["-p", "as_of", "2025-W15-2"], "expected a date written YYYY-MM-DD"),
        (["-p", "as_of", "20250408"], "expected a date written YYYY-MM-DD"),
    ],
)
def test_build_mistakes_are_refused_before_anything_starts(tmp_path, capsys, arguments, message):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    arguments = [a.format(file=in_the_way, tmp=tmp_path) for a in arguments]
    out = [] if "--out" in arguments else ["--out", str(tmp_path / "reports")]
    assert main(["build", "briefing", *arguments, *out]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) <= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing was started


def test_a_named_chromium_that_is_not_there_is_refused_not_replaced(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BRIEFING_CHROMIUM", str(tmp_path / "nonexistent"))
    assert main(["build", "briefing", "--out", str(tmp_path / "reports")]) == 2
    err = capsys.readouterr().err
    assert "nonexistent' (BRIEFING_CHROMIUM) is not an executable file" in err
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow  # two kernels
def test_a_failed_build_exits_1_and_a_refusal_in_a_cell_exits_2(tmp_path, capsys):
    """A scheduler tells "look into it" (the build failed: a cell raised, the kernel
    died, time ran out) from "fix your arguments" (a cell refused the input)."""
    raises = Path(__file__).parent / "data" / "notebooks" / "raises.ipynb"
    assert main(["build", str(raises), "--to", "html", "--out", str(tmp_path / "a")]) == 1
    assert "cell 4 failed: ValueError" in capsys.readouterr().err
    refused = ["build", "briefing", "--to", "html", "-p", "topic", "weather"]
    assert main([*refused, "--out", str(tmp_path / "b")]) == 2
    assert "refused its parameters or data" in capsys.readouterr().err
