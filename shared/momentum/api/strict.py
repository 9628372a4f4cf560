"""What a request must be before Powertools validates it: a JSON body sent as JSON (415),
and only the query parameters its route documents (400 naming the others).

Powertools would parse a form-encoded body (what `curl -d` sends) into fields and answer
422 "extra input", and would ignore a query parameter it does not know, so a typo like
`?stauts=` returned every record. Both checks run first in each route's middleware
stack, in place of Powertools' request validation middleware, which they then call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType

from momentum.domain.errors import BadRequest

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

JSON = "application/json"


def check_content_type(route: Any, headers: dict[str, Any]) -> None:
    """A route that reads a body takes `Content-Type: application/json` (any parameters)."""
    if not route.dependant.body_params:
        return
    content_type = str(headers.get("content-type") or "")
    if content_type.split(";", 1)[0].strip().lower() != JSON:
        # momentum.api.problems answers it with the 415.
        raise RequestUnsupportedContentType(f"Unsupported content type: {content_type}", [])


def check_query(route: Any, query: dict[str, Any] | None) -> None:
    """Every query parameter sent is one the route documents."""
    known = {str(field.alias) for field in route.dependant.query_params}
    unknown = sorted(set(query or {}) - known)
    if not unknown:
        return
    names = ", ".join(f"`{name}`" for name in unknown)
    takes = ", ".join(f"`{name}`" for name in sorted(known)) or "none"
    plural = "s" if len(unknown) > 1 else ""
    raise BadRequest(f"Unknown query parameter{plural} {names}; this operation takes: {takes}.")


def strict_requests(app: APIGatewayHttpResolver) -> None:
    """Put the checks in front of Powertools' request validation on `app`'s routes."""
    validation = getattr(app, "_request_validation_middleware", None)
    if validation is None:  # validation off: nothing to put them in front of
        return

    class StrictRequestValidation(type(validation)):  # type: ignore[misc]
        def handler(self, app: Any, next_middleware: Any) -> Any:
            route = app.context["_route"]
            if _documented_route(app, route):
                event = app.current_event
                check_content_type(route, event.headers or {})
                check_query(route, event.query_string_parameters)
            return super().handler(app, next_middleware)

    app._request_validation_middleware = StrictRequestValidation()


def _documented_route(app: Any, route: Any) -> bool:
    """A route of the document: not /docs or /openapi.json, nor Powertools' stand-in
    route for an unknown path (whose 404 comes first)."""
    if not route.include_in_schema:
        return False
    return any(route is r for r in app._static_routes + app._dynamic_routes)
