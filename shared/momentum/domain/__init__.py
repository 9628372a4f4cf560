"""Pure product rules: no AWS, no HTTP, no clock or environment reads."""
