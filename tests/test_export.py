"""The reader's HTML: nbconvert's image pass runs only on a page that has an image."""

from __future__ import annotations

import nbformat

from analysis.build.export import to_html
from analysis.present.masthead import Masthead

MASTHEAD = Masthead("A title", "A subtitle", "UNCLASSIFIED", "footer")


def _page(markdown: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)]
    return to_html(nb, MASTHEAD)


def test_an_image_without_alt_text_gets_nbconverts_placeholder():
    page = _page('A picture: <img src="data:image/png;base64,AAAA">')
    assert 'alt="No description has been provided for this image"' in page


def test_a_page_without_images_keeps_its_text_and_an_images_alt_is_kept():
    page = _page("Russia's claim, *emphasised*")
    assert "<p>Russia's claim, <em>emphasised</em></p>" in page
    assert "No description" not in page
    described = _page('<img alt="A map" src="data:image/png;base64,AAAA">')
    assert 'alt="A map"' in described and "No description" not in described
