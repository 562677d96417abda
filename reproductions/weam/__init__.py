"""WEAM (word-exchange alignment pre-training, arXiv 2106.01732) and its baselines."""
