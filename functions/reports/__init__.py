"""The read-only reports function (wiring only)."""
