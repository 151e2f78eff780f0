"""The title block of a briefing: decided by the notebook, printed by the export.

A briefing notebook's first output is :func:`title_block`. In JupyterLab it
shows the title, what the briefing covers and the handling marking, so
``title`` and ``marking`` mean the same there as in a build. It also carries
the same facts as data (:data:`MIMETYPE`), which the export reads to print the
title block, the PDF's page bands and the document title; the build itself
knows no notebook parameter by name.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import asdict, dataclass

MIMETYPE = "application/vnd.claim-briefings.masthead+json"
CHANGES_MIMETYPE = "application/vnd.claim-briefings.changes+json"  # see snapshot.py


@dataclass(frozen=True)
class Masthead:
    """What the title block, header and footer print. Plain text; escaped when rendered."""

    title: str
    subtitle: str
    marking: str
    footer: str = ""


@dataclass(frozen=True)
class TitleBlock:
    """A masthead as a notebook displays it: HTML for people, the facts for the export."""

    masthead: Masthead

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        m = self.masthead
        marking = f'<p class="marking">{html.escape(m.marking)}</p>' if m.marking else ""
        markup = (
            f'<header class="title-block tex2jax_ignore">{marking}'
            f'<h1 class="briefing-title">{html.escape(m.title)}</h1>'
            f'<p class="subtitle">{html.escape(m.subtitle)}</p></header>'
        )
        return {MIMETYPE: asdict(m), "text/html": markup, "text/plain": m.title}


def title_block(result, title: str | None = None, marking: str = "") -> TitleBlock:
    """The title block of a briefing on ``result`` (an :class:`~analysis.compute.results.Analysis`).

    ``title`` defaults to the dataset's title; the subtitle says as of when and
    when the briefing was built.
    """
    as_of = result.as_of
    covers = "All reporting in the dataset" if as_of is None else f"As of {as_of:%Y-%m-%d}"
    built = dt.datetime.now(dt.UTC)
    return TitleBlock(
        Masthead(
            title=str(title or result.dataset.title),
            subtitle=f"{covers} \u00b7 built {built:%Y-%m-%d %H:%M} UTC",
            marking=str(marking or ""),
            footer=_footer(result.dataset),
        )
    )


def displayed(nb, mimetype: str) -> dict | None:
    """The first data of ``mimetype`` an executed notebook displayed: facts a cell hands
    to the build (the masthead, what changed), never read from the page's text."""
    for cell in nb.cells:  # a loop over a notebook's few dozen cells
        for output in cell.get("outputs", []):
            facts = output.get("data", {}).get(mimetype)
            if facts:
                return dict(facts)
    return None


def masthead_of(nb, notebook_name: str, built: dt.datetime) -> Masthead:
    """The masthead an executed notebook displayed, its footer naming the notebook.

    A notebook without a title block gets its own name as title.
    """
    facts = displayed(nb, MIMETYPE)
    if facts is None:
        return Masthead(notebook_name, f"Built {built:%Y-%m-%d %H:%M} UTC", "", notebook_name)
    m = Masthead(**facts)
    footer = f"{notebook_name} \u00b7 {m.footer}" if m.footer else notebook_name
    return Masthead(m.title, m.subtitle, m.marking, footer)


def drop_title_block(nb) -> None:
    """Remove the title block's outputs: the export's template prints the masthead."""
    for cell in nb.cells:  # a loop over a notebook's few dozen cells
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if MIMETYPE not in o.get("data", {})]


def _footer(dataset) -> str:
    """The HTML footer's line: the dataset, and the credit its licence asks for."""
    credit = dataset.metadata.get("attribution")
    source = dataset.metadata.get("source")
    parts = [
        f"dataset {dataset.name}",
        *([credit] if credit else []),
        *([source] if source else []),
    ]
    return " \u00b7 ".join(parts)
