"""The mail queue delivered through the mailer function in-process, and what moto's SES
accepted: for the modules that test what reaches (or does not reach) an inbox."""

from __future__ import annotations

from typing import Any

import boto3
from moto.ses.models import ses_backends

from local import events, infra
from local.lambdas import LocalContext, load_handler


def sent() -> list[Any]:
    """Every message moto's SES accepted, raw."""
    return list(ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages)


def run_mailer(aws: infra.LocalAws) -> None:
    """Deliver everything waiting in the mail queue through the mailer function; no
    record may fail."""
    sqs = boto3.client("sqs", region_name=infra.REGION)
    handler = load_handler(infra.handler_of(infra.load_template(), "MailerFunction"))
    arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:MailQueue"
    while messages := sqs.receive_message(
        QueueUrl=aws.queue_urls["MailQueue"], MaxNumberOfMessages=10
    ).get("Messages", []):
        result = handler(events.sqs_event(arn, messages), LocalContext(function_name="mailer"))
        assert result["batchItemFailures"] == []
        for message in messages:
            sqs.delete_message(
                QueueUrl=aws.queue_urls["MailQueue"], ReceiptHandle=message["ReceiptHandle"]
            )
