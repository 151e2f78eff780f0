"""Key judgments, word for word on the seed."""

from __future__ import annotations

from analysis.compute.results import analyze
from analysis.contract.dataset import load_dataset
from analysis.present.judgments import key_judgments

from .conftest import CONTRACT_EXAMPLE, SEED


def judgments_by_assertion(path, **kwargs) -> dict:
    table = key_judgments(analyze(load_dataset(path), **kwargs))
    return {(row.assertion_id, row.status): row.judgment for row in table.itertuples()}


def test_demidovka_is_contested_with_one_line_of_evidence():
    found = judgments_by_assertion(SEED)
    assert found[("ua_reached_demidovka", "contested")] == (
        "Contested: Ukrainian forces reached the village of Demidovka. Supported by Russian "
        "military bloggers (between 18 and 21 March 2025) and Institute for the Study of War "
        "(hedged, relying on Russian military bloggers, on 21 March 2025), one line of evidence; "
        "refuted by Russian Ministry of Defence (on 18 March 2025)."
    )


def test_seed_judgments_in_order_and_shift_sentence():
    table = key_judgments(analyze(load_dataset(SEED)))
    assert list(table["status"][:5]) == ["contested"] * 3 + ["corroborated"] * 2
    assert table.iloc[0]["judgment"] == (
        "Contested: Ukrainian forces are operating inside Russia's Belgorod region. Supported by "
        "Institute for the Study of War (hedged, relying on Russian military bloggers, on 21 March "
        "2025), Ukraine's military leadership (on 7 April 2025) and Volodymyr Zelensky (relying on "
        "Ukraine's military leadership, on 7 April 2025), two lines of evidence; refuted by Russian "
        "Ministry of Defence (in March 2025)."
    )
    assert table.iloc[-1]["judgment"] == (
        "Volodymyr Zelensky moved from hedged support (18 March 2025) to support (7 April 2025) "
        "on: Ukrainian forces are operating inside Russia's Belgorod region."
    )
    hedged = table.set_index("assertion_id").loc["ops_leverage", "judgment"]
    assert hedged.endswith("one line of evidence. All support for it is hedged.")


def test_neutral_sources_are_named():
    found = judgments_by_assertion(CONTRACT_EXAMPLE)
    assert found[("bridge_destroyed", "contested")].endswith(
        "A news wire addressed it without taking a side."
    )


def test_limit_words_only_the_first_judgments():
    result = analyze(load_dataset(SEED))
    everything = key_judgments(result)
    first_four = key_judgments(result, limit=4)
    assert first_four["judgment"].tolist() == everything["judgment"].tolist()[:4]
    assert len(key_judgments(result, limit=100)) == len(everything) == 16  # 15 assertions, 1 shift


def test_many_holders_are_counted_not_listed(tmp_path):
    from .builders import write_dataset

    sources = tuple(f"s{i}" for i in range(1, 7))
    claims = [f"c{i},s{i},a1,d1,supports,false,2025-05-0{i},," for i in range(1, 6)]
    claims.append("c6,s6,a1,d1,refutes,false,2025-05-01,,")
    path = write_dataset(tmp_path / "crowd", claims, {"d1": "2025-05-06"}, sources=sources)
    [sentence] = key_judgments(analyze(load_dataset(path)))["judgment"]
    assert sentence == (
        "Contested: Statement a1. Supported by Source S1 (on 1 May 2025), Source S2 (on 2 May "
        "2025), Source S3 (on 3 May 2025) and 2 other sources, five lines of evidence; "
        "refuted by Source S6 (on 1 May 2025)."
    )


def test_many_neutral_sources_are_counted_not_listed(tmp_path):
    from .builders import write_dataset

    sources = tuple(f"s{i}" for i in range(1, 8))
    claims = ["c1,s1,a1,d1,supports,false,2025-05-01,,", "c2,s2,a1,d1,refutes,false,2025-05-01,,"]
    claims += [f"c{i},s{i},a1,d1,neutral,false,2025-05-02,," for i in range(3, 8)]
    path = write_dataset(tmp_path / "onlookers", claims, {"d1": "2025-05-06"}, sources=sources)
    [sentence] = key_judgments(analyze(load_dataset(path)))["judgment"]
    assert sentence == (
        "Contested: Statement a1. Supported by Source S1 (on 1 May 2025), one line of evidence; "
        "refuted by Source S2 (on 1 May 2025). Source S3, Source S4, Source S5 and 2 other "
        "sources addressed it without taking a side."
    )
