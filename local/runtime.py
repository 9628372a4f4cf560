"""The local runtime: moto in server mode, the template's resources, and the real handlers."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

from local import events, lambdas, tokens
from local.infra import (
    ACCOUNT_ID,
    REGION,
    HttpRoute,
    LocalAws,
    create,
    handler_of,
    load_template,
    scheduled_functions,
    sqs_consumers,
)
from local.infra import http_routes as template_routes

PROBLEM_JSON = "application/problem+json"
MAX_DRAIN_ROUNDS = 500


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _CompiledRoute:
    route: HttpRoute
    pattern: re.Pattern[str] | None  # None for $default
    specificity: tuple[int, int]


def _compile(route: HttpRoute) -> _CompiledRoute:
    if route.path == "$default":
        return _CompiledRoute(route, None, (-1, 0))
    regex = ""
    dynamic = 0
    for part in re.split(r"(\{[^}]+\})", route.path):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            dynamic += 1
            if name.endswith("+"):
                regex += f"(?P<{name[:-1]}>.+)"
            else:
                regex += f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(part)
    # Static segments beat parameters, as in API Gateway's route selection.
    return _CompiledRoute(route, re.compile(f"^{regex}$"), (route.path.count("/"), -dynamic))


class LocalRuntime:
    """Starts moto, creates the template's resources, and runs handlers against them."""

    def __init__(self, *, public_base_url: str = "http://127.0.0.1:3000") -> None:
        self.template = load_template()
        self.public_base_url = public_base_url
        self._server: Any = None
        self.aws: LocalAws | None = None
        self.routes = sorted(
            (_compile(r) for r in template_routes(self.template)),
            key=lambda c: c.specificity,
            reverse=True,
        )

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, *, now: datetime | None = None) -> None:
        from moto.server import ThreadedMotoServer

        from local.moto_atomic import make_dynamodb_atomic
        from momentum import adapters, clock

        make_dynamodb_atomic()

        # moto's request log would drown the runner's own output.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        port = free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        endpoint = f"http://127.0.0.1:{port}"
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ENDPOINT_URL": endpoint,
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_NAMESPACE": "Momentum",
                "POWERTOOLS_SERVICE_NAME": "momentum",
                "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
                # The runner logs one line per request; EMF metric JSON would drown it.
                "POWERTOOLS_METRICS_DISABLED": os.environ.get(
                    "POWERTOOLS_METRICS_DISABLED", "true"
                ),
            }
        )
        self.aws = create(self.template, endpoint)
        os.environ.update(self.aws.environment)
        os.environ["MOMENTUM_PUBLIC_BASE_URL"] = self.public_base_url
        # The runner serves the web app on the same origin: emails link to its pages there.
        os.environ["MOMENTUM_APP_BASE_URL"] = self.public_base_url
        os.environ.setdefault("MOMENTUM_SIGNING_SECRET", tokens.signing_key())
        adapters.reset()
        clock.install(clock.SettableClock(now or datetime.now(UTC)))

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    # -- clock -----------------------------------------------------------------------------
    def set_clock(self, now: datetime) -> datetime:
        from momentum import clock

        current = clock.current()
        if not isinstance(current, clock.SettableClock):
            raise RuntimeError("the runtime's clock is not settable")
        current.set(now)
        return current.now()

    def now(self) -> datetime:
        from momentum import clock

        return clock.current().now()

    # -- HTTP ------------------------------------------------------------------------------
    def match(self, method: str, path: str) -> tuple[HttpRoute, dict[str, str]] | None:
        default = None
        for compiled in self.routes:
            route = compiled.route
            if compiled.pattern is None:
                default = route
                continue
            if route.method not in (method, "ANY"):
                continue
            found = compiled.pattern.match(path)
            if found:
                return route, found.groupdict()
        return (default, {}) if default is not None else None

    def handle_http(
        self,
        *,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> HttpResult:
        matched = self.match(method, path)
        if matched is None:
            return _problem(404, "No such route.")
        route, params = matched
        claims: dict[str, str] | None = None
        if not route.public:
            auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return _problem(401, "A bearer token is required.")
            try:
                claims = tokens.verify(token.strip())
            except tokens.InvalidToken:
                return _problem(401, "The bearer token is invalid or expired.")
        route_key = "$default" if route.path == "$default" else f"{route.method} {route.path}"
        event = events.http_api_event(
            method=method,
            path=path,
            route_key=route_key,
            query=query,
            headers=headers,
            body=body,
            claims=claims,
            path_parameters=params or None,
            now=self.now(),
        )
        response = lambdas.invoke(handler_of(self.template, route.function), route.function, event)
        return _http_result(response)

    # -- the nightly chain -----------------------------------------------------------------
    def run_nightly(self) -> dict[str, Any]:
        """Run every scheduled function with the Scheduler's input at the current clock,
        then drain every queue through its consumer until nothing is left."""
        now = self.now()
        summary: dict[str, Any] = {"now": now.isoformat(), "scheduled": {}, "queues": {}}
        for function, props in scheduled_functions(self.template).items():
            event = events.scheduler_event(props.get("Input"), now)
            result = lambdas.invoke(handler_of(self.template, function), function, event)
            summary["scheduled"][function] = result
        summary["queues"] = self.drain_queues()
        return summary

    def drain_queues(self) -> dict[str, dict[str, int]]:
        import boto3

        assert self.aws is not None
        sqs = boto3.client("sqs", endpoint_url=self.aws.endpoint_url, region_name=REGION)
        consumers = sqs_consumers(self.template)
        stats = {q: {"messages": 0, "failures": 0, "batches": 0} for q in consumers}
        for _ in range(MAX_DRAIN_ROUNDS):
            busy = False
            for queue, function in consumers.items():
                url = self.aws.queue_urls[queue]
                received = sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
                ).get("Messages", [])
                if not received:
                    continue
                busy = True
                arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue}"
                result = lambdas.invoke(
                    handler_of(self.template, function), function, events.sqs_event(arn, received)
                )
                failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
                stats[queue]["batches"] += 1
                stats[queue]["messages"] += len(received)
                stats[queue]["failures"] += len(failed)
                for message in received:
                    if message["MessageId"] in failed:
                        # Visible again at once: the redrive policy moves it to the DLQ
                        # after maxReceiveCount tries, as in AWS.
                        sqs.change_message_visibility(
                            QueueUrl=url,
                            ReceiptHandle=message["ReceiptHandle"],
                            VisibilityTimeout=0,
                        )
                    else:
                        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            if not busy:
                break
        return stats

    # -- email -----------------------------------------------------------------------------
    def _ses_backend(self) -> Any:
        from moto.ses.models import ses_backends

        return ses_backends[ACCOUNT_ID][REGION]

    def emails(self) -> list[dict[str, Any]]:
        return [_email_view(m) for m in list(self._ses_backend().sent_messages)]

    def clear_emails(self) -> None:
        self._ses_backend().sent_messages.clear()


def _problem(status: int, detail: str) -> HttpResult:
    from http import HTTPStatus

    phrase = HTTPStatus(status).phrase
    body = {
        "type": "https://momentum.dev/problems/" + phrase.lower().replace(" ", "-"),
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    headers = {"Content-Type": PROBLEM_JSON}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="momentum"'
    return HttpResult(status, headers, json.dumps(body).encode())


def _http_result(response: dict[str, Any]) -> HttpResult:
    import base64

    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode("utf-8")
    headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[str(name)] = ", ".join(str(v) for v in values)
    return HttpResult(int(response.get("statusCode", 200)), headers, raw)


def _email_view(message: Any) -> dict[str, Any]:
    raw = getattr(message, "raw_data", None)
    if raw is None:
        return {
            "to": ", ".join(getattr(message, "destinations", {}).get("ToAddresses", [])),
            "from": getattr(message, "source", ""),
            "subject": getattr(message, "subject", ""),
            "text": getattr(message, "body", ""),
            "html": "",
            "headers": {},
        }
    parsed = message_from_string(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    to_header = parsed.get("To")
    addresses = list(getattr(to_header, "addresses", ()) or ())
    return {
        # Plain addresses: what a test or a person looks for first.
        "to": ", ".join(a.addr_spec for a in addresses) or str(to_header or ""),
        "to_name": ", ".join(a.display_name for a in addresses if a.display_name),
        "from": str(parsed.get("From", "")),
        "subject": str(parsed.get("Subject", "")),
        "text": text_part.get_content() if text_part is not None else "",  # type: ignore[attr-defined]
        "html": html_part.get_content() if html_part is not None else "",  # type: ignore[attr-defined]
        "headers": {k: str(v) for k, v in parsed.items()},
    }
