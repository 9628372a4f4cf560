"""Use cases: one function per thing a user or the schedule does."""
