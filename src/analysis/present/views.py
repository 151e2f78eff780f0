"""What a briefing notebook displays: HTML pieces built from an analysis.

Every piece escapes text that comes from data (statements, quotes, names), so
a claim containing ``<script>`` prints as text in the rendered briefing. A
notebook cell is one call here and its display.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.compute.changes import Changes, changes_facts, compare, snapshot_tables
from analysis.compute.results import Analysis, analyze, with_estimates
from analysis.contract.dataset import Dataset
from analysis.contract.fingerprint import dataset_hash
from analysis.present import alt_text, basemap, plots
from analysis.present.endnotes import Endnotes
from analysis.present.judgments import key_judgments
from analysis.present.masthead import CHANGES_MIMETYPE
from analysis.present.propositions import figures_pointer, propositions, quantity_ids
from analysis.present.snapshot import load_snapshot, output_folder, save_snapshot
from analysis.present.warmup import load_for_briefing
from analysis.present.wording import (
    LIST_ALL,
    count,
    describe_accuracy,
    describe_alpha,
    describe_day,
    describe_days,
    describe_figures,
    describe_intervals,
    iso_day,
    named_few,
    ranked_assertions,
    says_each,
    shortened,
    showing_note,
    sources_by_activity,
)

RELIABILITY_MEANING = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}


@dataclass(frozen=True)
class HTML:
    """A piece of finished, escaped HTML that Jupyter displays as is.

    Marked ``tex2jax_ignore`` so JupyterLab's MathJax leaves it alone: in a
    claim, "$5 million and $3 million" is money, not an equation.
    """

    markup: str

    def _repr_html_(self) -> str:
        return f'<div class="tex2jax_ignore">{self.markup}</div>'


@dataclass(frozen=True)
class SVG:
    """A figure rendered once to SVG and displayed inline: vector shapes and real
    text, so it prints sharply and its labels can be searched in the PDF."""

    markup: str
    alt: str

    def _repr_svg_(self) -> tuple[str, dict]:
        return self.markup, {"alt": self.alt}


# Text stays text (the page's fonts draw it; DejaVu Sans first, as in the layout),
# and element ids do not change from one run to the next.
SVG_STYLE = {"svg.fonttype": "none", "svg.hashsalt": "claim-briefings"}


def _e(value) -> str:
    return (
        ""
        if value is None or (not isinstance(value, list) and pd.isna(value))
        else html.escape(str(value))
    )


def open_briefing(
    dataset: str,
    as_of: str | None = None,
    topic: str | None = None,
    *,
    cache: Path | None = None,
    memory_limit: int | None = None,
    estimates: bool = True,
) -> Analysis:
    """Load and analyse the dataset the notebook's parameters name (``cache`` and
    ``memory_limit`` as for :func:`~analysis.contract.dataset.load_dataset`), with the
    estimates of whom to believe unless ``estimates`` is false."""
    data = load_for_briefing(dataset, cache=cache, memory_limit=memory_limit)
    result = analyze(data, as_of=as_of, topic=topic)
    return with_estimates(result) if estimates else result


def _names(data: Dataset) -> pd.Series:
    return data.sources.set_index("source_id")["name"]


def _named(source_ids: pd.Series, names: pd.Series) -> np.ndarray:
    """The name of each source (a source the dataset does not list stands as its id)."""
    ids = source_ids.astype(str)
    return ids.map(names).fillna(ids).to_numpy(dtype=object)


def _note(shown: int, total: int, noun: str, order: str) -> str:
    """What a shortened table left out, under it (a briefing summarizes)."""
    text = showing_note(shown, total, noun, order, lambda command: f"<code>{command}</code>")
    return f'<p class="note">{text}</p>'


def _cut(frame: pd.DataFrame, limit: int | None, noun: str, order: str) -> tuple[pd.DataFrame, str]:
    """The first ``limit`` rows, and a note saying what was left out."""
    if limit is None or len(frame) <= limit:
        return frame, ""
    return frame.head(limit), _note(limit, len(frame), noun, order)


def _table(frame: pd.DataFrame, css_class: str, markup_columns: tuple[str, ...] = ()) -> HTML:
    """``frame`` as an HTML table, its text escaped; ``markup_columns`` hold finished
    markup (note links) and are passed through as they are."""
    if not markup_columns:
        markup = frame.to_html(index=False, escape=True, na_rep="", classes=css_class, border=0)
        return HTML(LONG_WORD.sub(_breakable, markup))
    escaped = frame.copy()
    for column in escaped.columns:  # a loop over a table's few columns
        if column not in markup_columns:
            escaped[column] = escaped[column].map(_e)  # the shown rows only: a few dozen
    markup = escaped.to_html(index=False, escape=False, na_rep="", classes=css_class, border=0)
    return HTML(LONG_WORD.sub(_breakable, markup))


# A run of 24 or more characters with no space (a URL, an identifier) in escaped text:
# it gets break opportunities so it wraps in its cell, while ordinary words never break
# mid-word (which the CSS "overflow-wrap: anywhere" would do to every narrow column).
LONG_WORD = re.compile(r"(?<=[>\s])([^\s<>]{24,})(?=[<\s])")


def _breakable(match: re.Match) -> str:
    """A long word with <wbr> after its / . ? = _ - and inside every 20-character run."""
    word = re.sub(r"([/.?=_-])", r"\1<wbr>", match.group(1))
    return re.sub(r"([^\s&;<>]{20})(?=[^\s&;<>])", r"\1<wbr>", word)


def scope(result: Analysis) -> HTML:
    """One paragraph: what the briefing covers and as of when."""
    data = result.dataset
    when = (
        "everything in the dataset"
        if result.as_of is None
        else f"what was known by {describe_day(result.as_of)}"
    )
    topic = "" if result.topic is None else f", topic <em>{_e(result.topic)}</em>"
    sources = result.timeline["source_id"].nunique()
    documents = result.timeline["document_id"].nunique()
    quantities = len(quantity_ids(result))
    subjects = count(len(result.assertions), "assertion")
    if quantities:  # a reader meets the two kinds in different sections
        subjects += (
            f" ({count(len(result.assertions) - quantities, 'proposition')} and "
            f"{count(quantities, 'quantity', 'quantities')})"
        )
    return HTML(
        f'<p class="scope">Covers {when}{topic}: {count(len(result.timeline), "claim")} by '
        f"{count(sources, 'source')} in {count(documents, 'document')}, on {subjects}. "
        f"Dataset <em>{_e(data.title)}</em> ({_e(data.name)}).</p>"
    )


def judgments(result: Analysis, limit: int | None = None, notes: Endnotes | None = None) -> HTML:
    """The key judgments as a numbered list, most contested first; with ``notes``, each
    ends with links to the notes of the documents it rests on. A disputed figure is
    judged by its figures; when no figure is disputed, a line under the list says where
    the quantities are compared."""
    table = key_judgments(result, limit)
    pointer = "" if (table["status"] == "disputed figure").any() else _pointer(result)
    if table.empty:
        return HTML('<p class="empty">No source had taken a position by this date.</p>' + pointer)
    items = "".join(
        f"<li>{_e(sentence)}{notes.links(claims) if notes else ''}</li>"
        for sentence, claims in zip(table["judgment"], table["claims"], strict=True)
    )
    return HTML(f'<ol class="judgments">{items}</ol>' + pointer)


def _pointer(result: Analysis) -> str:
    """The line that sends the reader to "Figures in dispute" for the quantities a
    status view leaves out ("" without quantities)."""
    text = figures_pointer(result)
    return f'<p class="note">{_e(text)}</p>' if text else ""


def status_table(result: Analysis, limit: int | None = 40, notes: Endnotes | None = None) -> HTML:
    """Propositions with status, lines of evidence and who supports or refutes them, most
    telling first; with ``notes``, a column of links to the documents of the positions.
    Quantities are left out, with a line saying where their figures are compared."""
    names = _names(result.dataset)

    def named(ids: list[str]) -> str:  # a few named, the rest counted: a row stays a row
        return named_few([shortened(str(names.get(i, i)), 48) for i in ids]) if len(ids) else ""

    table, note = _cut(
        ranked_assertions(propositions(result)), limit, "assertions", "most telling first"
    )
    note += _pointer(result)
    shown = pd.DataFrame(
        {
            "Assertion": table["statement"],
            "Status": table["status"],
            "Lines": table["independent_support"],
            "Supported by": [named(ids) for ids in table["supporting_sources"]],
            "Refuted by": [named(ids) for ids in table["refuting_sources"]],
            "Hedged only": table["hedged_only"].map({True: "yes", False: ""}),
        }
    )
    if notes is None:
        return HTML(_table(shown, "status").markup + note)
    held = result.positions.groupby(result.positions["assertion_id"].astype(str))["claim_id"]
    claims = held.agg(list).reindex(table["assertion_id"].astype(str))
    shown["Notes"] = [notes.cell(ids if isinstance(ids, list) else []) for ids in claims]
    return HTML(_table(shown, "status", markup_columns=("Notes",)).markup + note)


def contested(
    result: Analysis,
    limit: int | None = 8,
    max_claims: int | None = 40,
    rows: int | None = None,
    notes: Endnotes | None = None,
) -> HTML:
    """For each contested assertion (most lines of support first): who says what, when, in
    their words, claims in timeline order. At most ``limit`` assertions and ``max_claims``
    claims on each; with ``rows``, at most that many claims in the whole section, none
    of the assertions shown getting more than a quarter of them (at least five), so
    one busy assertion cannot fill the pages. Where claims are left out, current
    positions are kept first. A source that refutes an alternative of a question by
    supporting another (docs/analysis.md) is listed too, with the claim that does it:
    "refutes (supports: ...)". Quantities are left out: where sources' figures differ is
    the figures section's matter, and a line says so when one is contested."""
    listed = propositions(result)
    table = ranked_assertions(listed[listed["status"] == "contested"])
    pointer = _pointer(result) if _contested_quantities(result) else ""
    if table.empty:
        return HTML('<p class="empty">No assertion is contested.</p>' + pointer)
    total = len(table)
    if limit is not None:
        table = table.head(limit)
    timeline = result.timeline
    own = timeline[timeline["assertion_id"].isin(table["assertion_id"])]
    held = result.positions[result.positions["assertion_id"].isin(table["assertion_id"])]
    implied, answered = _implied_refutations(result, held)
    claims = pd.concat([own.assign(answered=""), implied.assign(answered=answered)])
    claims = claims.sort_index(kind="stable").reset_index(drop=True)  # timeline order
    per_assertion = max_claims
    if rows is not None:
        share = max(rows // 4, 5)
        per_assertion = share if max_claims is None else min(max_claims, share)
    current = _pairs(claims).isin(_pairs(held))
    when = describe_intervals(
        claims["stated_start"], claims["stated_end"], claims["stated_precision"]
    )
    says = says_each(claims["stance"], claims["hedged"])
    by_answer = claims["answered"] != ""
    says[by_answer] = says[by_answer] + " (supports: " + claims["answered"][by_answer] + ")"
    shown = pd.DataFrame(
        {
            "Source": _named(claims["source_id"], _names(result.dataset)),
            "Says": says.to_numpy(),
            "When": (when + " (" + claims["stated"].astype(str) + ")").to_numpy(),
            "Words": claims["quote"].fillna("").to_numpy(),
            "Current position": np.where(current, "yes", ""),
        }
    )
    claim_ids = claims["claim_id"].astype(str).to_numpy()
    by_assertion = shown.groupby(claims["assertion_id"].astype(str).to_numpy(), sort=False)
    parts, left = [], rows
    for row in table.itertuples(index=False):  # the few contested assertions shown
        if left is not None and left <= 0:
            break
        cap = per_assertion if left is None else min(per_assertion or left, left)
        on_it, cut_note = _current_first(by_assertion.get_group(row.assertion_id), cap)
        columns: tuple[str, ...] = ()
        if notes is not None:
            on_it = on_it.assign(Note=[notes.cell([claim_ids[i]]) for i in on_it.index])
            columns = ("Note",)
        table_markup = _table(on_it, "claims", markup_columns=columns).markup
        parts.append(f"<h3>{_e(row.statement)}</h3>" + table_markup + cut_note)
        left = None if left is None else left - len(on_it)
    note = (
        _note(len(parts), total, "contested assertions", "most lines of support first")
        if len(parts) < total
        else ""
    )
    return HTML("".join(parts) + note + pointer)


def _implied_refutations(result: Analysis, held: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Of the positions ``held``, those a support of another alternative of the question
    implies: that supporting claim's timeline row (its index kept, so it sorts in
    timeline order) as a refutation of the position's assertion; and the statement the
    claim supports."""
    held = held[(held["stance"] == "refutes").to_numpy()]
    timeline = result.timeline[result.timeline["claim_id"].isin(held["claim_id"])]
    row = pd.Index(timeline["claim_id"].astype(str)).get_indexer(held["claim_id"].astype(str))
    supported = timeline["assertion_id"].astype(str).to_numpy()[row]
    refuted = held["assertion_id"].astype(str).to_numpy()
    other = supported != refuted
    implied = timeline.iloc[row[other]].assign(assertion_id=refuted[other], stance="refutes")
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    return implied, pd.Series(supported[other], index=implied.index).map(statements)


def _pairs(frame: pd.DataFrame) -> pd.MultiIndex:
    """(claim_id, assertion_id) of each row: one claim can be a position on several
    assertions (a support of one alternative refutes the others)."""
    return pd.MultiIndex.from_arrays(
        [frame["claim_id"].astype(str), frame["assertion_id"].astype(str)]
    )


def _contested_quantities(result: Analysis) -> bool:
    """Whether a quantity's claims would have made it contested (and listed here)."""
    quantity = result.assertions["assertion_id"].astype(str).isin(quantity_ids(result))
    return bool((result.assertions["status"][quantity.to_numpy()] == "contested").any())


def _current_first(claims: pd.DataFrame, limit: int | None) -> tuple[pd.DataFrame, str]:
    """At most ``limit`` claims on one assertion, current positions kept first, in the
    order given; and a note of what was left out."""
    if limit is None or len(claims) <= limit:
        return claims, ""
    current = (claims["Current position"] == "yes").to_numpy()
    kept = np.sort(np.argsort(~current, kind="stable")[:limit])
    note = _note(limit, len(claims), "claims", "current positions kept first")
    return claims.iloc[kept], note


def endnotes(notes: Endnotes) -> HTML:
    """The notes section: every document cited above, numbered in reading order."""
    return HTML(notes.section())


def figure(fig: Figure, alt: str) -> SVG:
    """Render a figure to inline SVG once; ``alt`` describes it to screen readers.

    SVG rather than PNG: sharp at any zoom and on paper, a quarter of the bytes,
    and 40% less time in matplotlib (no glyphs to rasterize). Matplotlib escapes
    the text it writes, so labels from data stay text.
    """
    buffer = io.StringIO()
    with matplotlib.rc_context(SVG_STYLE):
        # dpi only sets the resolution of layers drawn as images (many marks)
        fig.savefig(buffer, format="svg", dpi=200, metadata={"Date": None})
    markup = buffer.getvalue()
    markup = markup[markup.index("<svg") :]  # no XML prolog inside an HTML page
    markup = PATH_DATA.sub(lambda data: LONG_DECIMAL.sub(r"\1", data.group()), markup)
    return SVG(labelled_svg(markup, alt), alt)


# Shapes' coordinates to a tenth of a point (0.035 mm, a tenth of a thin line's width),
# not matplotlib's millionth: a map's borders are thousands of them, and the page, the
# PDF and the print that read them get a third of the bytes.
PATH_DATA = re.compile(r' d="[^"]*"')
LONG_DECIMAL = re.compile(r"(\d\.\d)\d+")


def labelled_svg(markup: str, alt: str) -> str:
    """The figure as an image with a name for screen readers: ``role="img"``, an
    ``aria-label`` and a ``<title>`` (read aloud, and shown on hover), all escaped."""
    label = html.escape(alt, quote=True)
    opening = markup.index(">", markup.index("<svg")) + 1
    head = markup[:opening].replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return f"{head}<title>{label}</title>{markup[opening:]}"


def shifts_table(result: Analysis, limit: int | None = 40, notes: Endnotes | None = None) -> HTML:
    """Each change of stance or hedging, with its dates; with ``notes``, links to the
    documents of both claims."""
    if result.shifts.empty:
        return HTML(
            '<p class="empty">No source changed its stance in a way the dates can order.</p>'
        )
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    newest = result.shifts.sort_values("at", ascending=False, kind="stable")
    shifts, note = _cut(newest, limit, "shifts", "the newest first")
    shown = pd.DataFrame(
        {
            "Source": _named(shifts["source_id"], names),
            "Assertion": statements.reindex(shifts["assertion_id"]).to_numpy(),
            "From": _answered(result, shifts, "from").to_numpy(),
            "To": _answered(result, shifts, "to").to_numpy(),
            "On": describe_days(shifts["at"]).to_numpy(),
        }
    )
    return _with_notes(shown, "shifts", note, notes, shifts["from_claim"], shifts["to_claim"])


def _answered(result: Analysis, shifts: pd.DataFrame, end: str) -> pd.Series:
    """A shift's stance at one ``end`` ("from" or "to"), and when the claim is a support
    of another alternative of the question, which: "refutes (supports: Side A holds Y)"."""
    says = says_each(shifts[f"{end}_stance"], shifts[f"{end}_hedged"])
    claims = result.dataset.claims
    own = claims.set_index(claims["claim_id"].astype(str))["assertion_id"].astype(str)
    on = own.reindex(shifts[f"{end}_claim"].astype(str)).to_numpy(dtype=object)
    other = pd.notna(on) & (on != shifts["assertion_id"].astype(str).to_numpy(dtype=object))
    if not other.any():
        return says
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    named = statements.reindex(on[other]).map(lambda text: shortened(str(text), 60))
    said = says.to_numpy(dtype=object).copy()
    said[other] = [f"{s} (supports: {t})" for s, t in zip(said[other], named, strict=True)]
    return pd.Series(said, index=says.index, dtype=object)


def _with_notes(
    shown: pd.DataFrame, css_class: str, note: str, notes: Endnotes | None, *claims: pd.Series
) -> HTML:
    """A table with, given ``notes``, a last column of links to the documents of each
    row's claims (one or two per row: the columns ``claims`` name)."""
    if notes is None:
        return HTML(_table(shown, css_class).markup + note)
    rows = zip(*(column.astype(str).tolist() for column in claims), strict=True)
    shown = shown.assign(Notes=[notes.cell(list(ids)) for ids in rows])
    return HTML(_table(shown, css_class, markup_columns=("Notes",)).markup + note)


def pairwise_table(result: Analysis, limit: int | None = 40) -> HTML:
    """Agreement of each pair of sources, with Cohen's kappa where defined."""
    if result.pairwise.empty:
        return HTML('<p class="empty">No two sources hold positions on the same assertion.</p>')
    names = _names(result.dataset)
    by_shared = result.pairwise.sort_values("shared", ascending=False, kind="stable")
    pairs, cut_note = _cut(by_shared, limit, "pairs", "those sharing the most assertions first")
    shown = pd.DataFrame(
        {
            "Source": _named(pairs["source_a"], names),
            "Other source": _named(pairs["source_b"], names),
            "Shared": pairs["shared"],
            "Agree": pairs["agree"],
            "Disagree": pairs["disagree"],
            "Agreement": [f"{a:.0%}" for a in pairs["agreement"]],
            "Kappa": ["" if pd.isna(k) else f"{k:.2f}" for k in pairs["kappa"]],
        }
    )
    note = (
        "<p>Krippendorff's alpha over all positions: "
        f"<strong>{describe_alpha(result.alpha)}</strong> "
        "(1 = full agreement, 0 = no better than chance, below 0 = systematic disagreement).</p>"
    )
    return HTML(note + _table(shown, "pairwise").markup + cut_note)


def sources_table(result: Analysis, limit: int | None = 40) -> HTML:
    """Each source that spoke: kind, side, Admiralty reliability grade, with estimates the
    accuracy read from the claims beside it, claims and positions."""
    order = sources_by_activity(result.timeline)
    sources = result.dataset.sources.set_index("source_id").loc[order].reset_index()
    sources, note = _cut(sources, limit, "sources", "the most active first")
    counts = result.timeline["source_id"].astype(str).value_counts()
    held = result.positions["source_id"].astype(str).value_counts()
    shown = pd.DataFrame(
        {
            "Source": sources["name"],
            "Kind": sources["kind"].str.replace("_", " "),
            "Side": sources["side"].fillna(""),
            "Reliability": [f"{g} ({RELIABILITY_MEANING[g]})" for g in sources["reliability"]],
            "Claims": sources["source_id"].map(counts).fillna(0).astype(int),
            "Positions": sources["source_id"].map(held).fillna(0).astype(int),
        }
    )
    if result.source_reliability is not None:  # the estimate beside the grade, never for it
        shown.insert(4, "Estimated accuracy", _accuracy_cells(result, sources["source_id"]))
    return HTML(_table(shown, "sources").markup + note)


def _accuracy_cells(result: Analysis, source_ids: pd.Series) -> list[str]:
    """Each source's estimated accuracy, its interval and what it rests on, in words."""
    table = result.source_reliability.set_index(result.source_reliability["source_id"].astype(str))
    words = {
        source: describe_accuracy(*row)
        for source, row in zip(
            table.index,
            table[["estimate", "low", "high", "claims_judged", "enough_data"]].itertuples(
                index=False
            ),
            strict=True,
        )
    }
    return [words.get(str(s), "no current answer or figure to judge") for s in source_ids]


def provenance(result: Analysis, parameters: dict, mapdata: Path | None = None) -> HTML:
    """Method and provenance: the data, the rules applied and the parameters; the map's
    boundaries credited when they are installed in ``mapdata`` and the dataset has places
    to map."""
    data = result.dataset
    rows = [
        ("Dataset", f"{data.title} ({data.name})"),
        ("Description", data.description),
        ("License", data.license or "not stated"),
        *(
            [("Attribution", data.metadata["attribution"])]
            if data.metadata.get("attribution")
            else []
        ),
        *([("Source", data.metadata["source"])] if data.metadata.get("source") else []),
        ("Content hash (SHA-256)", dataset_hash(data.path)),
        ("As of", "everything" if result.as_of is None else iso_day(result.as_of)),
        ("Parameters", _parameters(parameters)),
    ]
    places = data.places
    mapped = len(places) and places[["lat", "lon"]].notna().all(axis=1).any()
    if mapped and basemap.installed(mapdata) is not None:
        rows.append(("Map boundaries", basemap.LICENCE))
    items = "".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
    method = (
        "<p>A claim counts as of a date when its stated time had ended and its document was "
        "published by then. A source's position is its latest supporting or refuting claim. "
        "Sources that cite one another form one line of evidence; an assertion is corroborated "
        "only by two or more independent lines. Relative dates (\u201cMonday\u201d, "
        "\u201clast month\u201d) are resolved against each document's publication date and "
        "shown no more precisely than they are. The method in full is in the claim-briefings "
        "package's documentation (docs/analysis.md).</p>"
    )
    return HTML(method + f'<table class="provenance">{items}</table>')


def _parameters(parameters: dict) -> str:
    """The notebook's parameters as set, the dataset by its folder's name: a briefing is
    shared, and the builder's folder layout is nobody's business."""
    shared = {
        key: Path(value).resolve().name if key == "dataset" and value else value
        for key, value in parameters.items()
    }
    return ", ".join(f"{key} = {value!r}" for key, value in shared.items())


def timeline_table(
    result: Analysis, limit: int | None = 100, notes: Endnotes | None = None
) -> HTML:
    """Every known claim in order, dates in words beside the text the source used; with
    ``notes``, a link to each claim's document."""
    if result.timeline.empty:
        return HTML('<p class="empty">No claim was known by this date.</p>')
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    claims, note = _cut(result.timeline, limit, "claims", "the earliest first")
    shown = pd.DataFrame(
        {
            "When": describe_intervals(
                claims["stated_start"], claims["stated_end"], claims["stated_precision"]
            ).to_numpy(),
            "Source": _named(claims["source_id"], names),
            "Says": says_each(claims["stance"], claims["hedged"]).to_numpy(),
            "Assertion": statements.reindex(claims["assertion_id"]).to_numpy(),
            "Lag (days)": claims["lag_days"]
            .astype(object)
            .where(claims["lag_days"].notna(), "")
            .to_numpy(),
        }
    )
    return _with_notes(shown, "timeline", note, notes, claims["claim_id"])


def status_over_time(result: Analysis, max_assertions: int = 24) -> HTML:
    """The status-over-time figure, what it leaves out, and a table of the same history in
    words (full statements, exact days); a sentence when everything was reported on one day.
    One piece, so the replay behind both runs once."""
    from analysis.compute.replay import replay

    replayed = replay(result, max_assertions)
    if replayed.history.empty and replayed.total:
        return HTML(
            '<p class="empty">No source supports or refutes an assertion yet, so no status '
            "has been reported to follow over time.</p>"
        )
    if replayed.history["day"].nunique() < 2:
        return HTML(
            '<p class="empty">Everything known was reported on one day, so no status has '
            "changed over time yet.</p>"
        )
    svg = figure(
        plots.status_over_time_figure(result, max_assertions, replayed),
        alt_text.status_over_time(replayed.history),
    )
    chart = f'<div class="chart">{svg.markup}</div>'
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    history = replayed.history[replayed.history["status"] != "unaddressed"]
    worded = (
        describe_days(history["day"]).str.replace(r" (\w{3})\w* ", r" \1 ", regex=True)
        + " "
        + history["status"].astype(str)
    )
    steps = worded.groupby(history["assertion_id"].to_numpy(), sort=False).agg("; ".join)
    # the words every statement shares head the column, as in the figure's title
    prefix, rests = plots.shared_prefix(statements.reindex(steps.index).astype(str).tolist())
    shown = pd.DataFrame(
        {
            f"{prefix} \u2026" if prefix else "Assertion": rests,
            "Status from each change (day, status)": steps.to_numpy(),
        }
    )
    return HTML(chart + _replay_note(replayed) + _table(shown, "history").markup)


def _replay_note(replayed) -> str:
    """Which assertions the status-over-time figure shows and how many it leaves out."""
    parts = []
    if replayed.newest and replayed.newest_since is not None:
        parts.append(
            f"the {count(replayed.newest, 'assertion')} whose status changed since "
            f"{describe_day(replayed.newest_since)} (the newest period, right of the dotted "
            "line), then in turn those that changed most, earliest, with the most claims "
            "and latest"
        )
    else:
        parts.append("in turn those that changed most, earliest, with the most claims and latest")
    text = f"Shown: {parts[0]}; newest change at the top."
    if replayed.left_out:
        one_day = (
            f", {replayed.one_day_left_out:,} of them reported on one day only"
            if replayed.one_day_left_out
            else ""
        )
        text += (
            f" {replayed.left_out:,} more {'is' if replayed.left_out == 1 else 'are'} not "
            f"shown{one_day}; <code>{LIST_ALL}</code> gives every assertion's status now."
        )
    return f'<p class="note">{text}</p>'


def place_map(result: Analysis, mapdata: Path | None = None) -> SVG | HTML:
    """The map of places over the boundaries installed in ``mapdata`` (``Settings.mapdata``),
    or a sentence when no place has coordinates."""
    places = plots.mapped_places(result)
    fig = plots.place_map(result, mapdata=mapdata, places=places)
    if fig is None:
        return HTML('<p class="empty">No place in this dataset has coordinates to map.</p>')
    return figure(fig, alt_text.place_map(places))


def lag_figure(result: Analysis) -> SVG | HTML:
    """The reporting-lag chart, or a sentence when no claim has an event time to measure from."""
    if result.timeline["lag_days"].notna().sum() == 0:
        return HTML(
            '<p class="empty">No claim gives the time of its event, so there is no lag to '
            "measure.</p>"
        )
    return figure(plots.lag_chart(result), alt_text.lag_chart(result))


def agreement_figure(result: Analysis) -> SVG | HTML:
    """The agreement heatmap when at least two pairs of sources share assertions; with fewer
    it would be an empty grid, so a sentence says so."""
    pairs = len(result.pairwise)
    if pairs < 2:
        shared = "no pair of sources" if pairs == 0 else "only one pair of sources"
        return HTML(
            f'<p class="empty">A heatmap would show little: {shared} took positions on '
            "the same assertions.</p>"
        )
    return figure(plots.agreement_heatmap(result), alt_text.agreement_heatmap(result))


def assertion_board(result: Analysis, max_assertions: int = 24) -> SVG | HTML:
    """Lines of evidence per proposition, supporting right and refuting left, by status;
    a sentence instead when the dataset's only assertions with positions are quantities."""
    shown = propositions(result)
    if len(quantity_ids(result)) and not (shown["status"] != "unaddressed").any():
        return HTML('<p class="empty">No source took a position on a proposition.</p>')
    return figure(
        plots.assertion_board(result, max_assertions),
        alt_text.assertion_board(result, max_assertions),
    )


def timeline(result: Analysis, max_sources: int = 20) -> SVG:
    """Claims over time, one lane per source."""
    return figure(plots.timeline_figure(result, max_sources), alt_text.timeline(result))


def conflicts_table(
    result: Analysis, limit: int | None = 40, notes: Endnotes | None = None
) -> HTML:
    """Claims by one source that overlap in time but differ: often two accounts of one
    statement; with ``notes``, links to the documents of both."""
    if result.conflicts.empty:
        return HTML(
            '<p class="empty">No source is reported two different ways for the same time.</p>'
        )
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    claims = result.timeline.set_index(result.timeline["claim_id"].astype(str))
    conflicts, note = _cut(result.conflicts, limit, "conflicts", "by source")

    def accounts(claim_ids: pd.Series) -> np.ndarray:
        """ "hedged supports in doc-1 (Monday)": what one claim says, where and in what words."""
        chosen = claims.reindex(claim_ids.astype(str))
        says = says_each(chosen["stance"], chosen["hedged"])
        where = " in " + chosen["document_id"].astype(str) + " (" + chosen["stated"].astype(str)
        return (says + where + ")").to_numpy()

    shown = pd.DataFrame(
        {
            "Source": _named(conflicts["source_id"], names),
            "Assertion": statements.reindex(conflicts["assertion_id"]).to_numpy(),
            "One account": accounts(conflicts["claim_a"]),
            "Other account": accounts(conflicts["claim_b"]),
        }
    )
    return _with_notes(shown, "conflicts", note, notes, conflicts["claim_a"], conflicts["claim_b"])


@dataclass(frozen=True)
class ChangesView:
    """The "what changed" section: HTML for readers, the facts for the manifest."""

    markup: str
    facts: dict

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {
            "text/html": f'<div class="tex2jax_ignore">{self.markup}</div>',
            CHANGES_MIMETYPE: self.facts,
        }


def what_changed(
    result: Analysis, previous: str | None = None, limit: int | None = 40
) -> ChangesView:
    """What changed since the briefing in folder ``previous`` (the desk's last good one of
    this series): new claims and sources, status moves, positions withdrawn or revised,
    new shifts and conflicts. In a build, this briefing's own tables are kept beside it
    for the next comparison."""
    tables = snapshot_tables(result)
    if (folder := output_folder()) is not None:
        save_snapshot(tables, folder)
    before = load_snapshot(previous) if previous else None
    changes = compare(tables, before)
    facts = changes_facts(changes)
    if previous and before is None:
        facts["unreadable"] = str(Path(previous).name)
        return ChangesView(
            '<p class="empty">The previous briefing kept no analysis to compare with.</p>', facts
        )
    if changes.first:
        return ChangesView(
            '<p class="empty">First briefing of this series: nothing earlier to compare with.</p>',
            facts,
        )
    since = f"since the briefing of {_e(Path(previous).name)}"
    if changes.nothing:
        return ChangesView(f'<p class="empty">Nothing changed {since}.</p>', facts)
    return ChangesView(_changes_markup(result, changes, since, limit), facts)


def _changes_markup(result: Analysis, changes: Changes, since: str, limit: int | None) -> str:
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    new_sources = ", ".join(names.get(s, s) for s in changes.new_sources)
    lines = [
        count(changes.new_claims, "new claim")
        + (
            f" ({count(len(changes.new_sources), 'new source')}: {new_sources})"
            if new_sources
            else ""
        ),
        *(
            f"{count(len(frame), noun)}{after}"
            for frame, noun, after in (
                (changes.new_shifts, "new shift", " in stance"),
                (changes.new_conflicts, "new conflicting account", ""),
                (changes.withdrawn, "position", " withdrawn"),
                (changes.revised, "position", " revised"),
            )
            if len(frame)
        ),
        *_figure_change_lines(changes),
    ]
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    parts = [f'<p class="scope">Changes {since}:</p><ul class="changes">{items}</ul>']
    moved = changes.status_moves  # of propositions: a quantity's moves are its figures'
    moved = moved[~moved["assertion_id"].astype(str).isin(quantity_ids(result)).to_numpy()]
    if len(moved):
        moves, note = _cut(moved, limit, "status changes", "in table order")
        shown = pd.DataFrame(
            {"Assertion": moves["statement"], "Was": moves["before"], "Now": moves["after"]}
        )
        parts.append(_table(shown, "changes").markup + note)
    withdrawn, revised = changes.withdrawn, changes.revised
    touched = pd.concat(
        [
            pd.DataFrame(
                {
                    "source_id": withdrawn["source_id"],
                    "assertion_id": withdrawn["assertion_id"],
                    "Was": says_each(withdrawn["stance"], withdrawn["hedged"].astype(bool)),
                    "Now": "withdrawn",
                }
            ),
            pd.DataFrame(
                {
                    "source_id": revised["source_id"],
                    "assertion_id": revised["assertion_id"],
                    "Was": says_each(
                        revised["before_stance"], revised["before_hedged"].astype(bool)
                    ),
                    "Now": says_each(revised["stance"], revised["hedged"].astype(bool)),
                }
            ),
        ],
        ignore_index=True,
    )
    if len(touched):
        touched, note = _cut(touched, limit, "changed positions", "withdrawn first")
        shown = pd.DataFrame(
            {
                "Source": touched["source_id"].map(names).fillna(touched["source_id"]),
                "Assertion": touched["assertion_id"]
                .map(statements)
                .fillna(touched["assertion_id"]),
                "Was": touched["Was"],
                "Now": touched["Now"],
            }
        )
        parts.append(_table(shown, "changes").markup + note)
    return "".join(parts) + _figure_changes_markup(result, changes, limit)


def _figure_change_lines(changes: Changes) -> list[str]:
    """Counts of what changed in figures, for the list of changes (none: nothing said)."""
    if not changes.figures_compared:
        return []
    counted = (
        (len(changes.new_revisions), "revised figure", "revised figures", ""),
        (len(changes.new_figures), "new figure", "new figures", ""),
        (len(changes.withdrawn_figures), "figure", "figures", " withdrawn"),
        (changes.updated_totals, "running total", "running totals", " with a later day"),
    )
    return [count(n, noun, plural) + after for n, noun, plural, after in counted if n]


def _figure_changes_markup(result: Analysis, changes: Changes, limit: int | None) -> str:
    """The revised figures ("General Staff revised tanks from 3,120 to 3,098 on 4 May
    2025") and the questions whose status moved, as two small tables."""
    if not changes.figures_compared:
        return ""
    parts = []
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    if len(changes.new_revisions):
        revisions, note = _cut(changes.new_revisions, limit, "revised figures", "in table order")
        day = pd.to_datetime(revisions["day"].replace("", None))
        shown = pd.DataFrame(
            {
                "Source": revisions["source_id"].map(names).fillna(revisions["source_id"]),
                "Quantity": revisions["assertion_id"]
                .map(statements)
                .fillna(revisions["assertion_id"]),
                "For": describe_days(day).fillna("").to_numpy(),
                "Was": describe_figures(_renamed(revisions, "from_")).to_numpy(),
                "Now": describe_figures(_renamed(revisions, "to_")).to_numpy(),
                "On": describe_days(pd.to_datetime(revisions["at"])).to_numpy(),
            }
        )
        parts.append(_table(shown, "changes").markup + note)
    if len(changes.question_moves):
        moves, note = _cut(changes.question_moves, limit, "question changes", "in table order")
        shown = pd.DataFrame(
            {"Question": moves["text"], "Was": moves["before"], "Now": moves["after"]}
        )
        parts.append(_table(shown, "changes").markup + note)
    return "".join(parts)


def _renamed(revisions: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """One side of revisions as a figure table: value, low, high (unhedged)."""
    return pd.DataFrame(
        {
            "value": revisions[f"{prefix}value"],
            "low": revisions[f"{prefix}low"],
            "high": revisions[f"{prefix}high"],
            "hedged": False,
        }
    )
