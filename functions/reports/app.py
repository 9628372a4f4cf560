"""The reports function: read-only report and CSV export routes (least privilege: reads only)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from momentum import config
from momentum.api import request
from momentum.api.resolver import create_resolver
from momentum.observability import logger, metrics
from reports.routes import engagements, on_track

app = create_resolver(with_docs=False)
app.include_router(on_track.router)
app.include_router(engagements.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    config.require(config.ReportsSettings)  # on the first request, as the API function does
    return request.handle(app, event, context)  # the caller's record is checked first
