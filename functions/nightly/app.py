"""EventBridge Scheduler → nightly: read the due index up to now and fan out to the evaluator."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum import adapters, clock, config
from momentum.logic import nightly
from momentum.observability import logger, metrics

config.require(config.NightlySettings)  # a missing setting fails the cold start, not a run


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = clock.current().now()
    summary = nightly.fan_out(now, adapters.evaluator_queue())
    logger.info(
        "nightly fan-out", extra={"scheduled_time": event.get("scheduled_time"), **asdict(summary)}
    )
    metrics.add_metric(name="DueItems", unit="Count", value=summary.items)
    return asdict(summary)
