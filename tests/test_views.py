"""Briefing views: bounded tables with notes of what was cut, shareable provenance, escaped data."""

from __future__ import annotations

import re

import pytest

from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present import views

from .builders import write_dataset
from .conftest import CONTRACT_EXAMPLE, SEED


def cells(markup: str, column: int) -> list[str]:
    """The text of one column of every body row of the tables in ``markup``."""
    rows = re.findall(r"<tr>(.*?)</tr>", markup, flags=re.DOTALL)
    found = [re.findall(r"<td>(.*?)</td>", row, flags=re.DOTALL) for row in rows]
    return [row[column] for row in found if row]


@pytest.fixture
def three_contested(tmp_path):
    """a3 is contested with two lines of support and five claims (current: c7, c8, c9);
    a1 and a2 are contested with one line each."""
    claims = [
        "c1,s1,a1,d1,supports,false,2025-05-01,,",
        "c2,s2,a1,d1,refutes,false,2025-05-01,,",
        "c3,s1,a2,d1,supports,false,2025-05-01,,",
        "c4,s2,a2,d1,refutes,false,2025-05-01,,",
        "c5,s3,a3,d1,supports,false,2025-05-01,,",
        "c6,s3,a3,d1,supports,false,2025-05-02,,",
        "c7,s3,a3,d1,supports,false,2025-05-03,,",
        "c8,s4,a3,d1,refutes,false,2025-05-04,,",
        "c9,s5,a3,d1,supports,true,2025-05-02,,",
    ]
    path = write_dataset(
        tmp_path / "three-contested",
        claims,
        {"d1": "2025-05-06"},
        assertions=("a1", "a2", "a3"),
        sources=("s1", "s2", "s3", "s4", "s5"),
    )
    return analyze(load_dataset(path))


def test_contested_shows_every_claim_when_unbounded(three_contested):
    markup = views.contested(three_contested, limit=None, max_claims=None).markup
    assert re.findall(r"<h3>(.*?)</h3>", markup) == ["Statement a3", "Statement a1", "Statement a2"]
    assert len(cells(markup, 0)) == 9
    assert "Showing" not in markup


def test_contested_bounds_assertions_and_claims_keeping_current_positions(three_contested):
    markup = views.contested(three_contested, limit=2, max_claims=3).markup
    assert re.findall(r"<h3>(.*?)</h3>", markup) == ["Statement a3", "Statement a1"]
    on_a3 = markup.split("<h3>")[1]
    assert cells(on_a3, 0) == ["Source S5", "Source S3", "Source S4"]  # c9, c7, c8 in time order
    assert cells(on_a3, 1) == ["hedged supports", "supports", "refutes"]
    assert cells(on_a3, 2) == [
        "on 2 May 2025 (2025-05-02)",
        "on 3 May 2025 (2025-05-03)",
        "on 4 May 2025 (2025-05-04)",
    ]
    assert cells(on_a3, 4) == ["yes", "yes", "yes"]
    assert on_a3.count('<p class="note">') == 1 and on_a3.endswith(
        '<p class="note">Showing 3 of 5 claims, current positions kept first. '
        "<code>briefing analyze --json</code> lists them all.</p>"
    )
    on_a1 = markup.split("<h3>")[2]
    assert cells(on_a1, 0) == ["Source S1", "Source S2"]
    assert on_a1.endswith(
        '<p class="note">Showing 2 of 3 contested assertions, most lines of support first. '
        "<code>briefing analyze --json</code> lists them all.</p>"
    )


def test_contested_with_nothing_contested(tmp_path):
    path = write_dataset(
        tmp_path / "calm", ["c1,s1,a1,d1,supports,false,2025-05-01,,"], {"d1": "2025-05-06"}
    )
    markup = views.contested(analyze(load_dataset(path))).markup
    assert markup == '<p class="empty">No assertion is contested.</p>'


def test_provenance_names_the_dataset_folder_never_its_absolute_path(dataset_copy):
    path = dataset_copy(CONTRACT_EXAMPLE).resolve()
    result = analyze(load_dataset(path), as_of="2025-05-06")
    parameters = {"dataset": str(path), "as_of": "2025-05-06", "topic": None, "max_rows": 40}
    markup = views.provenance(result, parameters).markup
    assert str(path.parent) not in markup
    assert (
        '<th scope="row">Parameters</th><td>dataset = &#x27;contract-example&#x27;, '
        "as_of = &#x27;2025-05-06&#x27;, topic = None, max_rows = 40</td>"
    ) in markup
    assert '<th scope="row">As of</th><td>2025-05-06</td>' in markup


def test_provenance_of_a_relative_dataset_path():
    result = analyze(load_dataset(SEED))
    markup = views.provenance(result, {"dataset": "data/belgorod-2025-04"}).markup
    assert "<td>dataset = &#x27;belgorod-2025-04&#x27;</td>" in markup
    assert "data/" not in markup


def test_text_from_data_is_escaped_in_every_view(dataset_copy):
    path = dataset_copy(CONTRACT_EXAMPLE)
    hostile = "<script>alert(1)</script> bridge & co"
    for name, old, new in [
        ("assertions.csv", "The bridge at X was destroyed", hostile),
        ("claims.csv", "the bridge stands", "<b>the bridge stands</b>"),
        ("sources.csv", "A think tank", "<img src=x onerror=alert(2)>"),
        ("dataset.toml", 'title = "A worked', 'title = "<i>A</i> worked'),
    ]:
        (path / name).write_text((path / name).read_text().replace(old, new))
    result = analyze(load_dataset(path))
    shown = {
        "scope": views.scope(result),
        "judgments": views.judgments(result),
        "status": views.status_table(result),
        "contested": views.contested(result),
        "shifts": views.shifts_table(result),
        "pairwise": views.pairwise_table(result),
        "sources": views.sources_table(result),
        "provenance": views.provenance(result, {"dataset": str(path)}),
        "timeline": views.timeline_table(result),
        "conflicts": views.conflicts_table(result),
    }
    for name, piece in shown.items():
        markup = piece.markup
        for tag in ("<script", "<img", "<b>", "<i>"):
            assert tag not in markup, (name, tag)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; bridge &amp; co"
    text = {name: piece.markup.replace("<wbr>", "") for name, piece in shown.items()}
    for name in ("judgments", "status", "contested", "timeline"):  # long words may get <wbr>
        assert escaped in text[name], name
    assert "&lt;b&gt;the bridge stands&lt;/b&gt;" in text["contested"]
    assert "&lt;img src=x onerror=alert(2)&gt;" in text["sources"]
    assert "&lt;i&gt;A&lt;/i&gt; worked" in shown["scope"].markup
