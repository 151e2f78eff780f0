"""The analysis: source agreement, chronology, the contract's JSON and what changed between runs."""
