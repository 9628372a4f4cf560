"""The resolver every HTTP function starts from: validation, problems, OpenAPI and Swagger UI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from momentum.api import body_guard, contract, problems
from momentum.api.strict import strict_requests

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
    # Bodies are size-, depth- and number-checked before they are parsed (never a 500).
    app = APIGatewayHttpResolver(enable_validation=True, json_body_deserializer=body_guard.loads)
    problems.register(app)
    strict_requests(app)
    if not with_docs:
        return app

    built: dict[str, str] = {}

    def served() -> str:
        # Built once per container: the routes cannot change while it runs.
        if "document" not in built:
            built["document"] = openapi_json(_documented(app, also_document))
        return built["document"]

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_document() -> Response[Any]:
        return Response(status_code=200, content_type="application/json", body=served())

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> Response[Any]:
        # Swagger UI of exactly /openapi.json (Powertools' enable_swagger would document
        # this function's routes alone, with its own error shapes).
        if "page" not in built:
            built["page"] = swagger_page(served())
        return Response(status_code=200, content_type="text/html", body=built["page"])

    return app


def swagger_page(document: str) -> str:
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    assets = Path(swagger_ui.__file__).parent
    return swagger_ui.generate_swagger_html(
        document.replace("</", "<\\/"),  # the document sits inside a <script>
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        "",
        None,
        persist_authorization=True,
    ).replace('ui.specActions.updateUrl(currentUrl.pathname + "?format=json");', "")


def openapi_json(app: APIGatewayHttpResolver) -> str:
    """The OpenAPI 3.1 document (momentum.api.contract finishes what Powertools builds)."""
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
    return json.dumps(contract.finish(document), separators=(",", ":"))


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
