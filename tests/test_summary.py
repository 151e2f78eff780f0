"""The terminal summaries of ``briefing validate`` and ``briefing analyze``."""

from __future__ import annotations

from analysis.contract.dataset import load_dataset
from analysis.present.summary import dataset_summary, relative_phrases

from .builders import write_dataset


def test_only_relative_phrases_count_as_relative(tmp_path):
    claims = [
        "c1,s1,a1,d1,supports,false,2025-03-01T10:00:00Z,,",
        "c2,s1,a1,d1,supports,false,2025-03-01/2025-03-03,,",
        "c3,s2,a1,d1,refutes,false,2025-03,,",
        "c4,s3,a2,d1,supports,false,last week,,",
        "c5,s3,a2,d1,supports,false,Monday,,",
        "c6,s4,a2,d1,refutes,false,2025-03-01T10:00:00Z,,",
        "c7,s4,a1,d1,refutes,false,2025-03-04 08:30,,",
    ]
    path = write_dataset(tmp_path / "mixed-dates", claims, {"d1": "2025-03-10"})
    dataset = load_dataset(path)
    assert relative_phrases(dataset.claims) == 2
    lines = dataset_summary(dataset, max_sources=2).splitlines()
    assert "  2 of 7 stated dates are relative phrases, resolved" in lines
    assert lines[-4:] == [
        "sources (4)",
        "       2  s1                     media       Source S1",
        "       2  s3                     media       Source S3",
        "  ... and 2 more",
    ]
