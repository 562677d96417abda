"""Pages of the claimlab app."""
