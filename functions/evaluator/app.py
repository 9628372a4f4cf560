"""SQS → evaluator: bring each due item up to date; failed records are retried alone."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum import config
from momentum.logic import evaluation
from momentum.messaging.batch import DueItemsRecord, MessageBatch
from momentum.observability import logger, metrics

config.require(config.EvaluatorSettings)  # a missing setting fails the cold start, not a run

processor = MessageBatch(DueItemsRecord)


def record_handler(record: DueItemsRecord) -> int:
    return evaluation.evaluate_items(record.body.items, record.body.run_at)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
