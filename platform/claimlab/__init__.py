"""claimlab: check literature-review claims against papers and experiments."""
