"""A dataset folder (contract §1) -> :class:`Dataset` with typed tables; all or nothing.

Every problem found is collected and raised at once as a
:class:`~analysis.errors.DatasetError`: a bad dataset never half-loads.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa_arrow
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from analysis.contract import arrowtext, schema
from analysis.contract.cache import dataset_key, read_entry, write_entry
from analysis.contract.csvfile import BOM, frame_from_arrow, read_table
from analysis.contract.memory import check_fits
from analysis.contract.schema import MANIFEST, Field, Table
from analysis.contract.timeexpr import parse_phrases, resolve_expressions
from analysis.errors import DatasetError, Problem


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
    Quantities and questions (§1): ``assertions`` has ``unit`` (missing: a proposition),
    ``cumulative`` (bool) and ``question_id``; ``claims`` has ``value``, ``low`` and
    ``high`` (float64, NaN where not given); ``questions`` is empty when left out.
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
    questions: pd.DataFrame
    citations: pd.DataFrame
    metadata: dict = field(default_factory=dict)


MAX_CITES = 1_000  # claims one claim may cite
MAX_MANIFEST_BYTES = 1 << 20
CYCLE_MEMBERS_SHOWN = 5


def citation_edges(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per citation: ``claim_id`` cites ``cited_claim_id`` (index: the citing row's).

    Split and trimmed by Arrow: one claim citing 300,000 others costs its items,
    never a copy of its whole cell per item, and no Python loop over the cells.
    """
    parents, items = arrowtext.split_lists(claims["cites"])
    named = (items.fillna("") != "").to_numpy()
    rows = parents[named]
    return pd.DataFrame(
        {
            "claim_id": claims["claim_id"].take(rows).to_numpy(),
            "cited_claim_id": items[named].to_numpy(),
        },
        index=claims.index[rows],
    )


@dataclass(frozen=True)
class CitationLookup:
    """The claims' citations looked up: what :meth:`_Loader._check_citations` reports."""

    edges: pd.DataFrame  # one row per citation kept (not from a crowded claim)
    ids: pd.Series  # the claim ids cited claims are looked up in
    rows: pd.Index  # the CSV row of each of ``ids``
    src: np.ndarray  # per edge, the citing claim's position in ``ids``
    dangling: np.ndarray  # per edge, whether the cited id is unknown
    crowded: pd.Series  # CSV row -> number of citations, where above MAX_CITES
    citations: pd.DataFrame  # the Dataset's citations table
    cycles: list[np.ndarray]  # positions in ``ids`` of the claims of each cycle

    @classmethod
    def find(cls, claim_ids: pd.Series, cites: pd.Series, repeated: bool) -> CitationLookup:
        """``repeated``: some claim id is given twice (reported already); a citation then
        names the first claim with that id."""
        edges = citation_edges(pd.DataFrame({"claim_id": claim_ids, "cites": cites}))
        per_claim = edges.index.value_counts()
        crowded = per_claim[per_claim > MAX_CITES].sort_index()
        edges = edges[~edges.index.isin(crowded.index)]
        if repeated:
            first = ~claim_ids.duplicated()
            ids, rows = claim_ids[first], claim_ids.index[first.to_numpy()]
            src = arrowtext.positions(edges["claim_id"], ids)
        else:  # the usual case: every id once, so a citing claim's row is its position
            ids, rows = claim_ids, claim_ids.index
            src = claim_ids.index.get_indexer(edges.index)
        dst = arrowtext.positions(edges["cited_claim_id"], ids)
        dangling = dst < 0
        kept_src, kept_dst = src[~dangling], dst[~dangling]
        citations = (
            edges[~dangling].assign(claim_row=kept_src, cited_row=kept_dst).reset_index(drop=True)
        )
        return cls(
            edges,
            ids,
            rows,
            src,
            dangling,
            crowded,
            citations,
            _cycles(kept_src, kept_dst, len(ids)),
        )


def _cycles(src: np.ndarray, dst: np.ndarray, claims: int) -> list[np.ndarray]:
    """The claims of each citation cycle (``src`` cites ``dst``, positions of claims)."""
    if len(src) == 0 or (dst < src).all():
        return []  # every claim cites claims listed before it: no cycle is possible
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(claims, claims))
    _, labels = connected_components(graph, directed=True, connection="strong")
    in_cycle = np.bincount(labels)[labels] > 1
    in_cycle[src[src == dst]] = True
    return [np.flatnonzero(labels == group) for group in np.unique(labels[in_cycle])]


def load_dataset(
    path: str | Path,
    *,
    today: dt.date | None = None,
    follow_links: bool = False,
    cache: str | Path | None = None,
    memory_limit: int | None = None,
) -> Dataset:
    """Load and validate the dataset folder at ``path``.

    ``today`` bounds dates from the future (default: the current date).
    A file that is a symbolic link leading out of the folder is refused unless
    ``follow_links``: a dataset from elsewhere must not pull in other files.
    ``cache``: a folder where validated datasets are kept (:mod:`analysis.contract.cache`),
    so a repeat load of the same files reads typed tables; the tables are the same.
    None (the default) neither reads nor writes a cache.
    ``memory_limit``: bytes the load may plan for, below what the machine has free; a
    dataset estimated larger is refused before it is read (:mod:`analysis.contract.memory`).
    The ``briefing`` command, a build's kernel and the notebooks pass both from
    :class:`~analysis.settings.Settings` (``BRIEFING_CACHE``, ``BRIEFING_MEMORY_LIMIT``).
    Raises :class:`DatasetError` listing every problem found.
    """
    today = today or dt.date.today()
    loader = _Loader(Path(path), pd.Timestamp(today), follow_links=follow_links)
    return loader.load(cache=None if cache is None else Path(cache), memory_limit=memory_limit)


def validate_written(folder: Path, tables: dict[str, pa_arrow.Table]) -> Dataset:
    """Validate the dataset just written to ``folder`` from the Arrow tables its CSV files
    were written from, as :func:`load_dataset` would from the files (an importer's check
    before it moves a dataset into place), without parsing hundreds of MB again. The
    tables are taken out of ``tables`` as they are read, to free their memory."""
    loader = _Loader(folder, pd.Timestamp(dt.date.today()), written=tables)
    return loader.load()


class _Loader:
    """Collects problems while reading one folder; built and used once.

    Every per-column rule comes from :mod:`analysis.contract.schema`: the loader loops over
    the declared tables and fields rather than naming columns itself.
    """

    def __init__(
        self,
        folder: Path,
        today: pd.Timestamp,
        *,
        follow_links: bool = False,
        written: dict[str, pa_arrow.Table] | None = None,
    ):
        self.folder = folder
        self.written = written  # per table name: what its file was written from
        self.today = today
        self.follow_links = follow_links
        self.refused: set[str] = set()  # files not read: links leading out of the folder
        self.problems: list[Problem] = []
        self.tables: dict[str, pd.DataFrame | None] = {}
        self.numbers: dict[str, np.ndarray] = {}  # claims' figure columns, parsed once
        # per (table, reference column): codes into the referenced table's sorted ids
        self.codes: dict[tuple[str, str], np.ndarray] = {}
        self.sorted: dict[str, pd.Series] = {}  # per table: its ids in text order
        self.order: dict[str, np.ndarray] = {}  # per table: the row of each sorted id
        self.citations = pd.DataFrame(
            {"claim_id": [], "cited_claim_id": [], "claim_row": [], "cited_row": []}
        ).astype({"claim_row": np.int64, "cited_row": np.int64})
        # relative date phrases parsed ahead, one table after another (_parse_phrases)
        self.parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phrases")
        self.parsing: list[Future] = []
        # cited claims looked up while the dates resolve (_citation_lookup)
        self.lookups = ThreadPoolExecutor(max_workers=1, thread_name_prefix="citations")

    def fail(self, file: str, row, column: str | None, message: str, *, code: str) -> None:
        self.problems.append(
            Problem(file, None if row is None else int(row), column, message, code=code)
        )

    def fail_rows(self, file: str, rows, column: str, messages, *, code) -> None:
        """One problem per row; ``messages`` and ``code`` are one value or one per row."""
        if isinstance(messages, str):
            messages = [messages] * len(rows)
        codes = [code] * len(rows) if isinstance(code, str) else code
        self.problems.extend(
            Problem(file, int(r), column, m, c)
            for r, m, c in zip(rows, messages, codes, strict=True)
        )

    def load(self, *, cache: Path | None = None, memory_limit: int | None = None) -> Dataset:
        try:
            return self._load(cache, memory_limit)
        finally:  # no thread left behind, idle or busy (a kernel may be forked from this
            self.parser.shutdown(wait=True, cancel_futures=True)  # process), even when
            self.lookups.shutdown(wait=True, cancel_futures=True)  # the load failed

    def _load(self, cache: Path | None, memory_limit: int | None) -> Dataset:
        if not self.folder.is_dir():
            what = "does not exist" if not self.folder.exists() else "is not a folder"
            message = f"{what}; give the path of a dataset folder"
            raise DatasetError(
                str(self.folder),
                [Problem(str(self.folder), None, None, message, code="not-a-folder")],
            )
        present = {t.file for t in schema.TABLES if (self.folder / t.file).is_file()}
        if not (self.folder / MANIFEST).is_file() and not present:
            needed = ", ".join([MANIFEST, *(t.file for t in schema.TABLES if t.required)])
            message = f"not a dataset folder: it has none of {needed} (see docs/data-format.md)"
            raise DatasetError(
                str(self.folder),
                [Problem(str(self.folder), None, None, message, code="not-a-dataset")],
            )
        self._refuse_links_out()
        key = dataset_key(self.folder) if cache is not None and not self.problems else None
        cached = None if key is None else read_entry(cache, key, self.today.date())
        meta = self._read_manifest()
        if cached is not None and not self.problems:
            return self._dataset(meta, cached)
        check_fits(self.folder, memory_limit)
        for table in schema.TABLES:
            self.tables[table.name] = self._read(table)
        citations = self._citation_lookup()
        self._check_references()
        self._check_figures()
        self._resolve_dates(meta.get("timezone", schema.DEFAULT_TIMEZONE))
        self._check_citations(citations)
        if self.problems:
            raise DatasetError(str(self.folder), self.problems, schema.DATASET_FILES)
        tables = self._build()
        if key is not None and dataset_key(self.folder) == key:  # unchanged while read
            write_entry(cache, key, tables, _latest_day(tables))
        return self._dataset(meta, tables)

    def _refuse_links_out(self) -> None:
        """Name every dataset file that is a link to somewhere outside the folder."""
        if self.follow_links:
            return
        inside = self.folder.resolve()
        for name in schema.DATASET_FILES:
            path = self.folder / name
            if not path.is_symlink():
                continue
            target = path.resolve()
            if target.is_relative_to(inside):
                continue
            self.refused.add(name)
            self.fail(
                name,
                None,
                None,
                f"is a link to {target}, outside the dataset folder; copy the file into the "
                "folder (or, for a dataset you trust, follow links explicitly)",
                code="link-outside-folder",
            )

    def _read_manifest(self) -> dict:
        path = self.folder / MANIFEST
        if MANIFEST in self.refused:
            return {}
        if not path.is_file():
            self.fail(
                MANIFEST,
                None,
                None,
                'missing; create it with at least: name = "<dataset-name>"',
                code="missing-manifest",
            )
            return {}
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            self.fail(
                MANIFEST,
                None,
                None,
                f"is {path.stat().st_size:,} bytes; a manifest holds a few lines (at most "
                f"{MAX_MANIFEST_BYTES:,} bytes)",
                code="bad-manifest",
            )
            return {}
        try:
            meta = tomllib.loads(path.read_bytes().removeprefix(BOM).decode("utf-8"))
        except RecursionError:
            self.fail(
                MANIFEST,
                None,
                None,
                "nests tables or arrays too deeply to read",
                code="bad-manifest",
            )
            return {}
        except UnicodeDecodeError:
            self.fail(
                MANIFEST, None, None, "not UTF-8 text; save the file as UTF-8", code="not-utf8"
            )
            return {}
        except tomllib.TOMLDecodeError as exc:
            self.fail(MANIFEST, None, None, f"not valid TOML ({exc})", code="bad-manifest")
            return {}
        for key in schema.MANIFEST_KEYS:
            if key in meta and not isinstance(meta[key], str):
                self.fail(MANIFEST, None, key, "must be a quoted string", code="bad-manifest")
                meta.pop(key)
        try:
            ZoneInfo(meta.get("timezone", schema.DEFAULT_TIMEZONE))
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a 200-character name
            self.fail(
                MANIFEST,
                None,
                "timezone",
                f"unknown time zone {meta['timezone'][:80]!r}; use an IANA name such as "
                '"UTC" or "Europe/Kyiv"',
                code="unknown-timezone",
            )
            meta.pop("timezone")
        return meta

    def _read(self, table: Table) -> pd.DataFrame | None:
        path = self.folder / table.file
        if table.file in self.refused:
            return None
        if not path.is_file():
            if table.required:
                self.fail(
                    table.file,
                    None,
                    None,
                    "missing; every dataset needs this table",
                    code="missing-table",
                )
            return None
        if self.written is not None and table.name in self.written:
            # popped: the table's memory goes once its frame exists
            frame, problems = frame_from_arrow(self.written.pop(table.name)), []
        else:
            frame, problems = read_table(path)
        self.problems.extend(problems)
        if frame is None:
            return None
        self._parse_phrases(table, frame)
        for f in table.fields:
            if f.kind == "bool" and f.name in frame:
                frame[f.name] = frame[f.name].str.lower()
        if frame.empty and table.required:
            self.fail(
                table.file,
                None,
                None,
                "has a header but no rows; add at least one row",
                code="empty-table",
            )
        # imported here: a load the cache answers never validates, and never pays the
        # 0.2 s of pandera's import (a briefing's kernel loads from the cache)
        import pandera.errors

        try:
            schema.table_schema(table).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            self._schema_problems(table, exc.failure_cases)
        missing = [f.name for f in table.fields if f.required and f.name not in frame]
        if missing:
            return None
        for f in table.fields:
            if f.name not in frame:
                frame[f.name] = pd.Series(pd.NA, index=frame.index, dtype="str")
        return frame

    def _parse_phrases(self, table: Table, frame: pd.DataFrame) -> None:
        """Start parsing the table's relative date phrases (dateparser, pure Python) while
        its columns are checked (Arrow, off the interpreter lock); dates wait for it."""
        columns = [
            frame[f.name]
            for f in table.fields
            if f.dates is not None and f.dates.anchor is not None and f.name in frame
        ]
        if not columns:
            return
        self.parsing.append(self.parser.submit(lambda: [parse_phrases(c) for c in columns]))

    def _schema_problems(self, table: Table, cases: pd.DataFrame) -> None:
        for case in cases.itertuples(index=False):  # one row per problem found, not per claim
            if case.check in schema.BUILTIN_PROBLEMS:
                code, message = schema.BUILTIN_PROBLEMS[case.check]
            else:
                code, message = schema.value_rule(table.field(case.column))
            if case.check == "column_in_dataframe":
                self.fail(table.file, 1, str(case.failure_case), message, code=code)
                continue
            row = None if pd.isna(case.index) else case.index  # the index is the CSV row
            shown = case.check == "not_nullable" or pd.isna(case.failure_case)
            value = "" if shown else f": {case.failure_case!r}"
            self.fail(table.file, row, case.column, f"{message}{value}", code=code)

    def _check_references(self) -> None:
        """Every declared ``ref`` column names a row of the table it references.

        The ids are looked up once: each reference column's codes into its target's
        sorted ids are kept (``self.codes``) for the anchors and the categoricals.
        """
        for table in schema.TABLES:
            frame = self.tables.get(table.name)
            if frame is None:
                continue
            for f in table.fields:
                if f.kind != "ref":
                    continue
                target = schema.TABLE_BY_NAME[f.references]
                other = self.tables.get(target.name)
                if other is None and target.required:
                    continue  # the missing table is already reported
                known = other[target.id_column] if other is not None else pd.Series([], dtype="str")
                values = frame[f.name]
                codes = arrowtext.positions(values, self._sorted_ids(target.name, known))
                self.codes[(table.name, f.name)] = codes
                dangling = values.notna().to_numpy() & (codes < 0)
                if dangling.any():
                    self.fail_rows(
                        table.file,
                        frame.index[dangling],
                        f.name,
                        [
                            f"{v!r} is not in {target.file}; add it there or fix the identifier"
                            for v in values[dangling]
                        ],
                        code="dangling-reference",
                    )

    def _check_figures(self) -> None:
        """Quantities and their figures (§1, §3): a unit names what is counted, a figure
        sits on a supporting claim about a quantity, a range runs upward and holds its
        value, nothing counted is negative; a running total and a question's alternative
        are kinds of assertion with their own rules."""
        assertions = self.tables.get("assertions")
        if assertions is None:
            return
        unit = assertions["unit"]
        quantity = unit.notna().to_numpy()
        file = schema.TABLE_BY_NAME["assertions"].file
        bare = quantity & np.isfinite(schema.parse_numbers(unit))
        self._fail_where(
            file,
            assertions,
            bare,
            "unit",
            "{unit!r} is a number; a unit names what is counted (deaths, tanks, km); the "
            "figures go in claims.csv (value, low, high)",
            "misplaced-figure",
        )
        running = (assertions["cumulative"] == schema.BOOLEANS[0]).to_numpy()
        self._fail_where(
            file,
            assertions,
            running & ~quantity,
            "cumulative",
            "a running total must be a quantity: give the assertion a unit (what is "
            "counted), or set cumulative to false",
            "cumulative-without-unit",
        )
        self._fail_where(
            file,
            assertions,
            quantity & assertions["question_id"].notna().to_numpy(),
            "question_id",
            "a quantity ({unit}) cannot be an alternative of a question: its figures already "
            "compete; leave question_id blank, or make the alternatives propositions",
            "quantity-in-question",
        )
        claims = self.tables.get("claims")
        codes = self.codes.get(("claims", "assertion_id"))
        if claims is None or codes is None or "assertions" not in self.order:
            return
        self._check_claim_figures(claims, codes, assertions)

    def _check_claim_figures(
        self, claims: pd.DataFrame, codes: np.ndarray, assertions: pd.DataFrame
    ) -> None:
        """The figures of claims against the assertions their ``assertion_id`` names; the
        per-row text of a problem is built for the failing rows only."""
        names = schema.FIGURE_COLUMNS
        given = np.column_stack([claims[c].notna().to_numpy() for c in names])
        figure = given.any(axis=1)
        quantity_of = assertions["unit"].notna().to_numpy()
        if not figure.any() and not quantity_of.any():
            return  # no quantity, no figure: a dataset of propositions
        numbers = np.column_stack([self._numbers(claims, c) for c in names])
        known = codes >= 0
        row = np.where(known, self.order["assertions"][np.maximum(codes, 0)], 0)
        quantity = known & quantity_of[row]
        supports, stance = _stance_masks(claims["stance"])
        value, low, high = numbers[:, 0], numbers[:, 1], numbers[:, 2]
        with np.errstate(invalid="ignore"):
            negative = numbers < 0
            checks = {
                "figure-on-proposition": figure & known & ~quantity,
                "misplaced-figure": figure & quantity & stance,
                "missing-figure": quantity & supports & ~figure,
                "low-above-high": low > high,
                "value-outside-range": (value < low) | (value > high),
                "negative-count": negative.any(axis=1) & quantity,
            }
        failing = np.flatnonzero(np.logical_or.reduce(list(checks.values())))
        if len(failing) == 0:
            return
        first_negative = negative[failing].argmax(axis=1)
        frame = pd.DataFrame(
            {
                "assertion": claims["assertion_id"].to_numpy(dtype=object)[failing],
                "stance": claims["stance"].to_numpy(dtype=object)[failing],
                "unit": assertions["unit"].to_numpy(dtype=object)[row[failing]],
                "column": np.array(names, dtype=object)[given[failing].argmax(axis=1)],
                "quote": claims["quote"].to_numpy(dtype=object)[failing],
                "at": np.array(names, dtype=object)[first_negative],
                "negative": numbers[failing, first_negative],
                **{name: numbers[failing, i] for i, name in enumerate(names)},
            },
            index=claims.index[failing],
        )
        file = schema.TABLE_BY_NAME["claims"].file
        for code, (column, message) in _FIGURE_PROBLEMS.items():
            extra = {}
            if code == "missing-figure":
                extra["hint"] = lambda f: np.where(
                    f["quote"].fillna("").str.contains(r"\d", regex=True),
                    " (its quote has a number: copy the figure into value)",
                    "",
                )
            self._fail_where(file, frame, checks[code][failing], column, message, code, **extra)

    def _numbers(self, frame: pd.DataFrame, column: str) -> np.ndarray:
        """A figure column's numbers, parsed once for the checks and the typed table."""
        if column not in self.numbers:
            self.numbers[column] = schema.parse_numbers(frame[column])
        return self.numbers[column]

    def _fail_where(
        self,
        file: str,
        frame: pd.DataFrame,
        where: np.ndarray,
        column: str,
        message: str,
        code: str,
        **extra,
    ) -> None:
        """One problem per row ``where`` says; ``column`` and ``message`` are formatted
        with the row's fields (and ``extra``: functions of the failing rows)."""
        if not where.any():
            return
        rows = frame[where]
        fields = rows.assign(**{k: f(rows) for k, f in extra.items()}).to_dict("records")
        for row, values in zip(rows.index, fields, strict=True):  # failing rows only
            values = {k: (None if v is pd.NA else v) for k, v in values.items()}
            self.fail(file, row, column.format(**values), message.format(**values), code=code)

    def _sorted_ids(self, table: str, ids: pd.Series) -> pd.Series:
        """The table's ids in text order (the categories of references to it), and where
        each sits in the table (``self.order``); sorted once per table by Arrow."""
        if table not in self.sorted:
            order = pc.sort_indices(arrowtext.arrow_text(ids)).to_numpy().astype(np.int64)
            self.order[table] = order
            self.sorted[table] = ids.take(order).reset_index(drop=True)
        return self.sorted[table]

    def _resolve_dates(self, timezone: str) -> None:
        """Resolve every declared ``date`` column; tables come in dependency order, so an
        anchor's day is known before the columns anchored on it."""
        for parsing in self.parsing:  # dateparser shares its state: one parser at a time
            parsing.result()
        for table in schema.TABLES:
            frame = self.tables.get(table.name)
            if frame is None:
                continue
            anchors: dict[tuple[str, str], pd.Series] = {}
            for f in table.fields:
                rule = f.dates
                if rule is None:
                    continue
                if rule.day_only:
                    frame[f"{rule.prefix}_day"] = self._days(table, f, frame[f.name], timezone)
                    continue
                anchor = None
                if rule.anchor is not None:
                    if rule.anchor not in anchors:
                        anchors[rule.anchor] = self._anchor_days(table, frame, rule.anchor)
                    anchor = anchors[rule.anchor]
                text = frame[f.name]
                resolved = resolve_expressions(
                    text, anchor, allow_relative=anchor is not None, timezone=timezone
                )
                self._date_problems(table.file, f.name, text, resolved, anchor)
                for part in ("start", "end", "precision"):
                    frame[f"{rule.prefix}_{part}"] = resolved[part]
                if rule.not_after_anchor:
                    self._check_not_after_anchor(table, f, frame, anchor)

    def _anchor_days(self, table: Table, frame: pd.DataFrame, anchor: tuple[str, str]) -> pd.Series:
        """Per row, the day of the anchor column in the row its reference names (else NaT)."""
        reference, column = anchor
        target = schema.TABLE_BY_NAME[table.field(reference).references]
        days = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        other = self.tables.get(target.name)
        codes = self.codes.get((table.name, reference))
        if other is not None and codes is not None and other[target.id_column].is_unique:
            anchor_days = other[f"{target.field(column).dates.prefix}_day"].to_numpy()
            found = codes >= 0
            values = days.to_numpy(copy=True)
            values[found] = anchor_days[self.order[target.name][codes[found]]]
            days[:] = values
        return days

    def _check_not_after_anchor(
        self, table: Table, f: Field, frame: pd.DataFrame, anchor: pd.Series
    ) -> None:
        start = frame[f"{f.dates.prefix}_start"]
        late = start > anchor
        if late.any():
            self.fail_rows(
                table.file,
                frame.index[late],
                f.name,
                [
                    f"{text!r} starts {begin:%Y-%m-%d}, after its document {doc!r} was "
                    f"published on {pub:%Y-%m-%d}; a claim cannot be stated after it was reported"
                    for text, begin, doc, pub in zip(
                        frame.loc[late, f.name],
                        start[late],
                        frame.loc[late, f.dates.anchor[0]],
                        anchor[late],
                        strict=True,
                    )
                ],
                code="stated-after-document",
            )

    def _days(self, table: Table, f: Field, text: pd.Series, timezone: str) -> pd.Series:
        """The day of a ``day_only`` column: a full date, or a date-time's day in ``timezone``."""
        resolved = resolve_expressions(text, allow_relative=False, timezone=timezone)
        day_like = resolved["precision"] == "day"
        wrong = resolved["problem"].isna() & text.notna() & ~day_like
        resolved.loc[wrong, "problem"] = "must be a full date or date-time such as 2025-04-08"
        resolved.loc[wrong, "code"] = "not-a-day"
        self._date_problems(table.file, f.name, text, resolved)
        days = resolved["start"].copy()
        days[~day_like] = pd.NaT
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
                code=resolved.loc[bad, "code"].tolist(),
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
                code="future-date",
            )

    def _citation_lookup(self) -> Future[CitationLookup] | None:
        """Start finding the cited claims (Arrow's lookups, off the interpreter lock) while
        the dates resolve (Python); the claims' columns are handed over first, since
        resolving dates adds columns to the frame."""
        table = schema.TABLE_BY_NAME["claims"]
        claims = self.tables.get(table.name)
        if claims is None:
            return None
        cites = next(f for f in table.fields if f.kind == "refs")
        ids = claims[schema.TABLE_BY_NAME[cites.references].id_column]
        repeated = any(p.code == "duplicate-id" and p.file == table.file for p in self.problems)
        return self.lookups.submit(CitationLookup.find, ids, claims[cites.name], repeated)

    def _check_citations(self, lookup: Future[CitationLookup] | None) -> None:
        """The claims table's ``refs`` column names claims (schema), and never in a cycle."""
        if lookup is None:
            return
        found = lookup.result()
        if found.edges.empty and found.crowded.empty:
            return
        table = schema.TABLE_BY_NAME["claims"]
        cites = next(f for f in table.fields if f.kind == "refs")
        target = schema.TABLE_BY_NAME[cites.references]  # the claims table itself
        for row, count in found.crowded.items():  # a handful of rows at most
            self.fail(
                table.file,
                row,
                cites.name,
                f"cites {count:,} claims; at most {MAX_CITES:,} per claim: cite the claims it "
                "relies on directly",
                code="too-many-cites",
            )
        dangling = found.dangling
        for at, cited in zip(
            found.src[dangling], found.edges.loc[dangling, "cited_claim_id"], strict=True
        ):
            self.fail(
                table.file,
                found.rows[at],
                cites.name,
                f"{cited!r} is not a {target.id_column} in {target.file}; "
                "fix the identifier or remove it",
                code="dangling-citation",
            )
        self.citations = found.citations
        for members in found.cycles:  # once per cycle, at its first claim: a 10,000-claim
            names = ", ".join(found.ids.iloc[members[:CYCLE_MEMBERS_SHOWN]])  # cycle is one line
            if len(members) > CYCLE_MEMBERS_SHOWN:
                names += f" and {len(members) - CYCLE_MEMBERS_SHOWN:,} more"
            self.fail(
                table.file,
                found.rows[members[0]],
                cites.name,
                f"citation cycle of {len(members):,} claim(s): {names}; evidence cannot rely "
                "on itself: remove one of the citations",
                code="citation-cycle",
            )

    def _build(self) -> dict[str, pd.DataFrame]:
        """Typed tables: declared defaults filled in, booleans and numbers parsed, a left-out
        optional table empty; in claims, references and enums become categoricals."""
        frames = {table.name: self._typed(table) for table in schema.TABLES}
        claims_table = schema.TABLE_BY_NAME["claims"]
        claims = frames[claims_table.name]
        for f in claims_table.fields:
            if f.kind == "ref":
                target = schema.TABLE_BY_NAME[f.references]
                categories = pd.Index(
                    self._sorted_ids(target.name, frames[target.name][target.id_column])
                ).rename(None)
                codes = self.codes.get((claims_table.name, f.name))
                if codes is None:
                    codes = arrowtext.positions(claims[f.name], categories.to_series())
                claims[f.name] = pd.Categorical.from_codes(codes, categories=categories)
            elif f.kind == "enum":  # codes by an Arrow lookup in the few allowed values
                codes = arrowtext.positions(claims[f.name], pd.Series(f.values, dtype="str"))
                claims[f.name] = pd.Categorical.from_codes(codes, categories=list(f.values))
        frames = {name: frame.reset_index(drop=True) for name, frame in frames.items()}
        frames["citations"] = self.citations
        return frames

    def _typed(self, table: Table) -> pd.DataFrame:
        """One table with its declared defaults filled in and booleans and numbers parsed;
        a left-out optional table empty."""
        frame = self.tables.get(table.name)
        if frame is None:  # an optional table left out
            frame = pd.DataFrame({f.name: pd.Series(dtype="str") for f in table.fields})
        for f in table.fields:
            if f.default is not None:
                frame[f.name] = frame[f.name].fillna(f.default)
            if f.kind == "bool":
                frame[f.name] = frame[f.name].eq(f.values[0]).fillna(False).astype(bool)
            elif f.kind == "number" and f.low is None:
                frame[f.name] = self._numbers(frame, f.name)
            elif f.kind == "number":
                frame[f.name] = pd.to_numeric(frame[f.name])
        return frame

    def _dataset(self, meta: dict, tables: dict[str, pd.DataFrame]) -> Dataset:
        name = meta.get("name", self.folder.name)
        return Dataset(
            path=self.folder,
            name=name,
            title=meta.get("title", name),
            description=meta.get("description", ""),
            license=meta.get("license"),
            timezone=meta.get("timezone", schema.DEFAULT_TIMEZONE),
            metadata=meta,
            **tables,
        )


# Problems of claims' figures (checked in _Loader._check_claim_figures): the column and
# the message, formatted with the failing row's fields.
_FIGURE_PROBLEMS = {
    "figure-on-proposition": (
        "{column}",
        "a figure on assertion {assertion!r}, a proposition (it has no unit); give the "
        "assertion a unit in assertions.csv if it counts something, or leave value, low "
        "and high blank",
    ),
    "misplaced-figure": (
        "{column}",
        "a figure on a {stance} claim: a source that gives a figure supports the quantity "
        "with it; set stance to supports, or leave value, low and high blank",
    ),
    "missing-figure": (
        "value",
        "a supporting claim on quantity {assertion!r} ({unit}) needs its figure: fill in "
        "value, or low and/or high for a range{hint}",
    ),
    "low-above-high": ("low", "low {low:g} is above high {high:g}; swap them"),
    "value-outside-range": (
        "value",
        "value {value:g} lies outside the claim's own range ({low:g} to {high:g}, a blank "
        "end open); fix the value or the range",
    ),
    "negative-count": (
        "{at}",
        "{negative:g} is negative; a quantity ({unit}) counts or measures something, so its "
        "figures are 0 or more",
    ),
}


def _stance_masks(stance: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per claim, whether it supports, and whether it refutes or is neutral (an Arrow
    lookup in the few stances, no Python string per claim)."""
    codes = arrowtext.positions(stance, pd.Series(schema.STANCES, dtype="str"))
    return codes == 0, codes > 0


def _latest_day(tables: dict[str, pd.DataFrame]) -> dt.date | None:
    """The latest day any resolved date starts on: a cached dataset is valid on later days."""
    latest = [
        frame[column].max()
        for frame in tables.values()
        for column in frame.columns
        if column.endswith(("_start", "_day"))
        and pd.api.types.is_datetime64_any_dtype(frame[column])
    ]
    latest = [day for day in latest if pd.notna(day)]
    return max(latest).date() if latest else None
