"""The parameter types every route shares, declared once: the headers of creates and
changes, the page parameters of lists, a record's id in a path or a filter.

A route names them in its signature (`if_match: IfMatch = None`); what the document says
about each (descriptions, the header names' spelling) is added in momentum.api.contract."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from momentum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from momentum.schemas.common import RecordId

__all__ = ["DEFAULT_LIMIT", "Cursor", "IdFilter", "IdempotencyKey", "IfMatch", "Limit", "PathId"]

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
"""`Idempotency-Key` on a create (momentum.api.idempotency)."""

IfMatch = Annotated[str | None, Header(alias="If-Match")]
"""`If-Match` on a change: the ETag the caller read (momentum.api.etags)."""

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
"""A list's page size; a route gives it the default: `limit: Limit = DEFAULT_LIMIT`."""

Cursor = Annotated[str | None, Query(max_length=4096)]
"""The `next_cursor` of the page before; none for the first page."""

PathId = Annotated[RecordId, Path()]
"""A record's id in the path."""

IdFilter = Annotated[RecordId | None, Query()]
"""An optional query parameter naming one record (`client_id`, `location_id`...)."""
