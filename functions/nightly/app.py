"""EventBridge Scheduler → nightly: read the due index up to now and fan out to the evaluator."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum import clock
from momentum.config import get_settings
from momentum.logic import nightly
from momentum.messaging.sqs import SqsQueue
from momentum.observability import logger, metrics


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = clock.current().now()
    summary = nightly.fan_out(now, SqsQueue(get_settings().evaluator_queue_url))
    logger.info(
        "nightly fan-out", extra={"scheduled_time": event.get("scheduled_time"), **asdict(summary)}
    )
    metrics.add_metric(name="DueItems", unit="Count", value=summary.items)
    return asdict(summary)
