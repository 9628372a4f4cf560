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
from momentum.api import problems
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


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if str(headers.get("content-type", "")).lower().startswith("multipart/"):
        # Powertools fails on multipart bodies before any route runs: answer for it.
        return unsupported_media_type_response()
    return app.resolve(event, context)


def unsupported_media_type_response() -> dict[str, Any]:
    response = problems.unsupported_media_type(Exception())
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": problems.PROBLEM_JSON},
        "body": response.body,
        "isBase64Encoded": False,
    }
