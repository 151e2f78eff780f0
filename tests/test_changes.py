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
