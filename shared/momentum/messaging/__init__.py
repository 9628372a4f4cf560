"""Queue adapters (SQS)."""
