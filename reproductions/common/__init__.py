"""Shared building blocks for recipes: data hashing, stages, training loop, metrics, provenance."""
