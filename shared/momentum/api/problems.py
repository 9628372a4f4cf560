"""Every error a caller can see, as application/problem+json (RFC 9457), mapped in one place."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from momentum.domain.errors import (
    BadRequest,
    ChangedMeanwhile,
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ServiceUnavailable,
    Unauthenticated,
)
from momentum.observability import logger

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
    PayloadTooLarge: HTTPStatus.CONTENT_TOO_LARGE,
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


# Pydantic's messages name Python's view of a value ("Input should be a valid integer",
# "Extra inputs are not permitted"); these say what the field takes, for the person who
# reads the problem. Types of our own (email, date_format, control_characters...) are
# written that way already and pass through.
_SAYS: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a field this request takes (check its spelling)",
    "string_type": "must be text (a JSON string)",
    "string_unicode": "must be text (a JSON string)",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "list_type": "must be a list (a JSON array)",
    "date_type": "must be a date as YYYY-MM-DD, e.g. 2026-05-01",
    "date_parsing": "must be a date as YYYY-MM-DD, e.g. 2026-05-01",
    "date_from_datetime_parsing": "must be a date as YYYY-MM-DD, e.g. 2026-05-01",
    "date_from_datetime_inexact": "must be a date as YYYY-MM-DD, e.g. 2026-05-01",
    "datetime_type": "must be a timestamp with a UTC offset, e.g. 2026-05-01T09:00:00+01:00",
    "datetime_parsing": "must be a timestamp with a UTC offset, e.g. 2026-05-01T09:00:00+01:00",
    "datetime_from_date_parsing": (
        "must be a timestamp with a UTC offset, e.g. 2026-05-01T09:00:00+01:00"
    ),
}
# Patterns of momentum.schemas.common, in words.
_PATTERNS: dict[str, str] = {
    r"^[A-Za-z0-9_-]{1,100}$": "must be an id: 1 to 100 letters, digits, `-` or `_`",
    r"^#[0-9A-Fa-f]{6}$": "must be a colour as #RRGGBB, e.g. #4A90E2",
    r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$": "must be a time as HH:MM, e.g. 09:30",
    r"^[0-9+()\-. ]*$": "may contain only digits, spaces and + ( ) - .",
}


def _plural(count: Any, one: str) -> str:
    return f"{count} {one}" if count == 1 else f"{count} {one}s"


def _json_invalid(ctx: Mapping[str, Any], msg: str) -> str:
    if msg == "JSON decode error":  # Powertools' own
        return f"is not valid JSON ({ctx.get('error', 'cannot be read')})"
    return msg


def _one_of(ctx: Mapping[str, Any], _: str) -> str:
    return f"must be one of {ctx.get('expected', '')}".rstrip()


def _pattern(ctx: Mapping[str, Any], _: str) -> str:
    pattern = str(ctx.get("pattern", ""))
    return _PATTERNS.get(pattern, f"does not have the form this field takes ({pattern})")


def _string_too_short(ctx: Mapping[str, Any], _: str) -> str:
    least = ctx.get("min_length", 1)
    return "may not be empty" if least == 1 else f"must be at least {least} characters"


def _bound(words: str, key: str) -> Callable[[Mapping[str, Any], str], str]:
    return lambda ctx, _: f"must be {words} {ctx.get(key)}"


def _validator_words(_: Mapping[str, Any], msg: str) -> str:
    # A validator's own words, without pydantic's "Value error, " in front.
    if msg.startswith(("Value error, ", "Assertion failed, ")):
        return msg.split(", ", 1)[1]
    return msg


_SAYS_FROM_CONTEXT: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "json_invalid": _json_invalid,
    "literal_error": _one_of,
    "enum": _one_of,
    "string_pattern_mismatch": _pattern,
    "string_too_short": _string_too_short,
    "string_too_long": lambda ctx, _: (
        f"must be at most {_plural(ctx.get('max_length'), 'character')}"
    ),
    "too_short": lambda ctx, _: f"must have at least {_plural(ctx.get('min_length'), 'item')}",
    "too_long": lambda ctx, _: f"must have at most {_plural(ctx.get('max_length'), 'item')}",
    "greater_than_equal": _bound("at least", "ge"),
    "greater_than": _bound("more than", "gt"),
    "less_than_equal": _bound("at most", "le"),
    "less_than": _bound("less than", "lt"),
    "value_error": _validator_words,
    "assertion_error": _validator_words,
}


def human_message(error: Mapping[str, Any]) -> str:
    """What a pydantic error says about its field, in words a person reads."""
    kind = str(error.get("type", ""))
    msg = str(error.get("msg", "is not valid"))
    if kind in _SAYS:
        return _SAYS[kind]
    if kind in _SAYS_FROM_CONTEXT:
        return _SAYS_FROM_CONTEXT[kind](error.get("ctx") or {}, msg)
    return msg


def _summary(errors: list[dict[str, Any]]) -> str:
    if len(errors) == 1:
        (only,) = errors
        return f"`{only['field']}` {only['msg']}."
    fields = ", ".join(f"`{e['field']}`" for e in errors[:5])
    more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
    return f"The request has {len(errors)} invalid fields: {fields}{more}. See `errors`."


def validation_error(error: RequestValidationError) -> Response[Any]:
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "msg": human_message(e),
            "type": str(e.get("type", "value_error")),
        }
        for e in error.errors()
    ]
    detail = _summary(errors) if errors else "The request has invalid fields."
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, detail, errors=errors)


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
    app.exception_handler(ChangedMeanwhile)(lost_race)
    app.not_found(route_not_found)
    app.exception_handler(Exception)(unexpected_error)
