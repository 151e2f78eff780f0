"""What a reader sees: wording, key judgments, figures, the map and the notebook views."""
