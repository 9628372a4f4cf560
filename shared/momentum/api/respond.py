"""How every route answers: the status, the body (a response model), the record's `ETag`
and, for a create, its `Location`. Written once, so the headers the contract declares
(momentum.api.contract `ok` / `created` / `no_content`) are the ones sent."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response

from momentum.api.etags import etag

JSON = "application/json"


def ok[B](body: B, *, version: int | None = None, status: int = 200) -> Response[B]:
    """A 2xx answer with `body`; `version` (the record's) becomes its `ETag`."""
    headers = {} if version is None else {"ETag": etag(version)}
    return Response(status_code=status, content_type=JSON, body=body, headers=headers)


def created[B](body: B, *, location: str, version: int | None = None) -> Response[B]:
    """201: the record made, at `location` (its path), with its `ETag` when it has a version."""
    answer = ok(body, version=version, status=201)
    answer.headers["Location"] = location
    return answer


def no_content() -> Response[None]:
    """204: done, nothing to send back."""
    return Response(status_code=204)


def version_of(record: dict[str, Any]) -> int:
    """The version of a record a use case hands over as a dict (templates, tasks)."""
    return int(record["version"])
