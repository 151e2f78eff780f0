"""Loading datasets: the seed and an outsider's load; each kind of bad input is named."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import DatasetError, load_dataset
from analysis.dataset import preload
from analysis.errors import Problem

from .conftest import CONTRACT_EXAMPLE, SEED


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
    found = problems_of(path)
    assert any(
        p.startswith("claims.csv:5: cites: citation cycle among claims e4, e5") for p in found
    )
    assert any(
        p.startswith("claims.csv:6: cites: citation cycle among claims e4, e5") for p in found
    )
    assert any(
        p.startswith("claims.csv:2: cites: citation cycle among claims e1;")
        or p.startswith("claims.csv:2: cites: citation cycle among claims e1")
        for p in found
    )


def test_unparseable_and_future_dates(dataset_copy):
    path = dataset_copy()
    edit(
        path,
        "claims.csv",
        "e3,wire,bridge_destroyed,d1,neutral,false,today",
        "e3,wire,bridge_destroyed,d1,neutral,false,the other day",
    )
    edit(path, "documents.csv", "2025-05-10", "2205-05-10")
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
        "documents.csv:4: published: '2205-05-10' is in the future (today is "
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


def test_a_preloaded_dataset_is_handed_to_the_next_load_once(dataset_copy):
    path = dataset_copy(CONTRACT_EXAMPLE)
    preloaded = preload(path)
    assert load_dataset(str(path) + "/") is preloaded  # the same folder, however written
    again = load_dataset(path)
    assert again is not preloaded  # handed over once: later loads read the files
    assert again.claims.equals(preloaded.claims)


def test_a_preloaded_dataset_is_not_handed_over_once_a_file_changed(dataset_copy):
    path = dataset_copy(CONTRACT_EXAMPLE)
    preloaded = preload(path)
    claims = path / "claims.csv"
    claims.write_text(claims.read_text().replace(",refutes,", ",denies,", 1))
    with pytest.raises(DatasetError, match="stance: must be one of"):
        load_dataset(path)
    assert load_dataset(CONTRACT_EXAMPLE) is not preloaded


def test_a_load_with_an_explicit_today_never_takes_the_preloaded(dataset_copy):
    path = dataset_copy(CONTRACT_EXAMPLE)
    preloaded = preload(path)
    assert load_dataset(path, today=dt.date(2026, 1, 1)) is not preloaded
