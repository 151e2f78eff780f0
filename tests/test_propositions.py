"""The status views show propositions only: quantities go to "Figures in dispute", and
a line says so. On tests/data/quantities-and-questions (two quantities, six
propositions of which five are alternatives of questions), the seed (no quantity: its
views as before) and small datasets written here."""

from __future__ import annotations

import json
import re

import pytest

from analysis.compute.changes import snapshot_tables
from analysis.compute.results import analyze, to_json
from analysis.contract.dataset import load_dataset
from analysis.present import alt_text, plots, propositions, views
from analysis.present.snapshot import save_snapshot
from analysis.present.summary import analysis_summary

from .conftest import DATA, SEED

POINTER = "Not listed here: 2 quantities, whose figures are compared in Figures in dispute."
PROPOSITIONS = {"town_a", "town_b", "town_split", "bridge_may1", "bridge_may2", "bridge_hit"}


@pytest.fixture(scope="module")
def result():
    return analyze(load_dataset(DATA / "quantities-and-questions"))


@pytest.fixture(scope="module")
def seed():
    return analyze(load_dataset(SEED))


def text_of(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def test_propositions_are_the_assertions_without_a_unit(result, seed):
    assert set(propositions.propositions(result)["assertion_id"]) == PROPOSITIONS
    assert list(propositions.quantity_ids(result)) == ["deaths_strike", "tanks_lost"]
    assert propositions.propositions(seed) is seed.assertions  # nothing to leave out
    assert propositions.figures_pointer(seed) == ""


def test_the_analysis_keeps_every_status(result):
    """Only the presentation leaves quantities out: the JSON still has all eight."""
    statuses = {row["assertion_id"] for row in json.loads(to_json(result))["assertions"]}
    assert statuses == PROPOSITIONS | {"deaths_strike", "tanks_lost"}


def test_the_status_table_lists_propositions_and_points_to_the_figures(result):
    markup = views.status_table(result).markup
    assert markup.count("<tr>") == 6  # one row per proposition (the header has a style)
    assert "Deaths in the strike" not in markup and "tanks" not in markup
    assert markup.endswith(f'<p class="note">{POINTER}</p>')
    # by hand: town_a and town_split contested, bridge_may1 corroborated, bridge_hit
    # single-source, bridge_may2 and town_b denied (alternatives keep their status)
    statuses = re.findall(r"<td>(contested|corroborated|single-source|denied)</td>", markup)
    assert statuses == [
        "contested",
        "contested",
        "corroborated",
        "single-source",
        "denied",
        "denied",
    ]


def test_the_board_draws_propositions_only(result):
    fig = plots.assertion_board(result)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == 6
    assert not any("Deaths" in label or "tanks" in label for label in labels)
    assert alt_text.assertion_board(result, 24).startswith(
        "Bar chart of supporting (right) and refuting (left) lines of evidence for 6 assertions"
    )


def test_who_says_what_leaves_the_contested_toll_to_its_section(result):
    markup = views.contested(result).markup
    headings = re.findall(r"<h3>(.*?)</h3>", markup)
    assert headings == ["Side A holds the town of Y", "The town of Y is divided between the sides"]
    assert markup.endswith(f'<p class="note">{POINTER}</p>')


def test_what_changed_moves_propositions_only(result, tmp_path):
    """From 2 May (d1 only) to everything. By hand, with the refutations a support of one
    alternative implies: on 2 May town_b was contested (mod_b for, mod_a's town_a
    against), town_split denied (both ministries' answers against), bridge_may1 and
    bridge_may2 contested (mod_a for 1 May, the wire's hedged 2 May against it); now
    town_b is denied, town_split contested, bridge_may1 corroborated, bridge_may2
    denied. The toll and the tanks moved too in the analysis: their figures are told
    apart (revised, new figures), never as a status."""
    earlier = analyze(result.dataset, as_of="2025-05-02")
    save_snapshot(snapshot_tables(earlier), tmp_path)
    markup = views.what_changed(result, str(tmp_path)).markup
    table = markup[markup.index('<table class="dataframe changes">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", table)
    assert rows == [
        ("Side B holds the town of Y", "contested", "denied"),
        ("The town of Y is divided between the sides", "denied", "contested"),
        ("The bridge at X was destroyed on 1 May", "contested", "corroborated"),
        ("The bridge at X was destroyed on 2 May", "contested", "denied"),
    ]


def test_the_terminal_summary_counts_propositions(result):
    lines = analysis_summary(result).splitlines()
    assert "status     2 contested, 1 corroborated, 1 single-source, 2 denied" in lines
    table = lines[lines.index(next(x for x in lines if x.startswith("assertion "))) :]
    assert not any(line.startswith(("deaths_strike", "tanks_lost")) for line in table)
    assert (
        "  Not listed here: 2 quantities, whose figures are listed under quantities above." in lines
    )
    assert "contested (2)" in lines


def test_the_seed_reads_as_before(seed):
    """No quantity, no pointer: every status view is as it was."""
    for markup in (
        views.status_table(seed).markup,
        views.judgments(seed).markup,
        views.contested(seed).markup,
    ):
        assert "Not listed here" not in markup
    assert "Not listed here" not in analysis_summary(seed)


def write_dataset(folder, with_proposition: bool = True):
    """A strike (a proposition at Kupiansk) and its death toll (a quantity at Izium),
    two sources giving different tolls."""
    folder.mkdir()
    (folder / "dataset.toml").write_text('name = "toll"\ntitle = "A toll"\n')
    (folder / "sources.csv").write_text(
        "source_id,name,kind,side,reliability\na,Agency A,media,none,B\nb,Agency B,media,none,C\n"
    )
    (folder / "documents.csv").write_text(
        "document_id,title,publisher,published\nd1,Report,Wire,2025-05-02\n"
    )
    (folder / "places.csv").write_text(
        "place_id,name,lat,lon\nkupiansk,Kupiansk,49.71,37.61\nizium,Izium,49.21,37.26\n"
    )
    assertions = "assertion_id,statement,unit,place_id\ntoll,Deaths in the strike,deaths,izium\n"
    claims = (
        "claim_id,source_id,assertion_id,document_id,stance,stated,value\n"
        "c1,a,toll,d1,supports,2025-05-02,12\nc2,b,toll,d1,supports,2025-05-02,5\n"
    )
    if with_proposition:
        assertions += "strike,A missile struck the market,,kupiansk\n"
        claims += "c3,a,strike,d1,supports,2025-05-02,\nc4,b,strike,d1,refutes,2025-05-02,\n"
    (folder / "assertions.csv").write_text(assertions)
    (folder / "claims.csv").write_text(claims)
    return folder


def test_a_place_takes_its_colour_from_propositions_only(tmp_path):
    """Izium is named only by the toll: a status of a toll says nothing, so it is not
    mapped; Kupiansk's strike is contested (A supports, B refutes)."""
    result = analyze(load_dataset(write_dataset(tmp_path / "toll")))
    places = plots.mapped_places(result)
    assert places[["place_id", "status"]].values.tolist() == [["kupiansk", "contested"]]


def test_with_quantities_only_the_views_say_so(tmp_path):
    result = analyze(load_dataset(write_dataset(tmp_path / "toll", with_proposition=False)))
    pointer = "Not listed here: 1 quantity, whose figures are compared in Figures in dispute."
    board = views.assertion_board(result)
    assert text_of(board.markup) == "No source took a position on a proposition."
    assert text_of(views.judgments(result).markup) == (  # judged by its figures
        "Disputed figure: Deaths in the strike. Agency A (graded B) gives 12 deaths; two "
        "sources range from 5 to 12 deaths; most conservative 5 (Agency B)."
    )
    assert text_of(views.status_table(result).markup).endswith(pointer)
    # the analysis calls the toll "corroborated" (two lines, 12 and 5): never listed in who
    # says what, so that section has nothing to point at
    assert text_of(views.contested(result).markup) == "No assertion is contested."


def test_status_over_time_replays_propositions_only(result):
    """The toll's and the tanks' claims give figures: no status band for them."""
    from analysis.compute.replay import replay

    replayed = replay(result)
    assert set(replayed.shown) <= PROPOSITIONS
    assert replayed.shown  # the propositions are still replayed
    assert replayed.total == len(PROPOSITIONS)


def test_the_snapshot_keeps_no_status_of_a_quantity(result):
    """A later briefing's status moves (and the manifest's and the mail's, which read
    the same snapshot) never list a quantity: its moves are its figures'."""
    assertions = snapshot_tables(result)["assertions"]
    assert set(assertions["assertion_id"]) == PROPOSITIONS


def test_the_scope_line_says_how_many_of_each_kind(result, seed):
    """The reader meets propositions and quantities in different sections: the opening
    line says how many of each; a dataset without quantities reads as before."""
    assert "on 8 assertions (6 propositions and 2 quantities)." in text_of(
        views.scope(result).markup
    )
    assert "on 15 assertions. Dataset" in text_of(views.scope(seed).markup)
