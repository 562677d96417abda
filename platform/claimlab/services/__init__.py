"""What the CLI and the app call: one module per area, the only place that opens sessions."""
