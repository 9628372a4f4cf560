"""The scheduled nightly function (wiring only)."""
