"""ACLED events exports (CSV) -> a contract dataset: an assertion per event, a claim per outlet.

ACLED codes each event from reports and names their outlets in ``source``
(``"Ukrinform; Suspilne"``), but not the articles or when they appeared. So an
event becomes one assertion and each outlet named for it a source with one
supporting claim. The analyst reads those claims in ACLED's records, not in the
outlets' articles, so the documents are ACLED's: one per stated interval
("ACLED event records, 18 March 2024"), published by ACLED at the interval's end.
A claim is stated on the event's own day, ISO week or month (``time_precision``
1/2/3): the outlet reported the event no earlier than it happened. Where ACLED's
``timestamp`` shows the event was coded before its week or month ended, the
interval stops at that day, since the report existed by then.
docs/importers.md (ACLED) gives each rule, its reason and its limits.

Everything runs column-wise with pandas/pyarrow; Python loops touch only
columns, distinct values and the first few bad rows of an error message.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.contract.arrowtext import joined, one_array, text_series, trimmed
from analysis.importers.messages import ImportRefused
from analysis.importers.neutralise import neutralised
from analysis.importers.request import ImportRequest
from analysis.importers.tables import (
    SUPPORTED_YEARS_TEXT,
    ContractTables,
    check_width,
    content_hash,
    figure_text,
    in_supported_years,
    slug,
)

TITLE = "ACLED events export (CSV)"
LICENCE = (
    "ACLED Terms of Use and Attribution Policy: the data may be used for analysis but not "
    "redistributed; do not pass this dataset or its CSV files on to others, and credit ACLED "
    "in every product built from it"
)
ATTRIBUTION = "Armed Conflict Location & Event Data (ACLED), www.acleddata.com"

UNIT = "events"
PUBLISHER = "ACLED"
FIGURES_SOURCE = "acled"  # ACLED itself, claiming each event's fatalities figure
REQUIRED = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "actor1",
    "country",
    "source",
)
# ACLED columns kept on assertions as extra columns (when the export has them), in this order
ASSERTION_EXTRAS = (
    "event_id_cnty",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "geo_precision",
    "source_scale",
    "fatalities",
    "tags",
    "notes",
    "timestamp",
)
NUMERIC_EXTRAS = ("time_precision", "geo_precision", "fatalities", "timestamp")
# the ACLED columns the conversion reads (trimmed, blank = missing); the other extras are
# passed through as written
TEXT_COLUMNS = (
    "source", "event_type", "sub_event_type", "actor1", "actor2", "location", "admin1",
    "admin2", "admin3", "country", "iso", *NUMERIC_EXTRAS,
)  # fmt: skip
DOCUMENT_NOTE = (
    "Stands for ACLED's records of the events whose claims are stated in this interval: "
    "ACLED names the outlets that reported each event, not their articles or their dates"
)
ERRORS_SHOWN = 5
HEADER_BYTES = 1 << 20
LARGEST_NUMBER = 1e15  # past any timestamp (year 33658) or count
BLOCK_BYTES = 1 << 22  # bytes the CSV reader parses at a time: no cell may be longer

# Source kinds from words in an outlet's name: first match wins, everything else is media.
# A heuristic, counted in the report; the analyst corrects sources.csv where it is wrong.
KIND_RULES = (
    ("official", r"military administration"),
    ("osint", r"\b(?:liveuamap|deepstate|bellingcat|osint|geoconfirmed)\b"),
    (
        "ngo",
        r"\b(?:human rights|amnesty|ohchr|hrmmu|ocha|unhcr|unicef|united nations|red cross"
        r"|icrc|refugee council)\b",
    ),
    ("think_tank", r"\b(?:institute for the study of war|isw|critical threats|crisis group)\b"),
    (
        "military",
        r"\b(?:general staff|ministry of defen[cs]e|armed forces|army|military|navy|air force"
        r"|national guard|border guard|operational command)\b",
    ),
    (
        "official",
        r"\b(?:ministry|government|governor|administration|mayor|prosecutor|police"
        r"|emergency service|president|parliament|verkhovna rada|council|security service)\b",
    ),
    ("other", r"^(?:local sources?|telegram|twitter|x|facebook|vkontakte|social media|other)$"),
)

# ISO 3166-1 numeric (ACLED's ``iso``) -> alpha-2, and ACLED's country name; the countries
# ACLED covers most. A country not listed here is left empty rather than guessed.
COUNTRIES = """
4 AF Afghanistan|8 AL Albania|12 DZ Algeria|24 AO Angola|31 AZ Azerbaijan|32 AR Argentina
36 AU Australia|40 AT Austria|48 BH Bahrain|50 BD Bangladesh|51 AM Armenia|56 BE Belgium
68 BO Bolivia|72 BW Botswana|226 GQ Equatorial Guinea|266 GA Gabon|634 QA Qatar|748 SZ eSwatini
70 BA Bosnia and Herzegovina|76 BR Brazil|100 BG Bulgaria|104 MM Myanmar|108 BI Burundi
112 BY Belarus|116 KH Cambodia|120 CM Cameroon|124 CA Canada|140 CF Central African Republic
144 LK Sri Lanka|148 TD Chad|152 CL Chile|156 CN China|170 CO Colombia
178 CG Republic of Congo|180 CD Democratic Republic of Congo|188 CR Costa Rica|191 HR Croatia
192 CU Cuba|196 CY Cyprus|203 CZ Czech Republic|204 BJ Benin|208 DK Denmark
214 DO Dominican Republic|218 EC Ecuador|222 SV El Salvador|231 ET Ethiopia|232 ER Eritrea
233 EE Estonia|246 FI Finland|250 FR France|262 DJ Djibouti|268 GE Georgia|270 GM Gambia
275 PS Palestine|276 DE Germany|288 GH Ghana|300 GR Greece|320 GT Guatemala|324 GN Guinea
332 HT Haiti|340 HN Honduras|348 HU Hungary|356 IN India|360 ID Indonesia|364 IR Iran
368 IQ Iraq|372 IE Ireland|376 IL Israel|380 IT Italy|384 CI Ivory Coast|392 JP Japan
398 KZ Kazakhstan|400 JO Jordan|404 KE Kenya|408 KP North Korea|410 KR South Korea
414 KW Kuwait|417 KG Kyrgyzstan|418 LA Laos|422 LB Lebanon|426 LS Lesotho|428 LV Latvia
430 LR Liberia|434 LY Libya|440 LT Lithuania|450 MG Madagascar|454 MW Malawi|458 MY Malaysia
466 ML Mali|478 MR Mauritania|484 MX Mexico|496 MN Mongolia|498 MD Moldova|499 ME Montenegro
504 MA Morocco|508 MZ Mozambique|512 OM Oman|516 NA Namibia|524 NP Nepal|528 NL Netherlands
558 NI Nicaragua|562 NE Niger|566 NG Nigeria|578 NO Norway|586 PK Pakistan|591 PA Panama
598 PG Papua New Guinea|600 PY Paraguay|604 PE Peru|608 PH Philippines|616 PL Poland
620 PT Portugal|624 GW Guinea-Bissau|642 RO Romania|643 RU Russia|646 RW Rwanda
682 SA Saudi Arabia|686 SN Senegal|688 RS Serbia|694 SL Sierra Leone|703 SK Slovakia
704 VN Vietnam|705 SI Slovenia|706 SO Somalia|710 ZA South Africa|716 ZW Zimbabwe|724 ES Spain
728 SS South Sudan|729 SD Sudan|752 SE Sweden|756 CH Switzerland|760 SY Syria|762 TJ Tajikistan
764 TH Thailand|768 TG Togo|784 AE United Arab Emirates|788 TN Tunisia|792 TR Turkey
795 TM Turkmenistan|800 UG Uganda|804 UA Ukraine|807 MK North Macedonia|818 EG Egypt
826 GB United Kingdom|834 TZ Tanzania|840 US United States|854 BF Burkina Faso|858 UY Uruguay
860 UZ Uzbekistan|862 VE Venezuela|887 YE Yemen|894 ZM Zambia
"""


def _country_table() -> pd.DataFrame:
    entries = COUNTRIES.replace("\n", "|").strip("|").split("|")
    parts = [entry.split(" ", 2) for entry in entries]  # ~150 table entries, not input rows
    return pd.DataFrame(parts, columns=["iso", "alpha2", "name"]).astype({"iso": "int64"})


@dataclass(frozen=True)
class Origin:
    """Where each row of the concatenated input came from: file and row (header = row 1)."""

    paths: list[Path]
    file: np.ndarray
    row: np.ndarray

    def at(self, index) -> str:
        position = int(index)
        return f"{self.paths[self.file[position]]}:{self.row[position]}"


@dataclass(frozen=True)
class Mentions:
    """One row per (event, outlet named for it) as codes: ``event`` is the event's position,
    ``slug_code`` and ``name_code`` index the distinct ``slugs`` and spellings ``names``."""

    event: np.ndarray
    slug_code: np.ndarray
    name_code: np.ndarray
    slugs: np.ndarray
    names: pd.Index


def convert(request: ImportRequest) -> ContractTables:
    """The ACLED export(s) in ``request.inputs`` as contract tables."""
    frame, origin = _read(request)
    request.report.count_read(UNIT, len(frame))
    frame = request.keep_where(frame, UNIT)
    request.progress.step("converting ACLED events")
    events, mentions = _mentions(_events(frame, origin, request), request)
    events = _with_extras(events, frame)
    columns = frame.columns
    del frame  # the events hold their own copies; the raw input can go
    places, place_id = _places(events, request)
    whole_month = events["precision"].eq(3) & ~events["cut"]
    stated_keys = _interval_keys(events["start"], events["stated_end"], whole_month)
    intervals, interval_of_event = np.unique(stated_keys, return_inverse=True)
    interval_of_event = interval_of_event.reshape(-1)
    converted = neutralised(
        ContractTables(
            sources=_sources(mentions, request),
            documents=_documents(intervals),
            assertions=_assertions(events, place_id, columns, request),
            claims=_claims(events, mentions, intervals, interval_of_event),
            places=places,
            manifest=_manifest(events),
        ),
        request.report,
    )
    if "fatalities" not in columns:
        return converted
    # made from the neutralised statements, so their text needs no second pass
    tolls, toll_claims = _fatalities(
        events, converted.assertions, intervals, interval_of_event, request
    )
    converted.assertions = pd.concat([converted.assertions, tolls], ignore_index=True)
    converted.claims = pd.concat([converted.claims, toll_claims], ignore_index=True)
    converted.sources = pd.concat(
        [converted.sources, _acled_source(len(toll_claims))], ignore_index=True
    )
    return converted


# ---------------------------------------------------------------- reading


def _read(request: ImportRequest) -> tuple[pd.DataFrame, Origin]:
    """All inputs as one frame of text columns (missing = NA), index = position in ``origin``."""
    tables, files, rows, first = [], [], [], None
    for number, path in enumerate(request.inputs):
        with request.open(path) as opened:
            header, capitals = _header(path, opened.stream)
            table = _read_table(path, opened.stream, header)
        if first is None:
            first = (path, header)
        elif set(header) != set(first[1]):
            missing = sorted(set(first[1]) - set(header))
            extra = sorted(set(header) - set(first[1]))
            raise ImportRefused(
                f"{path}: its columns differ from those of {first[0]} (missing: "
                f"{', '.join(missing) or 'none'}; extra: {', '.join(extra) or 'none'}); "
                "export every file with the same columns, or import them separately"
            )
        table = table.select(first[1])
        request.report.handle(
            "column names in capitals (older ACLED exports)",
            table.num_rows if capitals else 0,
            "read as the lower-case names of current exports",
        )
        tables.append(table)
        files.append(np.full(table.num_rows, number, dtype=np.int32))
        rows.append(np.arange(2, table.num_rows + 2, dtype=np.int64))
    table = pa.concat_tables(tables)
    frame = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)
    origin = Origin(list(request.inputs), np.concatenate(files), np.concatenate(rows))
    return frame, origin


def _header(path: Path, stream: BinaryIO) -> tuple[list[str], bool]:
    """The column names of ``path``, lower-cased (older exports wrote them in capitals), and
    whether any was not lower-case already. Leaves ``stream`` at its start."""
    head = stream.read(HEADER_BYTES)
    stream.seek(0)
    line = head.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
    if b"\r" in line:
        raise ImportRefused(
            f"{path}:1: lines end with a carriage return alone (old Mac line ends); export "
            "the file again, or save it with Windows or Unix line ends"
        )
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused(
            f"{path}:1: the header is not UTF-8 text; save the export as UTF-8 CSV"
        ) from None
    given = [name.strip() for name in next(csv.reader(io.StringIO(text)), [])]
    check_width(str(path), len(given))
    names = [name.lower() for name in given]
    if not any(names):
        raise ImportRefused(f"{path}: empty file; an ACLED export starts with its header row")
    repeated = sorted({n for n in names if names.count(n) > 1})  # a few dozen names
    if repeated:
        raise ImportRefused(
            f"{path}:1: column {', '.join(repeated)} appears twice in the header; remove one"
        )
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ImportRefused(
            f"{path}:1: no column {', '.join(missing)}; an ACLED export needs "
            f"{', '.join(REQUIRED)}: export again with all columns from ACLED's export tool "
            "(or rename the column to its ACLED name)"
        )
    return names, names != given


def _read_table(path: Path, stream: BinaryIO, header: list[str]) -> pa.Table:
    ragged = []

    def bad_row(row) -> str:
        ragged.append(row)
        return "skip"

    options = {
        "read_options": pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=BLOCK_BYTES),
        "parse_options": pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=bad_row),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in header},
            strings_can_be_null=True,
            null_values=[""],
        ),
    }
    try:
        table = pacsv.read_csv(stream, **options)
    except pa.ArrowInvalid as exc:
        stream.seek(0)
        if "UTF8" in str(exc):
            raise ImportRefused(f"{path}:{_bad_utf8_line(stream)}: {_NOT_UTF8}") from None
        if "straddle" in str(exc):
            raise ImportRefused(
                f"{path}: a cell longer than {BLOCK_BYTES >> 20} MB (ACLED cells are a few KB): "
                "a quote left open runs to the end of the file; export the file again"
            ) from None
        raise ImportRefused(f"{path}: not a readable CSV file ({exc})") from None
    if ragged:
        stream.seek(0)
        raise ImportRefused(_ragged_message(path, stream, len(header), len(ragged)))
    return table


_NOT_UTF8 = "not UTF-8 text (line given); save the export as UTF-8 CSV"


def _bad_utf8_line(stream: BinaryIO) -> int:
    """The line of the first byte that is not UTF-8 (only called when reading failed)."""
    data = stream.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return 1


def _ragged_message(path: Path, stream: BinaryIO, columns: int, count: int) -> str:
    """Name the first rows with the wrong number of cells (re-read slowly: an error path)."""
    shown = []
    text = stream.read().decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    with contextlib.suppress(csv.Error):  # a cell past csv's size limit: show those found
        next(reader, None)
        for record in reader:
            if len(record) != columns and record:
                shown.append(f"line {reader.line_num} has {len(record)}")
                if len(shown) == ERRORS_SHOWN:
                    break
    return (
        f"{path}: {count:,} row(s) do not have the header's {columns} cells ("
        + "; ".join(shown)
        + "); quote cells that contain commas or line breaks, or export the file again"
    )


# ---------------------------------------------------------------- events


def _text(frame: pd.DataFrame, column: str, rows: np.ndarray | None = None) -> pd.Series:
    """A column (of the ``rows`` given, else all) with surrounding spaces removed and blank
    cells missing; all missing when the export has no such column."""
    index = frame.index if rows is None else frame.index[rows]
    if column not in frame.columns:
        return text_series(pa.nulls(len(index), pa.large_string()), index)
    values = frame[column] if rows is None else frame[column][rows]
    return text_series(trimmed(pa.array(values)), index)


def _numbers(text: pd.Series) -> pd.Series:
    """Text -> float (NaN where missing or not a number), parsed once per distinct value.
    Infinite values and those past LARGEST_NUMBER (no ACLED column holds one) count as not
    numbers: they cannot become the whole numbers the columns are written as."""
    codes, distinct = pd.factorize(text)
    parsed = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce")
    parsed = parsed.to_numpy(float, copy=True)
    parsed[~(np.abs(parsed) <= LARGEST_NUMBER)] = np.nan
    return pd.Series(np.append(parsed, np.nan)[codes], index=text.index)  # code -1 -> NaN


def _dates(text: pd.Series) -> pd.Series:
    """ACLED's event_date as datetime64[D]: ISO ``2024-03-18`` or older ``18 March 2024``."""
    codes, distinct = pd.factorize(text)
    values = pd.Series(distinct, dtype=object)
    iso = values.where(values.str.fullmatch(r"\d{4}-\d{2}-\d{2}", na=False))
    long = values.where(values.str.fullmatch(r"\d{1,2} [A-Za-z]+ \d{4}", na=False))
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    parsed = parsed.fillna(pd.to_datetime(long, format="%d %B %Y", errors="coerce"))
    parsed = parsed.where(in_supported_years(parsed))  # year 0 or 9999: refused as not a date
    days = np.append(parsed.to_numpy(dtype="datetime64[D]"), np.datetime64("NaT"))
    return pd.Series(days[codes], index=text.index)


def _events(frame: pd.DataFrame, origin: Origin, request: ImportRequest) -> pd.DataFrame:
    """Valid, distinct events in the period: parsed fields, intervals and the text columns."""
    report = request.report
    event_id = _text(frame, "event_id_cnty")
    key = event_id.str.lower()
    checks = [
        ("no event_id_cnty", event_id.isna()),
        (
            "event_id_cnty has characters other than letters, digits and - _ .",
            ~key.str.fullmatch(r"[a-z0-9][a-z0-9_.-]*", na=True),
        ),
        ("no event_type", _text(frame, "event_type").isna()),
    ]
    keep = np.ones(len(frame), dtype=bool)
    for reason, bad in checks:
        bad = keep & bad.to_numpy(dtype=bool)
        report.skip(UNIT, reason, int(bad.sum()))
        keep &= ~bad

    date_text = _text(frame, "event_date")
    day = _dates(date_text)
    bad_date = keep & day.isna().to_numpy()
    if bad_date.any():
        _refuse_dates(frame.index[bad_date], date_text[bad_date], origin)

    parsed = {
        "precision": _numbers(_text(frame, "time_precision")),
        "latitude": _numbers(_text(frame, "latitude")),
        "longitude": _numbers(_text(frame, "longitude")),
        "stamp": _numbers(_text(frame, "timestamp")),
    }
    bad = keep & ~parsed["precision"].isin([1, 2, 3]).to_numpy()
    report.skip(UNIT, "time_precision is not 1 (day), 2 (week) or 3 (month)", int(bad.sum()))
    keep &= ~bad
    for name, limit in (("latitude", 90), ("longitude", 180)):
        number = parsed[name].to_numpy()
        unreadable = keep & np.isnan(number) & _text(frame, name).notna().to_numpy()
        report.skip(UNIT, f"{name} is not a number", int(unreadable.sum()))
        keep &= ~unreadable
        outside = keep & (np.abs(np.nan_to_num(number)) > limit)
        report.skip(UNIT, f"{name} outside -{limit}..{limit}", int(outside.sum()))
        keep &= ~outside

    events = pd.DataFrame({"key": key, "day": day, **parsed}, index=frame.index)[keep]
    events = _distinct_events(events, frame, origin, request)
    events = _intervals(events, request)
    rows = frame.index.isin(events.index)
    for column in TEXT_COLUMNS:
        events[column] = _text(frame, column, rows)
    return events


def _with_extras(events: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The ACLED columns kept on assertions as written (the writer trims every text cell and
    empties blank ones), taken for the final events only."""
    rows = frame.index.isin(events.index)
    extras = [c for c in ASSERTION_EXTRAS if c in frame.columns and c not in events.columns]
    return events.assign(**{column: frame[column][rows] for column in extras})


def _refuse_dates(index: pd.Index, text: pd.Series, origin: Origin) -> None:
    shown = [
        f"{origin.at(i)}: event_date: {'empty' if pd.isna(t) else repr(t)}"
        for i, t in zip(index[:ERRORS_SHOWN], text.iloc[:ERRORS_SHOWN], strict=True)
    ]
    more = f", and {len(index) - ERRORS_SHOWN:,} more rows" if len(index) > ERRORS_SHOWN else ""
    raise ImportRefused(
        f"{len(index):,} event_date value(s) are not dates from {SUPPORTED_YEARS_TEXT}:\n  "
        + "\n  ".join(shown)
        + f"{more}\nACLED exports write 2024-03-18 (older ones 18 March 2024); correct the "
        "cell, or export the file again rather than editing it in a spreadsheet"
    )


def _distinct_events(
    events: pd.DataFrame, frame: pd.DataFrame, origin: Origin, request: ImportRequest
) -> pd.DataFrame:
    """One row per event_id_cnty: exact repeats dropped, revisions resolved by ``timestamp``."""
    repeated = events["key"].duplicated(keep=False).to_numpy()
    if not repeated.any():
        return events
    content = content_hash(frame.loc[events.index[repeated]])
    exact = pd.DataFrame({"key": events["key"][repeated], "content": content}).duplicated()
    request.report.handle(
        "rows repeated exactly (overlapping exports)", int(exact.sum()), "kept once"
    )
    events = events.drop(index=exact.index[exact])
    repeated = events["key"].duplicated(keep=False)
    if not repeated.any():
        return events
    revised = events[repeated]
    stamp = revised["stamp"].fillna(-np.inf)
    latest = stamp.eq(stamp.groupby(revised["key"]).transform("max"))
    ties = latest & latest.groupby(revised["key"]).transform("sum").gt(1)
    if ties.any():
        first = revised.loc[ties, "key"].iloc[0]
        rows = [origin.at(i) for i in revised.index[revised["key"].eq(first)][:ERRORS_SHOWN]]
        raise ImportRefused(
            f"event_id_cnty {first.upper()} is in {', '.join(rows)} with different content "
            f"and the same timestamp, or none ({int(ties.sum()):,} such rows in all), so none is "
            "known to be ACLED's newer revision; delete the wrong row, or export the period "
            "once instead of combining overlapping exports"
        )
    older = revised.index[~latest.to_numpy()]
    request.report.handle(
        "event_id_cnty repeated with different content (ACLED revised the event between exports)",
        len(older),
        "kept the row with the latest timestamp, dropped the older revisions",
    )
    return events.drop(index=older)


def _intervals(events: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    """The event's days from time_precision; the claims' stated interval, cut at the
    ``timestamp`` day when ACLED coded the event before its week or month ended; the period."""
    report = request.report
    day = events["day"].to_numpy(dtype="datetime64[D]")
    precision = events["precision"].to_numpy()
    monday = day - (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    month = day.astype("datetime64[M]")
    start = np.where(precision == 1, day, np.where(precision == 2, monday, month))
    start = start.astype("datetime64[D]")
    month_end = (month + 1).astype("datetime64[D]") - 1
    end = np.where(precision == 1, day, np.where(precision == 2, monday + 6, month_end))
    today = np.datetime64(dt.date.today(), "D")

    future = start > today
    report.skip(UNIT, "event_date is in the future", int(future.sum()))
    stamp = events["stamp"].to_numpy()
    known = ~np.isnan(stamp) & ~future
    coded = np.full(len(events), np.datetime64("NaT"), dtype="datetime64[D]")
    coded[known] = stamp[known].astype(np.int64).astype("datetime64[s]").astype("datetime64[D]")
    early = known & (coded < start)
    report.handle(
        "timestamp before the event's date",
        int(early.sum()),
        "not used to date the claims (the event's own interval is used)",
    )
    cut = known & ~early & (coded < end)
    report.handle(
        "week or month not over when ACLED coded the event (its timestamp)",
        int(cut.sum()),
        "claims stated from the start of the week or month to the timestamp's day",
    )
    stated_end = np.where(cut, coded, end)
    unfinished = ~future & (stated_end > today)
    report.skip(
        UNIT,
        "its week or month is not over and no timestamp shows when it was reported",
        int(unfinished.sum()),
    )
    events = events.assign(start=start, end=end, stated_end=stated_end, cut=cut)
    events = events[~future & ~unfinished]
    return request.keep_within(events, events["start"], events["end"], UNIT)


# ---------------------------------------------------------------- sources and claims


def _mentions(events: pd.DataFrame, request: ImportRequest) -> tuple[pd.DataFrame, Mentions]:
    """The events that name a source, and their outlets (positions into those events).
    Entries are cleaned once per distinct spelling, not once per mention."""
    report = request.report
    cells = one_array(events["source"])
    lists = pc.split_pattern(cells, ";")
    parent = pc.list_parent_indices(lists).to_numpy()
    entries = pc.dictionary_encode(pc.list_flatten(lists))
    spelled = entries.dictionary
    entry = entries.indices.to_numpy(zero_copy_only=False)
    names = pc.replace_substring_regex(pc.utf8_trim_whitespace(spelled), r"\s+", " ")
    usual = pc.replace_substring_regex(spelled, r"^ ", "")  # "a; b": one space after ";" is usual
    empty = pc.equal(names, "").to_numpy(zero_copy_only=False)[entry]
    stray = pc.not_equal(usual, names).to_numpy(zero_copy_only=False)[entry] & ~empty
    report.handle(
        "source names with stray spaces ('Ukrinform ', 'Kyiv  Independent')",
        int(stray.sum()),
        "spaces trimmed and runs of spaces made one",
    )
    report.handle(
        "empty entries in a source list ('; Suspilne', 'Ukrinform;')", int(empty.sum()), "ignored"
    )
    name_of_spelling, distinct = pd.factorize(text_series(names))
    slug_of_name, slugs = pd.factorize(slug(pd.Series(distinct)))
    parent, name_code = parent[~empty], name_of_spelling[entry[~empty]]
    slug_code = slug_of_name[name_code]
    twice = pd.Series(parent * len(slugs) + slug_code).duplicated().to_numpy()
    report.handle(
        "an outlet named twice for one event ('Ukrinform; UKRINFORM')",
        int(twice.sum()),
        "one claim",
    )
    named = np.bincount(parent, minlength=len(events)) > 0
    report.skip(UNIT, "no source named (an event needs one to become a claim)", int((~named).sum()))
    position = np.cumsum(named) - 1
    mentions = Mentions(
        event=position[parent[~twice]],
        slug_code=slug_code[~twice],
        name_code=name_code[~twice],
        slugs=np.asarray(slugs, dtype=object),
        names=distinct,
    )
    return events[named], mentions


def _sources(mentions: Mentions, request: ImportRequest) -> pd.DataFrame:
    """One source per outlet slug, named by its most frequent spelling; kinds by name rules."""
    report = request.report
    codes = pd.DataFrame({"slug_code": mentions.slug_code, "name_code": mentions.name_code})
    spellings = codes.groupby(["slug_code", "name_code"]).size().rename("claims").reset_index()
    spellings["slug"] = mentions.slugs[spellings["slug_code"]]
    spellings["name"] = mentions.names.take(spellings["name_code"]).astype(str)
    # on a tie, a mixed-case spelling ("Ukrinform") names the source rather than "UKRINFORM"
    text = spellings["name"].astype("string")
    spellings["one_case"] = text.str.upper().eq(text) | text.str.lower().eq(text)
    spellings = spellings.sort_values(
        ["slug", "claims", "one_case", "name"], ascending=[True, False, True, True], kind="stable"
    )
    chosen = ~spellings["slug"].duplicated()
    variants = spellings[~chosen]
    report.handle(
        "spellings of one outlet that differ only in case, accents, spaces or punctuation",
        int(variants["claims"].sum()),
        "one source named by its most frequent spelling; the other spellings are listed "
        "under 'sources merged'",
    )
    report.merged.extend(  # one entry per merged spelling, a few dozen at most
        zip(
            variants["name"].tolist(),
            ("acled-src-" + variants["slug"]).tolist(),
            variants["claims"].astype(int).tolist(),
            strict=True,
        )
    )
    sources = spellings[chosen].reset_index(drop=True)
    name = sources["name"].astype("string")
    kind = pd.Series("media", index=sources.index, dtype="string")
    lowered = name.str.lower()
    undecided = pd.Series(True, index=sources.index)
    for label, pattern in KIND_RULES:
        hit = undecided & lowered.str.contains(pattern, regex=True)
        kind[hit] = label
        undecided &= ~hit
    counted = kind[~undecided].value_counts().sort_index()
    report.handle(
        "source kind taken from words in the outlet's name",
        int(counted.sum()),
        ", ".join(f"{k}: {n}" for k, n in counted.items())  # one item per kind
        + "; all other outlets are media (correct sources.csv where a rule is wrong)",
    )
    missing = pd.Series(pd.NA, index=sources.index, dtype="string")
    return pd.DataFrame(
        {
            "source_id": ("acled-src-" + sources["slug"]).astype("string"),
            "name": name,
            "kind": kind,
            "side": missing,
            "reliability": missing,
            "url": missing,
            "notes": missing,
        }
    )


def _missing(count: int) -> pd.Series:
    return text_series(pa.nulls(count, pa.large_string()))


def _claims(
    events: pd.DataFrame, mentions: Mentions, intervals: np.ndarray, interval_of_event
) -> pd.DataFrame:
    """One supporting, unhedged claim per (event, outlet), stated on the event's interval;
    identifiers and texts shared by many claims are made once and taken per claim."""
    event = mentions.event
    key = one_array(events["key"]).take(pa.array(event))
    slug_code = pa.array(mentions.slug_code)
    slugs = pa.array(mentions.slugs, pa.large_string())
    stated = pa.array(_interval_text(intervals), pa.large_string())
    interval = pa.array(interval_of_event[event])
    count = len(event)
    missing = _missing(count)
    return pd.DataFrame(
        {
            "claim_id": text_series(joined("acled", key, slugs.take(slug_code))),
            "source_id": text_series(joined("acled-src", slugs).take(slug_code)),
            "assertion_id": text_series(joined("acled", key)),
            "document_id": text_series(_document_ids(stated).take(interval)),
            "stance": pd.Categorical.from_codes(np.zeros(count, dtype=np.int8), ["supports"]),
            "hedged": np.zeros(count, dtype=bool),
            "stated": text_series(stated.take(interval)),
            "event_time": missing,
            "quote": missing,
            "cites": missing,
            "notes": missing,
        }
    )


def _acled_source(claims: int) -> pd.DataFrame:
    """ACLED itself, the source of the fatalities figures (none when there are none)."""
    missing = pd.Series([pd.NA], dtype="string")
    return pd.DataFrame(
        {
            "source_id": pd.Series([FIGURES_SOURCE], dtype="string"),
            "name": pd.Series(
                [f"{PUBLISHER} (Armed Conflict Location & Event Data)"], dtype="string"
            ),
            "kind": pd.Series(["other"], dtype="string"),
            "side": missing,
            "reliability": missing,
            "url": pd.Series(["https://acleddata.com"], dtype="string"),
            "notes": pd.Series(
                [
                    "the coder of the events: its fatalities figure for an event is the most "
                    "conservative one its sources reported (ACLED's rule)"
                ],
                dtype="string",
            ),
        }
    ).iloc[: 1 if claims else 0]


def _fatalities(
    events: pd.DataFrame,
    assertions: pd.DataFrame,
    intervals: np.ndarray,
    interval_of_event: np.ndarray,
    request: ImportRequest,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ACLED's ``fatalities`` of each event with deaths as a quantity (unit fatalities)
    with ACLED's supporting claim, stated and read as the event's outlet claims are;
    events coded 0 or without a usable figure get none (counted). The quantities and
    the claims."""
    report = request.report
    unit = "fatalities figures"
    report.count_read(unit, len(events))
    numbers = _numbers(events["fatalities"]).to_numpy()
    usable = np.isfinite(numbers) & (numbers >= 0)
    report.skip(unit, "fatalities empty or not a number of 0 or more", int((~usable).sum()))
    lethal = usable & (numbers > 0)
    report.handle(
        "fatalities: ACLED's own figure for each event with deaths",
        int(lethal.sum()),
        "a quantity (unit fatalities) per event, claimed by ACLED; ACLED's rule is to code the "
        "most conservative figure its sources report, so it is a lower figure, not a best "
        "estimate",
    )
    report.handle(
        "fatalities 0: no figure",
        int((usable & ~lethal).sum()),
        "an event coded with no deaths keeps its 0 in the fatalities column and gets no "
        "quantity: most events have none, and a figure nobody disputes would double the "
        "dataset's assertions",
    )
    rows = np.flatnonzero(lethal)
    key = one_array(events["key"]).take(pa.array(rows))
    quantity_id = text_series(joined(joined("acled", key), "fatalities", separator="."))
    kept = ["statement", "topic", "place_id", "event_time", "event_id_cnty"]
    taken = assertions[assertions.columns.intersection(kept)].take(rows)
    stated = pa.array(_interval_text(intervals), pa.large_string())
    interval = pa.array(interval_of_event[rows])
    count = len(rows)
    quantities = pd.DataFrame(
        {
            "assertion_id": quantity_id,
            "statement": text_series(
                joined("Fatalities: ", one_array(taken["statement"]), separator="")
            ),
            "topic": taken["topic"].to_numpy(),
            "place_id": taken["place_id"].to_numpy(),
            "event_time": taken["event_time"].to_numpy(),
            "unit": pd.Series(np.full(count, "fatalities", dtype=object), dtype="string"),
        }
    )
    if "event_id_cnty" in assertions:
        quantities["event_id_cnty"] = taken["event_id_cnty"].to_numpy()
    claims = pd.DataFrame(
        {
            "claim_id": quantity_id,
            "source_id": pd.Series(np.full(count, FIGURES_SOURCE, dtype=object), dtype="string"),
            "assertion_id": quantity_id,
            "document_id": text_series(_document_ids(stated).take(interval)),
            "stance": pd.Categorical.from_codes(np.zeros(count, dtype=np.int8), ["supports"]),
            "hedged": np.zeros(count, dtype=bool),
            "stated": text_series(stated.take(interval)),
            "value": figure_text(pd.Series(numbers[rows])),
        }
    )
    return quantities, claims


def _document_ids(stated: pa.Array) -> pa.Array:
    """``acled-doc-2024-03-18``, ``acled-doc-2024-03``, ``acled-doc-2024-03-18_to_2024-03-24``."""
    return joined("acled-doc", pc.replace_substring(stated, "/", "_to_"))


def _documents(intervals: np.ndarray) -> pd.DataFrame:
    """One document per distinct stated interval: ACLED's records of the events whose claims
    are stated then (ACLED names the outlets, not their articles)."""
    _, end, _ = _unkey(intervals)
    count = len(intervals)
    return pd.DataFrame(
        {
            "document_id": text_series(
                _document_ids(pa.array(_interval_text(intervals), pa.large_string()))
            ),
            "title": "ACLED event records, " + pd.Series(_date_words(intervals), dtype="string"),
            "publisher": pd.Series(PUBLISHER, index=range(count), dtype="string"),
            "published": pd.Series(np.datetime_as_string(end, "D"), dtype="string"),
            "url": _missing(count),
            "notes": pd.Series(DOCUMENT_NOTE, index=range(count), dtype="string"),
        }
    )


# ---------------------------------------------------------------- dates as text


def _interval_keys(start, end, whole_month) -> np.ndarray:
    """One int64 per (first day, length, whole month): a few thousand distinct values, so
    the text of an interval is made once per distinct key."""
    first = np.asarray(start, dtype="datetime64[D]").astype(np.int64)
    span = np.asarray(end, dtype="datetime64[D]").astype(np.int64) - first
    return (first * 64 + span) * 2 + np.asarray(whole_month, dtype=np.int64)  # span < 32


def _unkey(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first = (keys // 2 // 64).astype("datetime64[D]")
    return first, first + (keys // 2) % 64, (keys % 2).astype(bool)


def _per_distinct(keys: np.ndarray, format_keys) -> pa.Array:
    """``format_keys`` applied to the distinct keys only, spread back to every row."""
    distinct, codes = np.unique(keys, return_inverse=True)
    texts = pa.array(np.asarray(format_keys(distinct), dtype=object), pa.large_string())
    return texts.take(pa.array(codes.reshape(-1)))


def _interval_text(keys: np.ndarray) -> np.ndarray:
    """Contract date expressions: ``2024-03``, ``2024-03-18`` or ``2024-03-18/2024-03-24``."""
    first, last, month = _unkey(keys)
    day = np.datetime_as_string(first, "D")
    interval = np.char.add(np.char.add(day, "/"), np.datetime_as_string(last, "D"))
    return np.where(
        month, np.datetime_as_string(first, "M"), np.where(first == last, day, interval)
    )


def _date_words(keys: np.ndarray) -> np.ndarray:
    """The same intervals in words: '18 March 2024', 'March 2024',
    '18 March 2024 to 24 March 2024'."""
    first, last, month = _unkey(keys)

    def long(days: np.ndarray) -> pd.Series:
        when = pd.Series(pd.to_datetime(days))
        return when.dt.day.astype(str) + " " + when.dt.month_name() + " " + when.dt.year.astype(str)

    month_name = pd.Series(pd.to_datetime(first)).dt.month_name() + " "
    in_month = month_name + np.datetime_as_string(first, "Y")
    return np.where(
        month, in_month, np.where(first == last, long(first), long(first) + " to " + long(last))
    )


# ---------------------------------------------------------------- assertions and places


def _group_codes(values: pd.DataFrame) -> np.ndarray:
    """One integer per row, equal for rows with equal values (missing equals missing):
    the columns' factorized codes combined, renumbered after each column to stay small."""
    key = np.zeros(len(values), dtype=np.int64)
    for column in values.columns:  # a few columns
        codes, distinct = pd.factorize(values[column])
        key = pd.factorize(key * (len(distinct) + 1) + codes + 1)[0]
    return key


def _by_distinct(values: pd.DataFrame, compute) -> pd.Series:
    """``compute`` (a frame of distinct rows -> one text each) run on the distinct rows of
    ``values`` only, spread back to every row as a string column."""
    _, first, codes = np.unique(_group_codes(values), return_index=True, return_inverse=True)
    texts = compute(values.iloc[first].reset_index(drop=True))
    # from_pandas: NaN is missing (the result of a column of nothing but missing values)
    texts = pa.array(pd.Series(texts, dtype=object).to_numpy(), pa.large_string(), from_pandas=True)
    return text_series(texts.take(pa.array(codes.reshape(-1))), index=values.index)


def _places(events: pd.DataFrame, request: ImportRequest) -> tuple[pd.DataFrame, pd.Series]:
    """places.csv (one row per distinct name, admin areas, country and coordinates) and each
    event's place_id (missing when the event names neither a location nor coordinates)."""
    report = request.report
    parts = pd.DataFrame(
        {
            "name": events["location"],
            "admin1": events["admin1"],
            "admin2": events["admin2"],
            "admin3": events["admin3"],
            "country": _alpha2(events, request),
            "lat": events["latitude"],
            "lon": events["longitude"],
        },
        index=events.index,
    )
    located = (parts["name"].notna() | parts["lat"].notna()).to_numpy()
    report.handle(
        "events with a location but no latitude/longitude",
        int((located & (parts["lat"].isna() | parts["lon"].isna())).sum()),
        "place kept without coordinates",
    )
    report.handle(
        "events with coordinates but no location name",
        int((located & parts["name"].isna()).sum()),
        "place named after its admin1 area, else its coordinates",
    )
    rows = parts[located]

    def identify(distinct: pd.DataFrame) -> pd.Series:
        coordinates = (
            distinct["lat"].round(4).astype(str) + ", " + distinct["lon"].round(4).astype(str)
        )
        name = distinct["name"].fillna(distinct["admin1"]).fillna(coordinates)
        return "acled-" + slug(name).astype(str) + "-" + content_hash(distinct).str.slice(0, 10)

    ids = _by_distinct(rows, identify)
    table = rows.assign(place_id=ids).drop_duplicates("place_id")
    coordinates = table["lat"].round(4).astype(str) + ", " + table["lon"].round(4).astype(str)
    table["name"] = table["name"].fillna(table["admin1"]).fillna(coordinates.astype("string"))
    place_id = ids.reindex(events.index)
    columns = ["place_id", "name", "admin1", "country", "lat", "lon", "admin2", "admin3"]
    return table[columns].reset_index(drop=True), place_id


def _alpha2(events: pd.DataFrame, request: ImportRequest) -> pd.Series:
    """ISO alpha-2 from ACLED's numeric ``iso`` or its country name; never when they disagree."""
    countries = _country_table()
    by_iso = countries.set_index("iso")["alpha2"]
    by_name = countries.assign(name=countries["name"].str.casefold()).set_index("name")["alpha2"]

    def alpha2(distinct: pd.DataFrame) -> pd.Series:
        number = pd.to_numeric(distinct["iso"], errors="coerce").map(by_iso.rename(index=float))
        named = distinct["country"].astype(object).str.casefold().map(by_name)
        disagree = number.notna() & named.notna() & number.ne(named)
        return number.fillna(named).where(~disagree, "?")

    result = _by_distinct(events[["iso", "country"]], alpha2)
    disagree = result.eq("?").fillna(False).to_numpy(dtype=bool)
    request.report.handle(
        "events whose iso code and country name are different countries",
        int(disagree.sum()),
        "their places left without a country",
    )
    request.report.handle(
        "events in a country missing from the importer's ISO table",
        int(result.isna().sum()),
        "their places left without a country (not guessed)",
    )
    return result.where(~disagree)


def _assertions(
    events: pd.DataFrame, place_id: pd.Series, columns: pd.Index, request: ImportRequest
) -> pd.DataFrame:
    """One assertion per event, with ACLED's own columns kept as extra columns."""
    keys = _interval_keys(events["start"], events["end"], events["precision"].eq(3))
    area = events["admin1"].fillna(events["country"]).to_frame()
    table = pd.DataFrame(
        {
            "assertion_id": "acled-" + events["key"],
            "statement": _statements(
                events, text_series(_per_distinct(keys, _date_words), events.index)
            ),
            "topic": _by_distinct(area, lambda distinct: slug(distinct.iloc[:, 0])).where(
                area.iloc[:, 0].notna()
            ),
            "place_id": place_id,
            "event_time": text_series(_per_distinct(keys, _interval_text), events.index),
        },
        index=events.index,
    )
    for column in ASSERTION_EXTRAS:
        if column not in columns:
            continue
        if column in NUMERIC_EXTRAS:
            parsed = {"time_precision": "precision", "timestamp": "stamp"}.get(column)
            numbers = events[parsed] if parsed else _numbers(events[column])
            request.report.handle(
                f"{column} not a number",
                int((numbers.isna() & events[column].notna()).sum()),
                "left empty",
            )
            table[column] = numbers.round().astype("Int64")
        else:
            table[column] = events[column]
    return table.reset_index(drop=True)


def _statements(events: pd.DataFrame, when: pd.Series) -> pd.Series:
    """'Shelling/artillery/missile attack by Military Forces of Russia (2000-) at Vovchansk,
    Kharkiv, Ukraine, 18 March 2024': what and who, where, when (each part made once per
    distinct combination of its columns)."""
    actors = events[["sub_event_type", "event_type", "actor1", "actor2"]]
    places = events[["location", "admin1", "country"]]
    when = when.where(events["precision"].ne(2), "in the week " + when)
    return text_series(
        joined(
            one_array(_by_distinct(actors, _what_and_who)),
            one_array(_by_distinct(places, _where)),
            one_array(when),
            separator="",
        ),
        events.index,
    )


def _what_and_who(rows: pd.DataFrame) -> pd.Series:
    what = rows["sub_event_type"].fillna(rows["event_type"])
    kind = rows["event_type"].str.casefold()
    actor1, actor2 = rows["actor1"], rows["actor2"]
    both = actor2.notna()
    between = both & kind.eq("battles")
    involving = both & kind.eq("strategic developments")
    who = (" by " + actor1).where(~both, " by " + actor1 + " against " + actor2)
    who = who.where(~between, " between " + actor1 + " and " + actor2)
    who = who.where(~involving, " involving " + actor1 + " and " + actor2)
    return what + who.fillna("")


def _where(rows: pd.DataFrame) -> pd.Series:
    admin1 = rows["admin1"].where(rows["admin1"].ne(rows["location"]))
    area = (", " + admin1).fillna("") + (", " + rows["country"]).fillna("")
    place = (" at " + rows["location"] + area).fillna(" in " + area.str.slice(2))
    return place.where(area.ne("") | rows["location"].notna(), "") + ", "


def _manifest(events: pd.DataFrame) -> dict[str, str]:
    """Title, description and the attribution with the date of the newest record."""
    if events.empty:  # nothing left to import: run.py says so with the report's counts
        return {"title": "ACLED events"}
    countries = events["country"].dropna().unique()
    where = ", ".join(sorted(countries)) if len(countries) <= 3 else f"{len(countries)} countries"
    first = np.datetime_as_string(events["start"].to_numpy(dtype="datetime64[D]").min(), "D")
    last = np.datetime_as_string(events["end"].to_numpy(dtype="datetime64[D]").max(), "D")
    stamps = events["stamp"].dropna()
    updated = (
        "; the newest record in this extract was updated on "
        + np.datetime_as_string(np.datetime64(int(stamps.max()), "s"), "D")
        if len(stamps)
        else ""
    )
    return {
        "title": f"ACLED events: {where}, {first} to {last}",
        "description": (
            f"Imported from an ACLED export: one assertion per event ({len(events):,}), one "
            "supporting claim per outlet named in its source column, read in ACLED's event "
            "records. See IMPORT.md."
        ),
        "attribution": f"{ATTRIBUTION}{updated}; cite ACLED with the date you downloaded the data",
    }
