"""Endnotes: each judgment and row traced to numbered notes naming its documents.

The fixture is the contract example with a URL on each document: a web address,
a ``javascript:`` one and a ``data:`` one. Figures below are worked out by hand
from its claims.csv (d1: e1-e3, d2: e4-e6, d3: e7-e9; e5 relays e4).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import analyze, load_dataset
from analysis.present import views
from analysis.present.endnotes import Endnotes, safe_urls, url_markup

from .conftest import CONTRACT_EXAMPLE

URLS = {
    "d1": "https://wire.example.org/bridge?id=1&lang=en",
    "d2": "javascript:alert('x')",
    "d3": "data:text/html,<script>alert(1)</script>",
}


def with_urls(folder: Path) -> Path:
    shutil.copytree(CONTRACT_EXAMPLE, folder)
    documents = pd.read_csv(folder / "documents.csv", dtype=str)
    documents["url"] = documents["document_id"].map(URLS)
    documents.loc[documents["document_id"] == "d1", "title"] = "Bridge <b>hit</b>"
    documents.to_csv(folder / "documents.csv", index=False)
    return folder


@pytest.fixture
def result(tmp_path):
    return analyze(load_dataset(with_urls(tmp_path / "linked"), cache=None))


def test_documents_are_numbered_in_the_order_they_are_first_cited(result):
    notes = Endnotes(result)
    assert notes.cite(["e7"]) == ([1], 0)  # d3 first
    assert notes.cite(["e1", "e8"]) == ([1, 2], 0)  # d3 again, d1 new
    assert notes.cite(["e4"]) == ([3], 0)  # d2
    assert notes.cite(["unknown-claim"]) == ([], 0)


def test_a_row_links_a_few_documents_and_counts_the_rest(result):
    notes = Endnotes(result)
    numbers, more = notes.cite(["e1", "e4", "e7"], room=2)
    assert (numbers, more) == ([1, 2], 1)
    markup = notes.links(["e7", "e1"])  # d3 was left out: numbered now, after the two
    assert re.findall(r'href="#note-(\d+)"', markup) == ["1", "3"]


def test_a_relayed_claim_names_whom_it_relied_on_with_that_note(result):
    notes = Endnotes(result)
    notes.cite(["e5"])  # d2; e5 relays e4, also in d2
    section = notes.section()
    (item,) = re.findall(r'<li id="note-1".*?</ul></li>', section)
    assert 'relying on A milblogger of side B (<a href="#note-1"' in item  # e4's own note


def test_the_notes_section_escapes_data_and_links_only_web_addresses(result):
    notes = Endnotes(result)
    notes.cite(["e1", "e4", "e7"])
    section = notes.section()
    assert "<b>hit</b>" not in section and "Bridge &lt;b&gt;hit&lt;/b&gt;" in section
    hrefs = re.findall(r'href="([^"]*)"', section)
    external = [h for h in hrefs if not h.startswith("#note-")]
    assert external == ["https://wire.example.org/bridge?id=1&amp;lang=en"]
    assert "javascript:alert(&#x27;x&#x27;)" in section  # shown as text only
    assert "<script>" not in section
    assert section.count('<li id="note-') == 3


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("  https://example.org/padded  ", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("https://example.org/a b", False),
        ('https://example.org/"onmouseover="x', False),
        ("https://", False),
        ("ftp://example.org", False),
        ("//example.org/a", False),
        ("", False),
    ],
)
def test_only_http_and_https_addresses_become_links(url, linked):
    assert safe_urls(pd.Series([url]))[0] == linked
    assert ("<a " in url_markup(url)) == linked


def test_views_carry_note_links_and_the_section_lists_what_they_cite(result):
    notes = Endnotes(result)
    judged = views.judgments(result, notes=notes).markup
    rows = views.status_table(result, notes=notes).markup
    said = views.contested(result, notes=notes).markup
    section = views.endnotes(notes).markup
    cited = set(re.findall(r'href="#note-(\d+)"', judged + rows + said))
    listed = set(re.findall(r'<li id="note-(\d+)"', section))
    assert cited and cited <= listed
    assert "<th>Notes</th>" in rows and "<th>Note</th>" in said


def _row_notes(markup: str) -> list[list[str]]:
    """Per table row (after the header), the note numbers its Notes cell links to."""
    rows = markup.split("<tr")[2:]
    return [re.findall(r'href="#note-(\d+)"', row) for row in rows]


def test_the_chronology_tables_link_each_row_to_its_documents(result):
    # timeline order (stated start, then end, then id): e1 d1, e2 d1, e9 d3, e3 d1, e6 d2,
    # e4 d2, e8 d3, e5 d2, e7 d3; documents numbered as first cited: d1 1, d3 2, d2 3
    notes = Endnotes(result)
    timeline = views.timeline_table(result, notes=notes).markup
    expected = [["1"], ["1"], ["2"], ["1"], ["3"], ["3"], ["2"], ["3"], ["2"]]
    assert _row_notes(timeline) == expected
    # mod_a's shift on town_taken: e6 (d2) to e7 (d3); mod_b's conflict: e2 (d1) and e9 (d3)
    assert _row_notes(views.shifts_table(result, notes=Endnotes(result)).markup) == [["1", "2"]]
    assert _row_notes(views.conflicts_table(result, notes=Endnotes(result)).markup) == [["1", "2"]]
    assert "<th>Notes</th>" not in views.timeline_table(result).markup


def test_views_without_notes_are_unchanged(result):
    assert "note-" not in views.judgments(result).markup
    assert "<th>Notes</th>" not in views.status_table(result).markup


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["briefing", "chronology"])
def test_a_built_briefing_links_every_note_in_the_page_and_the_pdf(tmp_path, notebook):
    """Real build, real Chromium: every note link in the HTML leads to a note on the page,
    external links are the web addresses only, and the PDF keeps both kinds live."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from analysis.build import build_briefing
    from analysis.build.export import CHROMIUM_FLAGS, find_chromium

    dataset = with_urls(tmp_path / "linked")
    built = build_briefing(notebook, [("dataset", str(dataset))], reports=tmp_path / "reports")
    page_file = built.folder / f"{notebook}.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_context(offline=True).new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        dangling = page.evaluate(
            """() => [...document.querySelectorAll('a[href^="#"]')]
                 .map(a => a.getAttribute('href').slice(1))
                 .filter(id => !document.getElementById(id))"""
        )
        notes = page.eval_on_selector_all("ol.endnotes > li", "els => els.map(e => e.id)")
        browser.close()
    internal = [h for h in hrefs if h.startswith("#note-")]
    assert internal and not dangling
    assert notes == [f"note-{n}" for n in range(1, len(notes) + 1)] and len(notes) == 3
    assert [h for h in hrefs if not h.startswith("#")] == [URLS["d1"]]
    assert not any(h.lower().startswith(("javascript:", "data:")) for h in hrefs)

    reader = PdfReader(built.folder / f"{notebook}.pdf")
    links = [
        annotation.get_object()
        for pdf_page in reader.pages
        for annotation in pdf_page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    uris = {link["/A"]["/URI"] for link in links if "/A" in link and "/URI" in link["/A"]}
    destinations = {str(link["/Dest"]) for link in links if "/Dest" in link}
    assert uris == {URLS["d1"]}
    assert {f"/note-{n}" for n in range(1, 4)} <= destinations
    assert {f"/note-{n}" for n in range(1, 4)} <= set(reader.named_destinations)


def test_the_notes_stop_at_their_limit_and_say_how_many_citations_they_left_out(
    result, monkeypatch
):
    from analysis.present import endnotes

    monkeypatch.setattr(endnotes, "MAX_NOTES", 2)
    notes = Endnotes(result)
    assert notes.cite(["e1", "e4", "e7"]) == ([1, 2], 1)  # d3 gets no note
    assert notes.cite(["e7"]) == ([], 1)
    assert notes.cite(["e2"]) == ([1], 0)  # d1 keeps its note
    section = notes.section()
    assert section.count('<li id="note-') == 2
    assert "The notes stop at 2 documents; rows above count the 2 other citations" in section
