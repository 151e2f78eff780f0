"""``briefing import values``: small hand-made tables with their figures worked out by hand,
then the truth-discovery benchmarks and the Ukrainian losses series read in place."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import analyze
from analysis.cli import main
from analysis.errors import BriefingError
from analysis.importers.run import import_dataset

from .conftest import REALDATA, needs_realdata

SAMPLES = Path(__file__).resolve().parent / "data" / "import-values"
WHO_HOLDS = SAMPLES / "who-holds.csv"
LOSSES = SAMPLES / "losses.csv"
STORES = SAMPLES / "stores.tsv"


def values(tmp_path: Path, inputs, **options):
    options.setdefault("kind", "choice")
    where = options.pop("where", ())
    return import_dataset(
        "values", list(inputs), tmp_path / "out", options=options, where=list(where)
    )


def skipped(report) -> dict[str, int]:
    return {reason: n for (unit, reason), n in report.skipped.items() if unit == "values"}


def test_a_choice_table_becomes_questions_whose_alternatives_are_the_values(tmp_path):
    data, report = values(
        tmp_path, [WHO_HOLDS], source="source", item=["question"], value=["answer"], time="date"
    )
    assert report.read["values"] == 10 and report.imported("values") == 7
    assert skipped(report) == {
        "value empty, e.g. who-holds.csv:11": 1,
        "value is a placeholder for none (n/a, nan, not available, null), e.g. "
        "who-holds.csv:10 'Not Available'": 1,
        "the same value again (same source, item and day)": 1,
    }
    questions = data.questions.set_index("question_id")["text"]
    assert sorted(questions) == ["When was Sudzha retaken?", "Who holds Sudzha?"]
    alternatives = data.assertions.assign(question=data.assertions["question_id"].map(questions))
    assert sorted(zip(alternatives["question"], alternatives["statement"], strict=True)) == [
        ("When was Sudzha retaken?", "When was Sudzha retaken?: 12 March"),
        ("When was Sudzha retaken?", "When was Sudzha retaken?: 13 March"),
        ("Who holds Sudzha?", "Who holds Sudzha?: Russian forces"),
        ("Who holds Sudzha?", "Who holds Sudzha?: Ukrainian forces"),
    ]
    assert sorted(data.sources["name"]) == [
        "DeepState",
        "ISW",
        "Russian MoD",
        "Ukrainian General Staff",
    ]  # Rybar gave no value
    assert set(data.sources["kind"]) == {"other"}
    assert sorted(data.documents["document_id"]) == [
        "deepstate-2025-03-13",
        "deepstate-2025-03-14",
        "isw-2025-03-13",
        "isw-2025-03-14",
        "russian-mod-2025-03-12",
        "russian-mod-2025-03-13",
        "ukrainian-general-staff-2025-03-12",
    ]
    assert len(data.claims) == 7 and set(data.claims["stance"]) == {"supports"}
    claim = data.claims.set_index("input_row").loc["9"]  # DeepState, 13 March, read on the 14th
    assert (claim["source_id"], claim["stated"], claim["event_time"], claim["quote"]) == (
        "deepstate",
        "2025-03-14",
        "2025-03-14",
        "13 March",
    )
    result = analyze(data)
    status = result.questions.set_index("text")["status"]
    assert status.to_dict() == {
        "Who holds Sudzha?": "contested",
        "When was Sudzha retaken?": "contested",
    }
    holders = result.alternatives.set_index("statement")["holders"]
    assert list(holders["Who holds Sudzha?: Russian forces"]) == ["deepstate", "isw", "russian-mod"]
    assert list(holders["When was Sudzha retaken?: 13 March"]) == ["deepstate"]


def test_a_number_table_gives_running_totals_with_a_correction(tmp_path):
    data, report = values(
        tmp_path,
        [LOSSES],
        kind="number",
        source="source",
        item=["item"],
        value=["value"],
        time="as_of",
        stated="stated",
        unit="losses",
        cumulative=True,
    )
    assert skipped(report) == {
        "not a number (--kind number wants digits: 12 or 4.5), e.g. losses.csv:7 'about 40'": 1,
        "negative (a count or measure is 0 or more), e.g. losses.csv:8 '-3'": 1,
        "another value of the same source for the same item and day (the last row is kept), "
        "e.g. losses.csv:9 '370'": 1,
    }
    assert report.handled["figures written with thousands separators (12,345)"][0] == 1
    quantities = data.assertions.set_index("statement")
    assert quantities.loc["tanks", "unit"] == "losses" and quantities.loc["tanks", "cumulative"]
    assert data.questions is None or data.questions.empty
    figures = data.claims.set_index("input_row")
    assert figures.loc["5", "value"] == 1600 and figures.loc["5", "quote"] == "1,600"
    assert figures.loc["10", "value"] == 371  # the last of two values for one day
    assert (figures.loc["4", "stated"], figures.loc["4", "event_time"]) == (
        "2025-03-03",
        "2025-03-01",
    )
    result = analyze(data)
    tanks = quantities.loc["tanks", "assertion_id"]
    current = result.figures[result.figures["assertion_id"].eq(tanks)].set_index("source_id")
    assert current["value"].to_dict() == {"general-staff": 3125.0, "oryx": 1604.0}
    revision = result.revisions[result.revisions["assertion_id"].eq(tanks)]
    assert revision[["source_id", "from_value", "to_value"]].values.tolist() == [
        ["general-staff", 3120.0, 3098.0]
    ]
    series = result.series[result.series["assertion_id"].eq(tanks)]
    assert series[["source_id", "value"]].values.tolist() == [
        ["general-staff", 3098.0],
        ["general-staff", 3125.0],
        ["oryx", 1600.0],
        ["oryx", 1604.0],
    ]
    summary = result.quantities.set_index("assertion_id").loc[tanks]
    assert (summary["lowest"], summary["highest"], summary["conservative"]) == (1604, 3125, 1604)


def test_a_tsv_without_header_keeps_quotes_and_values_as_written(tmp_path):
    data, report = values(
        tmp_path,
        [STORES],
        no_header=True,
        source="1",
        item=["2"],
        value=["4"],
        date="2020-01-29",
    )
    assert report.read["rows"] == 4
    assert list(data.questions["text"]) == ["0201853949"]  # 0131103628: not available only
    assert sorted(data.assertions["alternative"]) == ["Donald E. Knuth", "Knuth, Donald E."]
    assert set(data.claims["stated"]) == {"2020-01-29"} and data.claims["event_time"].isna().all()
    assert sorted(data.sources["name"]) == ["A1Books", "Powell", "alphacraze"]


def test_a_wide_table_makes_an_item_of_each_value_column(tmp_path):
    table = tmp_path / "flights.csv"
    table.write_text(
        "src,flight,dep,arr\n"
        "aa,AA-1,7:10 a.m.,9:00 a.m.\n"
        "orbitz,AA-1,7:10a,Contact Airline\n"
        "orbitz,AA-2,,12:00noon\n",
        encoding="utf-8",
    )
    data, report = values(
        tmp_path,
        [table],
        source="src",
        item=["flight"],
        value=["dep", "arr"],
        date="2011-12-01",
        missing=["Contact Airline"],
    )
    assert sorted(data.questions["text"]) == ["AA-1 / arr", "AA-1 / dep", "AA-2 / arr"]
    assert report.read["values"] == 6 and len(data.claims) == 4
    assert skipped(report)["value empty, e.g. flights.csv:4"] == 1  # AA-2's dep


def test_several_item_columns_make_one_item(tmp_path):
    table = tmp_path / "cities.csv"
    table.write_text(
        "city,figure,value,who\nkyiv,Population2000,2611000,u1\nkyiv,Population2006,2660000,u2\n"
        "kyiv,Population2000,2611300,u2\n",
        encoding="utf-8",
    )
    data, _ = values(
        tmp_path,
        [table],
        kind="number",
        source="who",
        item=["city", "figure"],
        value=["value"],
        unit="people",
        date="2020-01-29",
    )
    assert sorted(data.assertions["statement"]) == [
        "kyiv / Population2000",
        "kyiv / Population2006",
    ]
    result = analyze(data).quantities.set_index("statement")
    assert result.loc["kyiv / Population2000", ["lowest", "highest"]].tolist() == [2611000, 2611300]


def test_period_and_where_filters_apply_to_the_rows(tmp_path):
    data, report = values(
        tmp_path,
        [WHO_HOLDS],
        source="source",
        item=["question"],
        value=["answer"],
        time="date",
        where=["source!=ISW"],
    )
    assert report.skipped["rows", "--where source!=ISW"] == 2
    assert "isw" not in set(data.sources["source_id"])
    since = import_dataset(
        "values",
        [WHO_HOLDS],
        tmp_path / "since",
        since=dt.date(2025, 3, 14),
        options={"source": "source", "item": ["question"], "value": ["answer"], "time": "date"},
    )[0]
    assert set(since.claims["stated"]) == {"2025-03-14"}


@pytest.mark.parametrize(
    "options, message",
    [
        ({"item": ["question"], "value": ["answer"], "time": "date"}, "needs --source"),
        ({"source": "source", "item": ["question"], "value": ["answer"]}, "say when"),
        (
            {"source": "Source", "item": ["question"], "value": ["answer"], "time": "date"},
            '--source: no column "Source" in who-holds.csv; did you mean "source"',
        ),
        (
            {"source": "source", "item": ["question"], "value": ["answer"], "unit": "km",
             "time": "date"},
            "add --kind number",
        ),
        (
            {"source": "source", "item": ["question"], "value": ["answer"], "time": "date",
             "date": "2025-01-01"},
            "leave it out with --time",
        ),
    ],
)  # fmt: skip
def test_a_request_that_cannot_work_is_refused_and_nothing_written(tmp_path, options, message):
    with pytest.raises(BriefingError, match=message):
        import_dataset("values", [WHO_HOLDS], tmp_path / "out", options=options)
    assert not (tmp_path / "out").exists()


def test_the_command_line_imports_and_prints_the_report(tmp_path, capsys):
    out = tmp_path / "sudzha"
    code = main(
        ["import", "values", str(WHO_HOLDS), "--source", "source", "--item", "question",
         "--value", "answer", "--time", "date", "--out", str(out),
         "--attribution", "Invented rows for a test", "--licence", "CC0-1.0"]
    )  # fmt: skip
    assert code == 0
    assert "values: 10 read, 7 imported" in capsys.readouterr().out
    manifest = (out / "dataset.toml").read_text(encoding="utf-8")
    assert 'attribution = "Invented rows for a test"' in manifest
    assert 'license = "CC0-1.0"' in manifest
    assert "Invented rows for a test" in (out / "IMPORT.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the real tables, in place

TRUTH = REALDATA / "truth"
LOSSES_DATA = REALDATA / "ukraine-losses"
PLACEHOLDERS = {"not available", "n/a", "null", "nan"}
# the attributions the READMEs of ../shared/realdata/truth ask for
BOOK_CREDIT = (
    "Book dataset of Yin, Han & Yu (KDD 2007) as distributed by X. L. Dong (lunadong.com), "
    "via github.com/totucuong/spectrum @ 77628c1 (Apache-2.0)."
)
FLIGHTS_CREDIT = (
    "Flight data of Li et al. (VLDB 2012), HoloClean/PClean version, via "
    "github.com/probcomp/PClean @ 6779154 (Apache-2.0)."
)
POPULATION_CREDIT = (
    "Population dataset of Pasternack & Roth (from Wikipedia edit histories), via "
    "github.com/totucuong/spectrum @ 77628c1."
)


def usable(value: str, extra: set[str] = frozenset()) -> bool:
    text = " ".join(value.split()).casefold()
    return bool(text) and text not in PLACEHOLDERS | extra


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@needs_realdata
def test_the_book_benchmark_loads_with_its_stores_books_and_claims(tmp_path):
    """book.txt read with plain Python (tab-separated, no header, no quoting): one claim per
    store and ISBN with a usable author list (its last row's when a store lists a book
    twice), one question per ISBN, one alternative per distinct author list so claimed."""
    lines = (TRUTH / "book" / "book.txt").read_text(encoding="ascii").splitlines()
    rows = [[cell.strip() for cell in line.split("\t")] for line in lines]
    last = {(r[0], r[1]): r[3] for r in rows if usable(r[3])}  # a later row replaces
    kept = [[store, isbn, "", authors] for (store, isbn), authors in last.items()]
    data, _ = values(
        tmp_path,
        [TRUTH / "book" / "book.txt"],
        no_header=True,
        source="1",
        item=["2"],
        value=["4"],
        date="2020-01-29",
        attribution=BOOK_CREDIT,
        licence="no stated licence (research data, attribution required)",
    )
    assert len(data.sources) == len({r[0] for r in kept})
    assert len(data.questions) == len({r[1] for r in kept})
    assert len(data.assertions) == len({(r[1], r[3]) for r in kept})
    assert len(data.claims) == len({(r[0], r[1]) for r in kept})
    assert data.metadata["attribution"] == BOOK_CREDIT


@needs_realdata
def test_the_flights_benchmark_loads_one_item_per_flight_and_time(tmp_path):
    path = TRUTH / "flights" / "flights_dirty.csv"
    times = ["sched_dep_time", "act_dep_time", "sched_arr_time", "act_arr_time"]
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    extra = {"contact airline"}
    cells = [(r["src"], r["flight"], t) for r in rows for t in times if usable(r[t], extra)]
    data, _ = values(
        tmp_path,
        [path],
        source="src",
        item=["flight"],
        value=times,
        date="2025-09-25",
        missing=["Contact Airline"],
        attribution=FLIGHTS_CREDIT,
    )
    assert data.metadata["attribution"] == FLIGHTS_CREDIT
    assert len(data.sources) == len({c[0] for c in cells})
    assert len(data.questions) == len({c[1:] for c in cells})
    assert len(data.claims) == len(set(cells))


@pytest.mark.slow  # a third of a second or more (the fast loop stays under 45 s)
@needs_realdata
def test_the_population_benchmark_loads_as_quantities(tmp_path):
    path = TRUTH / "population" / "population_claims.csv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    data, _ = values(
        tmp_path,
        [path],
        kind="number",
        source="SourceID",
        item=["ObjectID", "PropertyID"],
        value=["PropertyValue"],
        unit="people",
        date="2020-01-29",
        attribution=POPULATION_CREDIT,
    )
    assert data.metadata["attribution"] == POPULATION_CREDIT
    assert len(data.sources) == len({r["SourceID"].strip() for r in rows})  # 4,264
    assert len(data.assertions) == len({(r["ObjectID"], r["PropertyID"]) for r in rows})
    assert len(data.claims) == len(rows)  # no source gives an item twice
    assert set(data.assertions["unit"]) == {"people"}


ITEMS = {"tank": "Tanks", "aircraft": "Aircraft", "helicopter": "Helicopters"}  # ours: Oryx's


def losses_table(path: Path) -> dict[str, dict[str, int]]:
    """The General Staff's daily totals, its corrections and Oryx's counts as one long table
    (source, item, value, as_of, stated), written to ``path``; the rows per source and item.

    A correction of X on day D says the total up to D-1 was X more (or less) than stated
    then: a row as of D-1, stated on D, valued at D-1's total plus X."""
    daily = pd.read_json(LOSSES_DATA / "russia_losses_equipment.json")
    corrections = pd.read_json(LOSSES_DATA / "russia_losses_equipment_correction.json")
    oryx = pd.read_csv(LOSSES_DATA / "oryx_daily_count_scarnecchia.csv")
    daily["date"] = pd.to_datetime(daily["date"]).dt.strftime("%Y-%m-%d")
    by_day = daily.set_index("date")
    rows, counts = [], {}
    for item, oryx_type in ITEMS.items():  # three items
        staff = daily[["date", item]].dropna()
        rows += [("General Staff of the Armed Forces of Ukraine", item, int(v), d, d)
                 for d, v in zip(staff["date"], staff[item], strict=True)]  # fmt: skip
        fixed = corrections[corrections[item].ne(0)]
        for day, amount in zip(pd.to_datetime(fixed["date"]), fixed[item], strict=True):
            before = (day - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
            total = int(by_day.loc[before, item]) + int(amount)
            rows.append(("General Staff of the Armed Forces of Ukraine", item, total, before,
                         day.strftime("%Y-%m-%d")))  # fmt: skip
        counted = oryx[
            oryx["country"].eq("Russia") & oryx["equipment_type"].str.strip().eq(oryx_type)
        ]
        rows += [("Oryx", item, int(v), d, d)
                 for d, v in zip(counted["date_recorded"], counted["type_total"], strict=True)]  # fmt: skip
        counts[item] = {
            "general-staff-of-the-armed-forces-of-ukraine": len(staff) + len(fixed),
            "oryx": counted["date_recorded"].nunique(),
        }
    pd.DataFrame(rows, columns=["source", "item", "value", "as_of", "stated"]).to_csv(
        path, index=False
    )
    return counts


@needs_realdata
def test_the_losses_series_hold_two_sources_running_totals_of_the_same_items(tmp_path):
    table = tmp_path / "losses.csv"
    expected = losses_table(table)
    data, report = values(
        tmp_path,
        [table],
        kind="number",
        source="source",
        item=["item"],
        value=["value"],
        time="as_of",
        stated="stated",
        unit="losses",
        cumulative=True,
        attribution=(
            "Russian losses as reported by the General Staff of the Armed Forces of Ukraine, "
            "structured by Petro Ivaniuk, github.com/PetroIvaniuk/2022-Ukraine-Russia-War-Dataset "
            "@ 37655f8 (MIT); counts from Oryx (oryxspioenkop.com), scraped by D. Scarnecchia, "
            "github.com/scarnecchia/scrape_oryx @ bdf23bb (MIT)"
        ),
        licence="MIT (both repositories); Oryx lists: no stated licence, attribution required",
    )
    quantities = data.assertions.set_index("statement")["assertion_id"]
    assert set(quantities.index) == set(ITEMS)
    claims = data.claims.assign(item=data.claims["assertion_id"].map(
        pd.Series(quantities.index, index=quantities.to_numpy())))  # fmt: skip
    counted = claims.groupby(["item", "source_id"]).size()
    for item, by_source in expected.items():  # three items, two sources
        assert counted[item].to_dict() == by_source
    result = analyze(data)
    tank = quantities["tank"]
    series = result.series[result.series["assertion_id"].eq(tank)]
    assert set(series["source_id"]) == {"general-staff-of-the-armed-forces-of-ukraine", "oryx"}
    corrections = pd.read_json(LOSSES_DATA / "russia_losses_equipment_correction.json")
    tank_revisions = result.revisions[result.revisions["assertion_id"].eq(tank)]
    assert len(tank_revisions) == corrections["tank"].ne(0).sum()
    assert "Petro Ivaniuk" in data.metadata["attribution"]
    assert "Oryx" in (tmp_path / "out" / "IMPORT.md").read_text(encoding="utf-8")
    assert json.loads(json.dumps(report.read)) == {"rows": len(claims), "values": len(claims)}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", r"empty file, nothing to import"),
        (b"a,b,c\n1,2,3\n1,2\n", r"t.csv:3: not a table of 3 columns"),
        (b"a,b,c\n1,2,\xff\n", r"t.csv:2: not UTF-8 \(byte 0xff\)"),
        (b"a,b,c\n", r"^t.csv: no rows below the header, nothing to import$"),
        (b"a,b,c\n\n\n", r"^t.csv: no rows below the header, nothing to import$"),
    ],
)
def test_damaged_tables_are_refused_with_their_line(tmp_path, content, message):
    table = tmp_path / "t.csv"
    table.write_bytes(content)
    options = {"source": "a", "item": ["b"], "value": ["c"], "date": "2025-01-01"}
    with pytest.raises(BriefingError, match=message):
        import_dataset("values", [table], tmp_path / "out", options=options)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- blank lines, repeats, ids


@pytest.mark.parametrize(
    "content, first_row",
    [
        (b"\n\nsource,item,value\nA,x,1\n", 4),  # the header on line 3
        (b"\xef\xbb\xbf\r\nsource,item,value\r\nA,x,1\r\n", 3),  # a BOM, then CRLF
        (b"  \nsource,item,value\nA,x,1\n", 3),  # a line of spaces
    ],
)
def test_blank_lines_before_the_header_are_passed_over(tmp_path, content, first_row):
    table = tmp_path / "t.csv"
    table.write_bytes(content)
    data, report = values(
        tmp_path, [table], source="source", item=["item"], value=["value"], date="2024-01-01"
    )
    assert report.read["rows"] == 1
    assert data.claims[["source_id", "quote", "input_row"]].values.tolist() == [
        ["a", "1", str(first_row)]
    ]


def test_without_a_header_blank_lines_before_the_first_row_are_passed_over(tmp_path):
    table = tmp_path / "t.csv"
    table.write_bytes(b"\n\nA,x,1\nB,x,2\n")
    data, _ = values(tmp_path, [table], no_header=True, source="1", item=["2"], value=["3"],
                     date="2024-01-01")  # fmt: skip
    rows = data.claims.set_index("source_id")["input_row"].to_dict()
    assert rows == {"a": "3", "b": "4"}


def test_rows_after_a_blank_line_keep_their_spreadsheet_numbers(tmp_path):
    """B is on line 4 and C on line 5, as a spreadsheet numbers them: the blank line 3
    counts, and is left out (reported), not read as a row."""
    table = tmp_path / "t.csv"
    table.write_bytes(b'source,item,value\nA,x,1\n\nB,x,"2"\nC,x,3\n\n')
    data, report = values(
        tmp_path, [table], source="source", item=["item"], value=["value"], date="2024-01-01"
    )
    rows = data.claims.set_index("source_id")["input_row"].to_dict()
    assert rows == {"a": "2", "b": "4", "c": "5"}
    assert report.read["rows"] == 3
    assert report.handled["blank rows"][0] == 2  # line 3 and line 6


@pytest.mark.parametrize(
    "content, message",
    [
        # C's row is line 5: the blank line 3 is no ragged row
        (b"source,item,value\nA,x,1\n\nB,x,2\nC,x\n", r"/t.csv:5: not a table of 3 columns"),
        (b"\n\nsource,item,value\nA,x\n", r"/t.csv:4: not a table of 3 columns"),
        # a quoted cell over two lines is one row, as in a spreadsheet
        (b'source,item,value\nA,x,"1\n2"\n\nC,x\n', r"/t.csv:4: not a table of 3 columns"),
    ],
)
def test_a_ragged_row_after_blank_lines_is_named_by_its_own_line(tmp_path, content, message):
    table = tmp_path / "t.csv"
    table.write_bytes(content)
    options = {"source": "source", "item": ["item"], "value": ["value"], "date": "2024-01-01"}
    with pytest.raises(BriefingError, match=message):
        import_dataset("values", [table], tmp_path / "out", options=options)
    assert not (tmp_path / "out").exists()


def test_one_figure_written_three_ways_is_one_figure(tmp_path):
    """1,600, 1600 and 1600.0 from one source for one item and day are the same figure:
    two repeats, not "another value"; the separator is counted on the row kept only."""
    table = tmp_path / "t.csv"
    table.write_bytes(b'source,item,value\nA,x,"1,600"\nA,x,1600\nA,x,1600.0\nB,x,"2,500"\n')
    data, report = values(tmp_path, [table], kind="number", source="source", item=["item"],
                          value=["value"], date="2024-01-01")  # fmt: skip
    assert skipped(report) == {"the same value again (same source, item and day)": 2}
    assert report.handled["figures written with thousands separators (12,345)"][0] == 1  # B's
    figures = data.claims.set_index("source_id")
    assert figures.loc["a", ["value", "quote", "input_row"]].tolist() == [1600, "1600.0", "4"]
    assert figures.loc["b", "value"] == 2500


def test_a_new_value_of_one_question_renames_no_alternative_of_another(tmp_path):
    """docs/importers.md promises stable ids: q2 gaining "YES" leaves q1's "yes" alone;
    two values of one question sharing a slug are told apart by a hash."""
    ids = []
    for n, rows in enumerate(
        (b"A,q1,yes\nB,q2,no\n", b"A,q1,yes\nB,q2,no\nC,q2,YES\n", b"A,q1,yes\nB,q1,YES\n")
    ):
        table = tmp_path / f"id{n}.csv"
        table.write_bytes(b"source,item,value\n" + rows)
        data, _ = values(tmp_path / str(n), [table], source="source", item=["item"],
                         value=["value"], date="2024-01-01")  # fmt: skip
        ids.append(sorted(data.assertions["assertion_id"]))
    assert ids[0] == ["q-q1.yes", "q-q2.no"]
    assert ids[1] == ["q-q1.yes", "q-q2.no", "q-q2.yes"]
    assert len(ids[2]) == 2 and all(i.startswith("q-q1.yes-") for i in ids[2])


def test_a_date_outside_the_contracts_years_is_refused_by_its_option(tmp_path):
    options = {"source": "source", "item": ["question"], "value": ["answer"],
               "date": "1500-01-01"}  # fmt: skip
    with pytest.raises(BriefingError) as raised:
        import_dataset("values", [WHO_HOLDS], tmp_path / "out", options=options)
    assert str(raised.value) == "--date 1500-01-01: write a year from 1700 to 2199"
    assert not (tmp_path / "out").exists()


def test_a_pipe_table_without_delimiter_is_told_to_add_it(tmp_path, capsys):
    table = tmp_path / "pipe.csv"
    table.write_bytes(b"source|item|value\nA|x|1\n")
    arguments = ["import", "values", str(table), "--source", "source", "--item", "item",
                 "--value", "value", "--date", "2024-01-01", "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert error.strip() == (
        'briefing: error: --source: no column "source" in pipe.csv: its first line is one '
        'column "source|item|value"; for a table delimited by "|" add --delimiter pipe'
    )
    assert "Traceback" not in error
    assert main([*arguments, "--delimiter", "pipe"]) == 0


def test_the_help_says_how_the_delimiter_is_guessed_and_what_means_missing(capsys):
    with pytest.raises(SystemExit):
        main(["import", "values", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "else semicolon when it holds one and no comma, else comma" in text
    assert '"null", "NaN", in any case' in text


# ---------------------------------------------------------------- decimal marks and named rows

EUROPEAN = SAMPLES / "european.csv"  # ;-delimited: 1.150, 1 250, "12,5", 1<no-break>250,5
NUMBER = {"kind": "number", "source": "source", "item": ["item"], "value": ["value"]}


def figures(data) -> dict[tuple[str, str], float]:
    claims = data.claims.merge(data.assertions[["assertion_id", "statement"]])
    keys = zip(claims["source_id"], claims["statement"], strict=True)
    return dict(zip(keys, claims["value"], strict=True))


def table_of(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_european_figures_without_decimal_are_refused_naming_rows_cells_and_fix(tmp_path):
    with pytest.raises(BriefingError) as raised:
        values(tmp_path, [EUROPEAN], time="date", **NUMBER)
    assert str(raised.value) == (
        "european.csv: --value value: 3 figure(s) read differently with a decimal point and "
        "a decimal comma, e.g. european.csv:2 '1.150' (point: 1.15, comma: 1150), "
        "european.csv:4 '12,5' (point: not a number, comma: 12.5), "
        "european.csv:5 '1\\xa0250,5' (point: not a number, comma: 1250.5); say which mark "
        "the table uses: --decimal comma (1.150 is 1150, 12,5 is 12.5) or --decimal point "
        "(1,150 is 1150, 12.5 is 12.5; 12,5 is then skipped)"
    )
    assert not (tmp_path / "out").exists()


def test_decimal_comma_reads_dots_and_spaces_as_thousands(tmp_path):
    data, report = values(tmp_path, [EUROPEAN], time="date", decimal="comma", **NUMBER)
    assert figures(data) == {
        ("oryx", "tanks"): 1150,
        ("gs", "tanks"): 1250,
        ("gs", "aircraft"): 12.5,
        ("oryx", "aircraft"): 1250.5,
    }
    assert report.imported("values") == 4 and not skipped(report)
    assert report.handled["figures written with thousands separators (12.345)"][0] == 1
    assert report.handled["figures written with spaces between thousands (12 345)"][0] == 2


def test_decimal_point_keeps_commas_as_thousands_and_names_the_cells_it_skips(tmp_path):
    table = table_of(tmp_path, "point.csv",
                     'source,item,value\nA,x,"1,150"\nA,y,1.150\nA,z,"1,150.5"\nB,x,"12,5"\n'
                     "B,y,1\u202f250\nB,z,2\u2009000.25\n")  # fmt: skip
    data, report = values(tmp_path, [table], date="2025-01-01", decimal="point", **NUMBER)
    assert figures(data) == {
        ("a", "x"): 1150,
        ("a", "y"): 1.15,
        ("a", "z"): 1150.5,
        ("b", "y"): 1250,
        ("b", "z"): 2000.25,
    }
    assert skipped(report) == {
        "not a number (--kind number wants digits: 12 or 4.5), e.g. point.csv:5 '12,5'": 1
    }


def test_a_comma_table_with_decimal_points_only_is_read_as_today(tmp_path):
    table = table_of(tmp_path, "plain.csv",
                     'source,item,value\nA,x,1.150\nA,y,"1,150"\nA,z,1 250\n')  # fmt: skip
    data, report = values(tmp_path, [table], date="2025-01-01", **NUMBER)
    assert figures(data) == {("a", "x"): 1.15, ("a", "y"): 1150, ("a", "z"): 1250}
    assert report.handled["figures written with thousands separators (12,345)"][0] == 1


@pytest.mark.parametrize(
    "name, text, cell",
    [
        ("semi.csv", "source;item;value\nA;x;1.150\nA;y;12\n", "semi.csv:2 '1.150'"),
        ("semi.csv", "source;item;value\nA;x;7\nA;y;1,150\n", "semi.csv:3 '1,150'"),
        ("quoted.csv", 'source,item,value\nA,x,7\nA,y,"12,5"\n', "quoted.csv:3 '12,5'"),
        ("mixed.csv", 'source,item,value\nA,x,"1.150,5"\nA,y,2.5\n', "mixed.csv:2 '1.150,5'"),
    ],
)
def test_a_figure_whose_mark_is_a_guess_is_refused(tmp_path, name, text, cell):
    table = table_of(tmp_path, name, text)
    with pytest.raises(BriefingError, match="read differently with a decimal point") as raised:
        values(tmp_path, [table], date="2025-01-01", **NUMBER)
    assert f", e.g. {cell} (point: " in str(raised.value)
    assert "--decimal comma" in str(raised.value) and "--decimal point" in str(raised.value)


def test_decimal_is_refused_for_choices_and_unknown_marks(tmp_path):
    base = {"source": "source", "item": ["question"], "value": ["answer"], "time": "date"}
    with pytest.raises(BriefingError, match="add --kind number"):
        values(tmp_path, [WHO_HOLDS], decimal="comma", **base)
    with pytest.raises(BriefingError, match="--decimal 'dot': write point"):
        values(tmp_path, [WHO_HOLDS], **{**base, "kind": "number", "decimal": "dot"})


def test_dates_that_are_not_iso_are_named_with_the_iso_form(tmp_path):
    table = table_of(tmp_path, "days.csv",
                     "source,item,value,date\nA,x,1,01/11/2025\nA,y,2,25/12/2024\n"
                     "A,z,3,12/25/2024\nB,x,4,2025-01-02\nB,y,5,\nB,z,6,1650-01-01\n")  # fmt: skip
    _, report = values(tmp_path, [table], time="date", **NUMBER)
    assert skipped(report) == {
        "--time is not an ISO date (2022-03-01) of the years 1700-2199, e.g. "
        "days.csv:2 '01/11/2025' (write 2025-11-01 if the day comes first, 2025-01-11 if "
        "the month does), days.csv:3 '25/12/2024' (day first: write 2024-12-25), "
        "days.csv:4 '12/25/2024' (month first: write 2024-12-25) and 2 more": 5
    }
    assert report.imported("values") == 1


def test_nothing_left_to_import_names_the_file_and_the_skipped_rows(tmp_path):
    table = table_of(tmp_path, "words.csv", "source,item,value\nA,x,many\nB,x,a lot\n")
    with pytest.raises(BriefingError) as raised:
        values(tmp_path, [table], date="2025-01-01", **NUMBER)
    assert str(raised.value) == (
        "words.csv: nothing to import: 2 rows read; 2 values read, skipped: 2 not a number "
        "(--kind number wants digits: 12 or 4.5), e.g. words.csv:2 'many', words.csv:3 'a lot'"
    )


def test_the_terminal_and_import_md_name_the_skipped_rows(tmp_path, capsys):
    out = tmp_path / "out"
    arguments = ["import", "values", str(EUROPEAN), "--source", "source", "--item", "item",
                 "--value", "value", "--time", "date", "--kind", "number", "--out", str(out)]  # fmt: skip
    assert main(arguments) == 2
    assert "european.csv:2 '1.150'" in capsys.readouterr().err
    assert not out.exists()
    assert main([*arguments, "--decimal", "point"]) == 0
    printed = capsys.readouterr().out
    shown = "e.g. european.csv:4 '12,5', european.csv:5 '1\\xa0250,5'"
    assert f"  skipped 2: not a number (--kind number wants digits: 12 or 4.5), {shown}" in printed
    assert (
        f"| values skipped: not a number (--kind number wants digits: 12 or 4.5), {shown} | 2 |"
        in (out / "IMPORT.md").read_text(encoding="utf-8")
    )


def test_a_where_filter_lists_only_the_inputs_own_columns(tmp_path, capsys):
    """The importer's own row and file columns are never offered to --where."""
    table = tmp_path / "w.csv"
    table.write_text("source,item,value,date\nA,x,1,2025-01-01\n", encoding="utf-8")
    code = main(["import", "values", str(table), "--source", "source", "--item", "item",
                 "--value", "value", "--time", "date", "--where", "input_row=2",
                 "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(
            "--where: no column 'input_row' in the input; its columns are source, item, value, date"
        )
    )
