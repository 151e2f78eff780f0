"""Write tiny datasets to the contract for rule-by-rule tests."""

from __future__ import annotations

from pathlib import Path

CLAIM_COLUMNS = "claim_id,source_id,assertion_id,document_id,stance,hedged,stated,event_time,cites"


def write_dataset(
    folder: Path,
    claims: list[str],
    documents: dict[str, str],
    assertions: tuple[str, ...] = ("a1", "a2"),
    sources: tuple[str, ...] = ("s1", "s2", "s3", "s4"),
) -> Path:
    """``claims`` are CSV rows in CLAIM_COLUMNS order; ``documents`` maps id -> published."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.toml").write_text(f'name = "{folder.name}"\n')
    (folder / "sources.csv").write_text(
        "source_id,name,kind\n" + "".join(f"{s},Source {s.upper()},media\n" for s in sources)
    )
    (folder / "documents.csv").write_text(
        "document_id,title,publisher,published\n"
        + "".join(f"{d},Doc {d},Wire,{p}\n" for d, p in documents.items())
    )
    (folder / "assertions.csv").write_text(
        "assertion_id,statement,topic\n"
        + "".join(
            f"{a},Statement {a},{'t1' if i == 0 else 't2'}\n" for i, a in enumerate(assertions)
        )
    )
    (folder / "claims.csv").write_text(CLAIM_COLUMNS + "\n" + "\n".join(claims) + "\n")
    return folder
