"""SQS adapter of the MessageQueue port."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MAX_BATCH = 10


@cache
def client() -> SQSClient:
    import boto3

    return boto3.client("sqs")


class SqsQueue:
    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, bodies: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(bodies), MAX_BATCH):
            chunk = bodies[start : start + MAX_BATCH]
            entries = [
                {"Id": str(i), "MessageBody": json.dumps(body, separators=(",", ":"))}
                for i, body in enumerate(chunk)
            ]
            response = client().send_message_batch(QueueUrl=self.url, Entries=entries)  # type: ignore[arg-type]
            failed = response.get("Failed", [])
            if failed:
                # The caller's own retry (Lambda/SQS redelivery) resends; sends are idempotent.
                raise RuntimeError(f"SQS refused {len(failed)} of {len(entries)} messages")
