"""`briefing import gdelt`: GDELT 2.0 Events + Mentions raw files into a dataset.

The samples under tests/data/importers/gdelt/ are invented but shaped like the
raw files (tab-separated, no header, the codebook's 61 and 16 columns). Between
them they hold: an event given twice (overlapping downloads), an event nobody
mentions, an article mentioning one event in three sentences (one of them seen
the next morning), a low-confidence mention, a citation-only mention
(MentionType 2), a scholarly-archive mention (MentionType 3), a mention seen
before its event's day, a mention of an event missing from the events files,
a web mention without MentionSourceName, and machine-translated articles.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.contract.dataset import load_dataset
from analysis.errors import BriefingError
from analysis.importers.run import import_dataset

SAMPLES = Path(__file__).resolve().parent / "data" / "importers" / "gdelt"
EVENTS_A = SAMPLES / "20250318201500.export.CSV"
EVENTS_B = SAMPLES / "20250319091500.export.CSV"
MENTIONS_A = SAMPLES / "20250318201500.mentions.CSV"
MENTIONS_B = SAMPLES / "20250319091500.mentions.CSV"
ALL = [EVENTS_A, MENTIONS_A, EVENTS_B, MENTIONS_B]
DNIPRO_URL = "https://dnipro-herald.com.ua/news/2025/03/18/strikes-on-kharkiv-overnight"
WIRE_URL = "https://eastern-wire.com/world/europe/overnight-strikes-on-both-sides-of-the-border"


def gdelt(tmp_path: Path, inputs=ALL, name: str = "gdelt", **kwargs):
    options = {"min_confidence": kwargs.pop("min_confidence", 30)}
    return import_dataset("gdelt", list(inputs), tmp_path / name, options=options, **kwargs)


def zipped(path: Path, folder: Path) -> Path:
    target = folder / (path.name + ".zip")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, path.name)
    return target


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The samples imported once with --min-confidence 30: (dataset, report, folder)."""
    folder = tmp_path_factory.mktemp("gdelt")
    dataset, report = gdelt(folder)
    return dataset, report, folder / "gdelt"


def records(frame, key: str) -> dict:
    return {row[key]: row for row in frame.to_dict("records")}


def test_worked_event_becomes_an_assertion_with_its_place_and_measures(imported):
    dataset, _, folder = imported
    event = records(dataset.assertions, "assertion_id")["gdelt-1234500001"]
    assert event["statement"] == (
        "Fight (CAMEO 190) by RUSSIA toward UKRAINE in Kharkiv, Kharkivs'ka Oblast', "
        "Ukraine on 2025-03-18"
    )
    assert (event["topic"], event["place_id"], event["event_time"]) == (
        "UP07", "gdelt-place-neg1044367", "2025-03-18",
    )  # fmt: skip
    # extra columns come back from the loader as the text written
    assert (event["event_code"], event["quad_class"], event["goldstein_scale"]) == (
        "190",
        "4",
        "-10",
    )
    assert (event["num_mentions"], event["num_sources"], event["avg_tone"]) == ("6", "3", "-6.4218")
    assert event["source_url"] == DNIPRO_URL
    place = records(dataset.places, "place_id")["gdelt-place-neg1044367"]
    assert place["name"] == "Kharkiv, Kharkivs'ka Oblast', Ukraine"
    assert (place["lat"], place["lon"], place["adm1_code"], place["country_fips"]) == (
        50, 36.25, "UP07", "UP",
    )  # fmt: skip
    # FIPS 10-4 codes are not the contract's ISO country: kept under their own name
    header = (folder / "places.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == '"place_id","name","lat","lon","adm1_code","country_fips"'
    yielded = records(dataset.assertions, "assertion_id")["gdelt-1234500005"]
    assert (
        yielded["statement"]
        == "Yield (CAMEO 0874) by UKRAINE toward RUSSIA in Ukraine on 2025-03-19"
    )
    assert (yielded["topic"], yielded["place_id"]) == ("UP", "gdelt-place-up")
    # what GDELT leaves empty (a second actor, a place) is left out of the statement
    stated = records(dataset.assertions, "assertion_id")["gdelt-1234500004"]
    assert stated["statement"] == "Make public statement (CAMEO 010) by KREMLIN on 2025-03-19"
    assert pd.isna(stated["topic"]) and pd.isna(stated["place_id"])


def test_worked_event_mentions_become_claims_by_each_outlet_in_each_article(imported):
    dataset, _, _ = imported
    claims = dataset.claims[dataset.claims["assertion_id"] == "gdelt-1234500001"]
    documents = records(dataset.documents, "document_id")
    got = {
        (
            str(c["source_id"]), documents[str(c["document_id"])]["title"], c["confidence"],
            c["sentence_id"], c["sentences"], c["doc_tone"],
        )
        for c in claims.to_dict("records")
    }  # fmt: skip
    assert got == {
        # three sentences in one article (one seen the next morning): one claim, the surest
        ("gdelt-src-dnipro-herald-com-ua", DNIPRO_URL, "100", "1", "3", "-7.1428"),
        ("gdelt-src-eastern-wire-com", WIRE_URL, "80", "2", "1", "-5.3"),
        # citation only: the citation is the title, there is no web address
        (
            "gdelt-src-regional-broadcast-digest",
            "Regional Broadcast Digest, evening bulletin, 18 March 2025", "50", "3", "1", "-4.4",
        ),
    }  # fmt: skip
    assert set(claims["stance"]) == {"supports"}
    assert not claims["hedged"].any()
    assert set(claims["stated"]) == {"2025-03-18"}
    dnipro = claims[claims["source_id"] == "gdelt-src-dnipro-herald-com-ua"].iloc[0]
    # identifiers from the event id and a hash of the URL: the same in every re-import
    assert dnipro["claim_id"] == "gdelt-1234500001-3e2eeb42fa789bbb"
    assert dnipro["document_id"] == "gdelt-doc-3e2eeb42fa789bbb"
    document = documents["gdelt-doc-3e2eeb42fa789bbb"]
    # published when GDELT first saw the article (UTC), not at its second sighting
    assert (document["publisher"], document["published"], document["url"]) == (
        "dnipro-herald.com.ua", "2025-03-18T20:15:00Z", DNIPRO_URL,
    )  # fmt: skip
    by_title = records(dataset.documents, "title")
    citation = by_title["Regional Broadcast Digest, evening bulletin, 18 March 2025"]
    assert pd.isna(citation["url"])
    sources = records(dataset.sources, "source_id")
    assert sources["gdelt-src-regional-broadcast-digest"]["name"] == "Regional Broadcast Digest"
    assert {s["kind"] for s in sources.values()} == {"media"}


def test_one_article_on_two_events_is_one_document_with_two_claims(imported):
    dataset, _, _ = imported
    wire = dataset.documents[dataset.documents["title"] == WIRE_URL]
    assert len(wire) == 1
    on_it = dataset.claims[dataset.claims["document_id"] == wire["document_id"].iloc[0]]
    assert sorted(on_it["assertion_id"].astype(str)) == ["gdelt-1234500001", "gdelt-1234500002"]
    translated = records(dataset.documents, "title")
    assert (
        translated["https://belgorod-vesti.ru/news/ataka-bpla-18-marta"]["translated_from"] == "rus"
    )
    assert (
        translated["https://rhine-bote.de/politik/pariser-gespraeche"]["translated_from"] == "deu"
    )


def test_report_counts_every_skipped_and_handled_row(imported):
    _, report, _ = imported
    assert dict(report.read) == {"events": 7, "mentions": 16}
    assert dict(report.skipped) == {
        ("events", "no mention of it was imported (see mentions)"): 1,
        ("mentions", "Confidence below --min-confidence 30 (or missing)"): 1,
        ("mentions", "MentionType 3 (CORE scholarly archive): not a dated news report"): 1,
        ("mentions", "its document was seen before the event's day (SQLDATE)"): 1,
        ("mentions", "its event is not in the events inputs"): 1,
    }
    assert {case: n for case, (n, _) in report.handled.items()} == {
        "event given more than once (same GLOBALEVENTID)": 1,
        "web mention without MentionSourceName": 1,
        "article seen by GDELT at several times": 1,
        "one article mentioning one event in several sentences": 2,
    }
    assert report.written == {
        "sources": 8, "documents": 9, "assertions": 5, "claims": 10, "places": 4,
    }  # fmt: skip


def test_outlet_is_taken_from_the_url_when_gdelt_gives_none(imported):
    dataset, _, _ = imported
    claim = dataset.claims[dataset.claims["source_id"] == "gdelt-src-kyiv-ledger-com"]
    assert list(claim["assertion_id"].astype(str)) == ["gdelt-1234500005"]
    assert records(dataset.sources, "source_id")["gdelt-src-kyiv-ledger-com"]["name"] == (
        "kyiv-ledger.com"
    )


def test_min_confidence_skips_weaker_mentions_and_is_validated(tmp_path):
    _, everything = gdelt(tmp_path, name="all", min_confidence=0)
    _, strict = gdelt(tmp_path, name="strict", min_confidence=95)
    below = "Confidence below --min-confidence 95 (or missing)"
    assert not any("Confidence" in reason for _, reason in everything.skipped)
    assert everything.written["claims"] == 11  # the steppe-observer.kz mention (20) too
    # every mention but three at 100 (checked before whether its event is known)
    assert strict.skipped["mentions", below] == 12
    assert strict.written["claims"] == 3
    for wrong in (-1, 101, "50", True):
        with pytest.raises(BriefingError, match="--min-confidence .*0 to 100"):
            gdelt(tmp_path, name="wrong", min_confidence=wrong)


def test_zipped_inputs_in_any_order_give_the_same_tables(tmp_path):
    gdelt(tmp_path, name="plain")
    archives = [zipped(path, tmp_path) for path in ALL]
    gdelt(tmp_path, [archives[3], EVENTS_A, archives[2], MENTIONS_A], name="mixed")
    for table in ("sources", "documents", "assertions", "claims", "places"):
        plain = (tmp_path / "plain" / f"{table}.csv").read_bytes()
        assert (tmp_path / "mixed" / f"{table}.csv").read_bytes() == plain, table


def test_import_is_byte_identical_when_repeated(imported, tmp_path):
    first = imported[2]
    gdelt(tmp_path, name=first.name)  # same inputs, same options, same folder name
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in (tmp_path / first.name).iterdir())
    for name in files:
        assert (tmp_path / first.name / name).read_bytes() == (first / name).read_bytes(), name


def test_attribution_and_licence_name_gdelt_and_the_files(imported):
    dataset, report, folder = imported
    manifest = (folder / "dataset.toml").read_text(encoding="utf-8")
    assert f'attribution = "{report.attribution}"' in manifest
    assert report.attribution.startswith("The GDELT Project (https://www.gdeltproject.org/)")
    assert "20250318201500.mentions.CSV" in report.attribution
    assert "gdeltproject.org" in report.licence
    text = (folder / "IMPORT.md").read_text(encoding="utf-8")
    assert report.attribution in text
    assert dataset.title == "GDELT 2.0 events and mentions, 2025-03-17 to 2025-03-19"


def test_since_and_until_keep_events_by_sqldate_and_drop_their_mentions(tmp_path):
    dataset, report = gdelt(tmp_path, since=dt.date(2025, 3, 18), until=dt.date(2025, 3, 18))
    assert sorted(dataset.assertions["assertion_id"]) == ["gdelt-1234500001", "gdelt-1234500002"]
    assert report.skipped["events", "ends before --since 2025-03-18"] == 1
    assert report.skipped["events", "starts after --until 2025-03-18"] == 3
    assert report.skipped["mentions", "its event was not imported (see events)"] == 6


def test_where_filters_the_raw_events_and_mentions_by_codebook_column(tmp_path):
    dataset, report = gdelt(
        tmp_path, where=["ActionGeo_CountryCode=UP", "MentionSourceName!=eastern-wire.com"]
    )
    assert sorted(dataset.assertions["assertion_id"]) == ["gdelt-1234500001", "gdelt-1234500005"]
    assert report.skipped["events", "--where ActionGeo_CountryCode=UP"] == 4
    assert report.skipped["mentions", "--where MentionSourceName!=eastern-wire.com"] == 4
    assert "gdelt-src-eastern-wire-com" not in set(dataset.sources["source_id"])
    with pytest.raises(BriefingError, match="no column 'country'.*ActionGeo_FullName"):
        gdelt(tmp_path, name="unknown", where=["country=UP"])


def test_a_header_row_added_by_a_tool_is_skipped_and_counted(tmp_path):
    with_header = tmp_path / "events-with-header.tsv"
    header = "\t".join(["GLOBALEVENTID", "SQLDATE", *[f"c{i}" for i in range(59)]])
    with_header.write_text(header + "\n" + EVENTS_A.read_text(encoding="utf-8"), encoding="utf-8")
    _, report = gdelt(tmp_path, [with_header, MENTIONS_A, EVENTS_B, MENTIONS_B])
    assert report.handled["header row in a GDELT file"][0] == 1
    assert report.read["events"] == 7


def test_a_file_of_another_shape_is_refused_naming_file_line_and_the_two_shapes(tmp_path):
    twenty = tmp_path / "twenty.CSV"
    twenty.write_text("\t".join(["x"] * 20) + "\n", encoding="utf-8")
    with pytest.raises(BriefingError) as caught:
        gdelt(tmp_path, [EVENTS_A, twenty])
    message = str(caught.value)
    assert message.startswith(f"{twenty}:1: 20 tab-separated columns")
    assert "events file (*.export.CSV) has 61" in message and "mentions file" in message
    assert "has 16" in message
    assert not (tmp_path / "gdelt").exists()
    gkg = tmp_path / "gkg.CSV"
    gkg.write_text("\t".join(["x"] * 27) + "\n", encoding="utf-8")
    with pytest.raises(BriefingError, match="Global Knowledge Graph"):
        gdelt(tmp_path, [gkg])
    exported = tmp_path / "bigquery.csv"
    exported.write_text(",".join(["1234500001", "20250318", *[""] * 59]) + "\n", encoding="utf-8")
    with pytest.raises(BriefingError, match="1 tab-separated column .*comma-separated export"):
        gdelt(tmp_path, [exported])


def test_a_damaged_row_is_refused_with_its_line_plain_or_zipped(tmp_path):
    lines = MENTIONS_A.read_text(encoding="utf-8").splitlines(keepends=True)
    damaged = tmp_path / "20250318201500.mentions.CSV"
    damaged.write_text(
        "".join(lines[:6]) + "\n" + "\t".join(["9"] * 20) + "\n" + "".join(lines[6:])
    )
    with pytest.raises(BriefingError) as caught:
        gdelt(tmp_path, [EVENTS_A, damaged])
    assert str(caught.value).startswith(
        f"{damaged}:8: 20 tab-separated columns where a GDELT 2.0 mentions file has 16"
    )
    archive = zipped(damaged, tmp_path)
    with pytest.raises(BriefingError) as caught:
        gdelt(tmp_path, [EVENTS_A, archive])
    assert str(caught.value).startswith(f"{archive} ({damaged.name}):8: 20 tab-separated columns")


def test_inputs_that_cannot_make_claims_are_refused_clearly(tmp_path):
    with pytest.raises(BriefingError, match="no GDELT events file among the inputs"):
        gdelt(tmp_path, [MENTIONS_A])
    with pytest.raises(BriefingError, match="no GDELT mentions file among the inputs"):
        gdelt(tmp_path, [EVENTS_A, EVENTS_B])
    empty = tmp_path / "empty.CSV"
    empty.write_bytes(b"")
    with pytest.raises(BriefingError, match=f"{empty}: empty"):
        gdelt(tmp_path, [empty])
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.write(EVENTS_A, EVENTS_A.name)
        archive.write(MENTIONS_A, MENTIONS_A.name)
    with pytest.raises(BriefingError, match="holds 2 files"):
        gdelt(tmp_path, [two])
    latin = tmp_path / "latin.CSV"
    latin.write_bytes(EVENTS_A.read_bytes().replace(b"RUSSIA", b"R\xd6SSIA"))
    with pytest.raises(BriefingError, match=f"{latin}: not UTF-8"):
        gdelt(tmp_path, [latin, MENTIONS_A])


def test_cli_imports_and_prints_the_report(tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(SAMPLES, folder)
    out = tmp_path / "cli"
    code = main(["import", "gdelt", *map(str, sorted(folder.iterdir())), "--out", str(out),
                 "--min-confidence", "30"])  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "mentions: 16 read, 12 imported" in printed.out
    assert "skipped 1: its event is not in the events inputs" in printed.out
    assert load_dataset(out).claims.shape[0] == 10
    code = main(["import", "gdelt", str(EVENTS_A), "--out", str(tmp_path / "x"),
                 "--min-confidence", "120"])  # fmt: skip
    assert code == 2
    assert "--min-confidence 120" in capsys.readouterr().err
