"""``briefing import ucdp``: hand-made rows for each trap of the real files, then the real extracts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from analysis import analyze, load_dataset
from analysis.cli import main
from analysis.errors import BriefingError
from analysis.importers.run import import_dataset
from analysis.importers.writer import ImportInvalid

from .conftest import REALDATA, needs_realdata

COLUMNS = [
    "id", "relid", "year", "type_of_violence", "dyad_name", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "where_description", "adm_1", "latitude", "longitude",
    "priogrid_gid", "country", "country_id", "event_clarity", "date_prec", "date_start",
    "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
]  # fmt: skip
KONASHENKOV = (
    "official representative of the Russian Defense Ministry, Lieutenant-General Igor Konashenkov."
)


def event(**given) -> dict:
    """One UCDP row with plain defaults: a one-day event in Kharkiv oblast, one article."""
    row = {
        "id": "500001", "relid": "UKR-2022-1", "year": "2022", "type_of_violence": "1",
        "dyad_name": "Government of Russia (Soviet Union) - Government of Ukraine",
        "number_of_sources": "1",
        "source_article": '"Ukrinform,2022-09-03,Shelling of Kupiansk kills two"',
        "source_office": "Ukrinform", "source_date": "03/09/2022",
        "source_headline": "Shelling of Kupiansk kills two",
        "source_original": "Ukraine (Oleg Sinegubov, head of the Kharkiv OVA)",
        "where_prec": "1", "where_coordinates": "Kupiansk town",
        "where_description": "Kupiansk town", "adm_1": "Kharkiv Oblast",
        "latitude": "49.7106", "longitude": "37.6156", "priogrid_gid": "200000",
        "country": "Ukraine", "country_id": "369", "event_clarity": "1", "date_prec": "1",
        "date_start": "9/2/2022 12:00:00 AM", "date_end": "09/02/2022 00:00",
        "deaths_a": "0", "deaths_b": "0", "deaths_civilians": "2", "deaths_unknown": "0",
        "best": "2", "high": "2", "low": "2",
    }  # fmt: skip
    row.update(given)
    return row


def write_ucdp(path: Path, rows: list[dict], encoding: str = "cp1252") -> Path:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


MESSY = [
    event(),
    event(  # two outlets (one misspelt), a headline with ';', a month-first pair of dates
        id="500002",
        number_of_sources="2",
        source_article=(
            '"Wartranslated,2022-09-06,Russian MoD: strike near Izium; 40 killed";'
            '"War Translated,2022-09-07,Izium strike: MoD figures disputed"'
        ),
        source_office="Wartranslated;War Translated",
        source_date="06/09/2022;2022-09-07",
        source_headline="Russian MoD: strike near Izium; 40 killed;Izium strike: MoD figures disputed",
        source_original=f"{KONASHENKOV};Russia: Igor Konashenkov",
        date_start="9/4/2022 12:00:00 AM",
        date_end="09/05/2022 00:00",
        best="45", low="10", high="40",
    ),
    event(  # the claimant is the outlet itself; source_date is the 1753 placeholder
        id="500003",
        source_article='"AOAV,2022-10-01,Explosive violence monitor: Chuhuiv\u2019s market"',
        source_office="AOAV", source_date="1753-01-01",
        source_original="AOAV",
        date_start="2022-09-30T00:00:00", date_end="2022-09-30T00:00:00",
    ),
    event(id="500004", source_original=""),  # no claimant
    event(id="500005", date_start="13/02/2022 00:00"),  # day-first: refused, never guessed
    event(  # an office lost to '?' and an article dated with UCDP's placeholder
        id="500006",
        number_of_sources="2",
        source_article='"??????,2022-09-10,??? ????";"Ukrinform,1753-01-01,Old wire"',
        source_office="??????;Ukrinform", source_date="10/09/2022;01/01/1753",
        date_start="09/09/2022 00:00", date_end="09/09/2022 00:00",
    ),
]  # fmt: skip


@pytest.fixture
def messy_file(tmp_path) -> Path:
    return write_ucdp(tmp_path / "ged.csv", MESSY)


def test_one_event_becomes_an_assertion_with_outlet_and_claimant_claims(messy_file, tmp_path):
    data, _ = import_dataset("ucdp", [messy_file], tmp_path / "ucdp")
    a = data.assertions.set_index("assertion_id").loc["ucdp-500001"]
    assert a["statement"] == (
        "Kupiansk town, Kharkiv Oblast, 2 September 2022: lethal state-based violence "
        "(Russia - Ukraine)"
    )
    assert a["topic"] == "kharkiv-oblast"
    assert a["event_time"] == "2022-09-02"
    claims = data.claims.set_index("claim_id")
    outlet, claimant = claims.loc["ucdp-500001-a1"], claims.loc["ucdp-500001-o1"]
    assert (outlet["source_id"], outlet["stated"], outlet["cites"]) == (
        "out-ukrinform",
        "2022-09-03",
        "ucdp-500001-o1",
    )
    assert outlet["quote"] == "Shelling of Kupiansk kills two"
    assert claimant["source_id"] == "ua-kharkiv-rma"
    assert claimant["document_id"] == outlet["document_id"]
    assert claimant["stated"] == "2022-09-03" and "on or before" in claimant["notes"]
    document = data.documents.set_index("document_id").loc[outlet["document_id"]]
    assert (document["publisher"], document["published"]) == ("Ukrinform", "2022-09-03")
    sources = data.sources.set_index("source_id")
    assert sources.loc["ua-kharkiv-rma", "side"] == "UA"
    assert sources.loc["out-ukrinform", "kind"] == "media"
    place = data.places.set_index("place_id").loc[a["place_id"]]
    assert (place["name"], place["country"], place["lat"]) == ("Kupiansk town", "UA", 49.7106)


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_each_events_deaths_are_ucdps_figure_on_a_quantity(tmp_path):
    rows = [
        event(),  # low = best = high = 2: the value alone
        event(id="500010", low="3", best="5", high="12", deaths_a="1", deaths_civilians="4"),
        event(id="500011", low="7", best="7", high="6"),  # best outside its own range
        event(id="500012", best="NaN"),  # no usable best estimate
        event(  # two articles: UCDP's figure is stated on the later one's day
            id="500013",
            number_of_sources="2",
            source_article='"Ukrinform,2022-09-03,Two killed";"Suspilne,2022-09-05,Toll rises"',
            source_office="Ukrinform;Suspilne",
            source_date="03/09/2022;05/09/2022",
        ),
    ]
    data, report = import_dataset("ucdp", [write_ucdp(tmp_path / "ged.csv", rows)], tmp_path / "o")
    quantities = data.assertions.set_index("assertion_id")
    assert quantities.loc["ucdp-500010-deaths", "unit"] == "deaths"
    assert quantities.loc["ucdp-500010-deaths", "statement"] == (
        "Deaths: Kupiansk town, Kharkiv Oblast, 2 September 2022: lethal state-based violence "
        "(Russia - Ukraine)"
    )
    assert quantities.loc["ucdp-500010-deaths", "event_time"] == "2022-09-02"
    assert "ucdp-500012-deaths" not in quantities.index and "ucdp-500012" in quantities.index
    figures = data.claims[data.claims["source_id"].eq("ucdp")].set_index("claim_id")

    def figure(event_id: str) -> tuple:
        row = figures.loc[f"ucdp-{event_id}-deaths"]
        return tuple(None if pd.isna(row[c]) else row[c] for c in ("value", "low", "high"))

    assert figure("500001") == (2, None, None)
    assert figure("500010") == (5, 3, 12)
    assert figure("500011") == (7, None, None)
    assert "low 7 to high 6" in figures.loc["ucdp-500011-deaths", "notes"]
    assert (figures.loc["ucdp-500010-deaths", ["deaths_a", "deaths_civilians"]] == ["1", "4"]).all()
    assert figures.loc["ucdp-500013-deaths", "stated"] == "2022-09-05"
    record = data.documents.set_index("document_id").loc["ucdp-rec-2022-09-05"]
    assert (record["publisher"], record["published"]) == (
        "Uppsala Conflict Data Program (UCDP)",
        "2022-09-05",
    )
    assert report.skipped["deaths figures", "best is not a number of 0 or more"] == 1
    assert report.handled["best estimate outside [low, high], against UCDP's own rule"][0] == 1
    summary = analyze(data).quantities.set_index("assertion_id")
    assert summary.loc["ucdp-500010-deaths", ["lowest", "highest"]].tolist() == [3.0, 12.0]


def test_every_trap_is_handled_on_purpose_and_counted(messy_file, tmp_path):
    data, report = import_dataset("ucdp", [messy_file], tmp_path / "ucdp")
    handled = {case: rows for case, (rows, _) in report.handled.items()}
    assert handled["file in Windows-1252, not UTF-8"] == 1
    assert handled["headline containing ';' (source_headline splits into too many parts)"] == 1
    assert handled["best estimate outside [low, high], against UCDP's own rule"] == 1
    assert handled["source_original empty"] == 1
    assert handled["source_date is 1753-01-01, UCDP's placeholder"] == 1
    assert handled["outlet name lost to '?' (Cyrillic dropped when the file was re-saved)"] == 1
    skipped = {reason: n for (unit, reason), n in report.skipped.items()}
    assert skipped["date_start or date_end is not a date (month-first M/D/YYYY, or ISO)"] == 1
    assert skipped["dated 1753-01-01, UCDP's placeholder"] == 1
    assert skipped["the claimant is also an outlet reporting the event (no self-claim)"] == 1
    assert report.read["events"] == 6 and report.imported("events") == 5
    assert "ucdp-500005" not in set(data.assertions["assertion_id"])  # 13/02: not guessed
    flagged = data.assertions.set_index("assertion_id")
    assert flagged.loc["ucdp-500002", "toll_inconsistent"] == "true"
    assert flagged.loc["ucdp-500002", "toll_disputed"] == "true"
    assert flagged.loc["ucdp-500002", "event_time"] == "2022-09-04/2022-09-05"
    assert flagged.loc["ucdp-500003", "event_time"] == "2022-09-30"


def test_spellings_of_one_outlet_and_one_spokesman_are_merged_and_listed(messy_file, tmp_path):
    data, report = import_dataset("ucdp", [messy_file], tmp_path / "ucdp")
    claims = data.claims.set_index("claim_id")
    assert claims.loc["ucdp-500002-a1", "source_id"] == "out-war-translated"
    assert claims.loc["ucdp-500002-a2", "source_id"] == "out-war-translated"
    # two spellings of Konashenkov in one event: one claimant claim, cited by both articles
    assert claims.loc["ucdp-500002-o1", "source_id"] == "ru-mod"
    assert "ucdp-500002-o2" not in claims.index
    assert claims.loc["ucdp-500002-a1", "cites"] == "ucdp-500002-o1"
    merged = {spelling: into for spelling, into, _ in report.merged}
    assert merged["Wartranslated"] == "out-war-translated"
    assert merged[KONASHENKOV.rstrip(".")] == "ru-mod"
    assert "&" not in data.sources["source_id"].str.cat()
    # the headline with ';' stayed whole
    assert claims.loc["ucdp-500002-a1", "quote"] == "Russian MoD: strike near Izium; 40 killed"


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_the_same_input_gives_byte_identical_datasets(messy_file, tmp_path):
    out = tmp_path / "ucdp"
    import_dataset("ucdp", [messy_file], out)
    first = {f.name: f.read_bytes() for f in out.iterdir()}
    import_dataset("ucdp", [messy_file], out, replace=True)
    assert {f.name: f.read_bytes() for f in out.iterdir()} == first
    assert set(first) >= {"claims.csv", "dataset.toml", "IMPORT.md", "places.csv"}


def test_import_report_carries_command_hashes_and_attribution(messy_file, tmp_path):
    out = tmp_path / "ucdp"
    import_dataset("ucdp", [messy_file], out, command=["briefing", "import", "ucdp", "ged.csv"])
    text = (out / "IMPORT.md").read_text()
    assert "briefing import ucdp ged.csv" in text
    import hashlib

    assert hashlib.sha256(messy_file.read_bytes()).hexdigest() in text
    assert "Uppsala Conflict Data Program" in text
    data = load_dataset(out)
    assert data.license == "CC-BY-4.0"
    assert "Uppsala Conflict Data Program" in data.metadata["attribution"]


def test_a_file_that_is_not_ucdp_is_refused_and_nothing_written(tmp_path):
    wrong = tmp_path / "acled.csv"
    wrong.write_text("event_id_cnty,event_date\nUKR1,2024-01-01\n")
    with pytest.raises(
        BriefingError, match=r"acled.csv:1: missing column\(s\) id, type_of_violence"
    ):
        import_dataset("ucdp", [wrong], tmp_path / "out")
    assert list(tmp_path.iterdir()) == [wrong]


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_an_existing_folder_is_kept_unless_replace_is_given(messy_file, tmp_path):
    out = tmp_path / "ucdp"
    import_dataset("ucdp", [messy_file], out)
    with pytest.raises(BriefingError, match="already exists; add --replace"):
        import_dataset("ucdp", [messy_file], out)
    import_dataset("ucdp", [messy_file], out, replace=True)


def test_an_import_that_fails_validation_leaves_no_folder(tmp_path):
    future = dt.date.today().year + 2
    rows = [
        event(
            source_article=f'"Ukrinform,{future}-01-02,Not yet written"',
            date_start=f"1/1/{future} 12:00:00 AM",
            date_end=f"1/1/{future} 12:00:00 AM",
        )
    ]
    with pytest.raises(ImportInvalid) as caught:
        import_dataset("ucdp", [write_ucdp(tmp_path / "ged.csv", rows)], tmp_path / "ucdp")
    assert "nothing was written" in caught.value.render()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ged.csv"]


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
def test_period_and_where_filters_count_what_they_drop(messy_file, tmp_path):
    _, report = import_dataset(
        "ucdp",
        [messy_file],
        tmp_path / "ucdp",
        since=dt.date(2022, 9, 3),
        where=["adm_1=kharkiv oblast", "best>=2"],
    )
    skipped = {reason: n for (_, reason), n in report.skipped.items()}
    assert skipped["ends before --since 2022-09-03"] == 2  # the two 2 September events
    assert report.imported("events") == 3
    with pytest.raises(BriefingError, match="no column 'oblast'"):
        import_dataset("ucdp", [messy_file], tmp_path / "x", where=["oblast=Sumy"])
    assert not (tmp_path / "x").exists()


def test_user_aliases_merge_a_claimant_and_are_kept_in_the_dataset(messy_file, tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,source_id,name\nUkrinform,ukrinform,Ukrinform (Ukraine)\n")
    data, report = import_dataset("ucdp", [messy_file], tmp_path / "ucdp", aliases=aliases)
    assert "out-ukrinform" not in set(data.sources["source_id"])
    assert data.sources.set_index("source_id").loc["ukrinform", "name"] == "Ukrinform (Ukraine)"
    assert ("Ukrinform", "ukrinform", 2) in report.merged
    assert (tmp_path / "ucdp" / "aliases.csv").read_bytes() == aliases.read_bytes()


def test_the_command_prints_the_report(messy_file, tmp_path, capsys):
    out = tmp_path / "ucdp"
    assert main(["import", "ucdp", str(messy_file), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "events: 6 read, 5 imported" in printed
    assert "'Wartranslated' -> out-war-translated" in printed
    assert main(["import", "ucdp", str(messy_file), "--out", str(out)]) == 2
    assert "add --replace" in capsys.readouterr().err


GED_2022 = REALDATA / "ucdp-ged-ukraine" / "UCDP-Ukraine_b858735_subset.csv"
GED_2014 = REALDATA / "ucdp-ged-ukraine-2014" / "UCDP-Ukraine_ffe58b8_2014-2015.csv"


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@needs_realdata
def test_the_2022_extract_imports_with_the_volumes_of_its_mapping(tmp_path):
    data, report = import_dataset("ucdp", [GED_2022], tmp_path / "ged")
    assert data.assertions["unit"].isna().sum() == 346  # the events
    assert data.assertions["unit"].eq("deaths").sum() == 346  # and their deaths figures
    article_claims = data.claims["claim_id"].str.contains("-a")
    assert article_claims.sum() == 494
    assert data.documents["document_id"].str.startswith("ucdp-doc-").sum() == 413
    outlets = data.sources["source_id"].str.startswith("out-").sum()
    assert 36 <= outlets <= 40  # 43 office strings, fewer after the spelling table
    assert report.handled["best estimate outside [low, high], against UCDP's own rule"][0] == 18
    assert report.handled["deaths differ between UCDP's sources (low != high)"][0] == 182
    ru_mod = data.claims["source_id"].eq("ru-mod")
    assert ru_mod.sum() >= 40  # the Konashenkov spellings, merged
    result = analyze(data)
    assert set(result.assertions["status"]) <= {
        "corroborated",
        "single-source",
    }  # UCDP codes no denials


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@needs_realdata
def test_the_2022_extracts_disputed_and_inconsistent_tolls_are_visible_as_figures(tmp_path):
    """Each event's deaths figure against the CSV read by the csv module: best the value,
    low..high the range where they differ and hold best; the 18 with best outside the
    range keep best alone, with a note."""
    text = GED_2022.read_bytes().decode("cp1252")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    data, report = import_dataset("ucdp", [GED_2022], tmp_path / "ged")
    figures = data.claims[data.claims["source_id"].eq("ucdp")].set_index("claim_id")
    assert len(figures) == len(rows) == 346
    ranged = inconsistent = 0
    for event, row in rows.items():  # 346 events
        low, best, high = (int(row[c]) for c in ("low", "best", "high"))
        figure = figures.loc[f"ucdp-{event}-deaths"]
        assert figure["value"] == best
        assert figure["assertion_id"] == f"ucdp-{event}-deaths"
        if not low <= best <= high:
            inconsistent += 1
            assert pd.isna(figure["low"]) and pd.isna(figure["high"])
            assert f"low {low} to high {high}" in figure["notes"]
        elif low < high:
            ranged += 1
            assert (figure["low"], figure["high"]) == (low, high)
        else:
            assert pd.isna(figure["low"]) and pd.isna(figure["high"])
        by_side = [row[c] for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")]
        assert [
            figure[c] for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
        ] == by_side
    disputed = sum(row["low"] != row["high"] for row in rows.values())
    assert (disputed, inconsistent) == (182, 18)  # the README's figures
    assert ranged > 150  # most disputed tolls hold their best estimate
    assert report.handled["best estimate outside [low, high], against UCDP's own rule"][0] == 18
    summary = analyze(data).quantities
    assert len(summary) == 346 and set(summary["unit"]) == {"deaths"}


@needs_realdata
def test_the_2014_extract_utf8_with_iso_dates_is_read_by_the_same_importer(tmp_path):
    data, report = import_dataset("ucdp", [GED_2014], tmp_path / "ged")
    assert data.assertions["unit"].isna().sum() == 524
    assert "file in Windows-1252, not UTF-8" not in report.handled
    assert data.assertions["event_time"].str.match(r"^2014|^2015").all()


@needs_realdata
@pytest.mark.slow
@pytest.mark.parametrize(
    "extract, formats", [(GED_2022, ("html", "pdf")), (GED_2014, ("html",))], ids=["2022", "2014"]
)
def test_a_briefing_built_from_the_import_carries_the_attribution(tmp_path, extract, formats):
    from pypdf import PdfReader

    from analysis.build import build_briefing

    data, _ = import_dataset("ucdp", [extract], tmp_path / "ged")
    analyze(data)
    briefing = build_briefing(
        "briefing", [("dataset", str(data.path))], formats=formats, reports=tmp_path / "reports"
    )
    html = (briefing.folder / "briefing.html").read_text()
    assert "Attribution" in html and "Uppsala Conflict Data Program (UCDP)" in html
    if "pdf" in formats:
        pages = PdfReader(briefing.folder / "briefing.pdf").pages
        pdf = " ".join(page.extract_text() for page in pages).replace("\ufb02", "fl")  # ligature
        assert "Uppsala Conflict Data Program" in " ".join(pdf.split())
