"""GDELT 2.0 Events and Mentions files -> a claims dataset.

GDELT codes each news event once (an Events row) and records every article
that mentions it (a Mentions row). That is the contract's shape already: an
event is an assertion; an article mentioning it is a document in which its
outlet supports it. The raw files carry no header and no quoting and come in
15-minute batches, often zipped, so the analyst passes many of them in any
order; their kind is told by their column count, never by their name.

Choices an analyst should know (docs/importers.md has the full table):

- A claim is ``stated`` on the event's day (SQLDATE); its document is dated
  when GDELT first saw the URL (MentionTimeDate, UTC). A mention seen before
  the day its event is dated cannot have stated it, so it is skipped and counted.
- GDELT's ``Confidence`` is its own certainty about the coding, not the
  outlet's hedging: claims are never ``hedged``; Confidence is kept as a
  column and ``--min-confidence`` drops the weakest mentions.
- One article mentioning one event in several sentences is one claim (the
  most confident sentence), as the outlet said it once.
- Only open-web (MentionType 1) and citation-only (2) mentions are news
  reports with a meaningful date; the scholarly archives and non-textual
  sources (3-6) are skipped and counted.
- A row with the wrong number of columns means a damaged or edited file: it is
  refused with its file and line rather than half-imported.
- Places keep GDELT's FIPS 10-4 country and ADM1 codes as ``country_fips`` and
  ``adm1_code``: the contract's ``country`` is ISO 3166 and FIPS differs (GM is
  Germany in FIPS, Gambia in ISO), so it is left empty rather than wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.contract.arrowtext import joined, one_array, text_series
from analysis.importers.messages import ImportRefused
from analysis.importers.neutralise import neutralised
from analysis.importers.request import ImportRequest
from analysis.importers.tables import ContractTables, content_hash, slug

TITLE = "GDELT 2.0 Events and Mentions (raw files)"
LICENCE = (
    "GDELT terms of use: free for any use, redistribution included, on condition that "
    "the GDELT Project is cited with a link to https://www.gdeltproject.org/"
)
ATTRIBUTION = "The GDELT Project (https://www.gdeltproject.org/), GDELT 2.0 Event Database"

# The codebook's column order (GDELT 2.0 Event and Mentions codebooks); the files have no header.
_ACTOR = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
    "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
)  # fmt: skip
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
EVENT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{part}" for part in _ACTOR),
    *(f"Actor2{part}" for part in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{part}" for part in _GEO),
    *(f"Actor2Geo_{part}" for part in _GEO),
    *(f"ActionGeo_{part}" for part in _GEO),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
MENTION_COLUMNS = (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
    "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset",
    "ActionCharOffset", "InRawText", "Confidence", "MentionDocLen", "MentionDocTone",
    "MentionDocTranslationInfo", "Extras",
)  # fmt: skip
KINDS = {
    len(EVENT_COLUMNS): ("events", EVENT_COLUMNS),
    len(MENTION_COLUMNS): ("mentions", MENTION_COLUMNS),
}
# What a file with another column count most likely is, to say so in the error.
OTHER_SHAPES = {
    57: "a GDELT 1.0 events file (before April 2013)",
    58: "a GDELT 1.0 daily events file",
    27: "a GDELT Global Knowledge Graph (GKG 2.1) file",
}
# The columns each kind needs besides those named by --where.
NEEDED = {
    "events": (
        "GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor2Name", "EventCode", "EventRootCode",
        "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "AvgTone",
        "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_Lat",
        "ActionGeo_Long", "ActionGeo_FeatureID", "DATEADDED", "SOURCEURL",
    ),
    "mentions": (
        "GLOBALEVENTID", "MentionTimeDate", "MentionType", "MentionSourceName",
        "MentionIdentifier", "SentenceID", "Confidence", "MentionDocTone",
        "MentionDocTranslationInfo",
    ),
}  # fmt: skip

# CAMEO's 20 top-level event classes (EventRootCode).
CAMEO_ROOTS = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit military posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}
# MentionType: which collection the document came from. Only 1 and 2 are kept.
MENTION_TYPES = {
    1: "open web",
    2: "citation only (broadcast or print)",
    3: "CORE scholarly archive",
    4: "DTIC archive",
    5: "JSTOR archive",
    6: "non-textual source",
}
KEPT_MENTION_TYPES = (1, 2)
SECONDS_PER_DAY = 86_400
READ_BLOCK = 4 << 20  # bytes per pyarrow block: fewer Python reads on zipped input
FILES_NAMED = 4  # the attribution names this many input files, then summarizes


@dataclass
class _Events:
    """The events kept, with what the mentions need to join them."""

    assertions: pd.DataFrame
    places: pd.DataFrame
    ids: np.ndarray  # GLOBALEVENTID of each kept event (int64), in assertions order
    days: np.ndarray  # its SQLDATE as days since 1970
    read_ids: np.ndarray  # every valid GLOBALEVENTID read, kept or not


def convert(request: ImportRequest) -> ContractTables:
    """Read every input, tell events from mentions, and build the contract tables."""
    min_confidence = _min_confidence(request.options.get("min_confidence", 0))
    wanted = {kind[0]: _wanted_columns(kind, request) for kind in KINDS.values()}
    tables: dict[str, list[pa.Table]] = {"events": [], "mentions": []}
    for path in request.inputs:
        kind, table = _read_input(path, request, wanted)
        tables[kind].append(table)
    if not tables["events"]:
        raise ImportRefused(
            "no GDELT events file among the inputs (61 columns, *.export.CSV[.zip]): "
            "mentions name their event by GLOBALEVENTID only; add the events files of the "
            "same period"
        )
    if not tables["mentions"]:
        raise ImportRefused(
            "no GDELT mentions file among the inputs (16 columns, *.mentions.CSV[.zip]): "
            "claims come from mentions; add the mentions files of the same period"
        )
    request.progress.step("converting events")
    events = _events(_frame(tables["events"], "events", request), request)
    request.progress.step("converting mentions")
    mentions = _frame(tables["mentions"], "mentions", request)
    del tables
    sources, documents, claims, used = _mentions(mentions, events, request, min_confidence)
    assertions, places = _drop_unmentioned(events, used, request.report)
    converted = ContractTables(
        sources=sources,
        documents=documents,
        assertions=assertions,
        claims=claims,
        places=places,
        manifest=_manifest(request, assertions),
    )
    return neutralised(converted, request.report)


def _min_confidence(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ImportRefused(
            f"--min-confidence {value}: give a whole number from 0 to 100 (GDELT's Confidence "
            "is a percentage)"
        )
    return value


def _wanted_columns(kind: tuple[str, tuple[str, ...]], request: ImportRequest) -> list[str]:
    """The needed columns of a kind, plus any a --where filter names, in codebook order."""
    name, columns = kind
    filtered = {f.column for f in request.where}
    return [c for c in columns if c in NEEDED[name] or c in filtered]


# Reading --------------------------------------------------------------------------------------


def _read_input(
    path: Path, request: ImportRequest, wanted: dict[str, list[str]]
) -> tuple[str, pa.Table]:
    """One input, plain or compressed (a .zip as GDELT publishes it), as (kind, table of its
    wanted columns as text)."""
    with request.open(path) as opened:
        return _read_stream(opened.stream, opened.label, request, wanted)


def _read_stream(
    stream: BinaryIO, label: str, request: ImportRequest, wanted: dict[str, list[str]]
) -> tuple[str, pa.Table]:
    """Tell the kind from the first line's column count, then parse the whole stream."""
    head = stream.read(1 << 20)
    stream.seek(0)
    if not head.strip():
        raise ImportRefused(f"{label}: empty; expected a GDELT 2.0 events or mentions file")
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    columns = first.count(b"\t") + 1
    if columns not in KINDS:
        hint = OTHER_SHAPES.get(columns)
        if columns == 1 and first.count(b",") >= 15:
            hint = "a comma-separated export, not a raw GDELT file"
        raise ImportRefused(
            f"{label}:1: {columns} tab-separated column{'s' * (columns != 1)}"
            + (f" (this looks like {hint})" if hint else "")
            + f": a GDELT 2.0 events file (*.export.CSV) has {len(EVENT_COLUMNS)} and a "
            f"mentions file (*.mentions.CSV) has {len(MENTION_COLUMNS)}; give the raw "
            "GDELT 2.0 files, zipped or not"
        )
    kind, names = KINDS[columns]
    header = first.split(b"\t", 1)[0].strip().upper() == b"GLOBALEVENTID"
    if header:
        request.report.handle(
            "header row in a GDELT file", 1, "skipped (the raw files have none; a tool added it)"
        )
    include = wanted[kind]
    try:
        table = pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(
                column_names=list(names), skip_rows=int(header), block_size=READ_BLOCK
            ),
            parse_options=pacsv.ParseOptions(
                delimiter="\t", quote_char=False, double_quote=False, escape_char=False
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=include,
                column_types=dict.fromkeys(include, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise _read_error(exc, stream, label, kind, columns) from None
    return kind, table


def _read_error(
    exc: pa.ArrowInvalid, stream: BinaryIO, label: str, kind: str, columns: int
) -> ImportRefused:
    """The reader's complaint, told as file:line and what to do."""
    message = str(exc)
    if "columns" in message:
        stream.seek(0)
        ragged = _first_ragged_line(stream, columns)
        if ragged is not None:
            line, found = ragged
            return ImportRefused(
                f"{label}:{line}: {found} tab-separated columns where a GDELT 2.0 {kind} file "
                f"has {columns}: the file is damaged, cut short or edited; download it again "
                "(or delete that line)"
            )
    if "UTF8" in message or "UTF-8" in message:
        return ImportRefused(
            f"{label}: not UTF-8 text, which raw GDELT files are; download it again "
            "(or convert it, e.g. iconv -f utf-8 -t utf-8 -c)"
        )
    return ImportRefused(f"{label}: cannot be read as a GDELT 2.0 {kind} file: {message}")


def _first_ragged_line(stream: BinaryIO, columns: int) -> tuple[int, int] | None:
    """(1-based line, column count) of the first non-empty line without ``columns`` columns.

    Only run after the fast reader failed (it cannot tell the line when it reads in
    parallel): counts tabs per line a block at a time with numpy."""
    lines = 0
    carry = b""
    while True:
        block = stream.read(16 << 20)
        data = carry + block
        if block:
            cut = data.rfind(b"\n") + 1
            data, carry = data[:cut], data[cut:]
        elif data and not data.endswith(b"\n"):
            data, carry = data + b"\n", b""
        if data:
            found = _ragged_in(np.frombuffer(data, dtype=np.uint8), columns)
            if found is not None:
                return lines + found[0], found[1]
            lines += data.count(b"\n")
        if not block:
            return None


def _ragged_in(data: np.ndarray, columns: int) -> tuple[int, int] | None:
    """Within whole lines ``data``: (1-based line, columns) of the first ragged one."""
    ends = np.flatnonzero(data == ord("\n"))
    tabs = np.cumsum(data == ord("\t"))[ends]
    per_line = np.diff(tabs, prepend=0) + 1
    starts = np.concatenate(([0], ends[:-1] + 1))
    stripped = ends - (data[np.maximum(ends - 1, 0)] == ord("\r")) - starts
    ragged = np.flatnonzero((stripped > 0) & (per_line != columns))
    if not ragged.size:
        return None
    return int(ragged[0]) + 1, int(per_line[ragged[0]])


def _frame(tables: list[pa.Table], unit: str, request: ImportRequest) -> pd.DataFrame:
    """The inputs of one kind as one raw frame (codebook column names), --where applied."""
    frame = pa.concat_tables(tables).to_pandas()
    request.report.count_read(unit, len(frame))
    columns = EVENT_COLUMNS if unit == "events" else MENTION_COLUMNS
    request.note_columns(columns)
    return request.keep_where(frame, unit)


# Conversions (vectorized; invalid values become missing) ---------------------------------------


def _arrow(values: pd.Series, *, trim: bool = True) -> pa.ChunkedArray:
    """The Arrow text behind a pandas column (no copy when pandas keeps it as Arrow),
    trimmed unless ``trim`` is false (web addresses: GDELT never pads them, and trimming
    two million of them costs more than the rest of their reading)."""
    data = getattr(values.array, "_pa_array", None)
    if data is None:
        data = pa.chunked_array([pa.array(values.astype("string"), type=pa.string())])
    data = data.cast(pa.string())
    return pc.utf8_trim_whitespace(data) if trim else data


def _ints(values: pd.Series) -> np.ndarray:
    """Non-negative whole numbers as int64, -1 where the text is not one."""
    text = _arrow(values)
    valid = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{1,18}$"), False)
    numbers = pc.cast(pc.if_else(valid, text, pa.scalar(None, pa.string())), pa.int64())
    return np.asarray(pc.fill_null(numbers, -1).to_numpy(), dtype=np.int64)


def _counts(numbers: np.ndarray) -> pd.Series:
    """int64 with -1 for missing, as a nullable integer column."""
    return pd.Series(pd.arrays.IntegerArray(np.maximum(numbers, 0), numbers < 0))


def _reals(values: pd.Series) -> np.ndarray:
    """Decimal numbers as float64, NaN where the text is not one."""
    text = _arrow(values)
    valid = pc.fill_null(
        pc.match_substring_regex(text, r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"),
        False,
    )
    numbers = pc.cast(pc.if_else(valid, text, pa.scalar(None, pa.string())), pa.float64())
    return np.asarray(pc.fill_null(numbers, np.nan).to_numpy(), dtype=np.float64)


def _stamp(values: pd.Series, digits: int) -> np.ndarray:
    """``YYYYMMDD`` (8 digits) or ``YYYYMMDDHHMMSS`` (14) as seconds since 1970 (int64),
    -1 where the text is not a valid date or date-time."""
    text = _arrow(values)
    # years 1970-2199 only: before, seconds would be negative; after, past what a dataset holds
    valid = pc.fill_null(pc.match_substring_regex(text, f"^[0-9]{{{digits}}}$"), False)
    valid = pc.and_(valid, pc.fill_null(pc.less(text, "22"), False))
    text = pc.if_else(valid, text, pa.scalar(None, pa.string()))
    parsed = pc.strptime(
        text, format="%Y%m%d%H%M%S" if digits == 14 else "%Y%m%d", unit="s", error_is_null=True
    )
    seconds = pc.fill_null(pc.cast(parsed, pa.int64()), -1)
    return np.asarray(seconds.to_numpy(), dtype=np.int64)


def _codes(array: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each value's position in the distinct values (-1 for missing), and those values.

    Encoded chunk by chunk (the chunks share one dictionary), so days of mentions whose
    text passes 2 GB never have to fit in one Arrow string array."""
    if array.nbytes > 1 << 30:
        array = array.cast(pa.large_string())
    encoded = pc.dictionary_encode(array)
    if not encoded.num_chunks:
        return np.zeros(0, dtype=np.int64), pa.array([], type=pa.string())
    codes = np.concatenate(
        [pc.fill_null(chunk.indices, -1).to_numpy().astype(np.int64) for chunk in encoded.chunks]
    )
    return codes, encoded.chunk(encoded.num_chunks - 1).dictionary


def _take(values: pa.Array | pa.ChunkedArray, codes: np.ndarray) -> pa.Array:
    """``values`` at positions ``codes``; missing where a code is -1."""
    return pc.take(values, pa.array(codes, mask=codes < 0))


def _day_text(days: np.ndarray) -> pa.Array:
    """Days since 1970 as ``YYYY-MM-DD``."""
    return pc.strftime(pa.array(days.astype("datetime64[D]")), format="%Y-%m-%d")


# Events -----------------------------------------------------------------------------------------


def _events(raw: pd.DataFrame, request: ImportRequest) -> _Events:
    """Each event an assertion (statement, topic, place, day) with GDELT's measures as extras."""
    report = request.report
    ids = _ints(raw["GLOBALEVENTID"])
    bad_id = ids <= 0
    report.skip("events", "GLOBALEVENTID is not a positive whole number", int(bad_id.sum()))
    read_ids = np.unique(ids[~bad_id])
    day = _stamp(raw["SQLDATE"], 8)
    bad_day = ~bad_id & (day < 0)
    report.skip("events", "SQLDATE is not a date (YYYYMMDD)", int(bad_day.sum()))
    added = _stamp(raw["DATEADDED"], 14)
    late = ~bad_id & ~bad_day & (added >= 0) & (day // SECONDS_PER_DAY > added // SECONDS_PER_DAY)
    report.skip(
        "events", "SQLDATE after the day GDELT added the event (DATEADDED)", int(late.sum())
    )
    keep = ~bad_id & ~bad_day & ~late
    frame = raw[keep].assign(_id=ids[keep], _day=day[keep] // SECONDS_PER_DAY, _added=added[keep])
    frame = _one_row_per_event(frame, report)
    when = pd.Series(frame["_day"].to_numpy().astype("datetime64[D]"), index=frame.index)
    frame = request.keep_within(frame, when, when, "events").reset_index(drop=True)
    day_text = _day_text(frame["_day"].to_numpy())
    place_id, places = _places(frame, report)
    topic = pc.coalesce(_arrow(frame["ActionGeo_ADM1Code"]), _arrow(frame["ActionGeo_CountryCode"]))
    assertions = pd.DataFrame(
        {
            "assertion_id": text_series(
                joined("gdelt", pc.cast(pa.array(frame["_id"].to_numpy()), pa.string()))
            ),
            "statement": _statement(frame, day_text),
            "topic": text_series(topic),
            "place_id": place_id,
            "event_time": text_series(day_text),
            "event_code": text_series(_arrow(frame["EventCode"])),
            "quad_class": _counts(_ints(frame["QuadClass"])),
            "goldstein_scale": _reals(frame["GoldsteinScale"]),
            "num_mentions": _counts(_ints(frame["NumMentions"])),
            "num_sources": _counts(_ints(frame["NumSources"])),
            "avg_tone": _reals(frame["AvgTone"]),
            "source_url": text_series(_arrow(frame["SOURCEURL"])),
        }
    )
    return _Events(assertions, places, frame["_id"].to_numpy(), frame["_day"].to_numpy(), read_ids)


def _one_row_per_event(frame: pd.DataFrame, report) -> pd.DataFrame:
    """The same GLOBALEVENTID twice (overlapping downloads, a file given twice): keep the row
    GDELT added last, whichever input it came from, so input order never matters."""
    ids = frame["_id"].to_numpy()
    repeated = pd.Series(ids).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return frame
    twice = frame[repeated]
    content = content_hash(twice[[c for c in NEEDED["events"] if c in twice.columns]])
    order = np.lexsort((content.to_numpy(), -twice["_added"].to_numpy(), twice["_id"].to_numpy()))
    twice = twice.iloc[order]
    extra = twice["_id"].duplicated().to_numpy()
    report.handle(
        "event given more than once (same GLOBALEVENTID)",
        int(extra.sum()),
        "one assertion, from the row with the latest DATEADDED",
    )
    return pd.concat([frame[~repeated], twice[~extra]])


def _statement(frame: pd.DataFrame, day_text: pa.Array) -> pd.Series:
    """``Fight (CAMEO 190) by RUSSIA toward UKRAINE in Kharkiv, ..., Ukraine on 2025-03-18``."""
    code = _arrow(frame["EventCode"])
    root = pc.coalesce(_arrow(frame["EventRootCode"]), pc.utf8_slice_codeunits(code, 0, 2))
    root = pc.utf8_lpad(root, 2, "0")
    names = pa.array(list(CAMEO_ROOTS.values()))
    name = pc.take(names, pc.index_in(root, pa.array(list(CAMEO_ROOTS))))
    pieces = [pc.fill_null(name, "CAMEO event")]
    pieces.append(pc.fill_null(pc.binary_join_element_wise(" (CAMEO ", code, ")", ""), ""))
    for prefix, column in (
        (" by ", "Actor1Name"),
        (" toward ", "Actor2Name"),
        (" in ", "ActionGeo_FullName"),
    ):
        pieces.append(
            pc.fill_null(pc.binary_join_element_wise(prefix, _arrow(frame[column]), ""), "")
        )
    pieces += [" on ", day_text]
    return text_series(pc.binary_join_element_wise(*pieces, ""))


def _places(frame: pd.DataFrame, report) -> tuple[pd.Series, pd.DataFrame]:
    """The action's place for each event (GDELT's gazetteer FeatureID as its identity) and the
    places table: one row per place, with its most frequent name and coordinates."""
    feature = text_series(pc.utf8_lower(_arrow(frame["ActionGeo_FeatureID"])))
    name = text_series(_arrow(frame["ActionGeo_FullName"]))
    lat = pd.Series(_reals(frame["ActionGeo_Lat"]))
    lon = pd.Series(_reals(frame["ActionGeo_Long"]))
    off = ~(lat.between(-90, 90) & lon.between(-180, 180)) & (lat.notna() | lon.notna())
    report.handle(
        "event place coordinates out of range", int(off.sum()), "place kept without coordinates"
    )
    lat, lon = lat.mask(off), lon.mask(off)
    unnamed = name.isna() & (feature.notna() | lat.notna())
    report.handle(
        "event place with no ActionGeo_FullName", int(unnamed.sum()), "event kept without a place"
    )
    # GNS feature ids may be negative: keep the sign in the identifier
    place_id = slug(feature.str.replace(r"^-", "neg", regex=True), prefix="gdelt-place-")
    hashed = (feature.isna() & name.notna()).to_numpy()
    if hashed.any():
        located = pd.DataFrame({"name": name, "lat": lat, "lon": lon})[hashed]
        place_id[hashed] = "gdelt-place-" + content_hash(located)
    place_id = place_id.where(name.notna()).astype("string")
    places = pd.DataFrame(
        {
            "place_id": place_id,
            "name": name,
            "lat": lat,
            "lon": lon,
            "adm1_code": text_series(_arrow(frame["ActionGeo_ADM1Code"])),
            "country_fips": text_series(_arrow(frame["ActionGeo_CountryCode"])),
        }
    ).dropna(subset=["place_id"])
    variants = places.value_counts(dropna=False, sort=False).rename("_n").reset_index()
    variants = variants.sort_values(
        ["place_id", "_n", "name", "lat", "lon"], ascending=[True, False, True, True, True]
    )
    several = variants["place_id"].duplicated()
    report.handle(
        "place (FeatureID) with several names or coordinates",
        int(variants.loc[several, "place_id"].nunique()),
        "kept the most frequent one",
    )
    # adm1_code and country_fips are FIPS codes, not the contract's admin1 name or ISO country
    return place_id, variants[~several].drop(columns="_n").reset_index(drop=True)


# Mentions ---------------------------------------------------------------------------------------


def _mentions(
    raw: pd.DataFrame, events: _Events, request: ImportRequest, min_confidence: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Each kept mention a supporting claim by its outlet in the document at its URL;
    also returns the event (position) of each claim.

    Works on integer codes (events, documents, outlets) with numpy: text is only touched
    once per distinct value, and once more to write the identifiers."""
    report = request.report
    kept, urls, outlets, languages = _kept_mentions(raw, events, request, min_confidence)
    del raw
    documents, first_day, hashes = _documents(
        kept, urls, outlets, languages, len(events.ids), report
    )
    chosen, sentences = _one_claim_per_document(kept, len(urls), report)
    event, doc = kept["event"][chosen], kept["doc"][chosen]
    early = events.days[event] > first_day[doc]
    report.skip(
        "mentions", "its document was seen before the event's day (SQLDATE)", int(early.sum())
    )
    chosen, sentences, event, doc = chosen[~early], sentences[~early], event[~early], doc[~early]

    documents = documents[np.isin(documents.pop("_code").to_numpy(), doc)]
    outlet_ids = pa.array(slug(text_series(outlets), prefix="gdelt-src-").to_numpy(dtype=object))
    event_rows, doc_hash = pa.array(event), pc.take(hashes, pa.array(doc))
    event_text = pc.cast(pa.array(events.ids[event]), pa.string())
    claims = pd.DataFrame(
        {
            "claim_id": text_series(joined("gdelt", event_text, doc_hash)),
            "source_id": text_series(pc.take(outlet_ids, pa.array(kept["source"][chosen]))),
            "assertion_id": text_series(
                pc.take(one_array(events.assertions["assertion_id"]), event_rows)
            ),
            "document_id": text_series(joined("gdelt-doc", doc_hash)),
            "stance": "supports",
            "hedged": np.zeros(len(chosen), dtype=bool),
            "stated": text_series(pc.take(one_array(events.assertions["event_time"]), event_rows)),
            "confidence": _counts(kept["confidence"][chosen]),
            "doc_tone": kept["tone"][chosen],
            "sentence_id": _counts(kept["sentence"][chosen]),
            "sentences": sentences,
        }
    )
    sources = _sources(outlets, outlet_ids, np.unique(kept["source"][chosen]), report)
    return sources, documents.reset_index(drop=True), claims, event


def _kept_mentions(
    raw: pd.DataFrame, events: _Events, request: ImportRequest, min_confidence: int
) -> tuple[dict[str, np.ndarray], pa.Array, pa.Array, pa.Array]:
    """The mentions that can be claims, as integer arrays (event position, document, outlet,
    translation codes, ...), with the distinct URLs, outlets and translation notes."""
    report = request.report
    event_id = _ints(raw["GLOBALEVENTID"])
    kind = _ints(raw["MentionType"])
    seen = _stamp(raw["MentionTimeDate"], 14)
    confidence = _ints(raw["Confidence"])
    identifier = _arrow(raw["MentionIdentifier"], trim=False)
    keep = np.ones(len(raw), dtype=bool)

    def drop(mask: np.ndarray, reason: str) -> None:
        nonlocal keep
        mask = mask & keep
        report.skip("mentions", reason, int(mask.sum()))
        keep &= ~mask

    drop(event_id <= 0, "GLOBALEVENTID is not a positive whole number")
    for code, name in MENTION_TYPES.items():
        if code not in KEPT_MENTION_TYPES:
            drop(kind == code, f"MentionType {code} ({name}): not a dated news report")
    drop(~np.isin(kind, list(MENTION_TYPES)), "MentionType not one of 1-6")
    no_identifier = pc.fill_null(pc.equal(identifier, ""), True).to_numpy(zero_copy_only=False)
    drop(no_identifier, "no MentionIdentifier (the article's URL or citation)")
    drop(seen < 0, "MentionTimeDate is not a date-time (YYYYMMDDHHMMSS)")
    if min_confidence:
        below = f"Confidence below --min-confidence {min_confidence} (or missing)"
        drop(confidence < min_confidence, below)
    position = pd.Index(events.ids).get_indexer(event_id)
    unknown = position < 0
    drop(unknown & np.isin(event_id, events.read_ids), "its event was not imported (see events)")
    drop(unknown, "its event is not in the events inputs")
    source, outlets = _codes(_source_names(raw, identifier, kind == 1, keep, report))
    drop(source < 0, "no MentionSourceName and no web address to take it from")

    rows = np.flatnonzero(keep)
    doc, urls = _codes(identifier)
    translation, languages = _codes(_arrow(raw["MentionDocTranslationInfo"]))
    kept = {
        "event": position[rows],
        "doc": doc[rows],
        "seen": seen[rows],
        "kind": kind[rows],
        "source": source[rows],
        "translation": translation[rows],
        "confidence": confidence[rows],
        "sentence": _ints(raw["SentenceID"])[rows],
        "tone": _reals(raw["MentionDocTone"])[rows],
    }
    return kept, urls, outlets, languages


def _source_names(
    raw: pd.DataFrame, identifier: pa.ChunkedArray, web: np.ndarray, keep: np.ndarray, report
) -> pa.ChunkedArray:
    """MentionSourceName, or for a web mention without one the host name of its URL."""
    names = _arrow(raw["MentionSourceName"])
    missing = pc.fill_null(pc.equal(names, ""), True).to_numpy(zero_copy_only=False)
    missing &= keep & web
    if not missing.any():
        return names
    host = pc.struct_field(
        pc.extract_regex(identifier, r"^[A-Za-z][A-Za-z0-9+.-]*://(?:www\.)?(?P<host>[^/:?#]+)"),
        "host",
    )
    names = pc.if_else(pa.array(missing), pc.utf8_lower(host), names)
    found = pc.fill_null(pc.is_valid(host), False).to_numpy(zero_copy_only=False)
    report.handle(
        "web mention without MentionSourceName",
        int((missing & found).sum()),
        "outlet taken from the URL's host name",
    )
    return names


def _documents(
    kept: dict[str, np.ndarray], urls: pa.Array, outlets: pa.Array, languages: pa.Array,
    events: int, report,
) -> tuple[pd.DataFrame, np.ndarray, pa.Array]:  # fmt: skip
    """One document per URL (or citation), by document code: published when GDELT first saw
    it (UTC), by the outlet of that sighting; the day of it and the hash naming it."""
    doc, seen = kept["doc"], kept["seen"]
    first = np.full(len(urls), np.iinfo(np.int64).max)
    np.minimum.at(first, doc, seen)
    for values, case, how in (
        (seen, "article seen by GDELT at several times", "published = the first time"),
        (kept["source"], "article credited to several outlets", "publisher = the first one seen"),
    ):
        low, high = np.full(len(urls), np.iinfo(np.int64).max), np.full(len(urls), -1)
        np.minimum.at(low, doc, values)
        np.maximum.at(high, doc, values)
        report.handle(case, int((high > low).sum()), how)
    # the first sighting's row; among rows seen at once, the one of the first event
    base = int(seen.min()) if len(seen) else 0
    span = int(seen.max()) - base + 1 if len(seen) else 1
    key = (seen - base) * events + kept["event"] if span * events < 2**62 else seen
    best = np.full(len(urls), np.iinfo(np.int64).max)
    np.minimum.at(best, doc, key)
    rows = np.flatnonzero(key == best[doc])
    present, at = np.unique(doc[rows], return_index=True)
    head = rows[at]  # one row per document code present, in code order
    url = text_series(pc.take(urls, pa.array(present)))
    hashes = content_hash(url.rename("url").to_frame())
    by_code = np.full(len(urls), None, dtype=object)
    by_code[present] = hashes.to_numpy()
    stamps = np.datetime_as_string(first[present].astype("datetime64[s]"), unit="s")
    language = pc.utf8_lower(
        pc.struct_field(pc.extract_regex(languages, r"srclc:(?P<code>[A-Za-z]+)"), "code")
    )
    documents = pd.DataFrame(
        {
            "document_id": "gdelt-doc-" + hashes,
            "title": url,
            "publisher": text_series(pc.take(outlets, pa.array(kept["source"][head]))),
            "published": text_series(pc.binary_join_element_wise(pa.array(stamps), "Z", "")),
            "url": url.where(kept["kind"][head] == 1),
            "translated_from": text_series(_take(language, kept["translation"][head])),
            "_code": present,
        }
    )
    return documents, first // SECONDS_PER_DAY, pa.array(by_code, type=pa.string())


def _one_claim_per_document(
    kept: dict[str, np.ndarray], documents: int, report
) -> tuple[np.ndarray, np.ndarray]:
    """Several sentences of one article on one event make one claim: the most confident
    sentence (then the first seen, then the first sentence). Returns the chosen rows and
    how many sentences each stands for."""
    pair, _ = pd.factorize(kept["event"] * documents + kept["doc"])
    confidence, sentence, seen = kept["confidence"], kept["sentence"], kept["seen"]
    base = int(seen.min()) if len(seen) else 0
    span = int(seen.max()) - base + 1 if len(seen) else 1
    sentences = int(sentence.max()) + 2 if len(sentence) else 1
    if 102 * span * sentences < 2**62:
        rank = ((100 - np.minimum(confidence, 100)) * span + seen - base) * sentences
        rank += sentence + 1
        best = np.full(int(pair.max()) + 1 if len(pair) else 0, np.iinfo(np.int64).max)
        np.minimum.at(best, pair, rank)
        rows = np.flatnonzero(rank == best[pair])
    else:  # ranges too wide to pack into one number: sort instead
        order = np.lexsort((sentence, seen, -confidence, pair))
        rows = order[np.r_[True, pair[order][1:] != pair[order][:-1]]]
    _, at = np.unique(pair[rows], return_index=True)
    chosen = rows[at]
    counts = np.bincount(pair)[pair[chosen]]
    report.handle(
        "one article mentioning one event in several sentences",
        int(len(pair) - len(chosen)),
        "one claim with the highest Confidence; the column sentences counts them",
    )
    return chosen, counts


def _sources(outlets: pa.Array, ids: pa.Array, used: np.ndarray, report) -> pd.DataFrame:
    """One media source per outlet; names that make the same identifier are one source."""
    sources = pd.DataFrame(
        {
            "source_id": text_series(pc.take(ids, pa.array(used))),
            "name": text_series(pc.take(outlets, pa.array(used))),
        }
    ).sort_values(["source_id", "name"])
    repeated = sources["source_id"].duplicated()
    report.handle(
        "outlet names that differ only in case or punctuation",
        int(repeated.sum()),
        "one source, named by the first spelling in alphabetical order",
    )
    sources = sources[~repeated].reset_index(drop=True)
    sources["kind"] = "media"
    return sources


def _drop_unmentioned(
    events: _Events, used: np.ndarray, report
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events with no imported mention carry no claim: skipped (counted), with their places."""
    mentioned = np.zeros(len(events.assertions), dtype=bool)
    mentioned[used] = True
    report.skip("events", "no mention of it was imported (see mentions)", int((~mentioned).sum()))
    assertions = events.assertions[mentioned].reset_index(drop=True)
    wanted = pc.is_in(
        _arrow(events.places["place_id"]), value_set=_arrow(assertions["place_id"]).combine_chunks()
    )
    places = events.places[wanted.to_numpy(zero_copy_only=False)]
    return assertions, places.reset_index(drop=True)


def _manifest(request: ImportRequest, assertions: pd.DataFrame) -> dict[str, str]:
    """Title from the period covered; the attribution names the input files."""
    names = sorted(path.name for path in request.inputs)
    files = ", ".join(names[:FILES_NAMED])
    if len(names) > FILES_NAMED:
        files = f"{len(names)} files from {names[0]} to {names[-1]}"
    days = assertions["event_time"].dropna()
    period = f"{days.min()} to {days.max()}" if len(days) else "no events"
    return {
        "title": f"GDELT 2.0 events and mentions, {period}",
        "description": (
            "Imported from GDELT 2.0 raw Events and Mentions files: each event an assertion "
            "(CAMEO code, actors, place, day), each article mentioning it a supporting claim "
            "by its outlet, stated on the event's day. Documents are dated when GDELT first "
            "saw them (UTC). Confidence, tone and CAMEO measures are extra columns."
        ),
        "attribution": f"{ATTRIBUTION}; files: {files}",
    }
