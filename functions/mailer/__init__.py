"""The mailer queue worker (wiring only)."""
