"""The terminal summaries of ``briefing validate`` and ``briefing analyze``."""

from __future__ import annotations

from analysis.contract.dataset import load_dataset
from analysis.present.summary import dataset_summary, relative_phrases

from .builders import write_dataset


def test_only_relative_phrases_count_as_relative(tmp_path):
    claims = [
        "c1,s1,a1,d1,supports,false,2025-03-01T10:00:00Z,,",
        "c2,s1,a1,d1,supports,false,2025-03-01/2025-03-03,,",
        "c3,s2,a1,d1,refutes,false,2025-03,,",
        "c4,s3,a2,d1,supports,false,last week,,",
        "c5,s3,a2,d1,supports,false,Monday,,",
        "c6,s4,a2,d1,refutes,false,2025-03-01T10:00:00Z,,",
        "c7,s4,a1,d1,refutes,false,2025-03-04 08:30,,",
    ]
    path = write_dataset(tmp_path / "mixed-dates", claims, {"d1": "2025-03-10"})
    dataset = load_dataset(path)
    assert relative_phrases(dataset.claims) == 2
    lines = dataset_summary(dataset, max_sources=2).splitlines()
    assert "  2 of 7 stated dates are relative phrases, resolved" in lines
    assert lines[-4:] == [
        "sources (4)",
        "       2  s1                     media       Source S1",
        "       2  s3                     media       Source S3",
        "  ... and 2 more",
    ]


def test_analyze_lists_quantities_and_questions_after_alpha():
    """tests/data/quantities-and-questions: deaths from 6 (ucdp's low) to 40 (the wire's
    "about 40") among four current figures, ucdp's 6 the most conservative, graded A-C
    (ucdp, mod_a) 6-30; tanks 95 (wire's "at least 95") to 105 (mod_a's 3 May total)."""
    from analysis.compute.results import analyze
    from analysis.present.summary import analysis_summary

    from .conftest import DATA

    result = analyze(load_dataset(DATA / "quantities-and-questions"))
    lines = analysis_summary(result).splitlines()
    start = lines.index("quantities (2, 2 with figures)")
    assert lines[start - 2].startswith("alpha ")
    assert lines[start + 1 : start + 9] == [
        "  Deaths in the strike on X, 1 May: 4 sources, 6-40 deaths; most conservative 6 "
        "(ucdp); graded range 6-30",
        "  Side B tanks destroyed since 1 March 2025: 2 sources, 95-105 tanks; most "
        "conservative 95 (wire); graded range 105",
        "",
        "questions (3)",
        "  Who holds the town of Y?: contested",
        "  On which day was the bridge at X destroyed?: corroborated [bridge_may1]",
        "  Who ordered the strike on X?: open",
        "",
    ]
    capped = analysis_summary(result, max_rows=1).splitlines()
    assert capped[capped.index("questions (3)") + 2] == (
        "  ... and 2 more (briefing analyze --json lists all)"
    )


def test_analyze_of_a_dataset_without_figures_says_nothing_of_them():
    from analysis.compute.results import analyze
    from analysis.present.summary import analysis_summary

    from .conftest import SEED

    text = analysis_summary(analyze(load_dataset(SEED)))
    assert "quantities" not in text and "questions" not in text


def test_validate_counts_quantities_and_questions_when_there_are_some():
    from analysis.contract.dataset import load_dataset as load
    from analysis.present.summary import dataset_summary as summary

    from .conftest import DATA

    lines = summary(load(DATA / "quantities-and-questions")).splitlines()
    assert lines[7:10] == [
        "    quantities        2",
        "  questions           3",
        "  claims             25",
    ]
    assert not any(
        "quantities" in line or "questions" in line
        for line in summary(load(DATA / "contract-example")).splitlines()[:10]
    )


def test_long_assertion_ids_widen_the_table_and_are_never_cut_silently(tmp_path):
    import shutil

    from analysis.compute.results import analyze
    from analysis.contract.dataset import load_dataset as load
    from analysis.present.summary import analysis_summary

    from .conftest import CONTRACT_EXAMPLE

    folder = tmp_path / "long-ids"
    shutil.copytree(CONTRACT_EXAMPLE, folder)
    long_id = "an-assertion-id-of-forty-five-characters-long"
    for name in ("assertions.csv", "claims.csv"):
        path = folder / name
        path.write_text(path.read_text().replace("bridge_destroyed", long_id), encoding="utf-8")
    lines = analysis_summary(analyze(load(folder))).splitlines()
    assert any(line.startswith(long_id + " ") for line in lines)
    header = next(line for line in lines if line.startswith("assertion "))
    assert header.index("status") == len(long_id) + 1
