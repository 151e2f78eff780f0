"""``briefing import acled``: hand-written rows in ACLED's export format (ACLED's terms forbid
redistributing its data, so no real row is used), one small file per messy case."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from analysis import analyze, load_dataset
from analysis.cli import main
from analysis.errors import BriefingError
from analysis.importers.run import import_dataset

SAMPLES = Path(__file__).resolve().parent / "data" / "importers" / "acled"
MARCH = SAMPLES / "ukraine-march-2024.csv"
MESSY_SOURCES = SAMPLES / "messy-sources.csv"
BAD_ROWS = SAMPLES / "bad-rows.csv"
OLD_FORMAT = SAMPLES / "old-format.csv"
HEADER = MARCH.read_text(encoding="utf-8").splitlines()[0]


def run(tmp_path: Path, *inputs: Path, **options):
    return import_dataset("acled", list(inputs), tmp_path / "out", **options)


def imported(*inputs: Path):
    """A module-wide fixture: one import of ``inputs`` shared by the tests that only read it."""

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory):
        return run(tmp_path_factory.mktemp("acled"), *inputs)

    return fixture


march = imported(MARCH)
messy = imported(MESSY_SOURCES)
bad = imported(BAD_ROWS)


def rows(frame: pd.DataFrame, column: str, value: str, columns: list[str]) -> list[dict]:
    picked = frame.loc[frame[column].astype(str).eq(value), columns]
    return picked.astype(object).where(picked.notna(), None).to_dict("records")


def events(data) -> pd.DataFrame:
    """The events' assertions, without ACLED's fatalities quantities (those have a unit)."""
    return data.assertions[data.assertions["unit"].isna()]


def outlet_claims(data) -> pd.DataFrame:
    """The outlets' claims, without ACLED's own fatalities figures."""
    return data.claims[data.claims["source_id"].ne("acled")]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_one_event_becomes_an_assertion_with_one_claim_per_outlet(march):
    data, report = march
    assertion = rows(
        data.assertions,
        "assertion_id",
        "acled-ukr12345",
        ["statement", "topic", "place_id", "event_time", "event_id_cnty", "fatalities",
         "source_scale", "sub_event_type", "actor1", "notes", "timestamp"],
    )  # fmt: skip
    assert assertion == [
        {
            "statement": "Shelling/artillery/missile attack by Military Forces of Russia (2000-) "
            "at Vovchansk, Kharkiv, Ukraine, 18 March 2024",
            "topic": "kharkiv",
            "place_id": "acled-vovchansk-f96219ac90",
            "event_time": "2024-03-18",
            "event_id_cnty": "UKR12345",
            "fatalities": "0",
            "source_scale": "National",
            "sub_event_type": "Shelling/artillery/missile attack",
            "actor1": "Military Forces of Russia (2000-)",
            "notes": "On 18 March 2024, Russian forces shelled Vovchansk (Chuhuivskyi, Kharkiv). "
            "Two private houses and a power line were damaged. No casualties reported.",
            "timestamp": "1711393854",
        }
    ]
    claims = data.claims[data.claims["assertion_id"].eq("acled-ukr12345")]
    assert claims[["claim_id", "source_id", "document_id", "stance", "hedged", "stated"]].astype(
        object
    ).to_dict("records") == [
        {
            "claim_id": "acled-ukr12345-suspilne",
            "source_id": "acled-src-suspilne",
            "document_id": "acled-doc-2024-03-18",
            "stance": "supports",
            "hedged": False,
            "stated": "2024-03-18",
        },
        {
            "claim_id": "acled-ukr12345-ukrinform",
            "source_id": "acled-src-ukrinform",
            "document_id": "acled-doc-2024-03-18",
            "stance": "supports",
            "hedged": False,
            "stated": "2024-03-18",
        },
    ]
    assert rows(
        data.documents, "document_id", "acled-doc-2024-03-18", ["title", "publisher", "published"]
    ) == [
        {
            "title": "ACLED event records, 18 March 2024",
            "publisher": "ACLED",
            "published": "2024-03-18",
        }
    ]
    assert rows(
        data.places, "place_id", "acled-vovchansk-f96219ac90",
        ["name", "admin1", "country", "lat", "lon", "admin2", "admin3"],
    ) == [
        {"name": "Vovchansk", "admin1": "Kharkiv", "country": "UA", "lat": 50.2906,
         "lon": 36.9411, "admin2": "Chuhuivskyi", "admin3": "Vovchanska"}
    ]  # fmt: skip
    assert report.read["events"] == 6 and report.imported("events") == 6
    assert len(outlet_claims(data)) == 11


def test_week_and_month_precision_become_intervals_for_the_event_and_its_claims(march):
    data, _ = march
    week = data.assertions.set_index("assertion_id").loc["acled-ukr12400"]
    assert week["event_time"] == "2024-03-18/2024-03-24"  # the ISO week of Wednesday 20 March
    assert week["statement"].endswith("in the week 18 March 2024 to 24 March 2024")
    month = data.assertions.set_index("assertion_id").loc["acled-ukr12501"]
    assert (month["event_time"], month["event_start"], month["event_end"]) == (
        "2024-02",
        pd.Timestamp("2024-02-01"),
        pd.Timestamp("2024-02-29"),
    )
    stated = data.claims.set_index("claim_id")["stated"]
    assert stated["acled-ukr12400-ministry-of-defence-of-russia"] == "2024-03-18/2024-03-24"
    assert stated["acled-ukr12501-ukrainska-pravda"] == "2024-02"
    published = data.documents.set_index("document_id")["published"]
    assert published["acled-doc-2024-03-18_to_2024-03-24"] == "2024-03-24"
    assert published["acled-doc-2024-02"] == "2024-02-29"


def test_messy_source_lists_are_cleaned_merged_and_counted(messy):
    data, report = messy
    handled = {case: n for case, (n, _) in report.handled.items()}
    assert handled == {
        "source names with stray spaces ('Ukrinform ', 'Kyiv  Independent')": 3,
        "empty entries in a source list ('; Suspilne', 'Ukrinform;')": 3,
        "an outlet named twice for one event ('Ukrinform; UKRINFORM')": 2,
        "spellings of one outlet that differ only in case, accents, spaces or punctuation": 1,
        "fatalities 0: no figure": 6,  # every messy event is coded 0
    }
    assert dict(report.skipped) == {
        ("events", "no source named (an event needs one to become a claim)"): 1
    }
    assert report.merged == [("UKRINFORM", "acled-src-ukrinform", 1)]
    assert sorted(zip(data.sources["source_id"], data.sources["name"], strict=True)) == [
        ("acled-src-kyiv-independent", "Kyiv Independent"),  # no figures, so no ACLED source
        ("acled-src-suspilne", "Suspilne"),
        ("acled-src-ukrinform", "Ukrinform"),
    ]
    by_event = (
        outlet_claims(data)
        .groupby("assertion_id", observed=True)["source_id"]
        .agg(
            lambda ids: sorted(ids)  # a handful of test claims
        )
    )
    assert by_event.to_dict() == {
        "acled-ukr20001": ["acled-src-ukrinform"],
        "acled-ukr20002": ["acled-src-suspilne"],
        "acled-ukr20003": ["acled-src-suspilne", "acled-src-ukrinform"],
        "acled-ukr20004": ["acled-src-kyiv-independent", "acled-src-ukrinform"],
        "acled-ukr20006": ["acled-src-kyiv-independent"],
        "acled-ukr20007": ["acled-src-suspilne"],
    }


def test_rows_that_cannot_be_mapped_are_skipped_or_resolved_and_counted(bad):
    data, report = bad
    assert dict(report.skipped) == {
        ("events", "no event_id_cnty"): 1,
        ("events", "no event_type"): 1,
        ("events", "time_precision is not 1 (day), 2 (week) or 3 (month)"): 1,
        ("events", "latitude outside -90..90"): 1,
        ("events", "longitude is not a number"): 1,
        ("events", "event_date is in the future"): 1,
        ("fatalities figures", "fatalities empty or not a number of 0 or more"): 1,
    }
    handled = {case: n for case, (n, _) in report.handled.items()}
    assert handled["rows repeated exactly (overlapping exports)"] == 1
    assert (
        handled[
            "event_id_cnty repeated with different content (ACLED revised the event between exports)"
        ]
        == 1
    )
    assert handled["timestamp before the event's date"] == 1
    assert handled["week or month not over when ACLED coded the event (its timestamp)"] == 1
    assert handled["events whose iso code and country name are different countries"] == 1
    assert handled["events with a location but no latitude/longitude"] == 1
    assert handled["fatalities not a number"] == 1
    assertions = events(data).set_index("assertion_id")
    assert sorted(assertions.index) == [
        "acled-ukr30005", "acled-ukr30007", "acled-ukr30011", "acled-ukr30012",
        "acled-ukr30013", "acled-ukr30014", "acled-ukr30015",
    ]  # fmt: skip
    # the newer revision of UKR30007 wins: its figure and its second outlet
    assert assertions.loc["acled-ukr30007", "fatalities"] == "3"
    assert sorted(
        data.claims.loc[data.claims["assertion_id"].eq("acled-ukr30007"), "claim_id"]
    ) == [
        "acled-ukr30007-suspilne",
        "acled-ukr30007-ukrinform",
    ]
    assert pd.isna(assertions.loc["acled-ukr30015", "fatalities"])
    places = data.places.set_index("place_id")
    assert pd.isna(places.loc[assertions.loc["acled-ukr30011", "place_id"], "country"])
    assert pd.isna(places.loc[assertions.loc["acled-ukr30012", "place_id"], "lat"])


def test_a_month_coded_before_it_ended_is_stated_up_to_the_timestamp(bad):
    data, _ = bad
    assert (
        data.assertions.set_index("assertion_id").loc["acled-ukr30014", "event_time"] == "2024-02"
    )
    claim = data.claims.set_index("claim_id").loc["acled-ukr30014-suspilne"]
    assert (claim["stated"], claim["document_id"]) == (
        "2024-02-01/2024-02-20",
        "acled-doc-2024-02-01_to_2024-02-20",
    )
    document = data.documents.set_index("document_id").loc["acled-doc-2024-02-01_to_2024-02-20"]
    assert document["published"] == "2024-02-20"  # 1708430400 = 2024-02-20T12:00Z
    # a timestamp before the event proves nothing about when it was reported: not used
    assert (
        data.claims.set_index("claim_id").loc["acled-ukr30013-suspilne", "stated"] == "2024-03-13"
    )


def test_older_exports_capitals_bom_crlf_and_long_dates_are_read(tmp_path):
    data, report = run(tmp_path, OLD_FORMAT)
    assert OLD_FORMAT.read_bytes().startswith(b"\xef\xbb\xbfEVENT_ID_CNTY,")
    assert report.handled["column names in capitals (older ACLED exports)"][0] == 2
    times = events(data).set_index("assertion_id")["event_time"].to_dict()
    assert times == {"acled-ukr11001": "2024-03-18", "acled-ukr11002": "2024-03-04/2024-03-10"}
    notes = data.assertions.set_index("assertion_id").loc["acled-ukr11001", "notes"]
    assert (
        notes == "On 18 March 2024, Russian forces shelled Kharkiv city.\nA second line of notes."
    )


def test_several_exports_are_read_as_one(tmp_path):
    data, report = run(tmp_path, MARCH, MESSY_SOURCES)
    assert report.read["events"] == 13
    assert len(events(data)) == 12


@pytest.mark.parametrize(
    ("options", "kept", "reason", "dropped"),
    [
        ({"since": dt.date(2024, 3, 19)}, 4, "ends before --since 2024-03-19", 2),
        ({"until": dt.date(2024, 3, 20)}, 4, "starts after --until 2024-03-20", 2),
        ({"where": ["admin1=Kharkiv|sumy"]}, 2, "--where admin1=Kharkiv|sumy", 4),
        ({"where": ["fatalities>=1"]}, 1, "--where fatalities>=1", 5),
    ],
)
def test_period_and_where_filters_keep_and_count(tmp_path, options, kept, reason, dropped):
    data, report = run(tmp_path, MARCH, **options)
    assert len(events(data)) == kept
    assert dict(report.skipped) == {("events", reason): dropped}


def test_the_week_of_an_event_meets_the_period_even_if_its_coded_day_does_not(tmp_path):
    # UKR12400 is coded on Wednesday 20 March with week precision: the week reaches the 24th
    data, _ = run(tmp_path, MARCH, since=dt.date(2024, 3, 23))
    assert set(events(data)["assertion_id"]) == {"acled-ukr12400"}


def test_the_same_input_gives_byte_identical_datasets(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    run(first, MARCH, MESSY_SOURCES, BAD_ROWS)
    run(second, MARCH, MESSY_SOURCES, BAD_ROWS)
    names = sorted(p.name for p in (first / "out").iterdir())
    assert names == sorted(p.name for p in (second / "out").iterdir())
    assert "claims.csv" in names and "IMPORT.md" in names
    for name in names:
        assert (first / "out" / name).read_bytes() == (second / "out" / name).read_bytes()


def test_licence_and_attribution_are_carried_into_the_dataset(march):
    data, _ = march
    assert "not" in data.license and "redistribut" in data.license
    attribution = data.metadata["attribution"]
    assert attribution.startswith("Armed Conflict Location & Event Data (ACLED), www.acleddata.com")
    assert "2024-04-01" in attribution  # the newest timestamp of the input
    text = (data.path / "IMPORT.md").read_text(encoding="utf-8")
    assert "Armed Conflict Location & Event Data (ACLED)" in text


def test_sources_get_a_kind_from_their_name_and_media_otherwise(march):
    data, _ = march
    kinds = data.sources.set_index("source_id")["kind"].to_dict()
    assert kinds["acled-src-general-staff-of-the-armed-forces-of-ukraine"] == "military"
    assert kinds["acled-src-zaporizhzhia-regional-military-administration"] == "official"
    assert kinds["acled-src-tass"] == "media"


# ---------------------------------------------------------------- refused inputs


def test_a_missing_required_column_is_named_with_the_fix(tmp_path):
    text = MARCH.read_text(encoding="utf-8").replace(",source,", ",outlets,", 1)
    path = write(tmp_path / "no-source.csv", text)
    with pytest.raises(BriefingError, match=r"no-source\.csv:1: no column source; .*export again"):
        run(tmp_path, path)
    assert not (tmp_path / "out").exists()


def test_a_bad_date_names_the_file_row_and_column(tmp_path):
    lines = MARCH.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("2024-02-15", "15/02/2024", 1)
    path = write(tmp_path / "slash-date.csv", "\n".join(lines) + "\n")
    with pytest.raises(BriefingError) as error:
        run(tmp_path, path)
    assert f"{path}:4: event_date: '15/02/2024'" in str(error.value)
    assert "2024-03-18" in str(error.value)  # the form to use
    assert not (tmp_path / "out").exists()


def test_two_revisions_with_the_same_timestamp_are_refused(tmp_path):
    lines = MARCH.read_text(encoding="utf-8").splitlines()
    changed = lines[1].replace("Ukrinform; Suspilne,National", "Ukrinform,National")
    path = write(tmp_path / "tie.csv", "\n".join([*lines[:2], changed]) + "\n")
    with pytest.raises(BriefingError, match=rf"UKR12345 is in {path}:2, {path}:3 with different"):
        run(tmp_path, path)


def test_exports_with_different_columns_are_refused(tmp_path):
    text = MARCH.read_text(encoding="utf-8").replace(",tags,", ",labels,", 1)
    other = write(tmp_path / "other.csv", text)
    with pytest.raises(BriefingError, match=r"columns differ .*missing: tags; extra: labels"):
        run(tmp_path, MARCH, other)


def test_a_row_with_missing_cells_is_refused_with_its_line(tmp_path):
    lines = MARCH.read_text(encoding="utf-8").splitlines()
    path = write(tmp_path / "ragged.csv", "\n".join([*lines[:3], "UKR1,2024-03-01,2024"]) + "\n")
    with pytest.raises(BriefingError, match=r"line 4 has 3"):
        run(tmp_path, path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    text = (
        HEADER
        + "\n"
        + MARCH.read_text(encoding="utf-8")
        .splitlines()[1]
        .replace("Vovchansk,", "Vovchansk\u2019,", 1)
    )
    path = write(tmp_path / "cp1252.csv", text + "\n", encoding="cp1252")
    with pytest.raises(BriefingError, match=r"cp1252\.csv:2: not UTF-8"):
        run(tmp_path, path)


# ---------------------------------------------------------------- the command


def test_the_command_prints_the_report(tmp_path, capsys):
    out = tmp_path / "acled"
    code = main(["import", "acled", str(MESSY_SOURCES), "--out", str(out), "--since", "2024-03-12"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "events: 7 read, 5 imported" in printed
    assert "skipped 1: ends before --since 2024-03-12" in printed
    assert "skipped 1: no source named (an event needs one to become a claim)" in printed
    assert "'UKRINFORM' -> acled-src-ukrinform (1 claims)" in printed
    assert f"wrote {out}" in printed
    assert load_dataset(out).claims["claim_id"].str.startswith("acled-").all()


def test_an_import_that_keeps_nothing_is_refused_with_the_counts(tmp_path):
    with pytest.raises(BriefingError) as caught:
        run(tmp_path, MARCH, since=dt.date(2025, 1, 1))
    # the input is named first: a batch of imports says which one kept nothing
    assert str(caught.value).startswith(
        f"{MARCH.name}: nothing to import: 6 events read, skipped: 6 ends"
    )
    assert not (tmp_path / "out").exists()


def test_each_events_fatalities_is_a_quantity_claimed_by_acled(march):
    data, report = march
    coded = {row["event_id_cnty"]: row["fatalities"] for row in _csv_rows(MARCH)}
    given = {event: n for event, n in coded.items() if float(n) > 0}  # 0: no figure
    assert 0 < len(given) < len(coded)
    quantities = data.assertions[data.assertions["unit"].eq("fatalities")]
    assert sorted(quantities["assertion_id"]) == sorted(
        f"acled-{event.lower()}.fatalities" for event in given
    )
    figures = data.claims[data.claims["source_id"].eq("acled")].set_index("assertion_id")
    assert not any(
        f"acled-{e.lower()}.fatalities" in figures.index for e in coded if e not in given
    )
    for event, fatalities in given.items():  # the hand-written events with deaths
        figure = figures.loc[f"acled-{event.lower()}.fatalities"]
        assert (figure["stance"], figure["value"]) == ("supports", float(fatalities))
        assert figure[["low", "high"]].isna().all()  # one figure, no range
        outlets = outlet_claims(data)
        outlets = outlets[outlets["assertion_id"].eq(f"acled-{event.lower()}")]
        assert set(outlets["stated"]) == {figure["stated"]}  # read where the outlets' claims are
        assert set(outlets["document_id"]) == {figure["document_id"]}
    statement = quantities.set_index("assertion_id").loc["acled-ukr12700.fatalities", "statement"]
    assert statement.startswith("Fatalities: ") and "Kamianske" in statement
    acled = data.sources.set_index("source_id").loc["acled"]
    assert (acled["kind"], acled["reliability"]) == ("other", "F")
    assert report.read["fatalities figures"] == len(coded) == 6
    lethal = report.handled["fatalities: ACLED's own figure for each event with deaths"]
    assert lethal[0] == len(given) and "most conservative" in lethal[1]
    assert report.handled["fatalities 0: no figure"][0] == len(coded) - len(given)
    summary = analyze(data).quantities.set_index("assertion_id")
    assert summary.loc["acled-ukr12700.fatalities", "conservative"] == 2.0


def test_an_event_without_a_usable_fatalities_figure_gets_no_quantity(bad):
    data, report = bad
    assert "acled-ukr30015.fatalities" not in set(data.assertions["assertion_id"])
    assert "acled-ukr30007.fatalities" in set(data.assertions["assertion_id"])
    assert (
        report.skipped["fatalities figures", "fatalities empty or not a number of 0 or more"] == 1
    )


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))
