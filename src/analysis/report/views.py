"""What a briefing notebook displays: HTML pieces built from an analysis.

Every piece escapes text that comes from data (statements, quotes, names), so
a claim containing ``<script>`` prints as text in the rendered briefing. A
notebook cell is one call here and its display.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from ..agreement import ranked_assertions
from ..analyze import Analysis, analyze
from ..chronology import sources_by_activity
from ..dataset import Dataset, load_dataset
from ..judgments import describe_day, describe_interval, key_judgments

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


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _e(value) -> str:
    return (
        ""
        if value is None or (not isinstance(value, list) and pd.isna(value))
        else html.escape(str(value))
    )


def open_briefing(dataset: str, as_of: str | None = None, topic: str | None = None) -> Analysis:
    """Load and analyse the dataset the notebook's parameters name."""
    return analyze(load_dataset(dataset), as_of=as_of, topic=topic)


def _names(data: Dataset) -> pd.Series:
    return data.sources.set_index("source_id")["name"]


def _cut(frame: pd.DataFrame, limit: int | None, noun: str, order: str) -> tuple[pd.DataFrame, str]:
    """The first ``limit`` rows, and a note saying what was left out (a briefing summarizes)."""
    if limit is None or len(frame) <= limit:
        return frame, ""
    note = (
        f'<p class="note">Showing {limit:,} of {len(frame):,} {noun}, {order}. '
        "<code>briefing analyze --json</code> lists them all.</p>"
    )
    return frame.head(limit), note


def _says(stance: pd.Series, hedged: pd.Series) -> pd.Series:
    """ "supports", "hedged supports", ...: a stance as a reader says it."""
    words = stance.astype(str).to_numpy()
    return pd.Series(
        [f"hedged {w}" if h else w for w, h in zip(words, hedged, strict=True)], index=stance.index
    )


def _table(frame: pd.DataFrame, css_class: str) -> HTML:
    return HTML(frame.to_html(index=False, escape=True, na_rep="", classes=css_class, border=0))


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
    return HTML(
        f'<p class="scope">Covers {when}{topic}: {_count(len(result.timeline), "claim")} by '
        f"{_count(sources, 'source')} in {_count(documents, 'document')}, on "
        f"{_count(len(result.assertions), 'assertion')}. "
        f"Dataset <em>{_e(data.title)}</em> ({_e(data.name)}).</p>"
    )


def judgments(result: Analysis, limit: int | None = None) -> HTML:
    """The key judgments as a numbered list, most contested first."""
    sentences = key_judgments(result, limit)["judgment"].tolist()
    if not sentences:
        return HTML('<p class="empty">No source had taken a position by this date.</p>')
    items = "".join(f"<li>{_e(s)}</li>" for s in sentences)
    return HTML(f'<ol class="judgments">{items}</ol>')


def status_table(result: Analysis, limit: int | None = 40) -> HTML:
    """Assertions with status, lines of evidence and who supports or refutes them, most telling first."""
    names = _names(result.dataset)

    def named(ids: list[str]) -> str:
        return ", ".join(names.get(i, i) for i in ids)

    table, note = _cut(
        ranked_assertions(result.assertions), limit, "assertions", "most telling first"
    )
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
    return HTML(_table(shown, "status").markup + note)


def contested(result: Analysis, limit: int | None = 8) -> HTML:
    """For each contested assertion (most lines of support first): who says what, when, in their words."""
    names = _names(result.dataset)
    current = set(result.positions["claim_id"])
    parts = []
    table = ranked_assertions(result.assertions[result.assertions["status"] == "contested"])
    table, note = _cut(table, limit, "contested assertions", "most lines of support first")
    on_shown = result.timeline[result.timeline["assertion_id"].isin(table["assertion_id"])]
    by_assertion = dict(list(on_shown.groupby(on_shown["assertion_id"].astype(str), sort=False)))
    for row in table.itertuples(index=False):  # the few contested assertions shown
        claims = by_assertion[row.assertion_id]
        shown = pd.DataFrame(
            {
                "Source": [names.get(s, s) for s in claims["source_id"]],
                "Says": _says(claims["stance"], claims["hedged"]),
                "When": [
                    f"{describe_interval(a, b, p)} ({t})"
                    for a, b, p, t in zip(
                        claims["stated_start"],
                        claims["stated_end"],
                        claims["stated_precision"],
                        claims["stated"],
                        strict=True,
                    )
                ],
                "Words": claims["quote"].fillna(""),
                "Current position": ["yes" if c in current else "" for c in claims["claim_id"]],
            }
        )
        parts.append(f"<h3>{_e(row.statement)}</h3>" + _table(shown, "claims").markup)
    if not parts:
        return HTML('<p class="empty">No assertion is contested.</p>')
    return HTML("".join(parts) + note)


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
    return SVG(markup[markup.index("<svg") :], alt)  # no XML prolog inside an HTML page


def shifts_table(result: Analysis, limit: int | None = 40) -> HTML:
    """Each change of stance or hedging, with its dates."""
    if result.shifts.empty:
        return HTML(
            '<p class="empty">No source changed its stance in a way the dates can order.</p>'
        )
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    shifts, note = _cut(result.shifts, limit, "shifts", "the earliest first")
    shown = pd.DataFrame(
        {
            "Source": [names.get(s, s) for s in shifts["source_id"]],
            "Assertion": [statements[a] for a in shifts["assertion_id"]],
            "From": _says(shifts["from_stance"], shifts["from_hedged"]),
            "To": _says(shifts["to_stance"], shifts["to_hedged"]),
            "On": [describe_day(d) for d in shifts["at"]],
        }
    )
    return HTML(_table(shown, "shifts").markup + note)


def pairwise_table(result: Analysis, limit: int | None = 40) -> HTML:
    """Agreement of each pair of sources, with Cohen's kappa where defined."""
    if result.pairwise.empty:
        return HTML('<p class="empty">No two sources hold positions on the same assertion.</p>')
    names = _names(result.dataset)
    by_shared = result.pairwise.sort_values("shared", ascending=False, kind="stable")
    pairs, cut_note = _cut(by_shared, limit, "pairs", "those sharing the most assertions first")
    shown = pd.DataFrame(
        {
            "Source": [names.get(s, s) for s in pairs["source_a"]],
            "Other source": [names.get(s, s) for s in pairs["source_b"]],
            "Shared": pairs["shared"],
            "Agree": pairs["agree"],
            "Disagree": pairs["disagree"],
            "Agreement": [f"{a:.0%}" for a in pairs["agreement"]],
            "Kappa": ["" if pd.isna(k) else f"{k:.2f}" for k in pairs["kappa"]],
        }
    )
    alpha = "undefined" if result.alpha is None else f"{result.alpha:.3f}"
    note = (
        f"<p>Krippendorff's alpha over all positions: <strong>{alpha}</strong> "
        "(1 = full agreement, 0 = no better than chance, below 0 = systematic disagreement).</p>"
    )
    return HTML(note + _table(shown, "pairwise").markup + cut_note)


def sources_table(result: Analysis, limit: int | None = 40) -> HTML:
    """Each source that spoke: kind, side, Admiralty reliability grade, claims and positions."""
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
    return HTML(_table(shown, "sources").markup + note)


def provenance(result: Analysis, parameters: dict) -> HTML:
    """Method and provenance: the data, the rules applied and the parameters."""
    from ..fingerprint import dataset_hash

    data = result.dataset
    rows = [
        ("Dataset", f"{data.title} ({data.name})"),
        ("Description", data.description),
        ("License", data.license or "not stated"),
        ("Content hash (SHA-256)", dataset_hash(data.path)),
        ("As of", "everything" if result.as_of is None else f"{result.as_of:%Y-%m-%d}"),
        ("Parameters", ", ".join(f"{k} = {v!r}" for k, v in parameters.items())),
    ]
    items = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    method = (
        "<p>A claim counts as of a date when its stated time had ended and its document was "
        "published by then. A source's position is its latest supporting or refuting claim. "
        "Sources that cite one another form one line of evidence; an assertion is corroborated "
        "only by two or more independent lines. Relative dates (\u201cMonday\u201d, "
        "\u201clast month\u201d) are resolved against each document's publication date and "
        "shown no more precisely than they are. See docs/analysis.md.</p>"
    )
    return HTML(method + f'<table class="provenance">{items}</table>')


def timeline_table(result: Analysis, limit: int | None = 100) -> HTML:
    """Every known claim in order, dates in words beside the text the source used."""
    if result.timeline.empty:
        return HTML('<p class="empty">No claim was known by this date.</p>')
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    claims, note = _cut(result.timeline, limit, "claims", "the earliest first")
    shown = pd.DataFrame(
        {
            "When": [
                describe_interval(a, b, p)
                for a, b, p in zip(
                    claims["stated_start"],
                    claims["stated_end"],
                    claims["stated_precision"],
                    strict=True,
                )
            ],
            "Source": [names.get(s, s) for s in claims["source_id"]],
            "Says": _says(claims["stance"], claims["hedged"]),
            "Assertion": [statements[a] for a in claims["assertion_id"]],
            "Lag (days)": claims["lag_days"].astype(object).where(claims["lag_days"].notna(), ""),
        }
    )
    return HTML(_table(shown, "timeline").markup + note)


def conflicts_table(result: Analysis, limit: int | None = 40) -> HTML:
    """Claims by one source that overlap in time but differ: often two accounts of one statement."""
    if result.conflicts.empty:
        return HTML(
            '<p class="empty">No source is reported two different ways for the same time.</p>'
        )
    names = _names(result.dataset)
    statements = result.dataset.assertions.set_index("assertion_id")["statement"]
    claims = result.timeline.set_index("claim_id")
    conflicts, note = _cut(result.conflicts, limit, "conflicts", "by source")

    def account(claim_id: str) -> str:
        row = claims.loc[claim_id]
        return f"{'hedged ' if row['hedged'] else ''}{row['stance']} in {row['document_id']} ({row['stated']})"

    shown = pd.DataFrame(
        {
            "Source": [names.get(s, s) for s in conflicts["source_id"]],
            "Assertion": [statements[a] for a in conflicts["assertion_id"]],
            "One account": [account(c) for c in conflicts["claim_a"]],
            "Other account": [account(c) for c in conflicts["claim_b"]],
        }
    )
    return HTML(_table(shown, "conflicts").markup + note)
