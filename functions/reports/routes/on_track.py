"""GET /reports/on-track: every open package with its On track row (SPEC §5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy
from momentum.api.params import Cursor, IdFilter
from momentum.api.request import principal
from momentum.schemas.reports import (
    OnTrackReport,
    OnTrackRow,
    OnTrackStatusName,
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
    "/reports/on-track",
    operation_id="getOnTrackReport",
    responses=contract.export("A page of rows (JSON), or the rows as a CSV file.", OnTrackReport),
    summary="The On track report: one row per open package (`format=csv` to export)",
    tags=TAGS,
)
def on_track_report(
    status: Annotated[OnTrackStatusName | None, Query()] = None,
    assigned_team_member_id: IdFilter = None,
    location_id: IdFilter = None,
    format: ExportFormat = "json",
    limit: Annotated[int | None, Query(ge=1, le=reports.EXPORT_LIMIT)] = None,
    cursor: Cursor = None,
) -> Response[OnTrackReport | str]:
    caller = principal(router)
    rows, next_cursor, today = reports.on_track_report(
        caller,
        status=status,
        assigned_team_member_id=assigned_team_member_id,
        location_id=location_id,
        limit=page_size(limit, format),
        cursor=cursor,
    )
    items = [OnTrackRow.model_validate(r) for r in rows]
    return report_response(
        OnTrackReport(items=items, next_cursor=next_cursor),
        format=format,
        report="on-track",
        today=today,
        to_csv=lambda json_rows: reports.on_track_csv(caller, json_rows),
    )
