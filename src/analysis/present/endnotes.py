"""Numbered endnotes: every judgment and row of a briefing traced to its documents.

A briefing keeps one :class:`Endnotes` for all its cells. Each view that shows
claims (a key judgment, a status row, a "who says what" row) asks for the notes
of those claims; a document gets its number the first time one of its claims
is shown, so notes run 1, 2, 3 in reading order, as a reader expects. The notes
section at the end names each document (title, publisher, date, link) and the
claims cited from it: who said what, in their words, and whom they relied on
(the cited claim's own note), so a relayed claim's chain can be followed.

Text from data is escaped; a link is made only of an ``http``/``https`` URL, so a
``javascript:`` or ``data:`` URL in a dataset is shown as plain text, never followed.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from analysis.compute.results import Analysis
from analysis.contract.dataset import citation_edges
from analysis.present.wording import describe_day, shortened

# An absolute web address with a host and nothing that could leave the attribute.
SAFE_URL = r"(?i)https?://[^\s\"'<>`\\\x00-\x1f\x7f]+"
LINKS_PER_ROW = 6  # notes linked from one row or judgment; the rest are counted
MAX_NOTES = 40  # documents in one briefing's notes: it summarizes, the JSON lists all
CLAIMS_PER_NOTE = 3  # claims listed under one document; the rest are counted
RELAY_DEPTH = 6  # how far a chain of relayed claims is followed into the notes
STANCE_WORDS = {"supports": "supports", "refutes": "refutes", "neutral": "neutral on"}


class Endnotes:
    """The notes of one briefing: numbers given in order of first citation."""

    def __init__(self, result: Analysis):
        self.result = result
        claims = result.dataset.claims
        self._claims = claims.set_index(claims["claim_id"].astype(str))
        # each claim's document as plain text, by position in _claims: a row's look-up is
        # one hash probe and one take, not a frame selection (a briefing cites ~100 rows)
        self._document_of = self._claims["document_id"].astype(str).to_numpy(dtype=object)
        self._relayed: pd.Series | None = None  # see _relays
        self._numbers: dict[str, int] = {}  # document_id -> note number
        self._cited: dict[str, None] = {}  # claim ids cited, in order (a set that keeps it)
        self._left_out = 0  # documents rows rest on that got no note (MAX_NOTES reached)

    def cite(self, claim_ids, room: int = LINKS_PER_ROW) -> tuple[list[int], int]:
        """The note numbers of at most ``room`` of these claims' documents (those already
        numbered first, then new ones in the order given), ascending, and how many
        other documents were left out. The claims they relay are cited too, so their
        notes exist when the chain is shown."""
        ids = pd.unique(np.asarray(list(claim_ids), dtype=object).astype(str).astype(object))
        at = self._claims.index.get_indexer(ids)  # a hash look-up, not a scan
        ids, documents = ids[at >= 0], self._document_of[at[at >= 0]]
        distinct = pd.unique(documents)
        known = np.isin(distinct, np.array(list(self._numbers), dtype=object))
        numbered = sorted(distinct[known], key=self._numbers.__getitem__)[:room]
        room_for_new = max(min(room - len(numbered), MAX_NOTES - len(self._numbers)), 0)
        chosen = [*numbered, *distinct[~known][:room_for_new]]
        self._number(chosen)
        self._remember(pd.Index(ids[np.isin(documents, np.array(chosen, dtype=object))]))
        left_out = len(distinct) - len(chosen)
        if room_for_new < room - len(numbered):
            self._left_out += left_out
        return sorted(self._numbers[d] for d in chosen), left_out

    def _number(self, documents) -> None:
        for document in documents:  # the few documents of one row
            if document not in self._numbers and len(self._numbers) < MAX_NOTES:
                self._numbers[document] = len(self._numbers) + 1

    def _remember(self, ids: pd.Index) -> None:
        """Cite ``ids`` and, a step at a time, the claims they rely on (a few per claim)."""
        relays = self._relays()
        for _ in range(RELAY_DEPTH):  # one step of relaying per pass
            new = [claim for claim in ids if claim not in self._cited]
            if not new:
                return
            self._cited.update(dict.fromkeys(new))
            found, _ = relays.index.get_indexer_non_unique(pd.Index(new, dtype=object))
            ids = pd.Index(pd.unique(relays.to_numpy()[found[found >= 0]]), dtype=object)
            at = self._claims.index.get_indexer(ids)  # a hash look-up, not a scan
            ids = ids[at >= 0]
            self._number(pd.unique(self._document_of[at[at >= 0]]))

    def _relays(self) -> pd.Series:
        """The claims each claim cites (its first LINKS_PER_ROW), indexed by the citing
        claim: the citations are split once per briefing, then looked up by hash."""
        if self._relayed is None:
            edges = citation_edges(self._claims.reset_index(drop=True))
            edges = edges.groupby("claim_id", sort=False).head(LINKS_PER_ROW)
            self._relayed = pd.Series(
                edges["cited_claim_id"].astype(str).to_numpy(dtype=object),
                index=pd.Index(edges["claim_id"].astype(str).to_numpy(dtype=object)),
            )
        return self._relayed

    def links(self, claim_ids) -> str:
        """Markup of the notes for these claims: superscript links to the notes section,
        and a count of the documents left out."""
        numbers, more = self.cite(claim_ids)
        if not numbers:
            return ""
        return f'<sup class="notes">{self._listed(numbers, more)}</sup>'

    def cell(self, claim_ids) -> str:
        """The same links for a table's column: full size, the column says what they are."""
        numbers, more = self.cite(claim_ids)
        return f'<span class="notes">{self._listed(numbers, more)}</span>' if numbers else ""

    @staticmethod
    def _listed(numbers: list[int], more: int) -> str:
        shown = [note_link(n) for n in numbers]
        if more > 0:
            shown.append(f"+{more:,}")
        return ", ".join(shown)

    def section(self) -> str:
        """The notes as an ordered list, one item per document in number order."""
        if not self._numbers:
            return '<p class="empty">No document is cited above.</p>'
        documents = self.result.dataset.documents
        documents = documents.set_index(documents["document_id"].astype(str))
        cited = self._claims.loc[list(self._cited)]
        by_document = dict(list(cited.groupby(cited["document_id"].astype(str), sort=False)))
        names = self.result.dataset.sources.set_index("source_id")["name"]
        items = []
        for document, number in self._numbers.items():  # the documents cited, a few dozen
            facts = documents.loc[document] if document in documents.index else None
            claims = by_document.get(document, cited.iloc[:0])
            items.append(
                f'<li id="note-{number}" value="{number}">'
                f"{_document_line(document, facts)}{self._claim_list(claims, names)}</li>"
            )
        listed = f'<ol class="endnotes">{"".join(items)}</ol>'
        if self._left_out:
            listed += (
                f'<p class="note">The notes stop at {MAX_NOTES} documents; rows above count '
                f"the {self._left_out:,} other citations they rest on (+N). "
                "<code>briefing analyze --json</code> gives every claim with its document.</p>"
            )
        return listed

    def _claim_list(self, claims: pd.DataFrame, names: pd.Series) -> str:
        if claims.empty:
            return ""
        shown = claims.head(CLAIMS_PER_NOTE)
        relays = citation_edges(shown.reset_index(drop=True))
        relied = relays.groupby("claim_id")["cited_claim_id"].agg(list)
        lines = []
        for claim_id, claim in shown.iterrows():  # at most CLAIMS_PER_NOTE claims
            who = _e(names.get(claim["source_id"], claim["source_id"]))
            says = STANCE_WORDS.get(str(claim["stance"]), str(claim["stance"]))
            hedge = ", hedged" if bool(claim["hedged"]) else ""
            statement = self._statement(claim["assertion_id"])
            quote = claim["quote"]
            words = f": “{_e(shortened(str(quote), 240))}”" if _present(quote) else ""
            chain = self._relay_words(relied.get(claim_id, []), names)
            lines.append(
                f"<li>{who} ({_e(says)}{hedge}) {statement}{words}{chain}"
                f' <span class="claim-id">[{_e(claim_id)}]</span></li>'
            )
        more = len(claims) - len(shown)
        if more > 0:
            lines.append(f'<li class="note">and {more:,} more claims from this document</li>')
        return f'<ul class="cited-claims">{"".join(lines)}</ul>'

    def _statement(self, assertion_id) -> str:
        statements = self.result.dataset.assertions.set_index("assertion_id")["statement"]
        text = statements.get(assertion_id)
        return f"<em>{_e(shortened(str(text), 120))}</em>" if _present(text) else ""

    def _relay_words(self, cited: list, names: pd.Series) -> str:
        parts = []
        for claim_id in cited[:LINKS_PER_ROW]:  # the few claims one claim relies on
            if claim_id not in self._claims.index:
                continue
            source = self._claims.loc[claim_id, "source_id"]
            document = str(self._claims.loc[claim_id, "document_id"])
            note = self._numbers.get(document)
            where = f" ({note_link(note)})" if note else ""
            parts.append(f"{_e(names.get(source, source))}{where}")
        parts = list(dict.fromkeys(parts))  # two claims of one source in one document: once
        return f"; relying on {', '.join(parts)}" if parts else ""


def note_link(number: int) -> str:
    return f'<a href="#note-{number}" aria-label="note {number}">{number}</a>'


def _document_line(document: str, facts: pd.Series | None) -> str:
    if facts is None:
        return f"Document <code>{_e(document)}</code>."
    title = f"<cite>{_e(facts['title'])}</cite>" if _present(facts.get("title")) else ""
    parts = [p for p in (title, _e(facts.get("publisher"))) if p]
    day = facts.get("published_day")
    if _present(day):
        parts.append(describe_day(day))
    url = facts.get("url")
    line = ", ".join(parts) + "."
    if _present(url):
        line += " " + url_markup(str(url))
    return line + f' <span class="claim-id">[{_e(document)}]</span>'


def url_markup(url: str) -> str:
    """A live link for an http(s) URL; any other URL as plain, escaped text."""
    url = url.strip()
    if re.fullmatch(SAFE_URL, url):
        return f'<a class="source-url" href="{html.escape(url, quote=True)}">{_e(url)}</a>'
    return f'<span class="source-url">{_e(url)}</span>'


def safe_urls(urls: pd.Series) -> np.ndarray:
    """Which URLs a briefing would make links of (vectorized, for tests and checks)."""
    return urls.fillna("").astype(str).str.strip().str.fullmatch(SAFE_URL).to_numpy(dtype=bool)


def _present(value) -> bool:
    return value is not None and not (np.isscalar(value) and pd.isna(value)) and str(value) != ""


def _e(value) -> str:
    return html.escape(str(value)) if _present(value) else ""
