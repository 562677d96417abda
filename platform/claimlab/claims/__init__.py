"""Claims: merging mentions, grounding in papers, specs."""
