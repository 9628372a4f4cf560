"""What both reports share: the page size for JSON and CSV, and the answer in either."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from momentum.api import lazy, respond
from momentum.schemas.reports import ReportFormat

# Imported by the reports' route modules at cold start: the use case loads on first use.
if TYPE_CHECKING:
    from momentum.logic import reports
else:
    reports = lazy.module("momentum.logic.reports")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
ExportFormat = Annotated[ReportFormat, Query()]
"""`format`: a page of rows as JSON (the default), or the rows as a CSV file."""


def page_size(limit: int | None, format: str) -> int:
    """JSON pages default to 50 rows; a CSV export to every row up to EXPORT_LIMIT."""
    if limit is not None:
        return limit
    return reports.EXPORT_LIMIT if format == "csv" else reports.JSON_DEFAULT_LIMIT


def csv_response(report: str, body: str, today: date, next_cursor: str | None) -> Response[Any]:
    """A report's CSV file (momentum.logic.reports writes it), as an attachment. When more
    rows remain, `X-Next-Cursor` carries the cursor of the next export page."""
    headers = {
        "Content-Disposition": f'attachment; filename="{reports.csv_filename(report, today)}"',
    }
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    return Response(status_code=200, content_type=CSV_CONTENT_TYPE, body=body, headers=headers)


class ReportPage(Protocol):
    """A report's JSON answer: a page of rows (OnTrackReport, EngagementReport)."""

    @property
    def items(self) -> Sequence[BaseModel]: ...

    @property
    def next_cursor(self) -> str | None: ...


def report_response(
    page: ReportPage,
    *,
    format: str,
    report: str,
    today: date,
    to_csv: Callable[[Sequence[Mapping[str, Any]]], str],
) -> Response[Any]:
    """The page as JSON, or (`format=csv`) its rows as the CSV file `to_csv` writes from
    their JSON form."""
    if format != "csv":
        return respond.ok(page)
    body = to_csv([row.model_dump(mode="json") for row in page.items])
    return csv_response(report, body, today, page.next_cursor)
