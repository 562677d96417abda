"""Deterministic hash-based split assignment and ordering."""

from __future__ import annotations

import hashlib

SPLITS = ("train", "dev", "test")


def unit_interval(key: str, salt: str) -> float:
    """A stable pseudo-random number in [0, 1) for a key."""
    digest = hashlib.sha256(f"{salt}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def hash_order(key: str, salt: str) -> str:
    """Sort key that shuffles deterministically."""
    return hashlib.sha256(f"{salt}\x00{key}".encode()).hexdigest()


def page_split(path: str, salt: str, test_fraction: float, dev_fraction: float) -> str:
    """train, dev or test for a help page, from the hash of its path."""
    u = unit_interval(path, salt)
    if u < test_fraction:
        return "test"
    if u < test_fraction + dev_fraction:
        return "dev"
    return "train"
