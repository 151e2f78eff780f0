"""Loading datasets: the seed and an outsider's load; each kind of bad input is named."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import importlib
import re
import subprocess
import sys
from dataclasses import replace

import pandas as pd
import pytest

from analysis import DatasetError, load_dataset
from analysis.contract import schema
from analysis.errors import REASON_CODES, Problem

from .conftest import CONTRACT_EXAMPLE, DATA, ROOT, SEED

REQUIRED_ONLY = DATA / "required-columns-only"


def problems_of(path) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return [str(p) for p in info.value.problems]


def edit(path, file, old, new):
    target = path / file
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_seed_loads_with_resolved_dates():
    data = load_dataset(SEED)
    claims = data.claims.set_index("claim_id")
    assert data.name == "belgorod-2025-04"
    # "Monday" in an article published Tuesday 8 April 2025 is 7 April.
    assert claims.loc["zelensky.225th.0407", "stated_start"] == pd.Timestamp("2025-04-07")
    assert claims.loc["ru_mod.belgorod.march", "stated_end"] == pd.Timestamp("2025-03-31")
    assert claims.loc["ru_milbloggers.withdrawal.recent", "stated_start"] == pd.Timestamp(
        "2025-04-02"
    )
    assert claims.loc["publisher.kursk_offensive", "event_start"] == pd.Timestamp("2024-01-01")
    assert claims["hedged"].dtype == bool


def test_outsiders_dataset_loads_with_defaults_and_types():
    data = load_dataset(CONTRACT_EXAMPLE)
    assert len(data.claims) == 9 and data.timezone == "UTC"
    assert data.places.empty
    e8 = data.claims.set_index("claim_id").loc["e8"]
    assert (e8["stated_start"], e8["stated_end"], e8["stated_precision"]) == (
        pd.Timestamp("2025-05-04"),
        pd.Timestamp("2025-05-10"),
        "interval",
    )
    assert data.documents.set_index("document_id").loc["d2", "published_day"] == pd.Timestamp(
        "2025-05-06"
    )


def test_bom_extra_columns_and_quoted_newlines_are_accepted(dataset_copy):
    path = dataset_copy()
    claims = (path / "claims.csv").read_text(encoding="utf-8")
    claims = claims.replace("notes\n", "notes,reviewer\n", 1)
    lines = claims.splitlines()
    lines = [lines[0]] + [line + ",ana" for line in lines[1:]]
    lines[1] = lines[1].replace("the bridge has been destroyed", '"the bridge\nhas been destroyed"')
    (path / "claims.csv").write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    data = load_dataset(path)
    assert list(data.claims["reviewer"].unique()) == ["ana"]
    assert data.claims.loc[0, "quote"] == "the bridge\nhas been destroyed"


def test_not_a_folder_and_not_a_dataset(tmp_path):
    assert problems_of(tmp_path / "nope") == [
        f"{tmp_path / 'nope'}: does not exist; give the path of a dataset folder"
    ]
    (tmp_path / "notes.txt").write_text("hello")
    [message] = problems_of(tmp_path)
    assert "not a dataset folder" in message


def test_missing_file(dataset_copy):
    path = dataset_copy()
    (path / "documents.csv").unlink()
    assert "documents.csv: missing; every dataset needs this table" in problems_of(path)


def test_missing_manifest(dataset_copy):
    path = dataset_copy()
    (path / "dataset.toml").unlink()
    [message] = problems_of(path)
    assert message.startswith("dataset.toml: missing; create it")


def test_missing_column(dataset_copy):
    path = dataset_copy()
    edit(path, "sources.csv", "source_id,name,kind", "source_id,name,category")
    assert (
        "sources.csv:1: kind: required column is missing; add it to the header row"
        in problems_of(path)
    )


def test_empty_table(dataset_copy):
    path = dataset_copy()
    (path / "claims.csv").write_text("claim_id,source_id,assertion_id,document_id,stance,stated\n")
    assert "claims.csv: has a header but no rows; add at least one row" in problems_of(path)


def test_unknown_enum_value(dataset_copy):
    path = dataset_copy()
    edit(
        path,
        "claims.csv",
        "e2,mod_b,bridge_destroyed,d1,refutes",
        "e2,mod_b,bridge_destroyed,d1,denies",
    )
    edit(path, "sources.csv", "tank,A think tank,think_tank", "tank,A think tank,thinktank")
    found = problems_of(path)
    assert "claims.csv:3: stance: must be one of supports, refutes, neutral: 'denies'" in found
    assert any(p.startswith("sources.csv:5: kind: must be one of official") for p in found)


def test_bad_identifier_and_duplicate_id(dataset_copy):
    path = dataset_copy()
    edit(path, "claims.csv", "e3,wire", "E 3,wire")
    edit(path, "claims.csv", "e5,tank", "e4,tank")
    found = problems_of(path)
    assert any(p.startswith("claims.csv:4: claim_id: not a valid identifier") for p in found)
    assert "claims.csv:5: claim_id: duplicate identifier; each row needs its own: 'e4'" in found
    assert "claims.csv:6: claim_id: duplicate identifier; each row needs its own: 'e4'" in found


def test_required_value_empty(dataset_copy):
    path = dataset_copy()
    edit(path, "documents.csv", "d1,Bridge at X reported hit,Wire", "d1,,Wire")
    assert "documents.csv:2: title: required value is empty" in problems_of(path)


def test_dangling_references(dataset_copy):
    path = dataset_copy()
    edit(path, "claims.csv", "e1,mod_a,bridge_destroyed,d1", "e1,mod_c,bridge_destroyed,d9")
    edit(path, "claims.csv", ",e4,relies", ",e44,relies")
    found = problems_of(path)
    assert (
        "claims.csv:2: source_id: 'mod_c' is not in sources.csv; add it there or fix the identifier"
        in found
    )
    assert (
        "claims.csv:2: document_id: 'd9' is not in documents.csv; add it there or fix the identifier"
        in found
    )
    assert (
        "claims.csv:6: cites: 'e44' is not a claim_id in claims.csv; fix the identifier or remove it"
        in found
    )


def test_citation_cycle(dataset_copy):
    path = dataset_copy()
    edit(
        path,
        "claims.csv",
        "footage appears to show the span down,,",
        "footage appears to show the span down,e5,",
    )
    edit(
        path,
        "claims.csv",
        "e1,mod_a,bridge_destroyed,d1,supports,false,2025-05-01,2025-05-01,the bridge has been destroyed,,",
        "e1,mod_a,bridge_destroyed,d1,supports,false,2025-05-01,2025-05-01,the bridge has been destroyed,e1,",
    )
    found = [p for p in problems_of(path) if "citation cycle" in p]
    assert found == [  # each cycle once, at its first claim
        "claims.csv:2: cites: citation cycle of 1 claim(s): e1; evidence cannot rely on itself: "
        "remove one of the citations",
        "claims.csv:5: cites: citation cycle of 2 claim(s): e4, e5; evidence cannot rely on "
        "itself: remove one of the citations",
    ]


def test_a_long_cycle_is_one_short_problem(tmp_path):
    from .builders import write_dataset

    n = 10_000
    claims = [f"c{i},s1,a1,d1,supports,,2025-03-01,,c{(i + 1) % n}" for i in range(n)]
    folder = write_dataset(tmp_path / "cycle", claims, {"d1": "2025-03-02"})
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert problem.message.startswith("citation cycle of 10,000 claim(s): c0, c1, c2, c3, c4 and")
    assert "and 9,995 more" in problem.message
    assert len(caught.value.render()) < 1_000


def test_unparseable_and_future_dates(dataset_copy):
    path = dataset_copy()
    edit(
        path,
        "claims.csv",
        "e3,wire,bridge_destroyed,d1,neutral,false,today",
        "e3,wire,bridge_destroyed,d1,neutral,false,the other day",
    )
    edit(path, "documents.csv", "2025-05-10", "2195-05-10")
    edit(path, "assertions.csv", "x-front,2025-05-01", "x-front,last week")
    found = problems_of(path)
    assert any(
        p.startswith(
            "claims.csv:4: stated: not a date expression the contract knows; write an ISO date"
        )
        and p.endswith("'the other day'")
        for p in found
    )
    assert (
        "documents.csv:4: published: '2195-05-10' is in the future (today is "
        + f"{dt.date.today():%Y-%m-%d}); check the year"
        in found
    )
    assert any(
        p.startswith("assertions.csv:2: event_time: relative dates are not allowed here")
        for p in found
    )


def test_claim_stated_after_its_document(dataset_copy):
    path = dataset_copy()
    edit(
        path,
        "claims.csv",
        "e6,mod_a,town_taken,d2,supports,true,May 2",
        "e6,mod_a,town_taken,d2,supports,true,2025-05-07",
    )
    assert (
        "claims.csv:7: stated: '2025-05-07' starts 2025-05-07, after its document 'd2' was published "
        "on 2025-05-06; a claim cannot be stated after it was reported"
    ) in problems_of(path)


def test_non_utf8_bytes(dataset_copy):
    path = dataset_copy()
    data = (path / "sources.csv").read_bytes().replace(b"side A", "side \xc4".encode("latin-1"))
    (path / "sources.csv").write_bytes(data)
    assert "sources.csv:2: byte 0xc4 is not UTF-8 text; save the file as UTF-8" in problems_of(path)


def test_ragged_rows(dataset_copy):
    path = dataset_copy()
    edit(path, "sources.csv", "wire,A news wire,media,none,B", "wire,A news wire,media,none")
    edit(
        path,
        "sources.csv",
        "tank,A think tank,think_tank,none,B",
        "tank,A, think tank,think_tank,none,B",
    )
    found = problems_of(path)
    assert (
        "sources.csv:5: row has 6 cells but the header has 5; check for a missing or extra comma, or quote cells that contain commas"
        in found
    )
    assert any(p.startswith("sources.csv:6: row has 4 cells but the header has 5") for p in found)


def test_every_problem_is_reported_at_once(dataset_copy):
    path = dataset_copy()
    edit(
        path,
        "claims.csv",
        "e2,mod_b,bridge_destroyed,d1,refutes",
        "e2,mod_b,bridge_destroyed,d1,denies",
    )
    edit(path, "sources.csv", "tank,A think tank,think_tank", "tank,A think tank,thinktank")
    edit(path, "documents.csv", "2025-05-02", "May 2nd")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    files = {p.file for p in info.value.problems}
    assert files == {"claims.csv", "sources.csv", "documents.csv"}
    assert all(isinstance(p, Problem) for p in info.value.problems)


def test_bad_timezone_and_toml(dataset_copy):
    path = dataset_copy()
    (path / "dataset.toml").write_text('name = "x"\ntimezone = "Mars/Base"\n')
    assert any(
        p.startswith("dataset.toml: timezone: unknown time zone 'Mars/Base'")
        for p in problems_of(path)
    )
    (path / "dataset.toml").write_text('name = "x\n')
    assert any(p.startswith("dataset.toml: not valid TOML") for p in problems_of(path))


def test_published_in_another_timezone_anchors_local_day(dataset_copy):
    path = dataset_copy()
    (path / "dataset.toml").write_text('name = "x"\ntimezone = "Europe/Kyiv"\n')
    edit(path, "documents.csv", "2025-05-02", "2025-05-01T22:30Z")  # 01:30 on 2 May in Kyiv
    data = load_dataset(path)
    assert data.documents.loc[0, "published_day"] == pd.Timestamp("2025-05-02")


# --- Reason codes: every kind of problem has one, documented, and produced by a fixture.


def write(path, file, text):
    (path / file).write_text(text, encoding="utf-8")


def breaking(*edits):
    """A fixture breaker: apply ``edit`` calls to the copy, then load the copy itself."""

    def apply(path):
        for file, old, new in edits:
            edit(path, file, old, new)
        return path

    return apply


_QUANTITY_HEADER = "assertion_id,statement,unit,cumulative,question_id\n"
_FIGURE_HEADER = "claim_id,source_id,assertion_id,document_id,stance,stated,value,low,high,quote\n"


def _figures(assertion: str, claim: str, questions: str | None = None):
    """A fixture breaker: the copy's assertions and claims replaced by one row each
    (assertion ``q1``; claim ``c1`` by mod_a in d1), written with the figure columns."""

    def apply(path):
        write(path, "assertions.csv", _QUANTITY_HEADER + assertion + "\n")
        write(path, "claims.csv", _FIGURE_HEADER + claim + "\n")
        if questions is not None:
            write(path, "questions.csv", "question_id,text\n" + questions + "\n")
        return path

    return apply


def _not_a_dataset(path):
    (path / "empty").mkdir()
    (path / "empty" / "notes.txt").write_text("hello")
    return path / "empty"


def _then(action):
    def apply(path):
        action(path)
        return path

    return apply


def _link_out(path):
    outside = path.parent / "outside-sources.csv"
    (path / "sources.csv").rename(outside)
    (path / "sources.csv").symlink_to(outside)
    return path


# code -> (break a copy of the contract example and say what to load, the printed problem's start)
REASON_CASES = {
    "not-a-folder": (lambda p: p / "nope", "{path}/nope: does not exist; give the path"),
    "not-a-dataset": (_not_a_dataset, "{path}/empty: not a dataset folder: it has none of"),
    "missing-manifest": (
        _then(lambda p: (p / "dataset.toml").unlink()),
        "dataset.toml: missing; create it",
    ),
    "bad-manifest": (
        _then(lambda p: write(p, "dataset.toml", "name = 3\n")),
        "dataset.toml: name: must be a quoted string",
    ),
    "unknown-timezone": (
        _then(lambda p: write(p, "dataset.toml", 'name = "x"\ntimezone = "Mars/Base"\n')),
        "dataset.toml: timezone: unknown time zone 'Mars/Base'",
    ),
    "missing-table": (
        _then(lambda p: (p / "claims.csv").unlink()),
        "claims.csv: missing; every dataset needs this table",
    ),
    "link-outside-folder": (_link_out, "sources.csv: is a link to"),
    "too-many-cites": (
        breaking(
            (
                "claims.csv",
                "the bridge has been destroyed,,",
                "the bridge has been destroyed," + ";".join(f"e{i}" for i in range(1_001)) + ",",
            )
        ),
        "claims.csv:2: cites: cites 1,001 claims; at most 1,000 per claim",
    ),
    "not-utf8": (
        _then(
            lambda p: (p / "sources.csv").write_bytes(
                (p / "sources.csv").read_bytes().replace(b"side A", b"side \xc4")
            )
        ),
        "sources.csv:2: byte 0xc4 is not UTF-8 text",
    ),
    "empty-file": (
        _then(lambda p: write(p, "sources.csv", "")),
        "sources.csv: file is empty; it needs a header row",
    ),
    "bad-header": (
        _then(
            lambda p: write(p, "sources.csv", "\n" + (CONTRACT_EXAMPLE / "sources.csv").read_text())
        ),
        "sources.csv:1: the first row must be the header row",
    ),
    "duplicate-column": (
        breaking(("sources.csv", "source_id,name,kind", "source_id,name,name")),
        "sources.csv:1: name: column appears twice in the header row",
    ),
    "ragged-row": (
        breaking(("sources.csv", "wire,A news wire,media,none,B", "wire,A news wire,media,none")),
        "sources.csv:6: row has 4 cells but the header has 5",
    ),
    "bad-csv": (  # a quote opened and never closed would swallow the rest of the file
        _then(
            lambda p: (p / "claims.csv").write_text((p / "claims.csv").read_text() + 'c9,"open\n')
        ),
        "claims.csv: a quoted cell starting on line",
    ),
    "missing-column": (
        breaking(("sources.csv", "source_id,name,kind", "source_id,name,category")),
        "sources.csv:1: kind: required column is missing; add it to the header row",
    ),
    "empty-table": (
        _then(
            lambda p: write(
                p, "claims.csv", "claim_id,source_id,assertion_id,document_id,stance,stated\n"
            )
        ),
        "claims.csv: has a header but no rows; add at least one row",
    ),
    "required-value": (
        breaking(("documents.csv", "d1,Bridge at X reported hit,Wire", "d1,,Wire")),
        "documents.csv:2: title: required value is empty",
    ),
    "bad-identifier": (
        breaking(("claims.csv", "e3,wire", "E 3,wire")),
        "claims.csv:4: claim_id: not a valid identifier",
    ),
    "duplicate-id": (
        breaking(("claims.csv", "e5,tank", "e4,tank")),
        "claims.csv:6: claim_id: duplicate identifier; each row needs its own: 'e4'",
    ),
    "not-in-enum": (
        breaking(("claims.csv", "d1,refutes", "d1,denies")),
        "claims.csv:3: stance: must be one of supports, refutes, neutral: 'denies'",
    ),
    "bad-number": (
        _then(lambda p: write(p, "places.csv", "place_id,name,lat,lon\np1,Y,91,10\n")),
        "places.csv:2: lat: must be a number between -90 and 90: '91'",
    ),
    "dangling-reference": (
        breaking(("claims.csv", "e1,mod_a", "e1,mod_c")),
        "claims.csv:2: source_id: 'mod_c' is not in sources.csv",
    ),
    "dangling-citation": (
        breaking(("claims.csv", ",e4,relies", ",e44,relies")),
        "claims.csv:6: cites: 'e44' is not a claim_id in claims.csv",
    ),
    "citation-cycle": (
        breaking(
            ("claims.csv", "the bridge has been destroyed,,", "the bridge has been destroyed,e1,")
        ),
        "claims.csv:2: cites: citation cycle of 1 claim(s): e1",
    ),
    "bad-date": (
        breaking(("claims.csv", ",false,today", ",false,the other day")),
        "claims.csv:4: stated: not a date expression the contract knows",
    ),
    "relative-not-allowed": (
        breaking(("assertions.csv", "x-front,2025-05-01", "x-front,last week")),
        "assertions.csv:2: event_time: relative dates are not allowed here",
    ),
    "not-a-day": (
        breaking(("documents.csv", "2025-05-02", "2025-05")),
        "documents.csv:2: published: must be a full date or date-time such as 2025-04-08: '2025-05'",
    ),
    "no-anchor": (  # d1 gives no day, so e2's "yesterday" has nothing to count from
        breaking(("documents.csv", "2025-05-02", "2025-05")),
        "claims.csv:3: stated: relative date with no anchor",
    ),
    "future-date": (
        breaking(("documents.csv", "2025-05-10", "2195-05-10")),
        "documents.csv:4: published: '2195-05-10' is in the future",
    ),
    "stated-after-document": (
        breaking(("claims.csv", "true,May 2", "true,2025-05-07")),
        "claims.csv:7: stated: '2025-05-07' starts 2025-05-07, after its document 'd2'",
    ),
    "figure-on-proposition": (
        _figures("q1,The bridge fell,,,", "c1,mod_a,q1,d1,supports,2025-05-01,3,,,"),
        "claims.csv:2: value: a figure on assertion 'q1', a proposition (it has no unit)",
    ),
    "missing-figure": (
        _figures("q1,Deaths at X,deaths,,", "c1,mod_a,q1,d1,supports,2025-05-01,,,,3 dead"),
        "claims.csv:2: value: a supporting claim on quantity 'q1' (deaths) needs its figure: "
        "fill in value, or low and/or high for a range (its quote has a number",
    ),
    "misplaced-figure": (
        _figures("q1,Deaths at X,deaths,,", "c1,mod_a,q1,d1,refutes,2025-05-01,,3,,"),
        "claims.csv:2: low: a figure on a refutes claim: a source that gives a figure supports",
    ),
    "value-outside-range": (
        _figures("q1,Deaths at X,deaths,,", "c1,mod_a,q1,d1,supports,2025-05-01,30,8,20,"),
        "claims.csv:2: value: value 30 lies outside the claim's own range (8 to 20",
    ),
    "low-above-high": (
        _figures("q1,Deaths at X,deaths,,", "c1,mod_a,q1,d1,supports,2025-05-01,,20,8,"),
        "claims.csv:2: low: low 20 is above high 8; swap them",
    ),
    "negative-count": (
        _figures("q1,Deaths at X,deaths,,", "c1,mod_a,q1,d1,supports,2025-05-01,12,-3,,"),
        "claims.csv:2: low: -3 is negative; a quantity (deaths) counts or measures",
    ),
    "cumulative-without-unit": (
        _figures("q1,Tanks lost,,true,", "c1,mod_a,q1,d1,supports,2025-05-01,,,,"),
        "assertions.csv:2: cumulative: a running total must be a quantity",
    ),
    "quantity-in-question": (
        _figures(
            "q1,Deaths at X,deaths,,who",
            "c1,mod_a,q1,d1,supports,2025-05-01,3,,,",
            questions="who,Who struck X?",
        ),
        "assertions.csv:2: question_id: a quantity (deaths) cannot be an alternative",
    ),
}


def test_every_reason_code_has_a_broken_fixture():
    assert sorted(REASON_CASES) == sorted(REASON_CODES)


@pytest.mark.parametrize("code", REASON_CODES)
def test_a_broken_fixture_yields_its_reason_code(dataset_copy, code):
    path = dataset_copy()
    breaks, expected = REASON_CASES[code]
    with pytest.raises(DatasetError) as info:
        load_dataset(breaks(path))
    found = [str(p) for p in info.value.problems if p.code == code]
    assert any(p.startswith(expected.format(path=path)) for p in found), found


@pytest.mark.parametrize(
    ("assertion", "claim", "expected"),
    [
        (  # text where a number belongs: the hedge goes in `hedged`, the number in value
            "q1,Deaths at X,deaths,,",
            "c1,mod_a,q1,d1,supports,2025-05-01,about 40,,,",
            ("bad-number", "claims.csv:2: value: must be a number written with digits"),
        ),
        (
            "q1,Deaths at X,deaths,,",
            'c1,mod_a,q1,d1,supports,2025-05-01,"1,200",,,',
            ("bad-number", "claims.csv:2: value: must be a number written with digits"),
        ),
        (  # a unit that is a figure
            "q1,Deaths at X,12,,",
            "c1,mod_a,q1,d1,supports,2025-05-01,12,,,",
            ("misplaced-figure", "assertions.csv:2: unit: '12' is a number; a unit names"),
        ),
        (  # a neutral claim with a figure
            "q1,Deaths at X,deaths,,",
            "c1,mod_a,q1,d1,neutral,2025-05-01,12,,,",
            ("misplaced-figure", "claims.csv:2: value: a figure on a neutral claim"),
        ),
        (  # an alternative of a question nobody declared
            "q1,Y fell,,,who",
            "c1,mod_a,q1,d1,supports,2025-05-01,,,,",
            ("dangling-reference", "assertions.csv:2: question_id: 'who' is not in questions.csv"),
        ),
        (  # "fewer than 0"
            "q1,Deaths at X,deaths,,",
            "c1,mod_a,q1,d1,supports,2025-05-01,,,-1,",
            ("negative-count", "claims.csv:2: high: -1 is negative"),
        ),
    ],
)
def test_figures_and_questions_are_refused_with_their_reasons(
    dataset_copy, assertion, claim, expected
):
    path = _figures(assertion, claim)(dataset_copy())
    code, start = expected
    found = [str(p) for p in loaded_problems(path) if p.code == code]
    assert any(p.startswith(start) for p in found), found


def test_a_refutation_and_a_neutral_claim_on_a_quantity_need_no_figure(dataset_copy):
    path = dataset_copy()
    _figures("q1,Deaths at X,deaths,,", "c1,mod_a,q1,d1,refutes,2025-05-01,,,,")(path)
    with (path / "claims.csv").open("a") as claims:
        claims.write("c2,mod_b,q1,d1,neutral,2025-05-01,,,,\n")
        claims.write("c3,wire,q1,d1,supports,2025-05-01,,100,,more than 100\n")
        claims.write("c4,tank,q1,d1,supports,2025-05-01,0,,,none\n")
    data = load_dataset(path)
    assert data.claims["low"].tolist()[2] == 100.0
    assert data.claims["value"].isna().tolist() == [True, True, True, False]


def test_a_question_with_one_alternative_or_none_loads(dataset_copy):
    path = _figures("q1,Y fell,,,who", "c1,mod_a,q1,d1,supports,2025-05-01,,,,", "who,Who?")(
        dataset_copy()
    )
    with (path / "questions.csv").open("a") as questions:
        questions.write("nobody,Asked of no assertion\n")
    data = load_dataset(path)
    assert data.questions["question_id"].tolist() == ["who", "nobody"]
    assert data.assertions["question_id"].tolist() == ["who"]


def test_a_problem_needs_a_known_reason_code():
    assert Problem("claims.csv", 3, "stance", "must be one of", "not-in-enum").code == "not-in-enum"
    with pytest.raises(ValueError, match="unknown reason code"):
        Problem("claims.csv", 3, "stance", "must be one of", "wrong-stance")


def documented_codes() -> list[str]:
    text = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    table = text.split("\n## Reason codes\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\|[^|]+\| `([a-z0-9-]+)` \|[^|]+\|$", table, flags=re.MULTILINE)


def codes_in_source() -> set[str]:
    """Kebab-case string constants of the modules that report problems: the codes they use."""
    kebab = re.compile(r"[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)+\Z")
    found = set()
    for module in ("csvfile", "dataset", "schema", "timeexpr"):
        tree = ast.parse(
            (ROOT / "src" / "analysis" / "contract" / f"{module}.py").read_text(encoding="utf-8")
        )
        found |= {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and kebab.match(node.value)
        }
    return found


def test_the_docs_table_lists_every_code_the_source_uses_and_no_other():
    documented = documented_codes()
    assert len(documented) == len(set(documented))  # each code has one row
    assert set(documented) == codes_in_source() == set(REASON_CODES)


# --- The schema declares the per-column rules; the loader reads them.


def redeclare(monkeypatch, table: str, column: str, **changes):
    """Replace one column's declaration in the schema for one test."""
    tables = tuple(
        replace(
            t,
            fields=tuple(
                replace(f, **changes) if (t.name, f.name) == (table, column) else f
                for f in t.fields
            ),
        )
        for t in schema.TABLES
    )
    monkeypatch.setattr(schema, "TABLES", tables)
    monkeypatch.setattr(schema, "TABLE_BY_NAME", {t.name: t for t in tables})


def loaded_problems(path) -> list[Problem]:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return info.value.problems


def test_left_out_optional_columns_and_tables_take_the_declared_defaults():
    defaults = {(t.name, f.name): f.default for t in schema.TABLES for f in t.fields if f.default}
    assert defaults == {
        ("sources", "reliability"): "F",
        ("assertions", "cumulative"): "false",
        ("claims", "hedged"): "false",
    }
    data = load_dataset(REQUIRED_ONLY)
    assert data.sources["reliability"].tolist() == ["F", "F"]
    assert data.claims["hedged"].tolist() == [False, False]
    assert data.places.empty
    assert list(data.places.columns) == ["place_id", "name", "admin1", "country", "lat", "lon"]
    assert data.claims["event_start"].isna().all()


def test_blank_cells_take_the_declared_defaults(dataset_copy):
    path = dataset_copy()
    edit(
        path,
        "sources.csv",
        "mod_a,Defence ministry of side A,military,A,C",
        "mod_a,Defence ministry of side A,military,A,",
    )
    edit(
        path,
        "claims.csv",
        "e2,mod_b,bridge_destroyed,d1,refutes,false",
        "e2,mod_b,bridge_destroyed,d1,refutes,",
    )
    data = load_dataset(path)
    assert data.sources.set_index("source_id").loc["mod_a", "reliability"] == "F"
    assert not data.claims.set_index("claim_id").loc["e2", "hedged"]


def test_the_loader_reads_defaults_from_the_schema(monkeypatch):
    redeclare(monkeypatch, "sources", "reliability", default="E")
    redeclare(monkeypatch, "claims", "hedged", default="true")
    data = load_dataset(REQUIRED_ONLY)
    assert data.sources["reliability"].tolist() == ["E", "E"]
    assert data.claims["hedged"].tolist() == [True, True]


def test_references_are_declared_in_the_schema():
    declared = {
        (t.name, f.name): f.references for t in schema.TABLES for f in t.fields if f.references
    }
    assert declared == {
        ("assertions", "place_id"): "places",
        ("assertions", "question_id"): "questions",
        ("claims", "source_id"): "sources",
        ("claims", "assertion_id"): "assertions",
        ("claims", "document_id"): "documents",
        ("claims", "cites"): "claims",
    }


def set_first_cell(path, table: str, column: str, value: str) -> None:
    """Write ``value`` in ``column`` of the first data row, adding the column if needed."""
    file = path / f"{table}.csv"
    with file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0][column] = value
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("table", "column"),
    [(t.name, f.name) for t in schema.TABLES for f in t.fields if f.kind == "ref"],
)
def test_every_declared_reference_is_checked(dataset_copy, table, column):
    path = dataset_copy()
    set_first_cell(path, table, column, "nowhere")
    target = schema.TABLE_BY_NAME[schema.TABLE_BY_NAME[table].field(column).references]
    assert (
        f"{table}.csv:2: {column}: 'nowhere' is not in {target.file}; "
        "add it there or fix the identifier"
    ) in problems_of(path)


def test_where_relative_dates_are_allowed_is_declared_in_the_schema():
    anchors = {
        (t.name, f.name): f.dates.anchor
        for t in schema.TABLES
        for f in t.fields
        if f.kind == "date"
    }
    assert anchors == {
        ("documents", "published"): None,
        ("assertions", "event_time"): None,
        ("claims", "stated"): ("document_id", "published"),
        ("claims", "event_time"): ("document_id", "published"),
    }
    published = schema.TABLE_BY_NAME["documents"].field("published").dates
    assert published.day_only


def test_the_loader_reads_date_rules_from_the_schema(monkeypatch):
    stated = schema.TABLE_BY_NAME["claims"].field("stated")
    unanchored = replace(stated.dates, anchor=None, not_after_anchor=False)
    redeclare(monkeypatch, "claims", "stated", dates=unanchored)
    found = [(str(p), p.code) for p in loaded_problems(REQUIRED_ONLY)]
    assert [code for _, code in found] == ["relative-not-allowed"] * 2
    assert found[0][0].startswith("claims.csv:2: stated: relative dates are not allowed here")


def test_problems_are_ordered_like_the_declared_files():
    assert schema.DATASET_FILES == (
        "dataset.toml",
        "sources.csv",
        "documents.csv",
        "places.csv",
        "questions.csv",
        "assertions.csv",
        "claims.csv",
    )
    error = DatasetError(
        "x",
        [
            Problem("claims.csv", 2, "stance", "must be one of", "not-in-enum"),
            Problem("notes.txt", None, None, "file is empty", "empty-file"),
            Problem("sources.csv", 3, "kind", "must be one of", "not-in-enum"),
            Problem("dataset.toml", None, None, "not valid TOML", "bad-manifest"),
        ],
        schema.DATASET_FILES,
    )
    assert [p.file for p in error.problems] == [
        "dataset.toml",
        "sources.csv",
        "claims.csv",
        "notes.txt",
    ]


def test_the_errors_module_imports_no_pandas():
    code = "import sys, analysis.errors; print(sorted({m.split('.')[0] for m in sys.modules}))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "'pandas'" not in run.stdout and "'pandera'" not in run.stdout


# --- docs/contract.md: the sections everything cites, and the rule index.

CONTRACT = ROOT / "docs" / "contract.md"


def test_every_section_reference_resolves_to_a_section_of_the_contract():
    text = CONTRACT.read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", text, flags=re.MULTILINE))
    assert sections == {"1", "2", "3", "4", "5"}
    places = [ROOT / "src", ROOT / "docs", ROOT / "tests", ROOT / "notebooks", ROOT / "README.md"]
    files = [
        file
        for place in places
        for file in ([place] if place.is_file() else sorted(place.rglob("*")))
        if file.is_file() and "__pycache__" not in file.parts
    ]
    cited = {
        (file.relative_to(ROOT).as_posix(), number)
        for file in files
        for number in re.findall(r"§\s*(\d+)", file.read_bytes().decode("utf-8", "replace"))
    }
    assert any(number == "5" for _, number in cited)  # the scan does find references
    assert {(file, n) for file, n in cited if n not in sections} == set()


def test_every_name_in_the_rule_index_exists():
    index = CONTRACT.read_text(encoding="utf-8").split("\n## Rule index\n", 1)[1]
    names = re.findall(r"`([a-z_]+(?:\.[A-Za-z_]+)+)`", index)
    assert "contract.dataset._Loader._check_citations" in names
    for name in names:
        parts = name.split(".")
        modules = 1 if parts[0] == "errors" else 2  # errors.py is a module of its own
        target = importlib.import_module(".".join(["analysis", *parts[:modules]]))
        attributes = parts[modules:]
        for attribute in attributes:
            assert hasattr(target, attribute), f"docs/contract.md names {name}, which is gone"
            target = getattr(target, attribute)


def test_relative_links_in_the_docs_resolve():
    pages = [*sorted((ROOT / "docs").glob("*.md")), *sorted(DATA.glob("*/README.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#:]+)[^)]*\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page}: {target}"


def test_a_link_out_of_the_folder_is_refused_unless_followed_on_purpose(dataset_copy, tmp_path):
    folder = _link_out(dataset_copy())
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.code) == ("sources.csv", "link-outside-folder")
    assert str(folder.parent / "outside-sources.csv") in problem.message
    assert len(load_dataset(folder, follow_links=True).sources) > 0
    # a link that stays inside the folder is fine
    (folder / "sources.csv").unlink()
    (folder / "outlets.csv").write_bytes((folder.parent / "outside-sources.csv").read_bytes())
    (folder / "sources.csv").symlink_to("outlets.csv")
    assert len(load_dataset(folder).sources) > 0


def test_a_manifest_linked_to_a_system_file_is_never_read(dataset_copy):
    folder = dataset_copy()
    (folder / "dataset.toml").unlink()
    (folder / "dataset.toml").symlink_to("/etc/passwd")
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    assert [p.code for p in caught.value.problems] == ["link-outside-folder"]


def test_a_cell_longer_than_a_read_block_and_a_quoted_header_break_are_read(dataset_copy):
    path = dataset_copy()
    claims = (path / "claims.csv").read_text()
    (path / "claims.csv").write_text(
        claims.replace("could not verify", "could not verify " + "x" * (3 << 20))
    )
    sources = (path / "sources.csv").read_text()
    header, rest = sources.split("\n", 1)
    (path / "sources.csv").write_text(header + ',"extra\ncolumn"\n' + rest.replace("\n", ",\n"))
    data = load_dataset(path)
    assert (
        data.claims["quote"].str.len().max() > 3 << 20
        or data.claims["notes"].str.len().max() > 3 << 20
    )
    assert "extra\ncolumn" in data.sources.columns


@pytest.mark.parametrize(
    "manifest, message",
    [
        ("x = " + "[" * 5_000 + "]" * 5_000 + "\n", "nests tables or arrays too deeply"),
        ('name = "x"\ntimezone = "' + "Europe/" * 30 + '"\n', "unknown time zone"),
        ('name = "x"\ndescription = "' + "x" * (2 << 20) + '"\n', "a manifest holds a few lines"),
    ],
    ids=["deep", "long-timezone", "huge"],
)
def test_a_hostile_manifest_is_a_problem_not_a_crash(dataset_copy, manifest, message):
    path = dataset_copy()
    (path / "dataset.toml").write_text(manifest)
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    assert [p.code for p in caught.value.problems] in (["bad-manifest"], ["unknown-timezone"])
    assert message in caught.value.render() and len(caught.value.render()) < 1_000


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_a_load_that_breaks_leaves_no_thread_behind(monkeypatch):
    """The cited claims are looked up on a thread while dates resolve; an unexpected
    failure meanwhile must not leave that thread running (a kernel may fork next)."""
    import threading
    import time

    from analysis.contract import dataset as loading

    found = loading.CitationLookup.find

    def slow_find(*args):
        time.sleep(0.5)
        return found(*args)

    def broken(*args):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(loading.CitationLookup, "find", staticmethod(slow_find))
    monkeypatch.setattr(loading._Loader, "_resolve_dates", broken)
    with pytest.raises(RuntimeError, match="interrupted"):
        load_dataset(SEED, cache=None)  # validated afresh
    assert not [t for t in threading.enumerate() if t.name.startswith(("citations", "phrases"))]
