"""One HTTP request, from the event to the answer (both HTTP functions' handlers call
`handle`):

- the caller: their token's claims are parsed and their record checked once, before the
  request is read (a refused caller learns nothing from any route); the principal is kept
  in the resolver's context for the request, where every route reads it (`principal`);
- the logs: every line written while the request runs carries the caller's `org_id`,
  `user_id` and the API's `request_id`, removed when it ends (a warm container never lends
  them to the next request);
- the metric: one `UseCaseOutcome` per request of a documented operation, by operation id
  and outcome (momentum.observability.count_outcome)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from momentum.api import problems
from momentum.api.auth import ORG_CLAIM, principal_from_claims
from momentum.domain.access import Principal
from momentum.domain.errors import DomainError
from momentum.observability import count_outcome, logger

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

CALLER = "momentum.caller"  # the principal's key in the resolver's context


class Outcome(StrEnum):
    """What became of a request, as the `outcome` dimension of `UseCaseOutcome`."""

    CREATED = "created"
    OK = "ok"
    CONFLICT = "conflict"  # 409, 412: the record's state or version refused it
    REFUSED = "refused"  # 401, 403: not this caller
    INVALID = "invalid"  # any other 4xx: the request itself
    NOT_FOUND = "not_found"
    FAILED = "failed"  # 5xx


_OUTCOME_OF_STATUS: dict[int, Outcome] = {
    HTTPStatus.CREATED: Outcome.CREATED,
    HTTPStatus.UNAUTHORIZED: Outcome.REFUSED,
    HTTPStatus.FORBIDDEN: Outcome.REFUSED,
    HTTPStatus.NOT_FOUND: Outcome.NOT_FOUND,
    HTTPStatus.CONFLICT: Outcome.CONFLICT,
    HTTPStatus.PRECONDITION_FAILED: Outcome.CONFLICT,
}


def outcome_of(status: int) -> Outcome:
    if status in _OUTCOME_OF_STATUS:
        return _OUTCOME_OF_STATUS[status]
    if status < HTTPStatus.BAD_REQUEST:
        return Outcome.OK
    return Outcome.FAILED if status >= HTTPStatus.INTERNAL_SERVER_ERROR else Outcome.INVALID


def handle(
    app: APIGatewayHttpResolver,
    event: dict[str, Any],
    context: Any,
    *,
    multipart_routes: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Answer one HTTP API event with `app`. `multipart_routes` (route keys) are the routes
    that read a multipart body themselves; when given, any other route sent one gets a 415
    here (Powertools fails on multipart bodies before any route runs)."""
    with logger.append_context_keys(**log_keys(event)):
        result = _answer(app, event, context, multipart_routes)
        status = int(result["statusCode"])
        operation = operation_of(app, event)
        if operation is not None:
            count_outcome(operation, outcome_of(status))
        logger.debug("answered", extra={"operation": operation, "status": status})
    return result


def _answer(
    app: APIGatewayHttpResolver,
    event: dict[str, Any],
    context: Any,
    multipart_routes: frozenset[str] | None,
) -> dict[str, Any]:
    claims = _claims(event)
    if claims:
        try:
            caller = _current(claims)
        except DomainError as refused:
            return proxy_result(problems.domain_error(refused))
        except Exception as error:  # never a stack trace, as in every route
            return proxy_result(problems.unexpected_error(error))
        app.context[CALLER] = caller  # what Powertools' append_context does
    try:
        if multipart_routes is not None and _unexpected_multipart(event, multipart_routes):
            return proxy_result(problems.unsupported_media_type(Exception()))
        result: dict[str, Any] = app.resolve(event, context)
    finally:
        app.context.clear()  # Powertools clears it after resolving; also when it did not
    return result


def principal(router: BaseRouter) -> Principal:
    """The caller of the current request, as their record says now: 401 when the
    authorizer passed no usable claims or the token names no user of its organization,
    403 for an inactive user or a client the portal refuses; the role and locations are
    the record's (momentum.logic.callers). Read once per request (`handle` did, before the
    route ran), then kept in the resolver's context."""
    known = router.context.get(CALLER)
    if isinstance(known, Principal):
        return known
    caller = _current(_claims(router.current_event.raw_event))  # resolved without `handle`
    router.context[CALLER] = caller
    return caller


def _current(claims: Mapping[str, Any] | None) -> Principal:
    from momentum.logic import callers  # the store behind it loads on the first request

    return callers.current(principal_from_claims(dict(claims) if claims else None))


def _claims(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The JWT authorizer's claims; none on public routes (the authorizer is off there)."""
    context_of_request = event.get("requestContext") or {}
    claims = ((context_of_request.get("authorizer") or {}).get("jwt") or {}).get("claims")
    return claims if isinstance(claims, Mapping) and claims else None


def log_keys(event: Mapping[str, Any]) -> dict[str, str]:
    """What every log line of the request carries: the API's request id and, when a token
    came with it, who sent it (as the token says: a refused caller is logged as who they
    claimed to be)."""
    claims = _claims(event) or {}
    keys = {
        "request_id": (event.get("requestContext") or {}).get("requestId"),
        "org_id": claims.get(ORG_CLAIM),
        "user_id": claims.get("sub"),
    }
    return {name: str(value) for name, value in keys.items() if value}


def operation_of(app: APIGatewayHttpResolver, event: dict[str, Any]) -> str | None:
    """The operation id of the documented route the event asks for (as Powertools matches
    it), or None: an unknown path, /openapi.json, /docs."""
    request = APIGatewayProxyEventV2(event)
    method = request.http_method.upper()
    path = app._remove_prefix(request.path)
    for route in app._static_routes + app._dynamic_routes:
        if route.method == method and route.rule.match(path):
            return str(route.operation_id) if route.include_in_schema else None
    return None


def _unexpected_multipart(event: Mapping[str, Any], multipart_routes: frozenset[str]) -> bool:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    multipart = str(headers.get("content-type", "")).lower().startswith("multipart/")
    return multipart and event.get("routeKey") not in multipart_routes


def proxy_result(response: Response[Any]) -> dict[str, Any]:
    """A problem response in the HTTP API's Lambda proxy format (answered without routing)."""
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": problems.PROBLEM_JSON, **response.headers},
        "body": response.body,
        "isBase64Encoded": False,
    }
