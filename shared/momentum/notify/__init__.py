"""Email: render (HTML + text), send (SES v2), and the intents the outbox holds."""
