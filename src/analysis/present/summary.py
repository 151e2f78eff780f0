"""A one-screen text summary of a loaded dataset, for ``briefing validate``."""

from __future__ import annotations

import pandas as pd

from analysis.contract.dataset import Dataset
from analysis.contract.timeexpr import resolve_expressions
from analysis.present.propositions import figures_pointer, propositions
from analysis.present.wording import (
    LIST_ALL,
    and_more,
    count,
    describe_accuracy,
    describe_alpha,
    describe_day,
    describe_number,
    iso_day,
    ranked_assertions,
    says,
)


def relative_phrases(claims: pd.DataFrame) -> int:
    """How many claims state their date as a relative phrase ("last week", "Monday") that
    their document's date resolved; ISO dates, date-times, months and intervals are not."""
    values = claims["stated"].dropna().unique()
    absolute = resolve_expressions(pd.Series(values, dtype=object), allow_relative=False)
    relative = values[absolute["problem"].notna().to_numpy()]
    return int((claims["stated"].isin(relative) & claims["stated_start"].notna()).sum())


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
        if name == "assertions":  # the kinds a briefing shows in sections of their own
            quantities = int(dataset.assertions["unit"].notna().sum())
            if quantities:
                lines.append(f"    quantities{quantities:>9,}")
            if len(dataset.questions):  # questions.csv is optional
                lines.append(f"  {'questions':<11}{len(dataset.questions):>10,}")
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
        f"  published  {iso_day(published.min())} .. {iso_day(published.max())}",
        f"  stated     {iso_day(claims['stated_start'].min())} .. "
        f"{iso_day(claims['stated_end'].max())}",
    ]
    relative = relative_phrases(claims)
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
        lines.append("  " + and_more(len(per_source), max_sources))
    return "\n".join(lines)


def analysis_summary(result, max_rows: int = 40) -> str:
    """The terminal view of ``briefing analyze``: status table, contested assertions,
    shifts and conflicts, at most ``max_rows`` lines each, the most telling first. The
    status counts and tables are of propositions: quantities are listed with their
    figures under "quantities" (the JSON keeps every assertion's status)."""
    from analysis.compute.agreement import (
        STATUSES,  # here, so `briefing validate` never loads scipy
    )

    def more(total: int, shown: int) -> list[str]:
        return ["  " + and_more(total, shown, LIST_ALL)] if total > shown else []

    scope = "everything known" if result.as_of is None else f"as of {iso_day(result.as_of)}"
    if result.topic:
        scope += f", topic {result.topic}"
    table = propositions(result)
    counts = table["status"].value_counts()
    lines = [
        f"{result.dataset.name}: {scope}",
        "",
        "status     " + ", ".join(f"{counts[s]:,} {s}" for s in STATUSES if s in counts),
        f"alpha      {describe_alpha(result.alpha)} (Krippendorff, nominal, over all positions)",
        *figure_lines(result, max_rows),
        *belief_lines(result, max_rows),
    ]
    shown = ranked_assertions(table).head(max_rows)
    # as wide as the ids shown (32 at least, 60 at most: a longer one is cut, marked "…")
    width = min(max([32, *map(len, shown["assertion_id"].astype(str))]), 60)
    lines += ["", f"{'assertion':<{width}} {'status':<14} {'lines':>5}  supporting / refuting"]
    for row in shown.itertuples(index=False):  # one line per assertion shown
        hedge = " (hedged only)" if row.hedged_only else ""
        supporting = ", ".join(row.supporting_sources) or "-"
        refuting = ", ".join(row.refuting_sources) or "-"
        name = str(row.assertion_id)
        name = name if len(name) <= width else name[: width - 1] + "…"
        lines.append(
            f"{name:<{width}} {row.status:<14} {row.independent_support:>5}  "
            f"{supporting} / {refuting}{hedge}"
        )
    lines += more(len(table), len(shown))
    if pointer := figures_pointer(result, "listed under quantities above"):
        lines.append("  " + pointer)
    contested = ranked_assertions(table[table["status"] == "contested"])
    if len(contested):
        lines += ["", f"contested ({len(contested):,})"]
        lines += [
            f"  {row.assertion_id}: {row.statement}"
            for row in contested.head(max_rows).itertuples(index=False)
        ]
        lines += more(len(contested), min(len(contested), max_rows))
    lines += ["", f"shifts ({len(result.shifts):,})"]
    lines += [
        f"  {describe_day(row.at)}  {row.source_id} on {row.assertion_id}: "
        f"{says(row.from_stance, row.from_hedged)} -> {says(row.to_stance, row.to_hedged)}"
        for row in result.shifts.head(max_rows).itertuples(index=False)
    ]
    lines += more(len(result.shifts), min(len(result.shifts), max_rows))
    if len(result.conflicts):
        lines += ["", f"conflicts ({len(result.conflicts):,})"]
        lines += [
            f"  {row.source_id} on {row.assertion_id}: {row.claim_a} vs {row.claim_b}"
            for row in result.conflicts.head(max_rows).itertuples(index=False)
        ]
        lines += more(len(result.conflicts), min(len(result.conflicts), max_rows))
    return "\n".join(lines)


def figure_lines(result, max_rows: int = 40) -> list[str]:
    """For ``briefing analyze``: a line per quantity, the most disputed first ("statement:
    N sources, lowest-highest unit; most conservative X (sources); graded range") and
    one per question ("text: status [answer]"), each list capped at ``max_rows``.
    Nothing for a dataset without quantities or questions."""
    from analysis.present.figure_words import ranked_quantities

    lines: list[str] = []
    if result.quantities is not None:
        ranked = ranked_quantities(result)
        lines += ["", f"quantities ({len(result.quantities):,}, {len(ranked):,} with figures)"]
        for row in ranked.head(max_rows).itertuples(index=False):  # at most max_rows
            span = _span(row.lowest, row.highest)
            said = f"  {row.statement}: {count(int(row.sources), 'source')}, {span} {row.unit}"
            if not pd.isna(row.conservative):
                said += (
                    f"; most conservative {describe_number(row.conservative)} "
                    f"({', '.join(row.conservative_sources)})"
                )
            if not pd.isna(row.range_low):
                basis = "graded" if row.range_basis == "graded" else "credible"
                said += f"; {basis} range {_span(row.range_low, row.range_high)}"
            lines.append(said)
        if len(ranked) > max_rows:
            lines.append("  " + and_more(len(ranked), max_rows, LIST_ALL))
    if result.questions is not None:
        questions = result.questions
        lines += ["", f"questions ({len(questions):,})"]
        for row in questions.head(max_rows).itertuples(index=False):  # at most max_rows
            answer = f" [{row.answer}]" if isinstance(row.answer, str) else ""
            lines.append(f"  {row.text}: {row.status}{answer}")
        if len(questions) > max_rows:
            lines.append("  " + and_more(len(questions), max_rows, LIST_ALL))
    return lines


def belief_lines(result, max_rows: int = 40) -> list[str]:
    """For ``briefing analyze`` with estimates: "whom to believe", each source's estimated
    accuracy (the best judged first; no number on fewer than five judged claims), the
    likely answer of each contested item and the dependent pairs. Nothing without them."""
    table = result.source_reliability
    if table is None:
        return []
    lines = ["", "whom to believe (estimated from the claims; docs/reliability.md)"]
    ranked = table.sort_values(
        ["enough_data", "estimate", "source_id"], ascending=[False, False, True], kind="stable"
    )
    for row in ranked.head(max_rows).itertuples(index=False):  # at most max_rows
        said = describe_accuracy(
            row.estimate, row.low, row.high, row.claims_judged, bool(row.enough_data)
        )
        lines.append(f"  {row.source_id:<24} {said}")
    if len(table) > max_rows:
        lines.append("  " + and_more(len(table), max_rows, LIST_ALL + " --estimates"))
    contested = result.estimates[result.estimates["basis"] == "contested"]
    if len(contested):
        lines.append("  likely, where sources differ:")
    for row in contested.head(max_rows).itertuples(index=False):  # at most max_rows
        if row.kind == "quantity":
            likely = f"{describe_number(row.value)} ({_span(row.low, row.high)})"
        else:
            likely = f"{row.value} ({row.probability:.2f})"
        lines.append(f"    {row.question_id}: {likely}")
    if len(contested) > max_rows:
        lines.append("    " + and_more(len(contested), max_rows, LIST_ALL + " --estimates"))
    for row in result.dependent_sources.head(max_rows).itertuples(index=False):
        other = row.source_b if row.copier == row.source_a else row.source_a
        lines.append(
            f"  {row.copier} repeats {other}: {row.shared_false:,} shared false values "
            f"(dependence {row.dependence:.2f})"
        )
    return lines


def _span(low: float, high: float) -> str:
    """ "6-40", "105" when both ends are the same, "up to 60" when every figure is an
    upper bound only ("fewer than 60": no lower end)."""
    if pd.isna(low):
        return f"up to {describe_number(high)}"
    if low == high:
        return describe_number(low)
    return f"{describe_number(low)}-{describe_number(high)}"
