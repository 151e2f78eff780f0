"""Wording: each phrase the product writes, and the orders it shows things in."""

from __future__ import annotations

import pandas as pd

from analysis.present import wording

ts = pd.Timestamp


def test_a_stance_as_a_reader_says_it():
    assert wording.says("supports", False) == "supports"
    assert wording.says("refutes", True) == "hedged refutes"
    said = wording.says_each(
        pd.Series(pd.Categorical(["supports", "refutes", "neutral"]), index=[7, 8, 9]),
        pd.Series([True, False, False], index=[7, 8, 9]),
    )
    assert said.tolist() == ["hedged supports", "refutes", "neutral"]
    assert said.index.tolist() == [7, 8, 9]


def test_a_stance_as_what_a_source_moved_from_or_to():
    assert wording.stance_as_noun("supports", True) == "hedged support"
    assert wording.stance_as_noun("refutes", False) == "refutation"
    assert wording.stance_as_noun("neutral", True) == "no position"  # nothing to hedge


def test_counts_in_figures_and_spelled_out():
    assert wording.count(1, "claim") == "1 claim"
    assert wording.count(0, "claim") == "0 claims"
    assert wording.count(2000, "claim") == "2,000 claims"
    assert wording.count_spelled(0, "line") == "no lines"
    assert wording.count_spelled(1, "line") == "one line"
    assert wording.count_spelled(2, "line") == "two lines"
    assert wording.count_spelled(10, "line") == "ten lines"
    assert wording.count_spelled(11, "line") == "11 lines"


def test_alpha_to_three_decimals_or_undefined():
    assert wording.describe_alpha(None) == "undefined"
    assert wording.describe_alpha(-1 / 6) == "-0.167"
    assert wording.describe_alpha(1.0) == "1.000"


def test_lists_name_a_few_and_count_the_rest():
    assert wording.joined(["A"]) == "A"
    assert wording.joined(["A", "B"]) == "A and B"
    assert wording.joined(["A", "B", "C"]) == "A, B and C"
    assert wording.named_few(["A", "B", "C", "D"]) == "A, B, C and D"
    assert wording.named_few(["A", "B", "C", "D", "E"]) == "A, B, C and 2 other sources"
    assert wording.named_few(list("ABCDEFG"), most=2) == "A and 6 other sources"


def test_notes_on_what_was_left_out():
    assert wording.most_of(20, 20, "active") == ""
    assert wording.most_of(20, 31, "active") == "the 20 most active of 31"
    assert wording.most_of(30, 1200, "telling") == "the 30 most telling of 1200"
    assert wording.showing_note(40, 1200, "claims", "the earliest first") == (
        "Showing 40 of 1,200 claims, the earliest first. briefing analyze --json lists them all."
    )
    assert wording.showing_note(
        3, 5, "pairs", "those sharing the most assertions first", lambda c: f"[{c}]"
    ) == (
        "Showing 3 of 5 pairs, those sharing the most assertions first. "
        "[briefing analyze --json] lists them all."
    )
    assert wording.and_more(15, 2) == "... and 13 more"
    assert wording.and_more(2042, 40, wording.LIST_ALL) == (
        "... and 2,002 more (briefing analyze --json lists all)"
    )


def test_days_in_words_and_in_iso():
    assert wording.iso_day(ts("2025-04-08")) == "2025-04-08"
    assert wording.iso_day(pd.NaT) == "-"
    assert wording.describe_day(ts("2025-04-07")) == "7 April 2025"
    days = pd.Series(pd.to_datetime(["2025-04-07", None, "2024-12-31"]), index=[3, 4, 5])
    described = wording.describe_days(days)
    assert described[3] == "7 April 2025" and described[5] == "31 December 2024"
    assert pd.isna(described[4])


def test_intervals_in_words_at_their_precision():
    assert wording.describe_interval(ts("2025-03-18"), ts("2025-03-18"), "day") == (
        "on 18 March 2025"
    )
    assert wording.describe_interval(ts("2025-03-01"), ts("2025-03-31"), "month") == (
        "in March 2025"
    )
    assert wording.describe_interval(ts("2024-01-01"), ts("2024-12-31"), "year") == "in 2024"
    assert wording.describe_interval(ts("2025-03-31"), ts("2025-04-06"), "week") == (
        "in the week of 31 March 2025"
    )
    assert wording.describe_interval(ts("2025-04-02"), ts("2025-04-08"), "interval") == (
        "between 2 and 8 April 2025"
    )
    assert wording.describe_interval(ts("2025-03-28"), ts("2025-04-02"), "interval") == (
        "between 28 March and 2 April 2025"
    )
    assert wording.describe_interval(ts("2024-12-28"), ts("2025-01-02"), "interval") == (
        "between 28 December 2024 and 2 January 2025"
    )
    assert wording.describe_interval(ts("2025-05-04"), ts("2025-05-04"), "interval") == (
        "on 4 May 2025"
    )
    assert wording.describe_interval(pd.NaT, pd.NaT, None) == "at an unknown date"


def test_intervals_in_words_for_every_row():
    index = [10, 11, 12, 13]
    start = pd.Series(pd.to_datetime(["2025-03-01", "2025-03-18", None, "2025-03-01"]), index)
    end = pd.Series(pd.to_datetime(["2025-03-31", "2025-03-18", None, "2025-03-31"]), index)
    precision = pd.Series(pd.Categorical(["month", "day", None, "month"]), index)
    described = wording.describe_intervals(start, end, precision)
    assert described.index.tolist() == index
    assert described.tolist() == [
        "in March 2025",
        "on 18 March 2025",
        "at an unknown date",
        "in March 2025",
    ]


def test_assertions_most_telling_first():
    table = pd.DataFrame(
        {
            "assertion_id": ["b", "a", "c", "d", "e", "f", "g"],
            "status": [
                "single-source",
                "corroborated",
                "contested",
                "contested",
                "unaddressed",
                "single-source",
                "single-source",
            ],  # fmt: skip
            "independent_support": [1, 2, 1, 2, 0, 1, 1],
            "last_stated": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01", None, "2024-05-13", None]
            ),
        }
    )
    ranked = wording.ranked_assertions(table)
    # within a status and support, the most recently reported first; never reported last
    assert ranked["assertion_id"].tolist() == ["d", "c", "a", "f", "b", "g", "e"]


def test_sources_most_active_first_ties_by_id():
    timeline = pd.DataFrame({"source_id": pd.Categorical(["s2", "s1", "s2", "s3", "s1", "s0"])})
    assert wording.sources_by_activity(timeline) == ["s1", "s2", "s0", "s3"]
    assert wording.sources_by_activity(timeline.iloc[:0]) == []


def test_a_figure_as_the_source_gave_it():
    nan = float("nan")
    assert wording.describe_figure(12, 8, 20) == "12 (8\u201320)"
    assert wording.describe_figure(40, nan, nan, True) == "about 40"  # the hedge is kept
    assert wording.describe_figure(nan, 100, nan) == "100+"  # "more than 100"
    assert wording.describe_figure(nan, nan, 50) == "up to 50"
    assert wording.describe_figure(nan, 8, 20) == "8\u201320"
    assert wording.describe_figure(3120, nan, nan) == "3,120"
    assert wording.describe_figure(12.5, nan, nan) == "12.5"
    figures = pd.DataFrame(
        {"value": [12, nan, 12], "low": [8, 100, 8], "high": [20, nan, 20],
         "hedged": [False, True, False]},
        index=[4, 5, 6],
    )  # fmt: skip
    assert wording.describe_figures(figures).to_dict() == {
        4: "12 (8\u201320)",
        5: "about 100+",
        6: "12 (8\u201320)",
    }


def test_a_count_with_its_own_plural():
    assert wording.count(1, "quantity", "quantities") == "1 quantity"
    assert wording.count(3, "quantity", "quantities") == "3 quantities"
