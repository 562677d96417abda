"""Text and tables of records shared by the CLI and the app: pure, no I/O."""
