"""What changed between two analyses, on the contract example edited by hand."""

from __future__ import annotations

import pandas as pd

from analysis.compute.changes import changes_facts, compare, snapshot_tables
from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present.snapshot import load_snapshot, save_snapshot

from .conftest import CONTRACT_EXAMPLE


def _tables(path, as_of=None):
    return snapshot_tables(analyze(load_dataset(path), as_of=as_of))


def test_no_earlier_briefing_is_the_first():
    assert compare(_tables(CONTRACT_EXAMPLE), None).first
    assert changes_facts(compare(_tables(CONTRACT_EXAMPLE), None)) == {"first": True}


def test_the_same_analysis_changes_nothing():
    tables = _tables(CONTRACT_EXAMPLE)
    assert compare(tables, tables).nothing


def test_later_reporting_adds_claims_sources_positions_and_moves_statuses():
    """As of 3 May only d1 is readable; by 6 May d2 adds the milblogger, the think tank
    and MoD A's hedged claim on the town (see tests/data/contract-example/README.md)."""
    before = _tables(CONTRACT_EXAMPLE, "2025-05-03")
    after = _tables(CONTRACT_EXAMPLE, "2025-05-06")
    changes = compare(after, before)
    assert changes.new_claims == 3  # e4, e5, e6
    assert changes.new_sources == ("blog_b", "tank")
    assert changes.status_moves.to_dict("records") == [
        {
            "assertion_id": "town_taken",
            "statement": "Side A forces took the town of Y",
            "before": "unaddressed",
            "after": "single-source",
        }
    ]
    assert changes.withdrawn.empty and changes.revised.empty


def test_a_revised_and_a_withdrawn_position(dataset_copy):
    before = _tables(CONTRACT_EXAMPLE)
    edited = dataset_copy(CONTRACT_EXAMPLE)
    claims = edited / "claims.csv"
    text = claims.read_text().replace(
        "e8,mod_b,town_taken,d3,refutes", "e8,mod_b,town_taken,d3,supports"
    )
    text = "\n".join(line for line in text.splitlines() if not line.startswith("e4,")) + "\n"
    claims.write_text(text.replace(",e4,relies", ",,relies"))  # the milblogger's claim is gone
    changes = compare(_tables(edited), before)
    assert changes.withdrawn[["source_id", "assertion_id", "stance"]].to_dict("records") == [
        {"source_id": "blog_b", "assertion_id": "bridge_destroyed", "stance": "supports"}
    ]
    assert changes.revised[["source_id", "before_stance", "stance"]].to_dict("records") == [
        {"source_id": "mod_b", "before_stance": "refutes", "stance": "supports"}
    ]
    facts = changes_facts(changes)
    assert facts["positions_withdrawn"] == 1 and facts["positions_revised"] == 1
    assert {"assertion_id": "town_taken", "before": "contested", "after": "corroborated"} in facts[
        "status_moves"
    ]


def test_a_snapshot_round_trips_through_parquet(tmp_path):
    tables = _tables(CONTRACT_EXAMPLE)
    save_snapshot(tables, tmp_path)
    loaded = load_snapshot(tmp_path)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(loaded[name], frame, check_dtype=False)
    assert load_snapshot(tmp_path / "nowhere") is None


QUANTITIES = CONTRACT_EXAMPLE.parent / "quantities-and-questions"


def test_revised_new_and_withdrawn_figures_and_question_moves_between_two_dates():
    """As of 3 May only d1 is out (tests/data/quantities-and-questions). By 6 May: mod_b
    revised 5 to 7 (k2 -> k4) and mod_a corrected 2 May's tanks 110 to 108 (t2 -> t3);
    ucdp and the wire give new death tolls and the wire a tank count; the blog withdrew its
    "more than 100" (k9); mod_a's tanks moved on from 2 to 3 May; the bridge's day went
    from contested (mod_a 1 May, the wire 2 May) to corroborated (1 May)."""
    before = _tables(QUANTITIES, "2025-05-03")
    changes = compare(_tables(QUANTITIES), before)
    assert changes.figures_compared
    revised = changes.new_revisions[["source_id", "from_claim", "to_claim", "at", "day"]]
    assert revised.to_dict("records") == [
        {"source_id": "mod_b", "from_claim": "k2", "to_claim": "k4", "at": "2025-05-04", "day": ""},
        {"source_id": "mod_a", "from_claim": "t2", "to_claim": "t3", "at": "2025-05-04",
         "day": "2025-05-02"},
    ]  # fmt: skip
    new = changes.new_figures[["assertion_id", "source_id"]].to_dict("records")
    assert new == [
        {"assertion_id": "deaths_strike", "source_id": "ucdp"},
        {"assertion_id": "deaths_strike", "source_id": "wire"},
        {"assertion_id": "tanks_lost", "source_id": "wire"},
    ]
    assert changes.withdrawn_figures[["source_id", "claim_id"]].to_dict("records") == [
        {"source_id": "blog", "claim_id": "k3"}
    ]
    assert changes.updated_totals == 1
    assert changes.question_moves[["question_id", "before", "after", "answer"]].to_dict(
        "records"
    ) == [
        {"question_id": "q_bridge_day", "before": "contested", "after": "corroborated",
         "answer": "bridge_may1"}
    ]  # fmt: skip
    facts = changes_facts(changes)
    assert facts["figures_revised"][0] == {
        "assertion_id": "deaths_strike",
        "source_id": "mod_b",
        "from": {"value": 5.0, "low": None, "high": None},
        "to": {"value": 7.0, "low": None, "high": None},
        "at": "2025-05-04",
        "day": None,
    }
    assert (facts["figures_new"], facts["figures_withdrawn"], facts["totals_updated"]) == (3, 1, 1)
    assert facts["question_moves"][0]["after"] == "corroborated"
    assert compare(_tables(QUANTITIES), _tables(QUANTITIES)).nothing


def test_a_dataset_without_figures_keeps_its_facts_as_before():
    tables = _tables(CONTRACT_EXAMPLE)
    facts = changes_facts(compare(tables, tables))
    assert set(facts) == {
        "first", "new_claims", "new_sources", "status_moves", "status_moves_total",
        "positions_withdrawn", "positions_revised", "new_shifts", "new_conflicts",
    }  # fmt: skip


def test_a_briefing_built_before_figures_existed_still_compares(tmp_path):
    """An older briefing kept only the five first tables: the comparison runs, figures and
    questions are not compared (nothing is claimed about them)."""
    older = {name: frame for name, frame in _tables(QUANTITIES, "2025-05-03").items()
             if name in ("claims", "assertions", "positions", "shifts", "conflicts")}  # fmt: skip
    save_snapshot(older, tmp_path)
    loaded = load_snapshot(tmp_path)
    assert loaded is not None and "figures" not in loaded
    changes = compare(_tables(QUANTITIES), loaded)
    assert not changes.figures_compared and changes.new_claims == 15
    assert "figures_revised" not in changes_facts(changes)
