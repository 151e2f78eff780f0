"""Shifts between a source's answers to a question (chronology.shifts given
questions.answers_as_refutations) against the plain reference: the plain shifts of the
source's own claims together with every support of an alternative repeated as a
refutation of the others (tests/plain.py's implied_claims), in timeline order."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from analysis.compute import chronology, questions

from . import plain
from .test_properties import AS_OF, TOPICS, figure_datasets, load_spec, rows


def check_answer_shifts(dataset, as_of: str | None, topic: str | None) -> None:
    day = None if as_of is None else pd.Timestamp(as_of).normalize()
    known = chronology.known_claims(dataset, day, topic)
    answers = questions.answers_as_refutations(known, questions.question_codes(dataset))
    ours = chronology.shifts(chronology.timeline(dataset, known), answers)
    reference = plain.known_claims(dataset, day, topic)
    both = pd.concat([reference, plain.implied_claims(reference, dataset)], ignore_index=True)
    both = both.sort_values(["stated_start", "stated_end", "claim_id"], kind="stable")
    expected = plain.shifts(both)
    assert sorted(rows(ours, plain.SHIFT_COLUMNS)) == sorted(rows(expected, plain.SHIFT_COLUMNS))


@pytest.mark.slow  # a third of a second or more per example
@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=figure_datasets(), as_of=AS_OF, topic=TOPICS)
def test_answer_shifts_equal_the_plain_reference(spec, as_of, topic):
    check_answer_shifts(load_spec(spec), as_of, topic)
