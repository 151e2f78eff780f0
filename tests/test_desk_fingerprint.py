"""A briefing's fingerprint changes exactly when what its files depend on changes,
and says which part did."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from analysis.contract.cache import dataset_key
from analysis.contract.fingerprint import dataset_files, dataset_hash, dataset_identity
from analysis.desk.fingerprint import Fingerprint, changes
from analysis.desk.jobs import load_jobs

from .test_desk_support import JOB, fingerprinter, kyiv, notebook_json, write_desk

SCHEDULED = kyiv(2026, 11, 27, 6)


@pytest.fixture
def desk(tmp_path):
    write_desk(tmp_path)
    return tmp_path


def fingerprint(root, jobs: str = JOB, scheduled=SCHEDULED, version: str = "1.0") -> Fingerprint:
    """The briefing's fingerprint as a new plan would take it (jobs file re-read)."""
    (root / "briefings.toml").write_text(jobs)
    briefing = load_jobs(root / "briefings.toml")[0].briefings()[0]
    return fingerprinter(root, version).of(briefing, scheduled)


def test_the_parts_of_a_fingerprint(desk):
    print_ = fingerprint(desk)
    folder = desk / "data" / "one"
    assert print_.dataset_folder == str(folder)
    assert sorted(print_.dataset) == ["claims.csv", "dataset.toml", "sources.csv"]  # no README
    assert print_.dataset_sha256 == dataset_hash(folder)
    assert print_.parameters == {
        "dataset": str(folder),
        "as_of": None,
        "topic": None,
        "marking": "INTERNAL",
        "max_rows": 40,
    }
    assert print_.formats == ("html", "pdf")
    assert print_.package_version == "1.0"


def test_nothing_changed_means_no_change(desk):
    before, after = fingerprint(desk), fingerprint(desk)
    assert changes(before, after) == []
    assert before.digest == after.digest


def test_outputs_and_execution_counts_do_not_change_it(desk):
    before = fingerprint(desk)
    executed = notebook_json()
    for number, cell in enumerate(c for c in executed["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = number + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hello\n"]}]
        cell["metadata"]["execution"] = {"iopub.status.idle": "2026-11-27T06:00:03Z"}
    executed["metadata"]["papermill"] = {"duration": 2.5}
    (desk / "notebooks" / "brief.ipynb").write_text(json.dumps(executed, indent=2))
    assert changes(before, fingerprint(desk)) == []


def test_notebook_source_or_tags_change_it(desk):
    notebook = desk / "notebooks" / "brief.ipynb"
    before = fingerprint(desk)
    notebook.write_text(json.dumps(notebook_json(body='print("hello, reader")')))
    assert changes(before, fingerprint(desk)) == ["notebook changed"]

    tagged = notebook_json()
    tagged["cells"][2]["metadata"]["tags"] = ["analyst-only"]  # the export drops it now
    notebook.write_text(json.dumps(tagged))
    assert changes(before, fingerprint(desk)) == ["notebook changed"]


def test_parameters_change_it_by_name(desk):
    before = fingerprint(desk)
    after = fingerprint(desk, JOB.replace('"INTERNAL"', '"SECRET"'))
    assert changes(before, after) == ["parameters changed: marking"]


def test_a_scheduled_date_binding_changes_it_each_day(desk):
    bound = JOB.replace('marking = "INTERNAL"', 'marking = "INTERNAL"\nas_of = "{scheduled_date}"')
    before = fingerprint(desk, bound, kyiv(2026, 11, 27, 6))
    assert before.parameters["as_of"] == "2026-11-27"
    after = fingerprint(desk, bound, kyiv(2026, 11, 28, 6))
    assert changes(before, after) == ["parameters changed: as_of"]
    # without the binding, another day's build has the same fingerprint
    assert changes(fingerprint(desk), fingerprint(desk, scheduled=kyiv(2026, 11, 28, 6))) == []


def test_a_dataset_file_change_names_the_file(desk):
    folder = desk / "data" / "one"
    before = fingerprint(desk)
    (folder / "claims.csv").write_text("claim_id,source_id\nc1,s1\nc2,s1\n")
    assert changes(before, fingerprint(desk)) == ["dataset changed: claims.csv"]

    (folder / "places.csv").write_text("place_id,name\np1,Kyiv\n")
    (folder / "sources.csv").unlink()
    assert changes(before, fingerprint(desk)) == [
        "dataset changed: claims.csv, places.csv, sources.csv"
    ]


def test_files_outside_the_dataset_contract_do_not_change_it(desk):
    """A load reads neither a README nor the aliases.csv an import kept for provenance
    (nor any other CSV or TOML file), so the briefing would be the same."""
    before = fingerprint(desk)
    folder = desk / "data" / "one"
    (folder / "README.md").write_text("notes, edited\n")
    (folder / "aliases.csv").write_text("alias,source_id\nSource 1,s1\n")
    (folder / "import.toml").write_text('by = "me"\n')
    after = fingerprint(desk)
    assert changes(before, after) == []
    assert after.dataset_sha256 == before.dataset_sha256


def test_the_cache_the_desk_and_the_build_agree_on_the_dataset(desk):
    """One identity: the desk's files are the identity's, and what changes one changes the
    others (the cache key, the published hash) and nothing else does."""
    folder = desk / "data" / "one"
    print_ = fingerprint(desk)
    assert print_.dataset == dataset_identity(folder)
    assert list(print_.dataset) == dataset_files(folder) == sorted(print_.dataset)
    key, whole = dataset_key(folder), dataset_hash(folder)
    (folder / "aliases.csv").write_text("alias,source_id\nSource 1,s1\n")
    assert (dataset_key(folder), dataset_hash(folder)) == (key, whole)
    (folder / "sources.csv").write_text("source_id,name\ns1,Source One\n")
    assert dataset_key(folder) != key and dataset_hash(folder) != whole
    assert fingerprint(desk).dataset == dataset_identity(folder) != print_.dataset


def test_the_identity_is_the_files_digests(tmp_path):
    """Worked out by hand: SHA-256 of each file's bytes, by name; the published hash is one
    SHA-256 over each name, a NUL byte and the bytes, in name order."""
    here = tmp_path / "here"
    here.mkdir()
    (here / "sources.csv").write_bytes(b"source_id\ns1\n")
    (here / "dataset.toml").write_bytes(b'name = "x"\n')
    (here / "aliases.csv").write_bytes(b"alias,source_id\n")
    assert dataset_identity(here) == {
        "dataset.toml": hashlib.sha256(b'name = "x"\n').hexdigest(),
        "sources.csv": hashlib.sha256(b"source_id\ns1\n").hexdigest(),
    }
    whole = b'dataset.toml\0name = "x"\nsources.csv\0source_id\ns1\n'
    assert dataset_hash(here) == hashlib.sha256(whole).hexdigest()
    copy = shutil.copytree(here, tmp_path / "elsewhere", copy_function=shutil.copy)
    assert dataset_identity(copy) == dataset_identity(here)  # where it is, when it was
    assert dataset_hash(copy) == dataset_hash(here)  # written: neither counts


def test_another_dataset_folder_changes_the_parameter_and_the_files_that_differ(desk):
    before = fingerprint(desk)
    after = fingerprint(
        desk, JOB.replace('marking = "INTERNAL"', 'marking = "INTERNAL"\ndataset = "data/two"')
    )
    # the two folders differ only in dataset.toml's name line
    assert changes(before, after) == [
        "parameters changed: dataset",
        "dataset changed: dataset.toml",
    ]


def test_a_missing_dataset_folder_is_said_so(desk):
    before = fingerprint(desk)
    after = fingerprint(desk, JOB.replace('marking = "INTERNAL"', 'dataset = "data/gone"'))
    assert changes(before, after) == [
        "parameters changed: dataset, marking",
        f"dataset missing: {desk / 'data' / 'gone'}",
    ]


def test_lock_template_version_and_formats_change_it(desk):
    before = fingerprint(desk)
    (desk / "requirements.lock").write_text("pandas==2.2.1\n")
    assert changes(before, fingerprint(desk)) == ["requirements.lock changed"]
    (desk / "requirements.lock").write_text("pandas==2.2.0\n")

    (desk / "template" / "briefing.css").write_text("body { margin: 0 }\n")
    assert changes(before, fingerprint(desk)) == ["export template changed"]
    (desk / "template" / "briefing.css").unlink()

    assert changes(before, fingerprint(desk, version="1.1")) == [
        "package version changed: 1.0 -> 1.1"
    ]
    html_only = JOB.replace('notebook = "brief"', 'notebook = "brief"\nformats = ["html"]')
    assert changes(before, fingerprint(desk, html_only)) == ["formats changed: html, pdf -> html"]
    assert changes(before, fingerprint(desk)) == []


def test_a_fingerprint_survives_json(desk):
    print_ = fingerprint(desk)
    again = Fingerprint.from_json(print_.to_json())
    assert again == print_
    assert again.digest == print_.digest


def test_an_older_record_missing_a_part_reads_as_changed(desk):
    print_ = fingerprint(desk)
    stored = json.loads(print_.to_json())
    del stored["template"]
    assert changes(Fingerprint.from_json(json.dumps(stored)), print_) == ["export template changed"]


def test_an_optional_dataset_parameter_is_fingerprinted_too(desk):
    """A notebook may declare its dataset Optional[dataset]; its files still count."""
    notebook = desk / "notebooks" / "brief.ipynb"
    text = notebook.read_text().replace("# type: dataset ", "# type: Optional[dataset] ")
    notebook.write_text(text)
    before = fingerprint(desk)
    (desk / "data" / "one" / "claims.csv").write_text("claim_id,source_id\nc1,s1\nc9,s1\n")
    assert changes(before, fingerprint(desk)) == ["dataset changed: claims.csv"]
