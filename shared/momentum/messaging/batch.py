"""Powertools' SQS batch processing with typed messages: each record is parsed into a
`SqsRecordModel` whose body is one of momentum.messaging.messages, before the record
handler runs; a failed record is reported alone (partial batch failures).

A message that does not parse is a batch item failure like any other failed record: SQS
redelivers it up to the queue's maxReceiveCount (5) and then moves it to the queue's DLQ.
Retrying cannot help it, but the DLQ keeps it for a person to read (its alarm says so)
instead of losing, say, an email without a trace; the log line and the MalformedMessage
metric say at once which message and which fields."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.base import FailureResponse
from aws_lambda_powertools.utilities.batch.exceptions import ExceptionInfo
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import Json, ValidationError

from momentum.messaging.messages import DueItems, EmailToSend, SesEvent
from momentum.observability import logger, metrics


class DueItemsRecord(SqsRecordModel):
    body: Json[DueItems]


class EmailToSendRecord(SqsRecordModel):
    body: Json[EmailToSend]


class SesEventRecord(SqsRecordModel):
    body: Json[SesEvent]


class MessageBatch(BatchProcessor):
    """An SQS batch whose records are parsed into `model`; failures never stop the batch
    (even when every record fails, SQS is told which ones)."""

    def __init__(self, model: type[SqsRecordModel]) -> None:
        super().__init__(event_type=EventType.SQS, model=model, raise_on_entire_batch_failure=False)

    def failure_handler(self, record: Any, exception: ExceptionInfo) -> FailureResponse:
        error = exception[1]
        # Powertools hands the raw record (not the model) when the model refused it.
        if isinstance(record, SQSRecord) and isinstance(error, ValidationError):
            logger.warning(
                "malformed message: reported as failed, it ends in the queue's DLQ",
                extra={
                    "message_id": record.message_id,
                    "queue": record.event_source_arn,
                    # Where and what, never the values (they may name people).
                    "errors": [
                        {"loc": ".".join(str(p) for p in e["loc"]), "type": e["type"]}
                        for e in error.errors()
                    ],
                },
            )
            metrics.add_metric(name="MalformedMessage", unit="Count", value=1)
        return super().failure_handler(record, exception)
