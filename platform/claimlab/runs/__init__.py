"""Runs: plans from claim specs, the queue's workers and executors."""
