"""``briefing import table``: an analyst's sheet (CSV or XLSX) and a mapping file -> a dataset."""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import analyze
from analysis.cli import main
from analysis.contract.dataset import load_dataset
from analysis.errors import BriefingError
from analysis.importers.mapping import MappingError
from analysis.importers.run import import_dataset
from analysis.importers.table import SheetProblems, template

DATA = Path(__file__).resolve().parent / "data" / "importers" / "table"
SHEET = DATA / "claims-log.csv"
MAPPING = DATA / "claims-log.toml"
TABLES = ("sources.csv", "documents.csv", "assertions.csv", "claims.csv", "places.csv")

# A small mapping for the hand-written sheets below (columns Who, Outlet, Headline, Date,
# Claim, Position, Said).
SMALL = """\
[source]
name = "Who"
kind = { value = "media" }

[document]
title = "Headline"
publisher = "Outlet"
published = "Date"

[assertion]
statement = "Claim"

[claim]
stance = { column = "Position", map = { "confirmed" = "supports", "denied" = "refutes", "no comment" = "neutral" } }
stated = "Said"
"""
HEADER = "Who,Outlet,Headline,Date,Claim,Position,Said\n"


def run(tmp_path: Path, sheet: Path = SHEET, mapping: Path = MAPPING, name="log", **kwargs):
    options = {"mapping": mapping, **kwargs.pop("options", {})}
    return import_dataset("table", [sheet], tmp_path / name, options=options, **kwargs)


def write(tmp_path: Path, rows: str, mapping: str = SMALL, header: str = HEADER):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(header + rows, encoding="utf-8")
    path = tmp_path / "mapping.toml"
    path.write_text(mapping, encoding="utf-8")
    return sheet, path


def rows_of(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / table).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def by_row(folder: Path) -> dict[int, dict[str, str]]:
    return {int(c["input_row"]): c for c in rows_of(folder, "claims.csv")}


def loaded_claims(folder: Path):
    """The loaded dataset's claims by sheet row (the loader reads extra columns as text)."""
    claims = load_dataset(folder).claims
    return claims.set_index(claims["input_row"].astype(int))


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def build_xlsx(path: Path, *, title_rows: int = 0) -> Path:
    """The worked example as an analyst's workbook: typed cells (dates, booleans, numbers),
    a notes worksheet first, and the claims on worksheet "Claims"."""
    with SHEET.open(encoding="utf-8", newline="") as file:
        records = list(csv.reader(file))
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "Read me: claims are on the next sheet"
    sheet = book.create_sheet("Claims")
    for _ in range(title_rows):
        sheet.append(["Claims log, April 2025"] if _ == 0 else [])
    header = records[0]
    sheet.append(header)
    for record in records[1:]:
        cells: list[object] = list(record)
        for i, (column, value) in enumerate(zip(header, record, strict=True)):
            if re.fullmatch(r"\d\d/\d\d/\d{4}", value):
                cells[i] = dt.datetime.strptime(value, "%d/%m/%Y")
            elif column == "Hedged?":
                cells[i] = value == "yes"
            elif column == "Based on" and value:
                cells[i] = int(value) + title_rows  # rows of the sheet as it now is
            elif value == "":
                cells[i] = None
        sheet.append(cells)
    book.save(path)
    return path


# ---- the worked example, end to end -----------------------------------------------------


@pytest.fixture(scope="module")
def worked(tmp_path_factory):
    """The worked example imported once (folder ``log``) for the tests that only read it."""
    folder = tmp_path_factory.mktemp("worked")
    dataset, report = run(folder)
    return folder / "log", dataset, report


def test_worked_example_csv_imports_every_row_as_the_mapping_says(worked):
    out, dataset, report = worked
    claims = by_row(out)
    assert sorted(claims) == [2, 3, 4, 5, 6, 7, 8]
    isw = claims[5]
    assert isw["source_id"] == "institute-for-the-study-of-war"
    assert isw["document_id"] == "institute-for-the-study-of-war-2025-04-09-c07df393"
    assert isw["assertion_id"] == "ukrainian-forces-reached-the-village-12041288"
    assert (isw["stance"], isw["hedged"], isw["stated"]) == ("supports", "true", "yesterday")
    assert isw["quote"] == "Ukrainian forces reportedly advanced near Demidovka"
    assert isw["cites"] == claims[4]["claim_id"]  # "Based on" = 4: the bloggers' row
    assert isw["analyst"] == "MB"  # keep = ["Analyst"]
    assert claims[3]["stance"] == "refutes" and claims[7]["stance"] == "neutral"
    assert claims[6]["stated"] == "2025-04-09"  # 09/04/2025, day-first
    assert claims[6]["cites"] == claims[2]["claim_id"]
    assert all(re.fullmatch(r"c-[0-9a-f]{16}", c["claim_id"]) for c in claims.values())

    sources = {s["source_id"]: s for s in rows_of(out, "sources.csv")}
    assert sources["institute-for-the-study-of-war"]["kind"] == "think_tank"  # "think tank"
    assert sources["volodymyr-zelensky"] == {
        "source_id": "volodymyr-zelensky",
        "name": "Volodymyr Zelensky",
        "kind": "politician",
        "side": "UA",
        "reliability": "",
        "url": "",
        "notes": "",
    }
    assert len(sources) == 6
    documents = rows_of(out, "documents.csv")
    assert [d["published"] for d in documents] == [
        "2025-04-09",
        "2025-04-08",
        "2025-04-10",
        "2025-04-14",
    ]
    assert rows_of(out, "places.csv") == [
        {
            "place_id": "demidovka",
            "name": "Demidovka",
            "admin1": "Belgorod Oblast",
            "country": "RU",
            "lat": "",
            "lon": "",
        }
    ]
    manifest = tomllib.loads((out / "dataset.toml").read_text())
    assert manifest["title"] == "Belgorod incursion: claims log"
    assert "license" not in manifest and "attribution" not in manifest
    assert report.imported("rows") == 7 and not report.skipped
    assert f"| `{MAPPING}` |" in (out / "IMPORT.md").read_text()  # the mapping, with its hash

    stated = loaded_claims(out)["stated_start"].dt.strftime("%Y-%m-%d")
    # relative phrases resolve against the document's date (8, 9 and 10 April 2025)
    assert stated.to_dict() == {
        2: "2025-04-07",  # "Monday", document of Tuesday 8 April
        3: "2025-03-18",  # "March 18"
        4: "2025-03-18",
        5: "2025-04-08",  # "yesterday", document of 9 April
        6: "2025-04-09",
        7: "2025-04-10",  # "today"
        8: "2025-04-13",
    }
    assert dataset.title == "Belgorod incursion: claims log"


def test_worked_example_xlsx_gives_the_same_dataset_as_the_csv(tmp_path, worked):
    workbook = build_xlsx(tmp_path / "claims-log.xlsx")
    run(tmp_path, sheet=workbook, name="from-xlsx", options={"sheet": "Claims"})
    for table in TABLES:
        assert (tmp_path / "from-xlsx" / table).read_bytes() == (worked[0] / table).read_bytes()


def test_xlsx_title_rows_above_the_header_keep_the_sheet_row_numbers(tmp_path):
    workbook = build_xlsx(tmp_path / "titled.xlsx", title_rows=2)  # title, empty, header = 3
    run(tmp_path, sheet=workbook, options={"sheet": "Claims"})
    claims = by_row(tmp_path / "log")
    assert sorted(claims) == [4, 5, 6, 7, 8, 9, 10]
    assert claims[7]["cites"] == claims[6]["claim_id"]


def test_xlsx_that_declares_a_wrong_size_is_read_whole(tmp_path):
    workbook = build_xlsx(tmp_path / "built.xlsx")
    shrunk = tmp_path / "shrunk.xlsx"  # some tools write <dimension ref="A1"/> whatever the size
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(shrunk, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', data)
                assert count == 1
            target.writestr(item, data)
    run(tmp_path, sheet=shrunk, options={"sheet": "Claims"})
    claims = by_row(tmp_path / "log")
    assert sorted(claims) == [2, 3, 4, 5, 6, 7, 8]
    assert claims[5]["analyst"] == "MB"  # the last column, far beyond "A1"


def test_xlsx_unknown_worksheet_is_refused_listing_the_worksheets(tmp_path):
    workbook = build_xlsx(tmp_path / "claims-log.xlsx")
    with pytest.raises(
        BriefingError, match=r'no worksheet "Claim"; its worksheets: "Notes", "Claims"'
    ):
        run(tmp_path, sheet=workbook, options={"sheet": "Claim"})
    assert not (tmp_path / "log").exists()


def test_xlsx_datetime_cells_become_iso_date_times_and_errors_empty_cells(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Who", "Outlet", "Headline", "Date", "Claim", "Position", "Said", "Note"])
    ws.append(["A", "Wire", "T", dt.datetime(2025, 4, 8, 14, 30), "X", "confirmed", None, "#N/A"])
    ws.append(["B", "Wire", "T", dt.datetime(2025, 4, 8, 14, 30), "X", "denied", "yesterday", 3.0])
    book.save(tmp_path / "sheet.xlsx")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(SMALL + 'notes = "Note"\n')
    _, report = run(tmp_path, sheet=tmp_path / "sheet.xlsx", mapping=mapping)
    claims = by_row(tmp_path / "log")
    assert rows_of(tmp_path / "log", "documents.csv")[0]["published"] == "2025-04-08T14:30"
    assert claims[2]["stated"] == "2025-04-08"  # empty: the document's day
    assert (claims[2]["notes"], claims[3]["notes"]) == ("", "3")
    assert report.handled["Excel error values (#N/A, #REF!, ...)"][0] == 1


# ---- mapping file mistakes: the mapping's line --------------------------------------------


def test_wrong_column_name_is_refused_with_the_mapping_line_and_a_suggestion(tmp_path):
    text = MAPPING.read_text().replace('name = "Who"', 'name = "Whom"')
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text)
    with pytest.raises(MappingError) as caught:
        run(tmp_path, mapping=mapping)
    message = str(caught.value)
    line = line_of(text, 'name = "Whom"')
    assert (
        f'{mapping}:{line}: [source] name: no column "Whom" in {SHEET}; did you mean "Who"?'
        in message
    )
    assert '"Based on", "Analyst"' in message  # the sheet's columns are listed
    assert not (tmp_path / "log").exists()


def test_a_wrong_delimiter_is_one_problem_at_its_line_not_one_per_column(tmp_path):
    """A `;` mapping on a comma file reads the header as one column: every column named
    would be "missing"; the one problem is the delimiter, and its fix."""
    text = MAPPING.read_text().replace(
        'date_format = "%d/%m/%Y"', 'date_format = "%d/%m/%Y"\ndelimiter = ";"'
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text)
    with pytest.raises(MappingError) as caught:
        run(tmp_path, mapping=mapping)
    [problem] = caught.value.problems
    assert (problem.row, problem.code) == (line_of(text, 'delimiter = ";"'), "bad-value")
    assert problem.message.startswith(f"the header of {SHEET} reads as one column")
    assert problem.message.endswith(
        'its fields are separated by ",", and the mapping gives delimiter = ";"; '
        'write delimiter = "," in [sheet]'
    )
    assert not (tmp_path / "log").exists()


def test_wrong_column_in_a_sub_table_and_in_keep_name_their_own_lines(tmp_path):
    text = (
        SMALL.replace(
            "stance = { column",
            'keep = ["Analist"]\nstance = { column',
        ).replace('stated = "Said"', "")
        + '[claim.hedged]\ncolumn = "Hedge"\n'
    )
    sheet, mapping = write(tmp_path, "A,Wire,T,2025-04-08,X,confirmed,\n", text)
    with pytest.raises(MappingError) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping)
    message = str(caught.value)
    assert f'{mapping}:{line_of(text, "keep")}: [claim] keep: no column "Analist"' in message
    assert f'{mapping}:{line_of(text, "Hedge")}: [claim] hedged: no column "Hedge"' in message


def test_unknown_key_and_wrong_types_are_refused_with_their_lines(tmp_path):
    text = (
        SMALL.replace('kind = { value = "media" }', 'kind = { value = "press" }')
        .replace('published = "Date"', 'published = "Date"\nauthor = "Who"')
        .replace(
            'stated = "Said"', 'stated = 2025\nhedged = { column = "Said", map = { "y" = "yes" } }'
        )
        + '\n[sheet]\ndate_format = "%d.%m"\n'
    )
    sheet, mapping = write(tmp_path, "", text)
    with pytest.raises(MappingError) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping)
    problems = {p.row: p.message for p in caught.value.problems}
    assert problems[line_of(text, "author")].startswith('unknown key "author" in [document]')
    assert (
        "it takes title, publisher, published, url, id, notes" in problems[line_of(text, "author")]
    )
    assert "'press' is not one of official, military" in problems[line_of(text, "press")]
    assert "got 2025" in problems[line_of(text, "stated = 2025")]
    assert "write true or false" in problems[line_of(text, "hedged")]
    assert "day, month and year" in problems[line_of(text, "date_format")]


def test_a_misspelt_key_gets_a_suggestion_and_a_missing_section_is_named(tmp_path):
    text = SMALL.replace('title = "Headline"', 'titel = "Headline"').replace(
        "[assertion]", "[assertions]"
    )
    sheet, mapping = write(tmp_path, "", text)
    with pytest.raises(MappingError) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping)
    message = str(caught.value)
    assert (
        f'{mapping}:{line_of(text, "titel")}: unknown key "titel" in [document]; did you mean "title"?'
        in message
    )
    assert (
        f'{mapping}:{line_of(text, "[assertions]")}: unknown key "assertions" in the mapping; did you mean "assertion"?'
        in message
    )
    assert "[document] needs title" in message
    assert "the mapping has no [assertion] section" in message


def test_toml_syntax_error_names_its_line(tmp_path):
    text = SMALL.replace('publisher = "Outlet"', 'publisher = "Outlet')
    sheet, mapping = write(tmp_path, "", text)
    with pytest.raises(
        MappingError,
        match=rf"{re.escape(str(mapping))}:{line_of(text, 'publisher')}: not valid TOML",
    ):
        run(tmp_path, sheet=sheet, mapping=mapping)


def test_no_mapping_says_how_to_start_one(tmp_path):
    with pytest.raises(BriefingError, match=r"needs --mapping FILE.*--template"):
        import_dataset("table", [SHEET], tmp_path / "log", options={})


# ---- cell mistakes: the sheet's row -------------------------------------------------------


def test_stance_value_missing_from_the_map_names_row_column_value_and_keys(tmp_path):
    sheet, mapping = write(
        tmp_path,
        "A,Wire,T,2025-04-08,X,confirmed,2025-04-08\n"
        "B,Wire,T,2025-04-08,X,Denied ,2025-04-08\n"  # case and spaces do not matter
        "C,Wire,T,2025-04-08,X,unclear,2025-04-08\n",
    )
    with pytest.raises(SheetProblems) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping)
    message = str(caught.value)
    assert (
        f"{sheet}:4: Position: 'unclear' is not in the map of [claim] stance, {mapping}:{line_of(SMALL, 'stance')}"
        in message
    )
    assert '"confirmed", "denied", "no comment"; add it to the map' in message
    assert message.count(f"{sheet}:") == 1
    assert not (tmp_path / "log").exists()


def test_every_bad_cell_is_listed_at_once_with_its_row(tmp_path):
    text = SMALL + 'hedged = "Hedged"\n'
    sheet, mapping = write(
        tmp_path,
        ",Wire,T,2025-04-08,X,confirmed,2025-04-08,no\n"
        "B,Wire,T,2025-04-08,X,confirmed,2025-04-09,no\n"
        "C,Wire,T,2025-04-08,X,confirmed,2025-04-08,maybe\n"
        "D,Wire,T,08/04/2025,X,confirmed,2025-04-08,no\n",
        text,
        header=HEADER.strip() + ",Hedged\n",
    )
    with pytest.raises(SheetProblems) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping)
    message = str(caught.value)
    assert f"{sheet}:2: Who: empty, but a source needs its name" in message
    assert (
        f"{sheet}:3: Said: '2025-04-09' starts 2025-04-09, after the document was published (2025-04-08)"
        in message
    )
    assert f"{sheet}:4: Hedged: 'maybe' is not yes or no" in message
    assert f"{sheet}:5: Date: not a date expression" in message
    assert 'add date_format = "%d/%m/%Y" under [sheet]' in message


def test_a_date_that_reads_with_day_and_month_swapped_says_so(tmp_path):
    """Under date_format "%m/%d/%Y", "14/11/2025" can only be day-first: the problem
    names the format that reads it; a date no format reads keeps the ISO hint."""
    text = SMALL + '\n[sheet]\ndate_format = "%m/%d/%Y"\n'
    sheet, mapping = write(
        tmp_path,
        "A,Wire,T,14/11/2025,X,confirmed,14/11/2025\nB,Wire,T,31/31/2025,X,confirmed,2025-11-01\n",
        text,
    )
    with pytest.raises(SheetProblems) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping)
    message = str(caught.value)
    assert (
        f"{sheet}:2: Date: '14/11/2025' is neither a date written %m/%d/%Y (the date format "
        f"of {mapping}) nor a date expression; it reads as a date written %d/%m/%Y: write "
        'date_format = "%d/%m/%Y" if the whole sheet is written so'
    ) in message
    assert f"{sheet}:3: Date: '31/31/2025' is neither" in message
    assert "write an ISO date such as" in message.split(f"{sheet}:3: Date:")[1]


def test_day_first_dates_by_the_sheet_format_and_a_column_format(tmp_path):
    text = SMALL.replace('stated = "Said"', 'stated = { column = "Said", format = "%m/%d/%Y" }')
    text += '\n[sheet]\ndate_format = "%d/%m/%Y"\n'
    sheet, mapping = write(
        tmp_path,
        "A,Wire,T,05/04/2025,X,confirmed,04/03/2025\n"  # published 5 April; stated 3 April
        "B,Wire,T,13/04/2025,X,confirmed,last Monday\n"
        "C,Wire,T,2025-04-14,X,confirmed,2025-04\n",  # ISO passes unchanged
        text,
    )
    run(tmp_path, sheet=sheet, mapping=mapping)
    claims = by_row(tmp_path / "log")
    assert [claims[n]["stated"] for n in (2, 3, 4)] == ["2025-04-03", "last Monday", "2025-04"]
    published = sorted(d["published"] for d in rows_of(tmp_path / "log", "documents.csv"))
    assert published == ["2025-04-05", "2025-04-13", "2025-04-14"]
    loaded = loaded_claims(tmp_path / "log")
    assert str(loaded.loc[3, "stated_start"].date()) == "2025-04-07"  # Monday before Sun 13th


def test_relative_dates_resolve_against_each_document(tmp_path):
    sheet, mapping = write(
        tmp_path,
        "A,Wire,T1,2025-04-09,X,confirmed,yesterday\n"
        "A,Wire,T2,2025-04-16,X,denied,yesterday\n"
        "B,Wire,T2,2025-04-16,X,no comment,in recent days\n"
        "B,Wire,T2,2025-04-16,X,no comment,\n",  # empty: stated on the document's day
    )
    _, report = run(tmp_path, sheet=sheet, mapping=mapping)
    loaded = loaded_claims(tmp_path / "log")
    days = {
        n: (str(loaded.loc[n, "stated_start"].date()), str(loaded.loc[n, "stated_end"].date()))
        for n in (2, 3, 4, 5)
    }
    assert days == {
        2: ("2025-04-08", "2025-04-08"),
        3: ("2025-04-15", "2025-04-15"),
        4: ("2025-04-10", "2025-04-16"),
        5: ("2025-04-16", "2025-04-16"),
    }
    assert report.handled["claims without a stated date"][0] == 1


# ---- sources, documents, assertions: one per identity -------------------------------------


def test_one_source_with_two_kinds_keeps_the_first_and_reports_it(tmp_path):
    text = SMALL.replace('kind = { value = "media" }', 'kind = "Kind"')
    sheet, mapping = write(
        tmp_path,
        "Reuters,Wire,T,2025-04-08,X,confirmed,2025-04-08,media\n"
        "REUTERS,Wire,T,2025-04-08,Y,confirmed,2025-04-08,official\n"
        "Reuters ,Wire,T,2025-04-08,Z,confirmed,2025-04-08,\n",
        text,
        header=HEADER.strip() + ",Kind\n",
    )
    _, report = run(tmp_path, sheet=sheet, mapping=mapping)
    assert rows_of(tmp_path / "log", "sources.csv") == [
        {
            "source_id": "reuters",
            "name": "Reuters",
            "kind": "media",
            "side": "",
            "reliability": "",
            "url": "",
            "notes": "",
        }
    ]
    rows, how = report.handled["sources whose rows differ in kind"]
    assert rows == 1 and "'media', not 'official'" in how and "sheet.csv:3" in how
    assert report.handled["sources whose rows differ in name"][0] == 1


def test_a_source_kind_no_row_gives_is_refused_at_its_first_row(tmp_path):
    text = SMALL.replace('kind = { value = "media" }', 'kind = "Kind"')
    sheet, mapping = write(
        tmp_path,
        "A,Wire,T,2025-04-08,X,confirmed,2025-04-08,media\n"
        "B,Wire,T,2025-04-08,X,confirmed,2025-04-08,\n"
        "B,Wire,T,2025-04-08,Y,confirmed,2025-04-08,\n",
        text,
        header=HEADER.strip() + ",Kind\n",
    )
    with pytest.raises(
        SheetProblems, match=r"sheet.csv:3: Kind: source 'B' has no kind in any row"
    ):
        run(tmp_path, sheet=sheet, mapping=mapping)


def test_statements_differing_in_case_or_spacing_are_one_assertion(tmp_path):
    sheet, mapping = write(
        tmp_path,
        "A,Wire,T,2025-04-08,Troops reached  Demidovka,confirmed,2025-04-08\n"
        "B,Wire,T,2025-04-08,troops reached Demidovka,denied,2025-04-08\n",
    )
    _, report = run(tmp_path, sheet=sheet, mapping=mapping)
    assertions = rows_of(tmp_path / "log", "assertions.csv")
    assert [(a["assertion_id"], a["statement"]) for a in assertions] == [
        (
            "troops-reached-demidovka-" + assertions[0]["assertion_id"][-8:],
            "Troops reached  Demidovka",
        )
    ]
    assert report.handled["assertions whose rows differ in statement"][0] == 1


def test_whole_sheet_one_document_by_fixed_values_and_ids_from_columns(tmp_path):
    text = """\
[source]
name = "Who"
id = "Who ID"
kind = { value = "official" }
reliability = "Grade"

[document]
id = { value = "mod-daily-2025-04-12" }
title = { value = "Daily briefing, 12 April 2025" }
publisher = { value = "Ministry of Defence" }
published = { value = 2025-04-12 }

[assertion]
statement = "Claim"
id = "Claim ID"

[claim]
stance = { value = "supports" }
hedged = { value = true }
"""
    sheet, mapping = write(
        tmp_path,
        "Spokesman,MOD-1,Village X taken,X1,B2\nSpokesman,MOD-1,Village Y taken,,\n",
        text,
        header="Who,Who ID,Claim,Claim ID,Grade\n",
    )
    _, report = run(tmp_path, sheet=sheet, mapping=mapping)
    out = tmp_path / "log"
    assert [d["document_id"] for d in rows_of(out, "documents.csv")] == ["mod-daily-2025-04-12"]
    assert rows_of(out, "sources.csv")[0]["source_id"] == "mod-1"
    assert rows_of(out, "sources.csv")[0]["reliability"] == "B"  # Admiralty "B2"
    claims = by_row(out)
    assert claims[2]["assertion_id"] == "x1"
    assert claims[3]["assertion_id"].startswith("village-y-taken-")  # no id: made
    assert {c["stated"] for c in claims.values()} == {"2025-04-12"}
    assert {c["hedged"] for c in claims.values()} == {"true"}
    assert report.handled['empty "Claim ID" cells ([assertion] id)'][0] == 1


# ---- citations ----------------------------------------------------------------------------


def test_cites_by_claim_id_and_refused_for_an_unknown_one(tmp_path):
    text = SMALL + 'id = "Ref"\ncites = { column = "Per", by = "id" }\n'
    header = HEADER.strip() + ",Ref,Per\n"
    rows = (
        "Blogger,Wire,T,2025-04-08,X,confirmed,2025-04-08,R-1,\n"
        'ISW,Wire,T,2025-04-08,X,confirmed,2025-04-08,R-2,"R-1, r-1"\n'
    )
    sheet, mapping = write(tmp_path, rows, text, header=header)
    run(tmp_path, sheet=sheet, mapping=mapping)
    claims = by_row(tmp_path / "log")
    assert (claims[2]["claim_id"], claims[3]["cites"]) == ("r-1", "r-1")

    sheet, mapping = write(tmp_path, rows.replace('"R-1, r-1"', "R-9"), text, header=header)
    with pytest.raises(SheetProblems, match=r"sheet.csv:3: Per: no row has the claim id 'R-9'"):
        run(tmp_path, sheet=sheet, mapping=mapping, name="again")


def test_cites_by_row_refuses_a_row_that_is_no_claim_and_drops_a_filtered_one(tmp_path):
    text = SMALL + 'cites = { column = "Per", by = "row" }\n'
    header = HEADER.strip() + ",Per\n"
    rows = (
        "Blogger,Wire,T,2025-04-08,X,confirmed,2025-04-08,\n"
        "Other,Wire,T,2025-04-08,X,denied,2025-04-08,\n"
        "ISW,Wire,T,2025-04-08,X,confirmed,2025-04-08,#2; row 3\n"
    )
    sheet, mapping = write(tmp_path, rows, text, header=header)
    _, report = run(tmp_path, sheet=sheet, mapping=mapping, where=["Who!=Other"])
    claims = by_row(tmp_path / "log")
    assert claims[4]["cites"] == claims[2]["claim_id"]
    assert report.handled["citations of rows left out by --where, --since or --until"][0] == 1
    assert report.skipped["rows", "--where Who!=Other"] == 1

    sheet, mapping = write(tmp_path, rows.replace("#2; row 3", "9;4"), text, header=header)
    with pytest.raises(SheetProblems) as caught:
        run(tmp_path, sheet=sheet, mapping=mapping, name="again")
    assert "sheet.csv:4: Per: row 9 is not a claim row of this sheet" in str(caught.value)


# ---- reading the sheet --------------------------------------------------------------------


def test_utf8_bom_semicolons_empty_rows_and_fill_down(tmp_path):
    text = SMALL + '\n[sheet]\nfill_down = ["Outlet", "Headline", "Date"]\n'
    sheet, mapping = write(tmp_path, "", text)
    sheet.write_bytes(
        b"\xef\xbb\xbf"
        + "Who;Outlet;Headline;Date;Claim;Position;Said\n"
        "Zoë;Wire;T;2025-04-08;X;confirmed;2025-04-08\n"
        ";;;;;;\n"
        "Ann;;;;X;denied;2025-04-08\n"
        ";;;;;;\n\n".encode()  # empty rows at the end: formatting, not rows
    )
    _, report = run(tmp_path, sheet=sheet, mapping=mapping)
    claims = by_row(tmp_path / "log")
    assert sorted(claims) == [2, 4]
    assert claims[2]["document_id"] == claims[4]["document_id"]
    assert {s["name"] for s in rows_of(tmp_path / "log", "sources.csv")} == {"Zoë", "Ann"}
    assert report.skipped["rows", "empty row"] == 1
    assert report.read["rows"] == 3
    assert report.handled['empty cells of "Outlet" (fill_down)'][0] == 1


def test_non_utf8_csv_is_refused_with_the_fix_or_read_with_its_encoding(tmp_path):
    sheet, mapping = write(tmp_path, "")
    sheet.write_bytes(
        (HEADER + "Björk,Wire,T,2025-04-08,X,confirmed,2025-04-08\n").encode("cp1252")
    )
    with pytest.raises(
        BriefingError,
        match=r'sheet.csv: line 2: byte 0xf6 is not utf-8 text; save the sheet as "CSV UTF-8".*encoding = "cp1252"',
    ):
        run(tmp_path, sheet=sheet, mapping=mapping)
    mapping.write_text(SMALL + '\n[sheet]\nencoding = "cp1252"\n')
    run(tmp_path, sheet=sheet, mapping=mapping)
    assert rows_of(tmp_path / "log", "sources.csv")[0]["name"] == "Björk"


def test_several_sheets_at_once_keep_their_file_and_cite_within_it(tmp_path):
    text = SMALL + 'cites = { column = "Per", by = "row" }\n'
    header = HEADER.strip() + ",Per\n"
    first, mapping = write(tmp_path, "A,Wire,T,2025-04-08,X,confirmed,2025-04-08,\n", text, header)
    second = tmp_path / "april.csv"
    second.write_text(
        header
        + "B,Wire,T,2025-04-09,X,denied,2025-04-09,\nC,Wire,T,2025-04-09,X,confirmed,2025-04-09,2\n"
    )
    import_dataset("table", [first, second], tmp_path / "log", options={"mapping": mapping})
    claims = {(c["input_file"], c["input_row"]): c for c in rows_of(tmp_path / "log", "claims.csv")}
    assert sorted(claims) == [(str(second), "2"), (str(second), "3"), (str(first), "2")]
    assert claims[str(second), "3"]["cites"] == claims[str(second), "2"]["claim_id"]


def test_since_until_keep_rows_by_their_document_date(tmp_path):
    _, report = run(tmp_path, since=dt.date(2025, 4, 9), until=dt.date(2025, 4, 10))
    assert sorted(by_row(tmp_path / "log")) == [5, 6, 7]
    assert report.skipped["rows", "ends before --since 2025-04-09"] == 3
    assert report.skipped["rows", "starts after --until 2025-04-10"] == 1
    # rows 5 and 6 cited rows 4 and 2, which --since left out: dropped, and counted
    assert by_row(tmp_path / "log")[5]["cites"] == by_row(tmp_path / "log")[6]["cites"] == ""
    assert report.handled["citations of rows left out by --where, --since or --until"][0] == 2


def test_dataset_section_sets_licence_and_attribution(tmp_path):
    text = SMALL + '\n[dataset]\nlicense = "CC BY 4.0"\nattribution = "Data: Jane Analyst"\n'
    sheet, mapping = write(tmp_path, "A,Wire,T,2025-04-08,X,confirmed,\n", text)
    dataset, report = run(tmp_path, sheet=sheet, mapping=mapping)
    manifest = tomllib.loads((tmp_path / "log" / "dataset.toml").read_text())
    assert (manifest["license"], manifest["attribution"]) == ("CC BY 4.0", "Data: Jane Analyst")
    assert "Attribution: Data: Jane Analyst" in (tmp_path / "log" / "IMPORT.md").read_text()
    assert manifest["title"] == "log"  # no title: the folder's name


def test_reimport_is_byte_identical(tmp_path, worked):
    run(tmp_path, name="log")  # same folder name, so dataset.toml's name is the same too
    files = sorted(p.name for p in worked[0].iterdir())
    assert files == sorted([".claim-briefings-dataset", "IMPORT.md", "dataset.toml", *TABLES])
    for name in files:
        assert (tmp_path / "log" / name).read_bytes() == (worked[0] / name).read_bytes(), name


# ---- --template ---------------------------------------------------------------------------


def test_generic_template_parses_and_imports_once_its_columns_are_named(tmp_path):
    text = template(None)
    parsed = tomllib.loads(text)
    assert set(parsed) == {"dataset", "sheet", "source", "document", "assertion", "claim"}
    assert parsed["claim"]["stance"]["map"] == {
        "confirmed": "supports",
        "denied": "refutes",
        "no comment": "neutral",
    }
    filled = (
        text.replace('name = "Source"', 'name = "Who"')
        .replace('stated = "Said on"', 'stated = "Said"')
        .replace('# date_format = "%d/%m/%Y"', 'date_format = "%d/%m/%Y"')
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(filled)
    run(tmp_path, mapping=mapping)
    claims = by_row(tmp_path / "log")
    assert len(claims) == 7 and claims[3]["stance"] == "refutes"


def test_template_for_a_sheet_guesses_columns_and_imports_as_it_stands(tmp_path, worked):
    text = template(SHEET)
    assert '#   "Who"         Volodymyr Zelensky  -> source.name' in text
    assert 'date_format = "%d/%m/%Y"' in text.splitlines()[text.splitlines().index("[sheet]") + 5]
    parsed = tomllib.loads(text)
    assert parsed["source"]["name"] == "Who"
    assert parsed["assertion"]["statement"] == "Claim"
    assert parsed["claim"]["stance"] == {
        "column": "Position",
        "map": {"confirmed": "supports", "denied": "refutes", "no comment": "neutral"},
    }
    mapping = tmp_path / "fitted.toml"
    mapping.write_text(text)
    run(tmp_path, mapping=mapping, name="fitted")
    fitted, by_hand = by_row(tmp_path / "fitted"), by_row(worked[0])
    for row, claim in by_hand.items():
        claim.pop("analyst")  # kept by the hand-written mapping only
        assert fitted[row] == claim


def test_template_leaves_unguessable_values_commented_and_asks_about_ambiguous_dates(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Date,Outlet,Headline,Speaker,Statement,Verdict\n"
        "04/05/2025,Wire,T,A,X,Confirmed\n"
        "05/04/2025,Wire,T,B,X,sort of\n",
        encoding="utf-8",
    )
    text = template(sheet)
    tomllib.loads(text)
    assert '"Confirmed" = "supports"' in text
    assert '# "sort of" = ""  # no guess' in text
    assert "# CHECK: the dates could be day-first or month-first" in text
    assert 'kind = { value = "other" }' in text


def test_template_for_a_workbook_names_the_worksheet(tmp_path):
    workbook = build_xlsx(tmp_path / "claims-log.xlsx", title_rows=2)
    text = template(workbook, sheet="Claims")
    parsed = tomllib.loads(text)
    assert parsed["sheet"]["worksheet"] == "Claims"
    assert parsed["sheet"]["header_row"] == 3
    assert parsed["source"]["name"] == "Who"
    assert '#   "Date"        2025-04-08  -> document.published' in text


# ---- the command line ---------------------------------------------------------------------


def test_cli_imports_and_prints_the_report(tmp_path, capsys):
    out = tmp_path / "log"
    code = main(["import", "table", str(SHEET), "--mapping", str(MAPPING), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "rows: 7 read, 7 imported" in captured.out
    assert f"wrote {out} (Belgorod incursion: claims log)" in captured.out
    assert (out / "claims.csv").is_file()


def test_cli_template_with_and_without_a_sheet(tmp_path, capsys):
    assert main(["import", "table", "--template"]) == 0
    generic = capsys.readouterr().out
    assert tomllib.loads(generic)["source"]["name"] == "Source"
    assert main(["import", "table", str(SHEET), "--template"]) == 0
    fitted = capsys.readouterr().out
    assert tomllib.loads(fitted)["document"]["publisher"] == "Outlet"


def test_cli_refuses_a_bad_mapping_without_a_traceback(tmp_path, capsys):
    mapping = tmp_path / "mapping.toml"
    text = MAPPING.read_text().replace('publisher = "Outlet"', 'publisher = "Outlets"')
    mapping.write_text(text)
    code = main(
        ["import", "table", str(SHEET), "--mapping", str(mapping), "--out", str(tmp_path / "x")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f'{mapping}:{line_of(text, "Outlets")}: [document] publisher: no column "Outlets"' in err
    assert 'did you mean "Outlet"?' in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


# ---- figures and questions ----------------------------------------------------------------

FIGURES = Path(__file__).resolve().parent / "data" / "import-table-figures"


def test_figures_units_and_questions_are_mapped_like_any_field(tmp_path):
    data, _ = run(tmp_path, sheet=FIGURES / "tolls.csv", mapping=FIGURES / "tolls.toml")
    assertions = data.assertions.set_index("statement")
    assert assertions.loc["Deaths in the strike on X", "unit"] == "deaths"
    assert pd.isna(assertions.loc["Side A holds Y", "unit"])
    question = data.questions.iloc[0]
    assert (question["text"], question["topic"]) == ("Who holds Y?", "control")
    assert set(assertions.loc[["Side A holds Y", "Side B holds Y"], "question_id"]) == {
        question["question_id"]
    }
    figures = data.claims.set_index("input_row")[["value", "low", "high"]]
    assert figures.loc["2"].tolist()[0] == 12 and figures.loc["2"].isna().tolist() == [
        False,
        True,
        True,
    ]
    assert figures.loc["3", ["low", "high"]].tolist() == [8, 20]
    assert figures.loc["4"].isna().all()  # a refutation gives no figure
    result = analyze(data)
    deaths = result.quantities.iloc[0]
    assert (deaths["lowest"], deaths["highest"], deaths["sources"]) == (8, 20, 2)
    assert result.questions.set_index("text").loc["Who holds Y?", "status"] == "contested"


def test_figures_that_break_the_contract_are_refused_at_their_rows(tmp_path):
    sheet = tmp_path / "tolls.csv"
    lines = (FIGURES / "tolls.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",12,,,", ",about 12,,,")  # words in a figure
    lines[2] = lines[2].replace(",,8,20,", ",25,8,20,")  # a value outside its range
    lines[4] = lines[4].replace("2025-05-03,,,,", "2025-05-03,3,,,")  # a figure, no unit
    lines[5] = lines[5].replace(",Side B holds Y,,", ",Side B holds Y,km,")  # quantity, no figure
    lines[5] = lines[5].replace(",Who holds Y?,", ",,")
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SheetProblems) as caught:
        run(tmp_path, sheet=sheet, mapping=FIGURES / "tolls.toml")
    message = str(caught.value)
    assert f"{sheet}:2: Killed: 'about 12' is not a number" in message
    assert f"{sheet}:3: Killed: the value lies outside its own range" in message
    assert f"{sheet}:5: Killed: a figure on an assertion without a unit" in message
    assert f"{sheet}:6: Killed: a supporting claim on a quantity gives a figure" in message
    assert not (tmp_path / "log").exists()


def test_a_mapping_without_figures_keeps_its_claim_ids(tmp_path):
    data, _ = run(tmp_path)
    # the worked example's row 5 claim id, as docs/importers.md shows it
    assert "c-e3883dd955a60d57" in set(data.claims["claim_id"])


def test_template_guesses_figure_unit_and_question_columns(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Source,Outlet,Headline,Date,Claim,Unit,Question,Position,Value,Low,High\n"
        "A,Wire,T,2025-04-08,Deaths in X,deaths,,confirmed,12,,\n",
        encoding="utf-8",
    )
    text = template(sheet)
    for line in ('unit = "Unit"', 'question = "Question"', 'value = "Value"', 'low = "Low"'):
        assert any(row.startswith(line) for row in text.splitlines()), line
