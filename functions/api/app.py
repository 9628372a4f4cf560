"""The API function: the interactive HTTP routes. Wiring only; the rules live in the layer."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from api.routes import (
    appointments,
    billing,
    clients,
    engagements,
    organizations,
    packages,
    preferences,
    trackers,
    unsubscribe,
    users,
)
from momentum import config
from momentum.api import request
from momentum.api.resolver import create_resolver
from momentum.observability import logger, metrics


def _reports_routers() -> list[Any]:
    # Served by the reports function; listed here so /openapi.json covers the whole API.
    from reports.routes import engagements as engagement_reports
    from reports.routes import on_track

    return [on_track.router, engagement_reports.router]


app = create_resolver(also_document=_reports_routers)
app.include_router(organizations.router)
app.include_router(clients.router)
app.include_router(packages.router)
app.include_router(appointments.router)
app.include_router(engagements.router)
app.include_router(trackers.router)
app.include_router(billing.router)
app.include_router(users.router)
app.include_router(preferences.router)
app.include_router(unsubscribe.router)


# Routes that read their body themselves (no body model): one-click unsubscribe, which mail
# providers may post as multipart/form-data (RFC 8058).
MULTIPART_ROUTES = frozenset({"POST /unsubscribe"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Checked on the first request, not at import: `app` also writes the OpenAPI document
    # without a deployment (python -m local openapi). A missing setting fails every request.
    config.require(config.ApiSettings)
    # The caller's record first, before the request is read; then a multipart body is
    # refused (415) unless its route reads it; then the route.
    return request.handle(app, event, context, multipart_routes=MULTIPART_ROUTES)
