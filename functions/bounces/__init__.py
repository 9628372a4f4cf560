"""The bounce and complaint queue worker (wiring only)."""
