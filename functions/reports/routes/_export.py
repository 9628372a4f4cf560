"""What both reports share: the page size for JSON and CSV, and the CSV response."""

from __future__ import annotations

from datetime import date
from typing import Any

from aws_lambda_powertools.event_handler import Response

from momentum.logic.reports import EXPORT_LIMIT, JSON_DEFAULT_LIMIT, csv_filename

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def page_size(limit: int | None, format: str) -> int:
    """JSON pages default to 50 rows; a CSV export to every row up to EXPORT_LIMIT."""
    if limit is not None:
        return limit
    return EXPORT_LIMIT if format == "csv" else JSON_DEFAULT_LIMIT


def csv_response(report: str, body: str, today: date, next_cursor: str | None) -> Response[Any]:
    """A report's CSV file (momentum.logic.reports writes it), as an attachment. When more
    rows remain, `X-Next-Cursor` carries the cursor of the next export page."""
    headers = {
        "Content-Disposition": f'attachment; filename="{csv_filename(report, today)}"',
    }
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    return Response(status_code=200, content_type=CSV_CONTENT_TYPE, body=body, headers=headers)
