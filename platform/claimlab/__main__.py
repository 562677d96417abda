"""`python -m claimlab` runs the CLI."""

from claimlab.cli import main

main()
