"""Plain frozen records and the shared vocabularies; importable from every layer."""

from __future__ import annotations

PROFILES = ("smoke", "mini", "paper")
"""Run profiles, smallest first."""

SUPPORTED, REFUTED, INCONCLUSIVE = "supported", "refuted", "inconclusive"
NOT_RUN, CANNOT_RUN = "not run", "cannot run at this profile"
VERDICT_STATES = (SUPPORTED, REFUTED, INCONCLUSIVE, NOT_RUN, CANNOT_RUN)
"""Every state a verdict or a predicate can be in."""
