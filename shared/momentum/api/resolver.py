"""The resolver every HTTP function starts from: validation, problems, OpenAPI and Swagger UI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from momentum.api import problems
from momentum.api.auth import principal_from_claims
from momentum.domain.access import Principal

API_TITLE = "Momentum API"
API_VERSION = "1.0.0"
API_DESCRIPTION = (
    "Client-progress tracking for practices and coaching teams: clients, packages and "
    "session packs, On track, session trackers, engagements, reports. Errors are "
    "application/problem+json (RFC 9457). Authenticate with a Cognito ID token "
    "(`Authorization: Bearer <token>`)."
)


def security_schemes() -> dict[str, Any]:
    # Powertools' OpenAPI models cost ~65 ms to import: only the docs routes need them.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return {"bearerAuth": HTTPBearer(bearerFormat="JWT")}


SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def create_resolver(
    *,
    with_docs: bool = True,
    also_document: Callable[[], list[Router]] | None = None,
) -> APIGatewayHttpResolver:
    """A resolver with request/response validation and problem+json errors; `with_docs`
    adds `/openapi.json` (the OpenAPI 3.1 document) and Swagger UI at `/docs`.

    `also_document` names routers another function serves (the reports): they are added to
    the document only, so web clients get one reference for the whole API."""
    app = APIGatewayHttpResolver(enable_validation=True)
    problems.register(app)
    if not with_docs:
        return app
    app.enable_swagger(
        path="/docs",
        title=API_TITLE,
        version=API_VERSION,
        description=API_DESCRIPTION,
        security_schemes=security_schemes(),
        security=SECURITY,
        persist_authorization=True,
    )

    document: list[str] = []

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_document() -> Response[Any]:
        # Built once per container: the routes cannot change while it runs.
        if not document:
            document.append(openapi_json(_documented(app, also_document)))
        return Response(status_code=200, content_type="application/json", body=document[0])

    return app


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error, as RFC 9457 application/problem+json.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "For 422: one entry per invalid field.",
            "items": {
                "type": "object",
                "required": ["loc", "field", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "field": {"type": "string", "examples": ["body.on_track.window_days"]},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {
    "400": "The request cannot be read (e.g. a tampered cursor or token).",
    "401": "No valid bearer token.",
    "403": "Your role may not do this.",
    "404": "No such record in your organization.",
    "409": "The record's state refuses the change.",
    "412": "If-Match does not match the current version.",
    "415": "The body is not JSON.",
    "422": "Invalid fields: see `errors`.",
    "503": "Busy; nothing was changed. Retry after `Retry-After` seconds.",
}


def openapi_json(app: APIGatewayHttpResolver) -> str:
    """The OpenAPI 3.1 document, with every error an operation can answer documented as
    problem+json (one schema, in one place, instead of on every route)."""
    document = json.loads(
        app.get_openapi_json_schema(
            title=API_TITLE,
            version=API_VERSION,
            description=API_DESCRIPTION,
            servers=[_server("/")],
            security_schemes=security_schemes(),
            security=SECURITY,
        )
    )
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, item in document.get("paths", {}).items():
        if path.startswith("/reports/") and "get" in item:
            # `format=csv` answers the same rows as a spreadsheet file.
            content = item["get"]["responses"]["200"].setdefault("content", {})
            content["text/csv"] = {"schema": {"type": "string"}}
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if "204" in operation["responses"]:
                operation["responses"]["204"] = {"description": "Done; no content."}
            public = operation.get("security") in ([], [{}])
            for code, description in ERRORS.items():
                if code == "401" and public:
                    continue
                operation["responses"][code] = {"description": description, "content": problem}
    return json.dumps(document, separators=(",", ":"))


def _documented(
    app: APIGatewayHttpResolver, also_document: Callable[[], list[Router]] | None
) -> APIGatewayHttpResolver:
    if also_document is None:
        return app
    merged = APIGatewayHttpResolver(enable_validation=True)
    merged._static_routes = list(app._static_routes)
    merged._dynamic_routes = list(app._dynamic_routes)
    for router in also_document():
        # include_router re-points the router at this resolver: give it back to its own.
        own = getattr(router, "api_resolver", None)
        merged.include_router(router)
        router.api_resolver = own
    return merged


def _server(url: str) -> Any:
    from aws_lambda_powertools.event_handler.openapi.models import Server

    return Server(url=url)


def principal(event: APIGatewayProxyEventV2) -> Principal:
    """The caller of the current request (401 when the authorizer passed no usable claims)."""
    authorizer = event.request_context.authorizer
    claims = authorizer.jwt_claim if authorizer is not None else None
    return principal_from_claims(claims)
