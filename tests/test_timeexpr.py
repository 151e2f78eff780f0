"""Every date-expression form of contract §2, resolved against hand-picked anchors."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.contract.timeexpr import parse_rule, resolve_expressions

MON, TUE, SUN = "2025-04-07", "2025-04-08", "2025-04-13"  # a Monday, Tuesday and Sunday

CASES = [
    # text, anchor, start, end, precision
    ("2025", TUE, "2025-01-01", "2025-12-31", "year"),
    ("2025-03", TUE, "2025-03-01", "2025-03-31", "month"),
    ("2024-02", TUE, "2024-02-01", "2024-02-29", "month"),
    ("2025-03-18", TUE, "2025-03-18", "2025-03-18", "day"),
    ("2025-03-18T20:00", TUE, "2025-03-18", "2025-03-18", "day"),
    ("2025-03-18T20:00:05+03:00", TUE, "2025-03-18", "2025-03-18", "day"),
    ("2025-03-18/2025-03-21", TUE, "2025-03-18", "2025-03-21", "interval"),
    ("2025-03/2025-04", TUE, "2025-03-01", "2025-04-30", "interval"),
    # weekdays: on or before the anchor, the anchor itself when it matches
    ("Monday", MON, "2025-04-07", "2025-04-07", "day"),
    ("monday", TUE, "2025-04-07", "2025-04-07", "day"),
    ("Tuesday", MON, "2025-04-01", "2025-04-01", "day"),
    ("Sunday", SUN, "2025-04-13", "2025-04-13", "day"),
    ("Sunday", MON, "2025-04-06", "2025-04-06", "day"),
    ("on Monday", TUE, "2025-04-07", "2025-04-07", "day"),
    ("late on Monday", MON, "2025-04-07", "2025-04-07", "day"),
    ("Early on  Friday", TUE, "2025-04-04", "2025-04-04", "day"),
    # last <weekday>: strictly before the anchor
    ("last Monday", MON, "2025-03-31", "2025-03-31", "day"),
    ("last Monday", TUE, "2025-04-07", "2025-04-07", "day"),
    ("last Sunday", SUN, "2025-04-06", "2025-04-06", "day"),
    ("today", TUE, "2025-04-08", "2025-04-08", "day"),
    ("yesterday", "2025-03-01", "2025-02-28", "2025-02-28", "day"),
    ("3 days ago", TUE, "2025-04-05", "2025-04-05", "day"),
    ("1 day ago", TUE, "2025-04-07", "2025-04-07", "day"),
    # month-day without a year: latest such date not after the anchor
    ("March 18", TUE, "2025-03-18", "2025-03-18", "day"),
    ("18 March", TUE, "2025-03-18", "2025-03-18", "day"),
    ("April 8", TUE, "2025-04-08", "2025-04-08", "day"),
    ("April 9", TUE, "2024-04-09", "2024-04-09", "day"),
    ("December 31", "2025-01-01", "2024-12-31", "2024-12-31", "day"),
    ("February 29", TUE, "2024-02-29", "2024-02-29", "day"),
    ("February 29", "2024-02-28", "2020-02-29", "2020-02-29", "day"),
    ("this week", MON, "2025-04-07", "2025-04-07", "week"),
    ("this week", SUN, "2025-04-07", "2025-04-13", "week"),
    ("last week", TUE, "2025-03-31", "2025-04-06", "week"),
    ("last week", MON, "2025-03-31", "2025-04-06", "week"),
    ("this month", TUE, "2025-04-01", "2025-04-08", "month"),
    ("last month", TUE, "2025-03-01", "2025-03-31", "month"),
    ("last month", "2025-01-15", "2024-12-01", "2024-12-31", "month"),
    ("this year", TUE, "2025-01-01", "2025-04-08", "year"),
    ("last year", TUE, "2024-01-01", "2024-12-31", "year"),
    ("in March", TUE, "2025-03-01", "2025-03-31", "month"),
    ("in April", TUE, "2025-04-01", "2025-04-08", "month"),
    ("in May", TUE, "2024-05-01", "2024-05-31", "month"),
    ("In recent days", TUE, "2025-04-02", "2025-04-08", "interval"),
]


@pytest.mark.parametrize(("text", "anchor", "start", "end", "precision"), CASES)
def test_each_form_resolves(text, anchor, start, end, precision):
    out = resolve_expressions(pd.Series([text]), pd.Series([pd.Timestamp(anchor)]))
    row = out.iloc[0]
    assert pd.isna(row["problem"]), row["problem"]
    assert (row["start"], row["end"], row["precision"]) == (
        pd.Timestamp(start),
        pd.Timestamp(end),
        precision,
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("next Friday", "not a date expression"),
        ("soon", "not a date expression"),
        ("2025-02-30", "not a valid calendar date"),
        ("2025-13", "not a valid calendar date"),
        ("February 30", "not a date expression"),
        ("2025-03-21/2025-03-18", "ends before it starts"),
        ("18/03/2025", "not a date expression"),
    ],
)
def test_unknown_or_invalid_text_is_a_problem_with_an_iso_hint(text, fragment):
    out = resolve_expressions(pd.Series([text]), pd.Series([pd.Timestamp(TUE)]))
    assert fragment in out.iloc[0]["problem"]
    assert out.iloc[0]["code"] == "bad-date"
    assert pd.isna(out.iloc[0]["start"])


def test_relative_phrases_refused_where_not_allowed():
    out = resolve_expressions(pd.Series(["Monday", "2025-03"]), allow_relative=False)
    assert "relative dates are not allowed here" in out.iloc[0]["problem"]
    assert out["code"].tolist() == ["relative-not-allowed", None]
    assert pd.isna(out.iloc[1]["problem"])


def test_missing_values_stay_missing_without_problem():
    out = resolve_expressions(pd.Series([None, "", "  "]), pd.Series([pd.Timestamp(TUE)] * 3))
    assert out["start"].isna().all() and out["problem"].isna().all()
    assert out["code"].isna().all()


def test_one_rule_per_phrase_applies_to_many_anchors():
    anchors = pd.Series(pd.date_range("2025-04-07", periods=7))  # Monday .. Sunday
    out = resolve_expressions(pd.Series(["Wednesday"] * 7), anchors)
    expected = [
        "2025-04-02",
        "2025-04-02",
        "2025-04-09",
        "2025-04-09",
        "2025-04-09",
        "2025-04-09",
        "2025-04-09",
    ]
    assert list(out["start"]) == [pd.Timestamp(d) for d in expected]
    parse_rule.cache_clear()
    resolve_expressions(pd.Series(["Thursday"] * 7), anchors)
    assert parse_rule.cache_info().misses == 1  # the phrase was parsed once, not per row


def test_relative_phrase_without_anchor_is_a_problem():
    out = resolve_expressions(pd.Series(["Monday"]), pd.Series([pd.NaT]))
    assert "no anchor" in out.iloc[0]["problem"]
    assert out.iloc[0]["code"] == "no-anchor"
