"""SES event destination → SNS → SQS → bounces: record each event on the email intent it
names (settling a send whose outcome the mailer did not learn), suppress bounced and
complaining addresses."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum import clock, config
from momentum.logic import email_events
from momentum.messaging.batch import MessageBatch, SesEventRecord
from momentum.observability import logger, metrics

config.require(config.BouncesSettings)  # a missing setting fails the cold start

processor = MessageBatch(SesEventRecord)


def record_handler(record: SesEventRecord) -> list[str]:
    # SNS wraps the SES event unless raw message delivery is on.
    recorded = email_events.record(record.body.event, clock.current().now())
    outcome = recorded.intent
    if outcome is email_events.IntentOutcome.SETTLED:
        metrics.add_metric(name="EmailSentByEvent", unit="Count", value=1)
    elif outcome is email_events.IntentOutcome.FAILED:
        # SES refused it after accepting the call: the same alarm as the mailer's failures.
        metrics.add_metric(name="EmailFailed", unit="Count", value=1)
    elif outcome is email_events.IntentOutcome.DUPLICATE:
        metrics.add_metric(name="EmailDuplicate", unit="Count", value=1)
    return recorded.suppressed


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
