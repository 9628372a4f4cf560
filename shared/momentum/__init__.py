"""Momentum: client-progress tracking for practices and coaching teams (the Lambda layer)."""
