"""SQS → evaluator: bring each due item up to date; failed records are retried alone."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum.logic import evaluation
from momentum.observability import logger, metrics

# Report failures per record even when all fail: SQS retries exactly those.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> int:
    body = json.loads(record.body)
    run_at = datetime.fromisoformat(body["run_at"].replace("Z", "+00:00"))
    return evaluation.evaluate_items(body["items"], run_at)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
