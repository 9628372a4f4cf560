"""The evaluator queue worker (wiring only)."""
