"""SQS → mailer: send each queued email intent through SES v2; failures are retried alone."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum import clock, config
from momentum.logic import mail
from momentum.messaging.batch import EmailToSendRecord, MessageBatch
from momentum.observability import logger, metrics

config.require(config.MailerSettings)  # a missing setting fails the cold start, not a send

processor = MessageBatch(EmailToSendRecord)


def record_handler(record: EmailToSendRecord) -> str:
    email = record.body
    outcome = mail.deliver(email.org_id, email.intent_id, clock.current().now())
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
