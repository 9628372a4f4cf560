"""SQS → mailer: send each queued email intent through SES v2; failures are retried alone."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum import clock
from momentum.logic import mail
from momentum.observability import logger, metrics

# Report failures per record even when all fail: SQS retries exactly those.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> str:
    body = json.loads(record.body)
    outcome = mail.deliver(str(body["org_id"]), str(body["intent_id"]), clock.current().now())
    metrics.add_metric(name=f"Email_{outcome.value}", unit="Count", value=1)
    if outcome is mail.Delivery.FAILED:
        # Settled for good (reason on the intent): alarm on this, the record is not retried.
        metrics.add_metric(name="EmailFailed", unit="Count", value=1)
    return outcome.value


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
