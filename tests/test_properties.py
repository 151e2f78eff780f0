"""Properties: each vectorized analysis step equals the plain reference in tests/plain.py.

Hypothesis writes small random datasets to the contract as CSV files, the real
loader reads them, and every step of the analysis (known claims, positions,
evidence lines, status, pairwise agreement, alpha, timeline, shifts, conflicts)
is compared with the slow, readable version. The plain version itself is pinned
to the contract example's expected output and to small cases worked out by hand.

A load costs about 0.2 s, so the default run is short (6 examples, each up to four
independent worlds and three as-of/topic queries); search deeper with, e.g.,
``PROPERTY_EXAMPLES=300 pytest tests/test_properties.py --hypothesis-show-statistics``
(the statistics list which edge cases the examples reached).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import tempfile
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analysis.compute import agreement, chronology
from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.errors import BriefingError

from . import plain
from .conftest import CONTRACT_EXAMPLE

TODAY = dt.date(2025, 12, 31)  # bounds dates from the future; every generated date is before it


# ---------------------------------------------------------------- comparing tables


def scalar(value):
    """One cell as a plain Python value: dates as YYYY-MM-DD, any missing value as None."""
    if isinstance(value, list | tuple | np.ndarray):
        return [scalar(v) for v in value]
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 9)
    return value


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """The frame's rows over ``columns`` as tuples of plain values, in the frame's order."""
    cells = [[scalar(v) for v in frame[column].tolist()] for column in columns]
    return list(zip(*cells, strict=True))


def partition(lines: pd.DataFrame, pairs: list[tuple[str, str]]) -> set[frozenset]:
    """Which (assertion, source) ``pairs`` share a line label, whatever the labels are."""
    label = {
        (str(a), str(s)): line
        for a, s, line in zip(lines["assertion_id"], lines["source_id"], lines["line"], strict=True)
    }
    missing = [pair for pair in pairs if pair not in label]
    assert not missing, f"positions without an evidence line: {missing}"
    groups: dict = {}
    for pair in pairs:
        groups.setdefault(label[pair], set()).add(pair)
    return {frozenset(group) for group in groups.values()}


def reliability_alpha(held: pd.DataFrame) -> float | None:
    """krippendorff.alpha on the plain sources x assertions matrix (1 supports, 2 refutes)."""
    sources = sorted(set(held["source_id"]))
    assertions = sorted(set(held["assertion_id"]))
    matrix = np.full((len(sources), len(assertions)), np.nan)
    for row in held.itertuples():
        code = 1.0 if row.stance == "supports" else 2.0
        matrix[sources.index(row.source_id), assertions.index(row.assertion_id)] = code
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if (
        not pairable.any()
        or len(np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])])) < 2
    ):
        return None  # undefined: no unit with two values, or no variation among them
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


# ---------------------------------------------------------------- writing datasets


def write_folder(folder: Path, spec: dict) -> Path:
    """Write a dataset ``spec`` as the contract's CSV files.

    ``spec``: sources (ids), documents ({id: published}), assertions ([(id, topic,
    event_time)]), claims (CSV rows in CLAIM_HEADER order). Optional, for quantities and
    questions: grades ({source: Admiralty grade}), kinds ({assertion: (unit, cumulative,
    question_id)}), questions (ids) and figures (per claim: value, low, high as text).
    """

    def table(name: str, header: list[str], records: list) -> None:
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(records)

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.toml").write_text('name = "generated"\n')
    grades = spec.get("grades", {})
    table(
        "sources",
        ["source_id", "name", "kind", "reliability"],
        [(s, f"Source {s}", "media", grades.get(s, "")) for s in spec["sources"]],
    )
    table(
        "documents",
        ["document_id", "title", "publisher", "published"],
        [(d, f"Doc {d}", "Wire", p) for d, p in spec["documents"].items()],
    )
    kinds = spec.get("kinds", {})
    table(
        "assertions",
        ["assertion_id", "statement", "topic", "event_time", "unit", "cumulative", "question_id"],
        [
            (a, f"Statement {a}", t or "", e or "", *kinds.get(a, ("", "", "")))
            for a, t, e in spec["assertions"]
        ],
    )
    if "questions" in spec:
        table(
            "questions", ["question_id", "text"], [(q, f"Question {q}?") for q in spec["questions"]]
        )
    figures = spec.get("figures") or [("", "", "")] * len(spec["claims"])
    table(
        "claims",
        [*CLAIM_HEADER, "value", "low", "high"],
        [row.split(",") + list(f) for row, f in zip(spec["claims"], figures, strict=True)],
    )
    return folder


CLAIM_HEADER = [
    "claim_id",
    "source_id",
    "assertion_id",
    "document_id",
    "stance",
    "hedged",
    "stated",
    "event_time",
    "cites",
]


# ---------------------------------------------------------------- generating datasets

BASE = dt.date(2025, 3, 3)  # a Monday; documents appear on it or within the 10 days after
SOURCE_IDS = ["s1", "s2", "s10", "mod-a", "mod_b", "blog.b", "wire", "z9"]
ASSERTION_IDS = ["a1", "a2", "a10", "bridge", "town.y", "z-0"]
DOCUMENT_IDS = ["d1", "d2", "d10", "doc.x"]
CLAIM_IDS = [f"c{i}" for i in range(30)]  # text order c0 c1 c10 c11 ... differs from number order
RELATIVE = [
    "today",
    "yesterday",
    "2 days ago",
    "this week",
    "last week",
    "this month",
    "last month",
    "this year",
    "Monday",
    "on Friday",
    "late on Sunday",
    "last Tuesday",
    "in recent days",
    "March 1",
    "2 March",
    "in February",
]


def iso(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


@functools.cache
def stated_for(published: dt.date) -> st.SearchStrategy[str]:
    """A `stated` expression that starts on or before ``published`` (ends may pass it)."""
    day = st.integers(0, 9).map(lambda back: published - dt.timedelta(days=back))
    return st.one_of(
        day.map(iso),
        day.map(lambda d: f"{iso(d)}T20:00"),
        st.tuples(day, st.integers(0, 4)).map(
            lambda t: f"{iso(t[0])}/{iso(t[0] + dt.timedelta(days=t[1]))}"
        ),
        st.sampled_from(["2025-02", "2025-03", "2025"]),
        st.sampled_from(RELATIVE),
    )


EVENT_TIMES = st.one_of(
    st.integers(-15, 10).map(lambda k: iso(BASE + dt.timedelta(days=k))),
    st.sampled_from(["2025-02", "2025-02-27/2025-03-04"]),
)
STANCES = st.sampled_from(["supports", "supports", "refutes", "neutral"])  # support is commonest
CLAIM_EVENT_TIMES = st.one_of(st.just(""), st.just(""), EVENT_TIMES, st.just("yesterday"))


def world(draw, prefix: str, min_claims: int) -> dict:
    """1-6 sources, 1-5 assertions, 1-4 documents, ``min_claims``-25 claims.

    Claims cite only claims drawn before them (so never in a cycle), on any
    assertion, by any source of the world including their own. Dates are drawn
    close together, and a quarter of the claims restate an earlier claim's source,
    assertion, document and date, so ties, overlaps and hedged/plain pairs on one
    day are common. Every identifier starts with ``prefix``, so worlds side by side
    never meet. (The first world has at least one claim: the loader refuses an empty
    claims.csv.)
    """

    def ids(pool: list[str], low: int, high: int) -> list[str]:
        drawn = draw(st.lists(st.sampled_from(pool), min_size=low, max_size=high, unique=True))
        return [prefix + name for name in drawn]

    sources, assertions, documents = (
        ids(SOURCE_IDS, 1, 6),
        ids(ASSERTION_IDS, 1, 5),
        ids(DOCUMENT_IDS, 1, 4),
    )
    published = {d: BASE + dt.timedelta(days=draw(st.integers(0, 10))) for d in documents}
    count = draw(st.integers(min_claims, 25))
    claim_ids = ids(CLAIM_IDS, count, count)
    claims: list[list[str]] = []
    for i, claim_id in enumerate(claim_ids):
        if i and draw(st.integers(0, 3)) == 0:
            # The same source on the same assertion in the same document at the same
            # time, with its own stance and hedge: ties, same-day hedges, conflicts.
            _, source, assertion, document, _, _, stated, _, _ = draw(st.sampled_from(claims))
        else:
            source, assertion = draw(st.sampled_from(sources)), draw(st.sampled_from(assertions))
            document = draw(st.sampled_from(documents))
            stated = draw(stated_for(published[document]))
        cites = draw(st.lists(st.sampled_from(claim_ids[:i]), max_size=2, unique=True)) if i else []
        claims.append(
            [
                claim_id,
                source,
                assertion,
                document,
                draw(STANCES),
                draw(st.sampled_from(["", "false", "true"])),
                stated,
                draw(CLAIM_EVENT_TIMES),
                ";".join(cites),
            ]
        )
    topics = st.sampled_from([None, "t1", "t2"])
    return {
        "sources": sources,
        "documents": {
            d: iso(p) + draw(st.sampled_from(["", "T18:00", "T23:30+01:00"]))
            for d, p in published.items()
        },
        "assertions": [
            (a, draw(topics), draw(st.one_of(st.none(), EVENT_TIMES))) for a in assertions
        ],
        "claims": [",".join(cells) for cells in claims],
    }


@st.composite
def datasets(draw) -> dict:
    """One to four independent small worlds in one dataset folder.

    Loading costs about 0.2 s whatever the size, so each load carries up to four
    worlds; a failure shrinks to the one world that shows it (ids unprefixed).
    """
    spec: dict = {"sources": [], "documents": {}, "assertions": [], "claims": []}
    for number in range(draw(st.integers(1, 4))):
        part = world(draw, f"w{number}." if number else "", 1 if number == 0 else 0)
        spec["sources"] += part["sources"]
        spec["documents"] |= part["documents"]
        spec["assertions"] += part["assertions"]
        spec["claims"] += part["claims"]
    return spec


# A small pool of figures, so equal figures (no revision) and falls are common.
FIGURE_TEXT = st.one_of(
    st.tuples(st.sampled_from(["0", "5", "7", "12"]), st.just(""), st.just("")),
    st.tuples(st.just("7"), st.sampled_from(["", "5"]), st.sampled_from(["", "7", "20"])),
    st.tuples(st.just(""), st.sampled_from(["3", "100"]), st.sampled_from(["", "100"])),
    st.tuples(st.just(""), st.just(""), st.just("50")),
)
KINDS = st.sampled_from(
    [
        ("", "", ""),
        ("deaths", "", ""),
        ("tanks", "true", ""),
        ("", "", "q1"),
        ("", "", "q1"),
        ("", "false", "q2"),
    ]
)


@st.composite
def figure_datasets(draw) -> dict:
    """Datasets as :func:`datasets` draws them, whose assertions are made quantities, running
    totals, alternatives of two questions or left propositions; every supporting claim on
    a quantity gets a figure; sources get Admiralty grades."""
    spec = draw(datasets())
    spec["kinds"] = {a: draw(KINDS) for a, _, _ in spec["assertions"]}
    spec["questions"] = ["q1", "q2", "q3"]  # q3 has no alternative
    spec["grades"] = {s: draw(st.sampled_from(["", "A", "C", "D", "E"])) for s in spec["sources"]}
    figures = []
    for row in spec["claims"]:
        _, _, assertion, _, stance, *_ = row.split(",")
        unit = spec["kinds"][assertion][0]
        figures.append(draw(FIGURE_TEXT) if unit and stance == "supports" else ("", "", ""))
    spec["figures"] = figures
    return spec


AS_OF = st.one_of(st.none(), st.integers(-10, 35).map(lambda k: iso(BASE + dt.timedelta(days=k))))
TOPICS = st.sampled_from([None, None, "t1", "t2", "t3"])
QUERIES = st.lists(st.tuples(AS_OF, TOPICS), min_size=1, max_size=3)


# ---------------------------------------------------------------- the plain reference, pinned

# Worked by hand below (published 10 March 2025, a Monday, so "yesterday" is 9 March).
HAND = {
    "sources": ["s1", "s2", "s3"],
    "documents": {"d1": "2025-03-10"},
    "assertions": [("a1", "t1", "2025-03-01"), ("a2", None, None)],
    "claims": [
        "c1,s1,a1,d1,supports,false,2025-03-05,,",
        "c2,s1,a1,d1,refutes,true,2025-03-05,,",
        "c8,s1,a1,d1,supports,false,2025-03,,",
        "c9,s2,a1,d1,supports,false,2025-03-06,,",
        "c10,s2,a1,d1,refutes,false,2025-03-06,,",
        "c3,s3,a1,d1,neutral,false,2025-03-07,,c1;c5",
        "c7,s3,a1,d1,neutral,true,2025-03-08,,",
        "c4,s3,a2,d1,supports,false,yesterday,,c9",
        "c5,s2,a2,d1,supports,true,2025-03,,c10",
        "c6,s1,a2,d1,refutes,false,2025-03-09/2025-03-10,2025-03-12,",
    ],
}


def load_spec(spec: dict):
    """Write ``spec`` to a temporary folder and load it with the real loader."""
    with tempfile.TemporaryDirectory() as folder:
        return load_dataset(write_folder(Path(folder) / "ds", spec), today=TODAY)


@functools.cache
def hand_dataset():
    return load_spec(HAND)


@functools.cache
def contract_example():
    return load_dataset(CONTRACT_EXAMPLE)


def test_plain_reference_by_hand():
    dataset = hand_dataset()
    result = plain.analyze(dataset)
    position = ["source_id", "assertion_id", "claim_id", "stance", "hedged"]
    assert rows(result.positions, position) == [
        ("s1", "a1", "c8", "supports", False),  # March ends last: the greatest stated end wins
        ("s1", "a2", "c6", "refutes", False),
        ("s2", "a1", "c9", "supports", False),  # same day, both plain: "c9" > "c10" as text
        ("s2", "a2", "c5", "supports", True),
        ("s3", "a2", "c4", "supports", False),
    ]
    # s3 holds no position on a1 but cites s1 (c1) and s2 (c5, on a2) there: one line through s3.
    assert partition(result.lines, [("a1", "s1"), ("a1", "s2")]) == {
        frozenset({("a1", "s1"), ("a1", "s2")})
    }
    # On a2, s3 cites s2's claim on a1, and s2 cites itself: lines {s2, s3} and {s1}.
    assert partition(result.lines, [("a2", "s1"), ("a2", "s2"), ("a2", "s3")]) == {
        frozenset({("a2", "s2"), ("a2", "s3")}),
        frozenset({("a2", "s1")}),
    }
    assert rows(result.assertions, plain.STATUS_COLUMNS) == [
        ("a1", "Statement a1", "single-source", 1, False, ["s1", "s2"], [], ["s3"])
        + ("2025-03-01", "2025-03-31"),
        ("a2", "Statement a2", "contested", 1, False, ["s2", "s3"], ["s1"], [])
        + ("2025-03-01", "2025-03-31"),
    ]
    # s1: a1 supports, a2 refutes; s2: supports on both; s3: a2 supports.
    assert rows(result.pairwise, plain.PAIRWISE_COLUMNS) == [
        ("s1", "s2", 2, 1, 1, 0.5, 0.0),  # p_o 1/2, p_e 1/2 * 1 + 1/2 * 0 = 1/2
        ("s1", "s3", 1, 0, 1, 0.0, 0.0),  # p_e 0
        ("s2", "s3", 1, 1, 0, 1.0, None),  # p_e 1: kappa undefined
    ]
    # Units a1 (S, S), a2 (S, S, R): n 5, n_S 4, n_R 1, o_SR 2 * 1 / 2 = 1: 1 - 4 * 1 / 4.
    assert result.alpha == 0.0
    assert list(result.timeline["claim_id"]) == [
        "c5", "c8", "c1", "c2", "c10", "c9", "c3", "c7", "c4", "c6"
    ]  # fmt: skip
    assert [scalar(v) for v in result.timeline["lag_days"]] == [
        None, 0, 4, 4, 5, 5, 6, 7, None, 0  # c6's own event (12 March) is after it: 0
    ]  # fmt: skip
    assert rows(result.shifts, ["from_claim", "to_claim", "at"]) == [("c3", "c7", "2025-03-08")]
    assert rows(result.conflicts, ["claim_a", "claim_b"]) == [
        ("c1", "c2"),  # same day: supports vs hedged refutes
        ("c2", "c8"),  # 5 March lies inside March; c1 and c8 agree, so no conflict
        ("c10", "c9"),
    ]
    # On 10 March the months (c5, c8) have not ended: s2 holds nothing on a2, and c3 still
    # joins s1 and s2 on a1 by citing c5, a claim of s2 that is not known yet itself.
    tenth = plain.analyze(dataset, as_of="2025-03-10")
    assert rows(tenth.positions, position)[:2] == [
        ("s1", "a1", "c1", "supports", False),  # same day as c2: plain over hedged, not "c2" > "c1"
        ("s1", "a2", "c6", "refutes", False),
    ]
    assert rows(tenth.assertions, plain.STATUS_COLUMNS) == [
        ("a1", "Statement a1", "single-source", 1, False, ["s1", "s2"], [], ["s3"])
        + ("2025-03-05", "2025-03-08"),
        ("a2", "Statement a2", "contested", 1, False, ["s3"], ["s1"], [])
        + ("2025-03-09", "2025-03-10"),
    ]
    nothing = plain.analyze(dataset, as_of="2025-03-09")
    assert nothing.known.empty  # d1 is published on 10 March
    assert list(nothing.assertions["status"]) == ["unaddressed", "unaddressed"]
    assert nothing.alpha is None and nothing.pairwise.empty
    on_topic = plain.analyze(dataset, topic="t1")
    assert list(on_topic.assertions["assertion_id"]) == ["a1"]
    assert set(on_topic.known["claim_id"]) == {"c1", "c2", "c8", "c10", "c9", "c3", "c7"}


def contract_figures(result: plain.PlainAnalysis) -> dict:
    """The plain result in the shape of contract §5 (shifts and conflicts sorted)."""

    def records(frame, columns):
        return [dict(zip(columns, row, strict=True)) for row in rows(frame, columns)]

    return {
        "assertions": records(result.assertions, plain.STATUS_COLUMNS),
        "pairwise": records(result.pairwise, plain.PAIRWISE_COLUMNS),
        "alpha": None if result.alpha is None else round(result.alpha, 9),
        "timeline": records(result.timeline, plain.TIMELINE_COLUMNS),
        "shifts": sorted(records(result.shifts, plain.SHIFT_COLUMNS), key=str),
        "conflicts": sorted(records(result.conflicts, plain.CONFLICT_COLUMNS), key=str),
    }


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (None, "expected-all.json"),
        ("2025-05-03", "expected-as-of-2025-05-03.json"),
        ("2025-05-06", "expected-as-of-2025-05-06.json"),
    ],
)
def test_plain_reference_gives_the_contract_example(as_of, expected):
    wanted = json.loads((CONTRACT_EXAMPLE / expected).read_text())
    wanted["shifts"] = sorted(wanted["shifts"], key=str)
    wanted["conflicts"] = sorted(wanted["conflicts"], key=str)
    got = contract_figures(plain.analyze(contract_example(), as_of=as_of))
    assert got == {key: wanted[key] for key in got}


def test_hand_written_alpha_matches_krippendorff():
    # The seed's pairable units (see test_agreement.test_seed_alpha_by_hand): -1/6.
    units = [["S"] * 3 + ["R"], ["S", "S", "R"], ["S", "S", "R"], ["S"] * 3, ["S", "S"]]
    assert plain.nominal_alpha(units) == pytest.approx(-1 / 6)
    held = pd.DataFrame(
        [
            (f"x{i}", f"u{u}", "supports" if v == "S" else "refutes")
            for u, unit in enumerate(units)
            for i, v in enumerate(unit)
        ],
        columns=["source_id", "assertion_id", "stance"],
    )
    assert reliability_alpha(held) == pytest.approx(-1 / 6)
    assert plain.nominal_alpha([["S", "S"], ["R"]]) is None  # no variation among pairable units
    assert plain.nominal_alpha([["S"], ["R"]]) is None  # nothing pairable


# ---------------------------------------------------------------- the properties


def note_edge_cases(expected: plain.PlainAnalysis, dataset) -> None:
    """Tell hypothesis's statistics which edge cases an example reached."""
    known = expected.known
    if known.empty:
        event("no claim known")
    taking = known[known["stance"] != "neutral"]
    for claims in plain.grouped(taking, "source_id", "assertion_id").values():
        last = max(c.stated_end for c in claims)
        latest = [c for c in claims if c.stated_end == last]
        if len(latest) > 1:
            event("positions: tie on stated end")
            if len({c.hedged for c in latest}) > 1:
                event("positions: hedged and plain at the latest date")
    if any(len(sources) for sources in expected.assertions["neutral_sources"]):
        event("a source with only neutral claims on an assertion")
    source_of = dict(zip(dataset.claims["claim_id"], dataset.claims["source_id"], strict=True))
    assertion_of = dict(
        zip(dataset.claims["claim_id"], dataset.claims["assertion_id"], strict=True)
    )
    for claim in known.itertuples():
        if any(source_of[c] == claim.source_id for c in claim.cites):
            event("a source citing itself")
        if any(assertion_of[c] != claim.assertion_id for c in claim.cites):
            event("a citation across assertions")
    if (expected.assertions["status"] == "corroborated").any():
        event("status: corroborated")
    if (expected.lines.groupby("line").size() > 1).any():
        event("an evidence line of two or more positions")
    if expected.pairwise["kappa"].isna().any():
        event("kappa: undefined")
    if expected.alpha is not None:
        event("alpha: defined")
    if len(expected.shifts):
        event("shifts found")
    if len(expected.conflicts):
        event("conflicts found")


def check_every_step(dataset, as_of: str | None, topic: str | None) -> plain.PlainAnalysis:
    """Each library step against the plain reference, one assertion per step.

    ``analyze`` runs each step once (known_claims, positions, evidence_lines,
    assertion_status, pairwise_agreement, overall_alpha, timeline, shifts,
    conflicts); its fields are the steps' outputs.
    """
    expected = plain.analyze(dataset, as_of, topic)

    known = chronology.known_claims(dataset, None if as_of is None else pd.Timestamp(as_of), topic)
    assert sorted(known["claim_id"]) == sorted(expected.known["claim_id"]), "known_claims"

    if topic is not None and expected.assertions.empty:
        with pytest.raises(BriefingError, match="no assertion has topic"):
            analyze(dataset, as_of, topic)  # refused rather than an empty briefing
        return expected
    result = analyze(dataset, as_of, topic)
    columns = ["source_id", "assertion_id", "claim_id", "stance", "hedged"]
    assert rows(result.positions, columns) == rows(expected.positions, columns), "positions"

    pairs = list(
        zip(expected.positions["assertion_id"], expected.positions["source_id"], strict=True)
    )
    assert partition(result.lines, pairs) == partition(expected.lines, pairs), "evidence_lines"

    assert rows(result.assertions, plain.STATUS_COLUMNS) == rows(
        expected.assertions, plain.STATUS_COLUMNS
    ), "assertion_status"

    assert sorted(rows(result.pairwise, plain.PAIRWISE_COLUMNS)) == rows(
        expected.pairwise, plain.PAIRWISE_COLUMNS
    ), "pairwise_agreement"
    by_triples = agreement._pair_counts_by_triples(result.positions)
    by_products = agreement._pair_counts_by_products(result.positions)
    for counted, multiplied in zip(by_triples, by_products, strict=True):
        assert counted.tolist() == multiplied.tolist(), "pairwise: triples against products"

    by_krippendorff = reliability_alpha(expected.own_positions)
    assert (by_krippendorff is None) == (expected.alpha is None), "plain alpha defined"
    assert (result.alpha is None) == (expected.alpha is None), "overall_alpha defined"
    if expected.alpha is not None:
        assert by_krippendorff == pytest.approx(expected.alpha, abs=1e-9), "plain alpha"
        assert result.alpha == pytest.approx(expected.alpha, abs=1e-9), "overall_alpha"

    assert rows(result.timeline, plain.TIMELINE_COLUMNS) == rows(
        expected.timeline, plain.TIMELINE_COLUMNS
    ), "timeline"

    assert sorted(rows(result.shifts, plain.SHIFT_COLUMNS)) == sorted(
        rows(expected.shifts, plain.SHIFT_COLUMNS)
    ), "shifts"

    assert sorted(rows(result.conflicts, plain.CONFLICT_COLUMNS)) == rows(
        expected.conflicts, plain.CONFLICT_COLUMNS
    ), "conflicts"
    return expected


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=datasets(), queries=QUERIES)
def test_every_step_equals_the_plain_reference(spec, queries):
    dataset = load_spec(spec)
    for as_of, topic in queries:
        note_edge_cases(check_every_step(dataset, as_of, topic), dataset)


def check_figures_and_questions(dataset, as_of: str | None, topic: str | None) -> None:
    """The quantities' and questions' tables against the plain reference (with
    :func:`check_every_step` for positions, lines, status, pairwise and alpha)."""
    expected = check_every_step(dataset, as_of, topic)
    if topic is not None and expected.assertions.empty:
        return
    result = analyze(dataset, as_of, topic)
    for name, columns in (
        ("figures", plain.FIGURE_COLUMNS),
        ("revisions", plain.REVISION_COLUMNS),
        ("series", plain.SERIES_COLUMNS),
        ("quantities", plain.QUANTITY_COLUMNS),
        ("questions", plain.QUESTION_COLUMNS),
        ("alternatives", plain.ALTERNATIVE_COLUMNS),
    ):
        ours, theirs = getattr(result, name), getattr(expected, name)
        assert (ours is None) == (theirs is None), name
        if ours is not None:
            assert rows(ours, columns) == rows(theirs, columns), name


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=figure_datasets(), queries=QUERIES)
def test_quantities_and_questions_equal_the_plain_reference(spec, queries):
    dataset = load_spec(spec)
    for as_of, topic in queries:
        check_figures_and_questions(dataset, as_of, topic)


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_the_figures_fixture_equals_the_plain_reference():
    dataset = load_dataset(CONTRACT_EXAMPLE.parent / "quantities-and-questions", today=TODAY)
    for as_of in (None, "2025-05-03", "2025-05-04", "2025-05-06"):
        check_figures_and_questions(dataset, as_of, None)
    check_figures_and_questions(dataset, None, "x-front")


@pytest.mark.parametrize(
    ("dataset", "as_of", "topic"),
    [
        (hand_dataset, None, None),
        (hand_dataset, "2025-03-09", None),  # nothing known yet
        (hand_dataset, "2025-03-10", "t1"),
        (hand_dataset, None, "t2"),  # a topic no assertion has: refused
        (contract_example, "2025-05-06", "x-front"),
    ],
)
def test_every_step_on_the_pinned_datasets(dataset, as_of, topic):
    check_every_step(dataset(), as_of, topic)
