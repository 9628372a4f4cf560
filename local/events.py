"""The event shapes AWS sends our functions: API Gateway HTTP API (payload v2.0) with JWT
authorizer claims, SQS batches and EventBridge Scheduler input."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from local.infra import ACCOUNT_ID, REGION


def http_api_event(
    *,
    method: str,
    path: str,
    route_key: str,
    query: dict[str, list[str]],
    headers: dict[str, str],
    body: bytes,
    claims: dict[str, str] | None,
    path_parameters: dict[str, str] | None,
    source_ip: str = "127.0.0.1",
    now: datetime | None = None,
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    raw_query = "&".join(f"{k}={v}" for k, values in query.items() for v in values)
    is_text = _is_text(headers.get("content-type", ""))
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        # API Gateway joins repeated query parameters with commas.
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    if path_parameters:
        event["pathParameters"] = path_parameters
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if body:
        if is_text:
            event["body"] = body.decode("utf-8", errors="replace")
        else:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def _is_text(content_type: str) -> bool:
    ct = content_type.lower()
    return not ct or "json" in ct or ct.startswith("text/") or "form-urlencoded" in ct


def sqs_event(queue_arn: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": m.get("Attributes", {}).get(
                        "ApproximateReceiveCount", "1"
                    ),
                    "SentTimestamp": m.get("Attributes", {}).get("SentTimestamp", "0"),
                    "SenderId": ACCOUNT_ID,
                    "ApproximateFirstReceiveTimestamp": "0",
                },
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def scheduler_event(schedule_input: Any, scheduled_time: datetime) -> dict[str, Any]:
    """The Input of the template's schedule, with Scheduler's context attributes filled in."""
    text = schedule_input if isinstance(schedule_input, str) else json.dumps(schedule_input or {})
    text = text.replace(
        "<aws.scheduler.scheduled-time>",
        scheduled_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    text = text.replace("<aws.scheduler.execution-id>", str(uuid.uuid4()))
    parsed: dict[str, Any] = json.loads(text)
    return parsed
