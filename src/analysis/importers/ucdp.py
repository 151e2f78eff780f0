"""UCDP GED (and Candidate) events: one assertion per event, one claim per article and claimant.

UCDP is the compiler, not a claimant of the event: its casualty figures stay on
the event's assertion as extra columns, and are UCDP's own claim on a second
assertion per event, a quantity (unit ``deaths``): best as the value, low and
high as the range, deaths by side as extra columns of that claim. Each article of ``source_article`` is a document
whose outlet supports the event on the article's day; each original claimant
of ``source_original`` (a ministry, a spokesman) supports it too, and every
outlet claim of the event cites every claimant claim (UCDP does not say which
article relayed whom), so outlets relaying one official form one evidence line.

Reads the 49-column CSV in UTF-8 or Windows-1252, with month-first slash dates
or ISO dates in ``date_start``/``date_end``. Every trap of the real files is
handled on purpose and counted in the report (docs/importers.md lists them).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.importers.aliases import alias_key
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

TITLE = "UCDP Georeferenced Event Dataset (GED) or Candidate Events CSV"
LICENCE = "CC-BY-4.0"
ATTRIBUTION = (
    "Data: Uppsala Conflict Data Program (UCDP), Georeferenced Event Dataset (GED) and "
    "Candidate Events Dataset, licensed CC BY 4.0 (ucdp.uu.se). Sundberg, Ralph and Erik "
    "Melander (2013), 'Introducing the UCDP Georeferenced Event Dataset', Journal of Peace "
    "Research 50(4); Hegre, Croicu, Eck and Högbladh (2020), 'Introducing the UCDP Candidate "
    "Events Dataset', Research & Politics."
)
DATA = Path(__file__).parent / "data"
OUTLETS = DATA / "ucdp_outlets.csv"  # spellings of one outlet -> source id, name, kind, side
CLAIMANTS = DATA / "ucdp_claimants.csv"  # patterns of one claimant's many spellings

REQUIRED = (
    "id", "type_of_violence", "source_article", "source_original", "where_description",
    "adm_1", "latitude", "longitude", "date_start", "date_end", "low", "best", "high",
)  # fmt: skip
KEPT_ON_ASSERTIONS = (
    "date_prec", "where_prec", "event_clarity", "number_of_sources", "type_of_violence",
    "dyad_name", "low", "best", "high", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown",
)  # fmt: skip
DEATHS_BY_SIDE = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
UCDP_SOURCE = "ucdp"
VIOLENCE = {"1": "state-based", "2": "non-state", "3": "one-sided"}
COUNTRY_BY_GW = {"369": "UA", "365": "RU", "370": "BY"}  # Gleditsch-Ward number -> ISO alpha-2
SENTINEL_DAY = "1753-01-01"  # SQL Server's minimum date, used by UCDP for "unknown"
ARTICLE = re.compile(r"^(?P<office>.*?),(?P<date>\d{4}-\d{2}-\d{2}),(?P<headline>.*)$", re.DOTALL)
SLASH_DATE = r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?:\s.*)?$"
ISO_DATE = r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ].*)?$"
RUSSIAN = (
    r"russia|\bdpr\b|\blpr\b|donetsk people|luhansk people|lugansk people|together with russia"
)
UKRAINIAN = r"ukrain|\bkyiv\b|\bkiev"
KIND_RULES = (  # claimant kind by wording, most general first: a later match wins
    (r"osint|video", "osint"),
    (
        r"ministry|administration|\bova\b|\brva\b|mayor|head of|governor|chairman|council|"
        r"ombudsman|press service|office|police|spokes|representative|department|government|"
        r"minister|service",
        "official",
    ),
    (
        r"armed forces|operational command|general staff|army|naval|navy|air force|border|"
        r"brigade|intelligence|defen[cs]e ministry|ministry of defen[cs]e|troops|militia|"
        r"territorial defen",
        "military",
    ),
)


def convert(request: ImportRequest) -> ContractTables:
    events = pd.concat([_read(path, request) for path in request.inputs], ignore_index=True)
    events = _one_row_per_event(events, request)
    events = request.keep_where(events, "events")
    events = _with_event_days(events, request)
    events = request.keep_within(events, events["start"], events["end"], "events")
    request.progress.step("converting UCDP events")
    articles = _articles(events, request)
    events = events[events["id"].isin(articles["id"])].reset_index(drop=True)
    outlets = _outlets(articles, request)
    claimants = _claimants(events, outlets, request)
    claims = _claims(articles, outlets, claimants, request)
    columns = ["source_id", "name", "kind", "side", "notes"]
    events_asserted = _assertions(events, request)
    tolls, toll_claims, records = _deaths(events, events_asserted, articles, request)
    sources = pd.concat(
        [outlets[columns], claimants[columns], _ucdp_source(len(toll_claims))], ignore_index=True
    )
    sources = sources.drop_duplicates("source_id")
    claims = pd.concat([claims, toll_claims], ignore_index=True)
    converted = ContractTables(
        sources=sources[sources["source_id"].isin(claims["source_id"])],
        documents=pd.concat([_documents(articles, outlets, request), records], ignore_index=True),
        assertions=_stacked(events_asserted, tolls),
        claims=claims,
        places=_places(events),
        manifest={
            "title": _title(events),
            "description": (
                "Events coded by UCDP, one assertion each, with the articles UCDP cites as "
                "their outlets' supporting claims, citing the original claimants they relay, "
                "and UCDP's deaths figure (best estimate, low and high) for each event. "
                "Imported by briefing import ucdp; IMPORT.md has the counts and the inputs."
            ),
        },
    )
    return neutralised(converted, request.report)


def _title(events: pd.DataFrame) -> str:
    """``UCDP events in Ukraine, 1 September 2022 to 31 March 2023``."""
    countries = sorted(set(events["country"].dropna()) - {""}) if "country" in events else []
    where = f" in {', '.join(countries[:3])}" if 0 < len(countries) <= 3 else ""
    first, last = events["start"].min(), events["end"].max()
    days = _long_day(pd.Series([first, last]))
    return f"UCDP events{where}, {days[0]} to {days[1]}"


def _read(path: Path, request: ImportRequest) -> pd.DataFrame:
    """One CSV as stripped text columns, decoded from UTF-8 or, failing that, Windows-1252."""
    with request.open(path) as opened:
        data = opened.stream.read().removeprefix(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        request.report.handle(
            "file in Windows-1252, not UTF-8",
            1,
            f"{path.name} decoded as Windows-1252 (byte 0x92 is \u2019); counted per file",
        )
        data = text.encode("utf-8")
    columns = _header(path, data)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            # one block for the whole file (it is in memory already): a cell of any size fits
            read_options=pacsv.ReadOptions(
                column_names=columns, skip_rows=1, block_size=max(len(data), 1 << 20)
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        raise ImportRefused(f"{path}: not a readable CSV ({exc})") from None
    frame = table.to_pandas().astype("string")
    for column in frame.columns:  # a loop over 49 columns, not over rows
        frame[column] = frame[column].str.strip()
    request.report.count_read("events", len(frame))
    return frame


def _header(path: Path, data: bytes) -> list[str]:
    """The column names of the first line, checked: every required one, none twice."""
    first = data.split(b"\n", 1)[0]
    if b"\r" in first.rstrip(b"\r"):
        raise ImportRefused(
            f"{path}:1: lines end with a carriage return alone (old Mac line ends); save the "
            "file with Windows or Unix line ends, as UCDP publishes it"
        )
    header = next(csv.reader([first.decode("utf-8").rstrip("\r")]), [])
    check_width(str(path), len(header))
    columns = [c.strip() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportRefused(
            f"{path}:1: missing column(s) {', '.join(missing)}: this is not a UCDP GED CSV "
            "(download GED or the Candidate Events as CSV from ucdp.uu.se/downloads)"
        )
    twice = sorted({c for c in columns if columns.count(c) > 1})  # a loop over ~49 names
    if twice:
        raise ImportRefused(
            f"{path}:1: column(s) {', '.join(map(repr, twice))} appear twice in the header; "
            "remove the copies (UCDP names each column once)"
        )
    return columns


def _one_row_per_event(events: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    bad_id = ~events["id"].str.fullmatch(r"\d+").fillna(False)
    request.report.skip("events", "id is not a UCDP event number", int(bad_id.sum()))
    events = events[~bad_id]
    repeated = events["id"].duplicated(keep="last")
    request.report.skip(
        "events", "the same event id again (the row of the last input is kept)", int(repeated.sum())
    )
    return events[~repeated].reset_index(drop=True)


def _days(text: pd.Series) -> pd.Series:
    """D1: month-first slash dates or ISO dates, the time dropped; NaT where neither."""
    slash = text.str.extract(SLASH_DATE)
    parts = slash.where(slash["y"].notna(), text.str.extract(ISO_DATE))
    iso = parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
    return pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")


def _with_event_days(events: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    start, end = _days(events["date_start"]), _days(events["date_end"])
    bad = start.isna() | end.isna()
    request.report.skip(
        "events",
        "date_start or date_end is not a date (month-first M/D/YYYY, or ISO)",
        int(bad.sum()),
    )
    outside = ~bad & ~(in_supported_years(start) & in_supported_years(end))
    request.report.skip(
        "events",
        f"date_start or date_end outside the years {SUPPORTED_YEARS_TEXT} a dataset can hold",
        int(outside.sum()),
    )
    bad |= outside
    backwards = ~bad & (end < start)
    request.report.skip("events", "date_end before date_start", int(backwards.sum()))
    keep = ~(bad | backwards)
    return events[keep].assign(start=start[keep], end=end[keep])


def _articles(events: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    """S1: one row per part of ``source_article``: event id, k, office, date, day, headline."""
    report = request.report
    text = events["source_article"].str.removeprefix('"').str.removesuffix('"')
    parts = events[["id", "end"]].assign(part=text.str.split('";"', regex=False)).explode("part")
    parts = parts[parts["part"].fillna("").str.strip().ne("")]
    parts["k"] = parts.groupby("id").cumcount() + 1
    report.count_read("articles", len(parts))
    fields = parts["part"].str.extract(ARTICLE.pattern, flags=re.DOTALL)
    unparsed = fields["office"].isna()
    report.skip("articles", "not in the Office,YYYY-MM-DD,Headline form", int(unparsed.sum()))
    parts = parts.assign(**{k: fields[k].str.strip() for k in ("office", "date", "headline")})
    parts = parts[~unparsed]
    sentinel = parts["date"].eq(SENTINEL_DAY)
    report.skip("articles", f"dated {SENTINEL_DAY}, UCDP's placeholder", int(sentinel.sum()))
    parts = parts[~sentinel]
    parts["day"] = pd.to_datetime(parts["date"], format="%Y-%m-%d", errors="coerce")
    report.skip("articles", "date is not a real day", int(parts["day"].isna().sum()))
    outside = parts["day"].notna() & ~in_supported_years(parts["day"])
    report.skip(
        "articles",
        f"dated outside the years {SUPPORTED_YEARS_TEXT} a dataset can hold",
        int(outside.sum()),
    )
    parts = parts[parts["day"].notna() & ~outside].drop(columns="part").reset_index(drop=True)
    report.skip(
        "events",
        "no usable article in source_article",
        int((~events["id"].isin(parts["id"])).sum()),
    )
    _check_against_listings(events, parts, request)
    report.handle(
        "article dated before the event's date_end",
        int((parts["day"] < parts["end"]).sum()),
        "kept; a lag before the event's end counts as 0 days (contract \u00a74)",
    )
    return parts


def _check_against_listings(
    events: pd.DataFrame, parts: pd.DataFrame, request: ImportRequest
) -> None:
    """The redundant columns only as checks: number_of_sources, source_headline, source_date (D2)."""
    report = request.report
    if parts.empty:
        return  # nothing to check (an empty frame's .str methods have no type to work on)
    by_event = events.set_index("id")
    counts = parts.groupby("id").size()
    listed = pd.to_numeric(by_event["number_of_sources"], errors="coerce").reindex(counts.index)
    report.handle(
        "number_of_sources differs from the articles in source_article",
        int(listed.ne(counts).sum()),
        "the articles parsed from source_article are used",
    )
    headlines = (by_event["source_headline"].str.count(";") + 1).reindex(counts.index)
    report.handle(
        "headline containing ';' (source_headline splits into too many parts)",
        int(headlines.gt(counts).sum()),
        "headlines taken from source_article, never split from source_headline",
    )
    listed_offices = by_event["source_office"].str.split(";").explode().str.strip()
    listed_offices = listed_offices.rename("office").rename_axis("id").reset_index()
    both = listed_offices.drop_duplicates().merge(
        parts[["id", "office"]].drop_duplicates(), how="outer", indicator=True
    )
    differing = both.loc[both["_merge"].ne("both") & both["id"].isin(parts["id"]), "id"]
    report.handle(
        "source_office differs from the offices inside source_article",
        int(differing.nunique()),
        "the offices inside source_article are used",
    )
    given = by_event["source_date"].str.split(";").explode().str.strip().to_frame("given")
    given["k"] = given.groupby(level=0).cumcount() + 1
    given = parts.merge(given.rename_axis("id").reset_index(), on=["id", "k"], how="inner")
    day_first = given["given"].str.extract(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
    as_iso = day_first["y"] + "-" + day_first["m"].str.zfill(2) + "-" + day_first["d"].str.zfill(2)
    as_iso = as_iso.fillna(given["given"].str.slice(0, 10))
    sentinel = as_iso.eq(SENTINEL_DAY).fillna(False)
    report.handle(
        f"source_date is {SENTINEL_DAY}, UCDP's placeholder",
        int(sentinel.sum()),
        "the date inside source_article is used",
    )
    report.handle(
        "source_date differs from the date inside source_article",
        int((as_iso.ne(given["date"]).fillna(False) & ~sentinel).sum()),
        "the date inside source_article is used (source_date, day-first D/M/YYYY, is a cross-check)",
    )


def _known(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, dtype="string", keep_default_na=False).replace("", pd.NA)
    return table


def _outlets(articles: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    """Each article's outlet: known spellings merged, kinds from the hand table, media otherwise."""
    known = _known(OUTLETS)
    known = known.set_index(alias_key(known["alias"]))
    key = alias_key(articles["office"])
    is_known = key.isin(known.index)
    name = key.map(known["name"]).fillna(articles["office"])
    outlets = pd.DataFrame(
        {
            "id": articles["id"],
            "k": articles["k"],
            "office": articles["office"],
            "source_id": key.map(known["source_id"]).fillna(
                slug(articles["office"], prefix="out-")
            ),
            "name": name,
            "kind": key.map(known["kind"]).fillna("media"),
            "side": key.map(known["side"]),
            "notes": pd.Series(pd.NA, index=articles.index, dtype="string").where(
                is_known, "kind not known to the importer, media by default: review"
            ),
        }
    )
    _report_spellings(outlets[is_known & articles["office"].ne(name)], "office", request)
    request.report.handle(
        "outlet name lost to '?' (Cyrillic dropped when the file was re-saved)",
        int(articles["office"].str.fullmatch(r"[?\s]+").fillna(False).sum()),
        "kept as out-unknown-<hash>, one source per spelling",
    )
    return outlets


def _outlet_rows(outlets: pd.DataFrame) -> pd.DataFrame:
    """Outlets by source id: those of the articles and every one the spelling table knows."""
    known = _known(OUTLETS).drop(columns="alias")
    rows = pd.concat([outlets[["source_id", "name", "kind", "side"]], known], ignore_index=True)
    return rows.drop_duplicates("source_id").set_index("source_id")


def _as_outlet(names: pd.Series, outlets: pd.DataFrame) -> pd.Series:
    """The outlet source id a claimant's name spells, if any (C1: no self-claims)."""
    known = _known(OUTLETS)
    spellings = pd.concat(
        [
            pd.Series(known["source_id"].to_numpy(), index=alias_key(known["alias"])),
            pd.Series(outlets["source_id"].to_numpy(), index=alias_key(outlets["name"])),
            pd.Series(outlets["source_id"].to_numpy(), index=alias_key(outlets["office"])),
        ]
    )
    spellings = spellings[~spellings.index.duplicated()]
    return alias_key(names).map(spellings)


def _report_spellings(merged: pd.DataFrame, column: str, request: ImportRequest) -> None:
    """List each spelling merged into a known source (a few dozen at most) in the report."""
    counts = merged.groupby([column, "source_id"]).size().sort_index()
    for (spelling, source_id), n in counts.items():
        request.report.merged.append((spelling, source_id, int(n)))


def _claimants(events: pd.DataFrame, outlets: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    """S2: one row per original claimant of an event, its spellings merged by the pattern table."""
    report = request.report
    empty = events["source_original"].fillna("").eq("")
    report.handle(
        "source_original empty", int(empty.sum()), "the event rests on its outlets' claims only"
    )
    raw = events.loc[~empty, ["id", "source_original"]]
    report.handle(
        "claimants separated by line breaks as well as ';'",
        int(raw["source_original"].str.contains(r"[\r\n]", regex=True).sum()),
        "split at line breaks too (never at commas, which occur inside names)",
    )
    raw = raw.assign(raw=raw["source_original"].str.split(r"[;\r\n]+", regex=True)).explode("raw")
    raw["raw"] = raw["raw"].str.strip().str.rstrip(".").str.strip()
    raw = raw[raw["raw"].ne("")].reset_index(drop=True)
    ukraine = raw["raw"].str.extract(r"^Ukraine\s*\((?P<x>.*)\)$", flags=re.DOTALL)["x"].str.strip()
    russia = raw["raw"].str.extract(r"^Russia\s*:\s*(?P<x>.*)$", flags=re.DOTALL)["x"].str.strip()
    name = ukraine.fillna(russia).fillna(raw["raw"])
    russian = name.str.contains(RUSSIAN, case=False, regex=True)
    ukrainian = name.str.contains(UKRAINIAN, case=False, regex=True)
    side = pd.Series(pd.NA, index=raw.index, dtype="string")
    side = side.mask(russian & ~ukrainian, "RU").mask(ukrainian & ~russian, "UA")
    side = side.mask(russia.notna(), "RU").mask(ukraine.notna(), "UA")
    several = russian & ukrainian & russia.isna() & ukraine.isna()
    kind = pd.Series("other", index=raw.index, dtype="string")
    for pattern, value in KIND_RULES:  # most general first: later rules win
        kind = kind.mask(name.str.contains(pattern, case=False, regex=True), value)
    claimants = pd.DataFrame(
        {
            "id": raw["id"],
            "raw": raw["raw"],
            "source_id": slug(name, prefix="cl-"),
            "name": name,
            "kind": kind,
            "side": side,
            "notes": "as written by UCDP: " + raw["raw"],
        }
    )
    rules = _known(CLAIMANTS)
    hits = pd.concat(  # one column per rule (a dozen), one row per mention
        [name.str.contains(rule, case=False, regex=True) for rule in rules["pattern"]], axis=1
    )
    several |= hits.sum(axis=1).gt(1)
    report.handle(
        "claimant entry naming several claimants (both sides, or several known ones)",
        int(several.sum()),
        "kept as written as one source, never merged into a known claimant; side left empty",
    )
    matched = several.copy()
    for number, rule in enumerate(rules.itertuples(index=False)):
        hit = ~matched & hits.iloc[:, number]
        claimants.loc[hit, ["source_id", "name", "kind", "side"]] = (
            rule.source_id,
            rule.name,
            rule.kind,
            rule.side,
        )
        matched |= hit
    claimants.loc[several, "side"] = pd.NA
    as_outlet = ~matched & _as_outlet(name, outlets).notna()
    known_outlet = _as_outlet(name[as_outlet], outlets)
    claimants.loc[as_outlet, "source_id"] = known_outlet
    for column in ("name", "kind", "side"):
        claimants.loc[as_outlet, column] = known_outlet.map(_outlet_rows(outlets)[column])
    merged = (matched | as_outlet) & ~several & claimants["raw"].ne(claimants["name"])
    _report_spellings(claimants[merged], "raw", request)
    report.handle(
        "claimant name lost to '?' (Cyrillic dropped when the file was re-saved)",
        int(name.str.fullmatch(r"[?\s]+").fillna(False).sum()),
        "kept as cl-unknown-<hash>, one source per spelling",
    )
    report.count_read("claimant mentions", len(claimants))
    repeated = claimants.duplicated(["id", "source_id"])
    report.skip(
        "claimant mentions",
        "the same claimant twice in one event (after merging spellings)",
        int(repeated.sum()),
    )
    claimants = claimants[~repeated].copy()
    claimants["j"] = claimants.groupby("id").cumcount() + 1
    return claimants


def _claims(
    articles: pd.DataFrame, outlets: pd.DataFrame, claimants: pd.DataFrame, request: ImportRequest
) -> pd.DataFrame:
    """Outlet claims (one per article) and claimant claims, joined by C1 citations."""
    report = request.report
    documents = _document_ids(articles, outlets)
    outlet_claims = pd.DataFrame(
        {
            "claim_id": "ucdp-" + articles["id"] + "-a" + articles["k"].astype(str),
            "id": articles["id"],
            "source_id": outlets["source_id"],
            "document_id": documents,
            "stated": articles["date"],
            "quote": articles["headline"].where(articles["headline"].ne("")),
        }
    )
    is_self = (
        claimants.merge(
            outlet_claims[["id", "source_id"]].drop_duplicates(),
            on=["id", "source_id"],
            how="left",
            indicator=True,
        )["_merge"]
        .eq("both")
        .to_numpy()
    )
    report.skip(
        "claimant mentions",
        "the claimant is also an outlet reporting the event (no self-claim)",
        int(is_self.sum()),
    )
    claimants = claimants[~is_self]
    first = (
        articles.assign(document_id=documents)
        .sort_values(["id", "day", "k"])
        .drop_duplicates("id")
        .set_index("id")
    )
    claimant_claims = pd.DataFrame(
        {
            "claim_id": "ucdp-" + claimants["id"] + "-o" + claimants["j"].astype(str),
            "id": claimants["id"],
            "source_id": claimants["source_id"],
            "document_id": claimants["id"].map(first["document_id"]),
            "stated": claimants["id"].map(first["date"]),
            "notes": "statement date unknown: on or before stated (the first article's day)",
        }
    )
    edges = outlet_claims[["claim_id", "id", "source_id"]].merge(
        claimant_claims[["claim_id", "id", "source_id"]], on="id", suffixes=("", "_cited")
    )
    edges = edges[edges["source_id"].ne(edges["source_id_cited"])].sort_values(
        ["claim_id", "claim_id_cited"]
    )
    cites = edges.groupby("claim_id", sort=False)["claim_id_cited"].agg(";".join)
    outlet_claims["cites"] = outlet_claims["claim_id"].map(cites)
    claims = pd.concat([outlet_claims, claimant_claims], ignore_index=True)
    claims["assertion_id"] = "ucdp-" + claims["id"]
    claims["stance"] = "supports"
    claims["hedged"] = False
    return claims.drop(columns="id")


def _document_ids(articles: pd.DataFrame, outlets: pd.DataFrame) -> pd.Series:
    key = pd.DataFrame({"o": outlets["name"], "d": articles["date"], "h": articles["headline"]})
    return "ucdp-doc-" + content_hash(key)


def _documents(
    articles: pd.DataFrame, outlets: pd.DataFrame, request: ImportRequest
) -> pd.DataFrame:
    documents = pd.DataFrame(
        {
            "document_id": _document_ids(articles, outlets),
            "title": articles["headline"].where(articles["headline"].ne(""), "(no headline given)"),
            "publisher": outlets["name"],
            "published": articles["date"],
        }
    )
    repeated = documents["document_id"].duplicated()
    request.report.handle(
        "one article cited by several events",
        int(repeated.sum()),
        "one document, cited by each event's claim",
    )
    return documents[~repeated]


def _place_ids(events: pd.DataFrame) -> pd.Series:
    """``ucdp-pl-<lat>-<lon>``, missing where the coordinates are not usable."""
    lat = pd.to_numeric(events["latitude"], errors="coerce")
    lon = pd.to_numeric(events["longitude"], errors="coerce")
    usable = lat.between(-90, 90) & lon.between(-180, 180)
    return ("ucdp-pl-" + lat.round(5).astype(str) + "-" + lon.round(5).astype(str)).where(usable)


def _places(events: pd.DataFrame) -> pd.DataFrame:
    """UCDP's coordinates as places, one per distinct latitude and longitude."""
    name = events["where_coordinates"].where(
        events["where_coordinates"].fillna("").ne(""), events["where_description"]
    )
    places = pd.DataFrame(
        {
            "place_id": _place_ids(events),
            "name": name,
            "admin1": events["adm_1"].where(events["adm_1"].ne("")),
            "country": events["country_id"].map(COUNTRY_BY_GW) if "country_id" in events else pd.NA,
            "lat": pd.to_numeric(events["latitude"], errors="coerce"),
            "lon": pd.to_numeric(events["longitude"], errors="coerce"),
            "priogrid_gid": events.get("priogrid_gid"),
        }
    )
    return places.dropna(subset=["place_id"]).drop_duplicates("place_id")


def _short_dyad(dyad: pd.Series) -> pd.Series:
    """``Government of Russia (Soviet Union) - Government of Ukraine`` -> ``Russia - Ukraine``."""
    return (
        dyad.fillna("")
        .str.replace(r"Government of ", "", regex=False)
        .str.replace(r"\s*\((?:Soviet Union|Yugoslavia)\)", "", regex=True)
        .str.strip()
    )


def _assertions(events: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    """One assertion per event: what UCDP says happened, where and when, its figures kept."""
    report = request.report
    start, end = events["start"], events["end"]
    same_day = start.eq(end)
    when = _long_day(start).where(same_day, _long_day(start) + " to " + _long_day(end))
    where = events["where_description"] + (", " + events["adm_1"]).where(events["adm_1"].ne(""), "")
    violence = events["type_of_violence"].map(VIOLENCE).fillna("organised")
    parties = _short_dyad(events["dyad_name"]) if "dyad_name" in events else None
    what = "lethal " + violence + " violence"
    if parties is not None:
        what = what + (" (" + parties + ")").where(parties.ne(""), "")
    assertions = pd.DataFrame(
        {
            "assertion_id": "ucdp-" + events["id"],
            "statement": where + ", " + when + ": " + what,
            "topic": slug(events["adm_1"]).where(events["adm_1"].ne("")),
            "place_id": _place_ids(events),
            "event_time": _iso(start).where(same_day, _iso(start) + "/" + _iso(end)),
            "ucdp_id": events["id"],
        }
    )
    for column in KEPT_ON_ASSERTIONS:
        if column in events:
            values = events[column]
            numeric = pd.to_numeric(values, errors="coerce")
            assertions[column] = (
                numeric.astype("Int64")
                if numeric.notna().eq(values.ne("")).all() and column not in ("dyad_name",)
                else values
            )
    low, best, high = (pd.to_numeric(events[c], errors="coerce") for c in ("low", "best", "high"))
    # a figure that is not a number (or NaN) compares as unknown: not flagged
    both = (low.notna() & high.notna()).to_numpy(dtype=bool)
    assertions["toll_disputed"] = low.ne(high).fillna(False).to_numpy(dtype=bool) & both
    assertions["toll_inconsistent"] = ((best < low) | (best > high)).fillna(False).astype(bool)
    report.handle(
        "deaths differ between UCDP's sources (low != high)",
        int(assertions["toll_disputed"].sum()),
        "kept; flagged toll_disputed = true; UCDP's deaths figure gives the range low to high",
    )
    return assertions


def _stacked(events: pd.DataFrame, tolls: pd.DataFrame) -> pd.DataFrame:
    """The events' assertions and the deaths quantities in one table; the events' flags
    (``toll_disputed``...) stay ``true``/``false`` text, empty on the quantities, where a
    plain concat would make them Python objects written as ``True``."""
    flags = {
        column: pd.Series(np.where(events[column], "true", "false"), dtype="string")
        for column in events.columns
        if pd.api.types.is_bool_dtype(events[column])
    }
    return pd.concat([events.assign(**flags), tolls], ignore_index=True)


def _ucdp_source(claims: int) -> pd.DataFrame:
    """UCDP itself, the source of the deaths figures (none when there are no figures)."""
    return pd.DataFrame(
        {
            "source_id": [UCDP_SOURCE],
            "name": ["Uppsala Conflict Data Program (UCDP)"],
            "kind": ["other"],
            "side": [pd.NA],
            "notes": [
                "the compiler of the events: its deaths figures aggregate its sources (best "
                "estimate, low and high)"
            ],
        }
    ).iloc[: 1 if claims else 0]


def _deaths(
    events: pd.DataFrame, asserted: pd.DataFrame, articles: pd.DataFrame, request: ImportRequest
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """UCDP's deaths figure of each event as a quantity (unit deaths) and UCDP's claim on it:
    ``best`` the value, ``low``..``high`` the range when they differ. Stated on the day of
    the event's last article (UCDP's figure rests on them), in one UCDP record document
    per day. The quantities, the claims and the documents."""
    report = request.report
    unit = "deaths figures"
    report.count_read(unit, len(events))
    low, best, high = (
        pd.to_numeric(events[c], errors="coerce").to_numpy(dtype=float)
        for c in ("low", "best", "high")
    )
    usable_best = np.isfinite(best) & (best >= 0)
    report.skip(unit, "best is not a number of 0 or more", int((~usable_best).sum()))
    both = np.isfinite(low) & np.isfinite(high) & (low >= 0) & (high >= 0)
    # as the event's toll_inconsistent: the best estimate outside its own range
    inconsistent = usable_best & both & ((best < low) | (best > high))
    report.handle(
        "best estimate outside [low, high], against UCDP's own rule",
        int(inconsistent.sum()),
        "kept as given on the event (toll_inconsistent = true); its deaths figure keeps the "
        "best estimate as value, leaves the range out and says so in the claim's notes",
    )
    report.handle(
        "low or high not a number of 0 or more",
        int((usable_best & ~both).sum()),
        "the deaths figure gives the best estimate alone",
    )
    with_range = usable_best & both & (low < high) & ~inconsistent
    keep = usable_best
    ids = events["id"].to_numpy(dtype=object)[keep]
    last_day = articles.groupby("id")["day"].max().reindex(ids)
    day = last_day.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    event = asserted.set_index("ucdp_id").reindex(ids)
    quantities = pd.DataFrame(
        {
            "assertion_id": "ucdp-" + ids + "-deaths",
            "statement": "Deaths: " + event["statement"].to_numpy(dtype=object),
            "topic": event["topic"].to_numpy(dtype=object),
            "place_id": event["place_id"].to_numpy(dtype=object),
            "event_time": event["event_time"].to_numpy(dtype=object),
            "unit": "deaths",
            "ucdp_id": ids,
        }
    )
    note = pd.Series(
        "UCDP's range, low "
        + events["low"].to_numpy(dtype=object)
        + " to high "
        + events["high"].to_numpy(dtype=object)
        + ", does not hold its best estimate "
        + events["best"].to_numpy(dtype=object)
        + " (against UCDP's own rule): the range is left out",
        dtype="string",
    ).where(inconsistent)
    claims = pd.DataFrame(
        {
            "claim_id": "ucdp-" + ids + "-deaths",
            "source_id": UCDP_SOURCE,
            "assertion_id": "ucdp-" + ids + "-deaths",
            "document_id": "ucdp-rec-" + day,
            "stance": "supports",
            "hedged": False,
            "stated": day,
            "notes": note.to_numpy(dtype=object)[keep],
            "value": figure_text(pd.Series(best[keep])).to_numpy(dtype=object),
            "low": figure_text(pd.Series(np.where(with_range, low, np.nan)[keep])).to_numpy(
                dtype=object
            ),
            "high": figure_text(pd.Series(np.where(with_range, high, np.nan)[keep])).to_numpy(
                dtype=object
            ),
        }
    )
    for column in DEATHS_BY_SIDE:
        if column in events:
            numbers = pd.to_numeric(events[column], errors="coerce")[keep]
            claims[column] = numbers.round().astype("Int64").to_numpy()
    days = pd.Series(pd.unique(day), dtype=object)
    records = pd.DataFrame(
        {
            "document_id": "ucdp-rec-" + days,
            "title": "UCDP event records, " + _long_day(pd.to_datetime(days)),
            "publisher": "Uppsala Conflict Data Program (UCDP)",
            "published": days,
            "notes": (
                "Stands for UCDP's records of the events whose last cited article is of this "
                "day: UCDP's figures rest on those articles, so they are stated no earlier"
            ),
        }
    )
    return quantities, claims, records


def _iso(days: pd.Series) -> pd.Series:
    return days.dt.strftime("%Y-%m-%d")


def _long_day(days: pd.Series) -> pd.Series:
    return days.dt.day.astype(str) + days.dt.strftime(" %B %Y")
