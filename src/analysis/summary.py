"""A one-screen text summary of a loaded dataset, for ``briefing validate``."""

from __future__ import annotations

import pandas as pd

from .dataset import Dataset


def _day(value) -> str:
    return "-" if pd.isna(value) else f"{value:%Y-%m-%d}"


def dataset_summary(dataset: Dataset, *, max_sources: int = 12) -> str:
    """Counts per table, the span of dates, and the most active sources."""
    claims = dataset.claims
    lines = [
        f"{dataset.name}: {dataset.title}",
        f"valid dataset at {dataset.path}",
        "",
        "tables",
    ]
    for name in ("sources", "documents", "assertions", "claims", "places"):
        lines.append(f"  {name:<11}{len(getattr(dataset, name)):>10,}")
    stances = claims["stance"].value_counts()
    lines.append(
        "  stances    "
        + ", ".join(f"{stances.get(s, 0):,} {s}" for s in ("supports", "refutes", "neutral"))
        + f"; {int(claims['hedged'].sum()):,} hedged"
    )
    published = dataset.documents["published_day"]
    lines += [
        "",
        "dates",
        f"  published  {_day(published.min())} .. {_day(published.max())}",
        f"  stated     {_day(claims['stated_start'].min())} .. {_day(claims['stated_end'].max())}",
    ]
    relative = (claims["stated"].str.contains(r"[a-zA-Z]", regex=True)).sum()
    lines.append(f"  {relative:,} of {len(claims):,} stated dates are relative phrases, resolved")
    per_source = (
        claims.groupby("source_id", observed=True)
        .size()
        .rename("claims")
        .reset_index()
        .merge(dataset.sources[["source_id", "name", "kind"]], on="source_id", how="left")
        .sort_values(["claims", "source_id"], ascending=[False, True])
    )
    lines += ["", f"sources ({len(dataset.sources):,})"]
    for row in per_source.head(max_sources).itertuples(index=False):
        lines.append(f"  {row.claims:>6,}  {row.source_id:<22} {row.kind:<11} {row.name}")
    if len(per_source) > max_sources:
        lines.append(f"  ... and {len(per_source) - max_sources:,} more")
    return "\n".join(lines)
