"""The small ports side effects sit behind; each has an AWS adapter and an in-memory fake."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class MessageQueue(Protocol):
    """A work queue (SQS): the nightly fans out to the evaluator, intents go to the mailer."""

    def send(self, bodies: Sequence[Mapping[str, Any]]) -> None:
        """Enqueue every body (JSON-serialisable); raises if any could not be enqueued."""
        ...


class InMemoryQueue:
    """The fake: keeps what was sent, in order."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, bodies: Sequence[Mapping[str, Any]]) -> None:
        self.sent.extend(dict(b) for b in bodies)
