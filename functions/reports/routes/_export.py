"""What both reports share: the page size for JSON and CSV, and the CSV response."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response

from momentum.api import lazy

# Imported by the reports' route modules at cold start: the use case loads on first use.
if TYPE_CHECKING:
    from momentum.logic import reports
else:
    reports = lazy.module("momentum.logic.reports")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


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
