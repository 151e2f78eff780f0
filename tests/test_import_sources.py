"""Sources that are the same outlet: aliases.csv checks and ``briefing sources --similar``."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cli import main
from analysis.errors import DatasetError
from analysis.importers.aliases import apply_aliases, read_aliases
from analysis.importers.report import ImportReport
from analysis.importers.similar import similar_pairs
from analysis.importers.tables import ContractTables, content_hash, slug

from .builders import write_dataset

NAMES = [
    "War Translated",  # 0
    "Wartranslated",  # 1
    "NOËL Reports",  # 2
    "NOËL",  # 3
    "Ukrinform",  # 4
    "BBC",  # 5
    "Russian Ministry of Defence",  # 6
    "Suspilne",  # 7
]


def test_alike_names_and_names_that_start_another_are_paired_and_nothing_else():
    pairs = similar_pairs(pd.DataFrame({"name": NAMES}))
    found = {
        (int(a), int(b)): why for a, b, why in pairs[["a", "b", "why"]].itertuples(index=False)
    }
    assert found == {(0, 1): "names nearly the same", (2, 3): "one name starts the other"}
    assert pairs.loc[0, "score"] == 100


def test_similar_lists_pairs_with_a_ready_aliases_suggestion(tmp_path, capsys):
    folder = write_dataset(
        tmp_path / "d",
        ["c1,s1,a1,d1,supports,,2025-03-01,,", "c2,s2,a1,d1,supports,,2025-03-01,,"],
        {"d1": "2025-03-02"},
        sources=("s1", "s2", "s3"),
    )
    (folder / "sources.csv").write_text(
        "source_id,name,kind\ns1,War Translated,osint\ns2,Wartranslated,osint\ns3,BBC,media\n"
    )
    assert main(["sources", str(folder), "--similar"]) == 0
    printed = capsys.readouterr().out
    assert "1 pairs of sources with alike names" in printed
    assert printed.rstrip().endswith("alias,source_id\nWartranslated,s1")
    assert main(["sources", str(folder)]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("3 sources") and "War Translated" in listing


def test_aliases_merge_by_name_or_id_ignoring_case_and_stops_and_are_reported(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,source_id,name\nwartranslated.,war-translated,War Translated\n")
    sources = pd.DataFrame(
        {
            "source_id": ["out-wartranslated", "out-war-translated", "out-bbc"],
            "name": ["Wartranslated", "War  Translated", "BBC"],
            "kind": ["osint", "osint", "media"],
        }
    )
    claims = pd.DataFrame({"claim_id": ["c1", "c2", "c3"], "source_id": sources["source_id"]})
    (tmp_path / "more.csv").write_text("alias,source_id\nwar translated,war-translated\n")
    report = ImportReport("test")
    tables = ContractTables(sources, pd.DataFrame(), pd.DataFrame(), claims)
    for file in (aliases, tmp_path / "more.csv"):
        tables = apply_aliases(tables, read_aliases(file), report)
    assert list(tables.claims["source_id"]) == ["war-translated", "war-translated", "out-bbc"]
    assert sorted(tables.sources["source_id"]) == ["out-bbc", "war-translated"]
    merged = tables.sources.set_index("source_id").loc["war-translated", "name"]
    assert merged == "War Translated"
    assert ("Wartranslated", "war-translated", 1) in report.merged


def test_a_bad_aliases_file_names_its_rows(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,source_id\nBBC,BBC News\nTASS,tass\ntass,ria\n,x\n")
    with pytest.raises(DatasetError) as caught:
        read_aliases(aliases)
    text = caught.value.render()
    assert "aliases.csv:2: source_id: 'BBC News' is not an identifier" in text
    assert "aliases.csv:3: alias: 'TASS' is given two different source_ids" in text
    assert "aliases.csv:5: alias: empty" in text


def test_identifiers_from_names_are_stable_ascii_and_bounded():
    names = pd.Series(["NOËL Reports", "??????", "Радіо Свобода", "x" * 80, "NOËL Reports"])
    ids = slug(names, prefix="out-")
    assert ids[0] == ids[4] == "out-noel-reports"
    assert ids[1].startswith("out-unknown-") and ids[2].startswith("out-unknown-")
    assert ids[1] != ids[2]
    assert len(ids[3]) <= len("out-") + 48
    assert list(slug(names, prefix="out-")) == list(ids)  # same text, same ids, every run
    hashes = content_hash(pd.DataFrame({"a": ["x", "y", "x"], "b": ["1", "1", "1"]}))
    assert hashes[0] == hashes[2] != hashes[1]
    assert hashes.str.fullmatch(r"[0-9a-f]{16}").all()
