"""Status over time (compute/replay.py): the replay ends where the status table stands.

The hand-checked history is worked out from tests/data/quantities-and-questions's
claims (comments below); the property holds on the fixture, the seed and generated
datasets with questions: on the last day replayed, every shown assertion has the
status the analysis gives it, implied refutations between alternatives included.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from analysis.compute import chronology
from analysis.compute.replay import replay
from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present import views

from .builders import write_dataset
from .conftest import DATA, SEED
from .test_properties import AS_OF, TOPICS, figure_datasets, load_spec

FIXTURE = DATA / "quantities-and-questions"


def last_statuses(result, max_assertions: int) -> dict[str, str]:
    """Each shown assertion's status on the last day replayed."""
    history = replay(result, max_assertions).history
    return history.groupby("assertion_id", sort=False)["status"].last().to_dict()


def check_replay_ends_at_the_status_table(result, max_assertions: int = 30) -> None:
    table = result.assertions.set_index("assertion_id")["status"]
    for assertion, status in last_statuses(result, max_assertions).items():
        assert status == table[assertion], assertion


def test_the_fixture_replays_the_implied_refutations_by_hand():
    history = replay(analyze(load_dataset(FIXTURE, cache=None))).history
    steps = {
        a: list(zip(rows["day"].dt.strftime("%m-%d"), rows["status"], strict=True))
        for a, rows in history.groupby("assertion_id", sort=False)
    }
    # 2 May: mod_a says A holds Y (w1), mod_b says B (w2): each refutes the other's
    # alternative, both refute "divided"; 6 May: mod_b says A (w4), which now refutes B
    assert steps["town_a"] == [("05-02", "contested")]  # then wire's "divided" refutes it too
    assert steps["town_b"] == [("05-02", "contested"), ("05-06", "denied")]
    # 4 May: wire says divided (w3), against mod_a and mod_b
    assert steps["town_split"] == [("05-02", "denied"), ("05-04", "contested")]
    # 2 May: mod_a says 1 May (r1), wire 2 May (r3, hedged); 4 May: wire says 1 May (r4)
    assert steps["bridge_may1"] == [("05-02", "contested"), ("05-04", "corroborated")]
    assert steps["bridge_may2"] == [("05-02", "contested"), ("05-04", "denied")]
    assert steps["bridge_hit"] == [("05-02", "single-source")]  # in no question
    assert set(steps) == {"town_a", "town_b", "town_split", "bridge_may1", "bridge_may2"} | {
        "bridge_hit"
    }  # the quantities have no band


@pytest.mark.parametrize(
    ("as_of", "topic", "max_assertions"),
    [(None, None, 30), ("2025-05-04", None, 30), (None, "x-front", 2), ("2025-05-02", None, 1)],
)
def test_the_fixture_ends_at_the_status_table(as_of, topic, max_assertions):
    result = analyze(load_dataset(FIXTURE, cache=None), as_of, topic)
    check_replay_ends_at_the_status_table(result, max_assertions)


@pytest.mark.slow  # the seed's replay: a second or two
def test_the_seed_ends_at_the_status_table():
    result = analyze(load_dataset(SEED))
    check_replay_ends_at_the_status_table(result, 24)
    check_replay_ends_at_the_status_table(result, 200)


@pytest.mark.slow  # a third of a second or more per example
@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=figure_datasets(), as_of=AS_OF, topic=TOPICS)
def test_generated_datasets_with_questions_end_at_the_status_table(spec, as_of, topic):
    dataset = load_spec(spec)
    if topic is not None and not (dataset.assertions["topic"] == topic).any():
        return  # a topic no assertion has is refused before any replay
    result = analyze(dataset, as_of, topic)
    for max_assertions in (1, 3, 30):
        check_replay_ends_at_the_status_table(result, max_assertions)
    # with room for all, every reported proposition with claims of its own has a band
    reported = result.assertions.loc[result.assertions["status"] != "unaddressed", "assertion_id"]
    claimed = chronology.known_claims(dataset, result.as_of, topic)["assertion_id"]
    quantities = set() if result.quantities is None else set(result.quantities["assertion_id"])
    expected = (set(reported) & set(claimed.astype(str))) - quantities
    assert set(last_statuses(result, 30)) == expected


def test_only_neutral_claims_leave_nothing_to_replay(tmp_path):
    folder = write_dataset(
        tmp_path / "ds",
        ["c1,s1,a1,d1,neutral,false,2025-03-01,,", "c2,s2,a1,d2,neutral,false,2025-03-02,,"],
        {"d1": "2025-03-01", "d2": "2025-03-02"},
    )
    result = analyze(load_dataset(folder, cache=None))
    replayed = replay(result)
    assert replayed.history.empty and replayed.total == 1 and replayed.left_out == 1
    assert "No source supports or refutes" in views.status_over_time(result).markup
