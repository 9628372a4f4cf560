"""Every error a caller can see, as application/problem+json (RFC 9457), mapped in one place."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from momentum.domain.errors import (
    BadRequest,
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    Unauthenticated,
)
from momentum.observability import logger
from momentum.store.dynamo import ConditionFailed

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://momentum.dev/problems/"

_STATUS_OF: dict[type[DomainError], HTTPStatus] = {
    BadRequest: HTTPStatus.BAD_REQUEST,
    InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    NotFound: HTTPStatus.NOT_FOUND,
    Forbidden: HTTPStatus.FORBIDDEN,
    Conflict: HTTPStatus.CONFLICT,
    PreconditionFailed: HTTPStatus.PRECONDITION_FAILED,
    Unauthenticated: HTTPStatus.UNAUTHORIZED,
    ServiceUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}


def problem(
    status: HTTPStatus,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """A problem+json response; `type` names the problem kind, `title` is the status phrase."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + status.phrase.lower().replace(" ", "-"),
        "title": status.phrase,
        "status": int(status),
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(
        status_code=int(status),
        content_type=PROBLEM_JSON,
        body=json.dumps(body),
        headers=headers or {},
    )


def field_errors(errors: list[FieldError]) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.loc), "field": ".".join(str(p) for p in e.loc), "msg": e.msg, "type": e.type}
        for e in errors
    ]


def status_of(error: DomainError) -> HTTPStatus:
    for cls in type(error).__mro__:
        if issubclass(cls, DomainError) and cls in _STATUS_OF:
            return _STATUS_OF[cls]
    return HTTPStatus.BAD_REQUEST


def domain_error(error: DomainError) -> Response[Any]:
    status = status_of(error)
    headers = {}
    if isinstance(error, ServiceUnavailable):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="momentum"'
    errors = field_errors(error.errors) if isinstance(error, InvalidInput) else None
    return problem(status, error.detail, errors=errors, headers=headers)


def validation_error(error: RequestValidationError) -> Response[Any]:
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "msg": str(e.get("msg", "invalid value")),
            "type": str(e.get("type", "value_error")),
        }
        for e in error.errors()
    ]
    return problem(
        HTTPStatus.UNPROCESSABLE_ENTITY, "The request has invalid fields.", errors=errors
    )


def unsupported_media_type(_: Exception) -> Response[Any]:
    return problem(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as JSON (Content-Type: application/json)."
    )


def lost_race(_: Exception) -> Response[Any]:
    # A conditional write no use case translated: the record moved under the request (or
    # a retried create found what its first attempt wrote). Nothing was changed.
    return problem(
        HTTPStatus.CONFLICT,
        "The record changed meanwhile, or this request was already carried out; "
        "reload it and try again if needed.",
    )


def route_not_found(_: Exception) -> Response[Any]:
    return problem(HTTPStatus.NOT_FOUND, "No such route.")


def unexpected_error(error: Exception) -> Response[Any]:
    logger.exception("unhandled error", extra={"error_type": type(error).__name__})
    return problem(
        HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again."
    )


def register(app: APIGatewayHttpResolver) -> None:
    """Install the problem+json mapping on a resolver: domain errors, request validation,
    unknown routes, and a last-resort 500 that never leaks a stack trace."""
    app.exception_handler(DomainError)(domain_error)
    app.exception_handler(RequestValidationError)(validation_error)
    app.exception_handler(RequestUnsupportedContentType)(unsupported_media_type)
    app.exception_handler(ConditionFailed)(lost_race)
    app.not_found(route_not_found)
    app.exception_handler(Exception)(unexpected_error)
