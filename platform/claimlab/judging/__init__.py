"""Judging claims from measured numbers: statistics, qualifier rules and the judge."""
