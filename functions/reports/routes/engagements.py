"""GET /reports/engagements: engagements with their On/Off track column (SPEC §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy
from momentum.api.params import Cursor
from momentum.api.request import principal
from momentum.schemas.common import ApiDate
from momentum.schemas.engagements import EngagementProgressName
from momentum.schemas.reports import (
    EngagementReport,
    EngagementRow,
)
from reports.routes._export import ExportFormat, page_size, report_response

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import reports
else:
    reports = lazy.module("momentum.logic.reports")

router = APIGatewayHttpRouter()
TAGS = ["Reports"]


@router.get(
    "/reports/engagements",
    operation_id="getEngagementsReport",
    responses=contract.export(
        "A page of rows (JSON), or the rows as a CSV file.", EngagementReport
    ),
    summary="The engagements report: progress and off-track-since filters (`format=csv`)",
    tags=TAGS,
)
def engagements_report(
    progress: Annotated[EngagementProgressName | None, Query()] = None,
    off_track_since_from: Annotated[ApiDate | None, Query()] = None,
    off_track_since_to: Annotated[ApiDate | None, Query()] = None,
    format: ExportFormat = "json",
    limit: Annotated[int | None, Query(ge=1, le=reports.EXPORT_LIMIT)] = None,
    cursor: Cursor = None,
) -> Response[EngagementReport | str]:
    caller = principal(router)
    rows, next_cursor, today = reports.engagements_report(
        caller,
        progress=progress,
        off_track_since_from=off_track_since_from,
        off_track_since_to=off_track_since_to,
        limit=page_size(limit, format),
        cursor=cursor,
    )
    items = [EngagementRow.model_validate(r) for r in rows]
    return report_response(
        EngagementReport(items=items, next_cursor=next_cursor),
        format=format,
        report="engagements",
        today=today,
        to_csv=lambda json_rows: reports.engagements_csv(caller, json_rows),
    )
