"""Code-switched cross-encoder training for zero-shot cross-lingual retrieval (arXiv 2305.05295)."""
