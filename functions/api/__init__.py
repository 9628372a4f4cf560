"""The interactive HTTP API function (wiring only)."""
