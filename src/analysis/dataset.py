"""A dataset folder (contract §1) -> :class:`Dataset` with typed tables; all or nothing.

Every problem found is collected and raised at once as a
:class:`~analysis.errors.DatasetError`: a bad dataset never half-loads.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pandera.pandas as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .csvfile import read_table, strip_text
from .errors import DatasetError, Problem
from .schema import BUILTIN_MESSAGES, STANCES, TABLE_BY_NAME, TABLES, Table, table_schema
from .timeexpr import resolve_expressions

MANIFEST = "dataset.toml"


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset: metadata and one typed DataFrame per table.

    ``documents`` gains ``published_day`` (the anchor of relative dates);
    ``assertions`` gains ``event_start``, ``event_end``, ``event_precision``;
    ``claims`` gains ``stated_start``, ``stated_end``, ``stated_precision`` and
    ``event_start``, ``event_end``, ``event_precision`` (the claim's own event
    time), next to the raw text. Every table keeps its unknown extra columns.
    In ``claims``, ``source_id``, ``assertion_id`` and ``document_id`` are
    categoricals over every id of their table, sorted (code order is text order).
    ``citations`` has one row per citation: ``claim_id`` cites ``cited_claim_id``,
    with ``claim_row`` and ``cited_row`` their positions in ``claims``.
    """

    path: Path
    name: str
    title: str
    description: str
    license: str | None
    timezone: str
    sources: pd.DataFrame
    documents: pd.DataFrame
    assertions: pd.DataFrame
    claims: pd.DataFrame
    places: pd.DataFrame
    citations: pd.DataFrame
    metadata: dict = field(default_factory=dict)


def citation_edges(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per citation: ``claim_id`` cites ``cited_claim_id``."""
    cites = claims.loc[claims["cites"].notna(), ["claim_id", "cites"]]
    exploded = cites.assign(cited_claim_id=cites["cites"].str.split(";")).explode("cited_claim_id")
    exploded["cited_claim_id"] = exploded["cited_claim_id"].str.strip()
    return exploded.loc[exploded["cited_claim_id"] != "", ["claim_id", "cited_claim_id"]]


def load_dataset(path: str | Path, *, today: dt.date | None = None) -> Dataset:
    """Load and validate the dataset folder at ``path``.

    ``today`` bounds dates from the future (default: the current date).
    Raises :class:`DatasetError` listing every problem found.
    """
    folder = Path(path)
    if today is None and (handed := _take_preloaded(folder)) is not None:
        return handed
    today = today or dt.date.today()
    loader = _Loader(folder, pd.Timestamp(today))
    return loader.load()


# At most one dataset loaded ahead of time, keyed by what it was loaded from.
_preloaded: dict[tuple, Dataset] = {}


def preload(path: str | Path) -> Dataset:
    """Load and validate ``path`` now, and give this same object to the next
    ``load_dataset`` of that folder, once, if none of its files changed meanwhile.

    A briefing build calls it while the kernel warms up, so the notebook's first
    cell does not load the dataset a second time.
    """
    dataset = load_dataset(path)
    _preloaded.clear()
    _preloaded[_folder_state(Path(path))] = dataset
    return dataset


def _take_preloaded(folder: Path) -> Dataset | None:
    if not _preloaded:
        return None
    try:
        return _preloaded.pop(_folder_state(folder), None)
    except OSError:  # the folder is gone or unreadable: load_dataset reports it
        return None


def _folder_state(folder: Path) -> tuple:
    """The folder, today's date and each file's name, size and modification time."""
    files = sorted(
        (entry.name, stat.st_size, stat.st_mtime_ns)
        for entry in folder.iterdir()
        if entry.is_file() and (stat := entry.stat())
    )
    return (str(folder.resolve()), dt.date.today().isoformat(), tuple(files))


class _Loader:
    """Collects problems while reading one folder; built and used once."""

    def __init__(self, folder: Path, today: pd.Timestamp):
        self.folder = folder
        self.today = today
        self.problems: list[Problem] = []
        self.tables: dict[str, pd.DataFrame | None] = {}
        self.citations = pd.DataFrame(
            {"claim_id": [], "cited_claim_id": [], "claim_row": [], "cited_row": []}
        ).astype({"claim_row": np.int64, "cited_row": np.int64})

    def fail(self, file: str, row, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, None if row is None else int(row), column, message))

    def fail_rows(self, file: str, rows, column: str, messages) -> None:
        if isinstance(messages, str):
            messages = [messages] * len(rows)
        self.problems.extend(
            Problem(file, int(r), column, m) for r, m in zip(rows, messages, strict=True)
        )

    def load(self) -> Dataset:
        if not self.folder.is_dir():
            what = "does not exist" if not self.folder.exists() else "is not a folder"
            raise DatasetError(
                str(self.folder),
                [
                    Problem(
                        str(self.folder), None, None, f"{what}; give the path of a dataset folder"
                    )
                ],
            )
        present = {t.file for t in TABLES if (self.folder / t.file).is_file()}
        if not (self.folder / MANIFEST).is_file() and not present:
            raise DatasetError(
                str(self.folder),
                [
                    Problem(
                        str(self.folder),
                        None,
                        None,
                        "not a dataset folder: it has none of dataset.toml, sources.csv, "
                        "documents.csv, assertions.csv, claims.csv (see docs/data-format.md)",
                    )
                ],
            )
        meta = self._read_manifest()
        for table in TABLES:
            self.tables[table.name] = self._read(table)
        self._check_references()
        self._resolve_dates(meta.get("timezone", "UTC"))
        self._check_citations()
        if self.problems:
            raise DatasetError(str(self.folder), self.problems)
        return self._build(meta)

    def _read_manifest(self) -> dict:
        path = self.folder / MANIFEST
        if not path.is_file():
            self.fail(
                MANIFEST, None, None, 'missing; create it with at least: name = "<dataset-name>"'
            )
            return {}
        try:
            meta = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            self.fail(MANIFEST, None, None, "not UTF-8 text; save the file as UTF-8")
            return {}
        except tomllib.TOMLDecodeError as exc:
            self.fail(MANIFEST, None, None, f"not valid TOML ({exc})")
            return {}
        for key in ("name", "title", "description", "license", "timezone"):
            if key in meta and not isinstance(meta[key], str):
                self.fail(MANIFEST, None, key, "must be a quoted string")
                meta.pop(key)
        try:
            ZoneInfo(meta.get("timezone", "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(
                MANIFEST,
                None,
                "timezone",
                f"unknown time zone {meta['timezone']!r}; use an IANA name such as "
                '"UTC" or "Europe/Kyiv"',
            )
            meta.pop("timezone")
        return meta

    def _read(self, table: Table) -> pd.DataFrame | None:
        path = self.folder / table.file
        if not path.is_file():
            if table.required:
                self.fail(table.file, None, None, "missing; every dataset needs this table")
            return None
        frame, problems = read_table(path)
        self.problems.extend(problems)
        if frame is None:
            return None
        frame = strip_text(frame)
        for f in table.fields:
            if f.kind == "bool" and f.name in frame:
                frame[f.name] = frame[f.name].str.lower()
        if frame.empty and table.required:
            self.fail(table.file, None, None, "has a header but no rows; add at least one row")
        try:
            table_schema(table).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            self._schema_problems(table, exc.failure_cases)
        missing = [f.name for f in table.fields if f.required and f.name not in frame]
        if missing:
            return None
        for f in table.fields:
            if f.name not in frame:
                frame[f.name] = pd.Series(pd.NA, index=frame.index, dtype="str")
        return frame

    def _schema_problems(self, table: Table, cases: pd.DataFrame) -> None:
        for case in cases.itertuples(index=False):  # one row per problem found, not per claim
            message = BUILTIN_MESSAGES.get(case.check, case.check)
            if case.check == "column_in_dataframe":
                self.fail(table.file, 1, str(case.failure_case), message)
                continue
            row = None if pd.isna(case.index) else case.index  # the index is the CSV row
            shown = case.check == "not_nullable" or pd.isna(case.failure_case)
            value = "" if shown else f": {case.failure_case!r}"
            self.fail(table.file, row, case.column, f"{message}{value}")

    def _check_references(self) -> None:
        refs = [
            ("claims", "source_id", "sources"),
            ("claims", "assertion_id", "assertions"),
            ("claims", "document_id", "documents"),
            ("assertions", "place_id", "places"),
        ]
        for table, column, target in refs:
            frame, other = self.tables.get(table), self.tables.get(target)
            if frame is None:
                continue
            if other is None and TABLE_BY_NAME[target].required:
                continue  # the missing table is already reported
            known = other[TABLE_BY_NAME[target].id_column] if other is not None else pd.Series([])
            values = frame[column]
            dangling = values.notna() & ~values.isin(known)
            if dangling.any():
                self.fail_rows(
                    f"{table}.csv",
                    frame.index[dangling],
                    column,
                    [
                        f"{v!r} is not in {target}.csv; add it there or fix the identifier"
                        for v in values[dangling]
                    ],
                )

    def _resolve_dates(self, timezone: str) -> None:
        documents = self.tables.get("documents")
        if documents is not None:
            documents["published_day"] = self._published_days(documents, timezone)
        assertions = self.tables.get("assertions")
        if assertions is not None:
            resolved = resolve_expressions(assertions["event_time"], allow_relative=False)
            self._date_problems("assertions.csv", "event_time", assertions["event_time"], resolved)
            assertions[["event_start", "event_end", "event_precision"]] = resolved[
                ["start", "end", "precision"]
            ]
        claims = self.tables.get("claims")
        if claims is None:
            return
        anchor = pd.Series(pd.NaT, index=claims.index, dtype="datetime64[ns]")
        if documents is not None and documents["document_id"].is_unique:
            published = documents.set_index("document_id")["published_day"]
            anchor[:] = published.reindex(claims["document_id"]).to_numpy()
        for column, prefix in (("stated", "stated"), ("event_time", "event")):
            resolved = resolve_expressions(claims[column], anchor)
            self._date_problems("claims.csv", column, claims[column], resolved, anchor)
            claims[f"{prefix}_start"] = resolved["start"]
            claims[f"{prefix}_end"] = resolved["end"]
            claims[f"{prefix}_precision"] = resolved["precision"]
        late = claims["stated_start"] > anchor
        if late.any():
            self.fail_rows(
                "claims.csv",
                claims.index[late],
                "stated",
                [
                    f"{text!r} starts {start:%Y-%m-%d}, after its document {doc!r} was "
                    f"published on {pub:%Y-%m-%d}; a claim cannot be stated after it was reported"
                    for text, start, doc, pub in zip(
                        claims.loc[late, "stated"],
                        claims.loc[late, "stated_start"],
                        claims.loc[late, "document_id"],
                        anchor[late],
                        strict=True,
                    )
                ],
            )

    def _published_days(self, documents: pd.DataFrame, timezone: str) -> pd.Series:
        text = documents["published"]
        resolved = resolve_expressions(text, allow_relative=False)
        day_like = resolved["precision"] == "day"
        wrong = resolved["problem"].isna() & text.notna() & ~day_like
        resolved.loc[wrong, "problem"] = "must be a full date or date-time such as 2025-04-08"
        self._date_problems("documents.csv", "published", text, resolved)
        days = resolved["start"].copy()
        days[~day_like] = pd.NaT
        with_offset = text.str.contains(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", case=False, na=False)
        with_offset &= day_like
        if with_offset.any():
            local = pd.to_datetime(text[with_offset], format="ISO8601", utc=True, errors="coerce")
            days[with_offset] = local.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
        return days

    def _date_problems(
        self,
        file: str,
        column: str,
        text: pd.Series,
        resolved: pd.DataFrame,
        anchor: pd.Series | None = None,
    ) -> None:
        bad = resolved["problem"].notna()
        if bad.any():
            self.fail_rows(
                file,
                text.index[bad],
                column,
                [
                    f"{m}: {t!r}"
                    for m, t in zip(resolved.loc[bad, "problem"], text[bad], strict=True)
                ],
            )
        future = resolved["start"] > self.today
        if anchor is not None:
            future &= anchor.isna()  # relative to a known anchor: checked against the document
        if future.any():
            self.fail_rows(
                file,
                text.index[future],
                column,
                [
                    f"{t!r} is in the future (today is {self.today:%Y-%m-%d}); check the year"
                    for t in text[future]
                ],
            )

    def _check_citations(self) -> None:
        claims = self.tables.get("claims")
        if claims is None:
            return
        edges = citation_edges(claims)
        if edges.empty:
            return
        first = ~claims["claim_id"].duplicated()  # duplicates are reported already
        ids = pd.Index(claims.loc[first, "claim_id"])
        rows = claims.index[first.to_numpy()]
        src = ids.get_indexer(edges["claim_id"])
        dst = ids.get_indexer(edges["cited_claim_id"])
        dangling = dst < 0
        for at, cited in zip(src[dangling], edges.loc[dangling, "cited_claim_id"], strict=True):
            self.fail(
                "claims.csv",
                rows[at],
                "cites",
                f"{cited!r} is not a claim_id in claims.csv; fix the identifier or remove it",
            )
        src, dst = src[~dangling], dst[~dangling]
        self.citations = (
            edges[~dangling].assign(claim_row=src, cited_row=dst).reset_index(drop=True)
        )
        if len(src) == 0:
            return
        graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(len(ids), len(ids)))
        _, labels = connected_components(graph, directed=True, connection="strong")
        in_cycle = np.bincount(labels)[labels] > 1
        in_cycle[src[src == dst]] = True
        for group in np.unique(labels[in_cycle]):  # one loop turn per cycle found
            members = np.flatnonzero(labels == group)
            names = ", ".join(ids[members])
            for at in members:
                self.fail(
                    "claims.csv",
                    rows[at],
                    "cites",
                    f"citation cycle among claims {names}: evidence cannot rely on itself; "
                    "remove one of the citations",
                )

    def _build(self, meta: dict) -> Dataset:
        sources = self.tables["sources"]
        sources["reliability"] = sources["reliability"].fillna("F")
        claims = self.tables["claims"]
        claims["hedged"] = claims["hedged"].eq("true").fillna(False).astype(bool)
        for column, table in (
            ("source_id", sources),
            ("assertion_id", self.tables["assertions"]),
            ("document_id", self.tables["documents"]),
        ):
            categories = np.sort(table[column].to_numpy(dtype=object))
            claims[column] = pd.Categorical(claims[column], categories=categories)
        claims["stance"] = pd.Categorical(claims["stance"], categories=STANCES)
        places = self.tables.get("places")
        if places is None:
            places = pd.DataFrame(
                {f.name: pd.Series(dtype="str") for f in TABLE_BY_NAME["places"].fields}
            )
        for column in ("lat", "lon"):
            places[column] = pd.to_numeric(places[column])
        frames = {
            "sources": sources,
            "documents": self.tables["documents"],
            "assertions": self.tables["assertions"],
            "claims": claims,
            "places": places,
        }
        frames = {name: frame.reset_index(drop=True) for name, frame in frames.items()}
        return Dataset(
            path=self.folder,
            name=meta.get("name", self.folder.name),
            title=meta.get("title", meta.get("name", self.folder.name)),
            description=meta.get("description", ""),
            license=meta.get("license"),
            timezone=meta.get("timezone", "UTC"),
            metadata=meta,
            citations=self.citations,
            **frames,
        )
