"""``briefing import values``: a long table of (source, item, value[, time]) rows as a dataset.

Truth-discovery benchmarks, loss tallies and many spreadsheets hold nothing but
who gave which value for what: ``A1Books, 0201853949, Knuth, Donald E.`` or
``General Staff, tank, 2022-03-01, 211``. Each item becomes one thing the
briefing asks about, its text the item as written:

- ``--kind choice``: a question (questions.csv) whose alternatives are the
  item's distinct values as written, one assertion each (``<item>: <value>``);
  each row is its source's supporting claim on its value's alternative, so a
  source that gives one value counts against the others (contract §4);
- ``--kind number``: a quantity (an assertion with a unit) and each row its
  source's figure, as of the row's ``--time`` day; a later day's figure of the
  same source is a revision, or with ``--cumulative`` the next day of a running
  total, and a row stated later about the same day (``--stated``) a correction.

A document per source and day the source gave its values (the day is
``--stated``, else ``--time``, else ``--date``). Rows without a source, item or
value, placeholders such as "Not Available", text where a number belongs, bad
dates and repeated rows are skipped and counted, never dropped silently.
docs/importers.md ("A values table") gives every rule with a worked example. The
file is read by :mod:`.value_files`, its figures and days by :mod:`.value_cells`, the
options checked by :mod:`.value_options`; this module makes the contract tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.importers import value_cells, value_files
from analysis.importers.messages import ImportRefused
from analysis.importers.neutralise import neutralised
from analysis.importers.request import ImportRequest
from analysis.importers.tables import ContractTables, content_hash, figure_text, slug
from analysis.importers.value_options import ITEM_JOINER, PLACEHOLDERS, ROWS, TEXT, VALUES, Options

TITLE = "A long table of values: (source, item, value[, time]) rows, CSV or TSV"


LICENCE = ""  # the data's own: --licence


ATTRIBUTION = ""  # the data's own: --attribution


def convert(request: ImportRequest) -> ContractTables:
    options = Options.of(request.options)
    read = [value_files.read_table(path, options, request) for path in request.inputs]
    frame = pd.concat([table for table, _ in read], ignore_index=True)
    names = ", ".join(Path(p).name for p in request.inputs)
    if not len(frame):
        raise ImportRefused(f"{names}: no rows below the header, nothing to import")
    semicolon = [
        str(path) for path, (_, mark) in zip(request.inputs, read, strict=True) if mark == ";"
    ]
    request.report.count_read(ROWS, len(frame))
    frame = request.keep_where(frame, ROWS, internal=("input_row", "input_file"))
    request.progress.step("converting values")
    rows = _long(frame, options, request, semicolon)
    rows = value_cells.with_days(rows, options, request)
    rows = _one_per_source_item_day(rows, options.decimal, request)
    if not len(rows):
        raise ImportRefused(
            f"{names}: nothing to import: {value_files.read_summary(request.report)}"
        )
    sources, source_id = _sources(rows["source"], options, request)
    rows = rows.assign(source_id=source_id)
    documents = _documents(rows, request)
    if options.kind == "choice":
        questions, assertions, assertion_id = _alternatives(rows)
    else:
        questions, (assertions, assertion_id) = None, _quantities(rows, options)
    converted = ContractTables(
        sources=sources,
        documents=documents,
        assertions=assertions,
        claims=_claims(rows, assertion_id, options, len(request.inputs) > 1),
        questions=questions,
        manifest=_manifest(request, options, assertions),
    )
    return neutralised(converted, request.report)


def _long(
    frame: pd.DataFrame, options: Options, request: ImportRequest, semicolon: list[str]
) -> pd.DataFrame:
    """One row per value cell: source, item (its columns joined, and the value column's name
    when there are several), value, value_column, time, stated, input_row, input_file."""
    item = frame[options.items[0]]
    for column in options.items[1:]:  # a loop over the item's few columns
        item = item + ITEM_JOINER + frame[column]
    parts = []
    for column in options.values:  # a loop over the value columns
        parts.append(
            pd.DataFrame(
                {
                    "source": frame[options.source],
                    "item": item if len(options.values) == 1 else item + ITEM_JOINER + column,
                    "value": frame[column],
                    "value_column": pd.Series(column, index=frame.index, dtype=TEXT),
                    "time": frame[options.time] if options.time else pd.NA,
                    "stated": frame[options.stated] if options.stated else pd.NA,
                    "input_row": frame["input_row"],
                    "input_file": frame["input_file"],
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    report = request.report
    report.count_read(VALUES, len(rows))
    drop = rows["source"].isna()
    report.skip(VALUES, "no source" + value_cells.examples(rows, drop, None), int(drop.sum()))
    no_item = ~drop & rows["item"].isna()
    report.skip(
        VALUES,
        "no item (an item column is empty)" + value_cells.examples(rows, no_item, None),
        int(no_item.sum()),
    )
    drop |= no_item
    empty = ~drop & rows["value"].isna()
    report.skip(VALUES, "value empty" + value_cells.examples(rows, empty, None), int(empty.sum()))
    drop |= empty
    placeholders = {*PLACEHOLDERS, *(" ".join(m.split()).casefold() for m in options.missing)}
    folded = rows["value"].str.split().str.join(" ").str.casefold()
    placeholder = ~drop & folded.isin(placeholders).fillna(False).astype(bool)
    report.skip(
        VALUES,
        "value is a placeholder for none ("
        + ", ".join(sorted(placeholders))
        + ")"
        + value_cells.examples(rows, placeholder),
        int(placeholder.sum()),
    )
    drop |= placeholder
    rows = rows[~drop.to_numpy(dtype=bool)]
    if options.kind == "number":
        rows = value_cells.figures(
            rows, options.decimal or value_cells.decimal_of(rows, semicolon), request
        )
    return rows.reset_index(drop=True)


def _one_per_source_item_day(
    rows: pd.DataFrame, decimal: str | None, request: ImportRequest
) -> pd.DataFrame:
    """One value per source, item, as-of day and stated day: an exact repeat (for a
    figure, the same number however written: 1,600 and 1600.0) is kept once; of different
    values the last row in the input is kept (an export lists its newest rows last), the
    others counted."""
    key = ["source", "item", "as_of", "said"]
    same = "figure" if "figure" in rows else "value"
    exact = rows.duplicated([*key, same], keep="last")
    request.report.skip(
        VALUES, "the same value again (same source, item and day)", int(exact.sum())
    )
    rows = rows[~exact.to_numpy()]
    other = rows.duplicated(key, keep="last")
    request.report.skip(
        VALUES,
        "another value of the same source for the same item and day (the last row is kept)"
        + value_cells.examples(rows, other),
        int(other.sum()),
    )
    rows = rows[~other.to_numpy()].reset_index(drop=True)
    if "grouped" in rows:
        request.report.handle(
            "figures written with thousands separators "
            + ("(12.345)" if decimal == "comma" else "(12,345)"),
            int(rows["grouped"].sum()),
            "read as the number (12345)",
        )
        request.report.handle(
            "figures written with spaces between thousands (12 345)",
            int(rows["spaced"].sum()),
            "read as the number (12345)",
        )
    return rows


def _ids(texts: pd.Series, prefix: str = "") -> pd.Series:
    """Identifiers from texts as written: a slug, with a hash added where two different
    texts would share one (``A1Books`` and ``a1books`` stay two sources). Text work once
    per distinct text."""
    codes, distinct = pd.factorize(texts)
    distinct = pd.Series(distinct, dtype=object)
    slugs = slug(distinct, prefix=prefix)
    shared = slugs.duplicated(keep=False)
    if shared.any():
        hashes = content_hash(distinct[shared].to_frame()).str.slice(0, 8)
        slugs[shared] = slugs[shared] + "-" + hashes
    return pd.Series(slugs.to_numpy(dtype=object)[codes], index=texts.index)


def _sources(names: pd.Series, options: Options, request: ImportRequest):
    ids = _ids(names)
    distinct = pd.DataFrame({"source_id": ids, "name": names}).drop_duplicates("source_id")
    request.report.handle(
        "source names that differ only in case, accents or punctuation",
        int(slug(distinct["name"]).duplicated(keep=False).sum()),
        "kept as separate sources, their identifiers told apart by a hash",
    )
    return distinct.assign(kind=options.source_kind).reset_index(drop=True), ids


def _documents(rows: pd.DataFrame, request: ImportRequest) -> pd.DataFrame:
    """One document per source and stated day: where its values of that day were read."""
    files = ", ".join(Path(p).name for p in request.inputs)
    days = rows["said"].dt.strftime("%Y-%m-%d")
    rows = rows.assign(document_id=rows["source_id"] + "-" + days, day=days)
    documents = rows.drop_duplicates("document_id")
    return pd.DataFrame(
        {
            "document_id": documents["document_id"],
            "title": documents["source"] + ": values given on " + documents["day"],
            "publisher": documents["source"],
            "published": documents["day"],
            "notes": f"Stands for the rows of {files} that this source gave on this day",
        }
    ).reset_index(drop=True)


def _alternatives(rows: pd.DataFrame):
    """``--kind choice``: a question per item (its text the item as written) and an
    alternative per distinct value of it as written (``<item>: <value>``)."""
    question_id = _ids(rows["item"], prefix="q-")
    pair = rows["item"] + "\x1f" + rows["value"]  # a separator no cell holds once stripped
    codes, _ = pd.factorize(pair)
    first = np.unique(codes, return_index=True)[1]
    # a value's slug alone: a hash is added only where two values of one question share
    # a full id (_unique), so one question's values never rename another's
    value_id = slug(pair.iloc[first].reset_index(drop=True).str.split("\x1f").str[1])
    alternative = question_id.iloc[first].to_numpy(dtype=object) + "." + value_id.to_numpy()
    alternative = _unique(pd.Series(alternative), pair.iloc[first].reset_index(drop=True))
    assertion_id = pd.Series(alternative.to_numpy(dtype=object)[codes], index=rows.index)
    chosen = rows.iloc[first].reset_index(drop=True)
    assertions = pd.DataFrame(
        {
            "assertion_id": alternative,
            "statement": chosen["item"] + ": " + chosen["value"],
            "question_id": question_id.iloc[first].to_numpy(dtype=object),
            "item": chosen["item"],
            "alternative": chosen["value"],
        }
    )
    questions = pd.DataFrame({"question_id": question_id, "text": rows["item"]})
    return questions.drop_duplicates("question_id").reset_index(drop=True), assertions, assertion_id


def _unique(ids: pd.Series, texts: pd.Series) -> pd.Series:
    """``ids`` with a hash of the text added where two texts share one after slugging
    (``q-x.a-b`` from item ``x`` value ``a-b`` and item ``x.a`` value ``b``)."""
    shared = ids.duplicated(keep=False)
    if shared.any():
        ids = ids.copy()
        ids[shared] = ids[shared] + "-" + content_hash(texts[shared].to_frame()).str.slice(0, 8)
    return ids


def _quantities(rows: pd.DataFrame, options: Options):
    """``--kind number``: a quantity per item, its statement the item as written."""
    assertion_id = _ids(rows["item"])
    chosen = rows.assign(assertion_id=assertion_id).drop_duplicates("assertion_id")
    unit = options.unit or chosen["value_column"]
    quantities = pd.DataFrame(
        {
            "assertion_id": chosen["assertion_id"],
            "statement": chosen["item"],
            "unit": unit,
            "cumulative": "true" if options.cumulative else "false",
        }
    )
    return quantities.reset_index(drop=True), assertion_id


def _claims(rows: pd.DataFrame, assertion_id: pd.Series, options: Options, several: bool):
    """One supporting claim per row left: its source's value, stated on its day; the value
    as written kept as the quote, the input row as ``input_row``."""
    days = rows["said"].dt.strftime("%Y-%m-%d")
    as_of = rows["as_of"].dt.strftime("%Y-%m-%d")
    key = pd.DataFrame({"s": rows["source_id"], "i": rows["item"], "a": as_of, "d": days})
    claims = pd.DataFrame(
        {
            "claim_id": "c-" + content_hash(key),
            "source_id": rows["source_id"],
            "assertion_id": assertion_id,
            "document_id": rows["source_id"] + "-" + days,
            "stance": "supports",
            "hedged": False,
            "stated": days,
            "event_time": as_of if options.time else pd.NA,
            "quote": rows["value"],
        }
    )
    if options.kind == "number":
        claims["value"] = figure_text(rows["figure"])
    claims["input_row"] = rows["input_row"]
    if several:
        claims["input_file"] = rows["input_file"]
    return claims


def _manifest(request: ImportRequest, options: Options, assertions: pd.DataFrame) -> dict:
    files = ", ".join(Path(p).name for p in request.inputs)
    what = "a quantity" if options.kind == "number" else "a question"
    manifest = {
        "title": f"Values from {files}",
        "description": (
            f"Imported from {files} by briefing import values: {len(assertions):,} "
            f"{'quantities' if options.kind == 'number' else 'alternatives'}, each item "
            f"{what}, each row a source's supporting claim. See IMPORT.md."
        ),
    }
    if options.licence:
        manifest["license"] = options.licence
    if options.attribution:
        manifest["attribution"] = options.attribution
    return manifest
