"""The small ports side effects sit behind, each with its AWS adapter (momentum.adapters)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class MessageQueue(Protocol):
    """A work queue (SQS): the nightly fans out to the evaluator, intents go to the mailer."""

    def send(self, bodies: Sequence[Mapping[str, Any]]) -> None:
        """Enqueue every body (JSON-serialisable); raises if any could not be enqueued."""
        ...
