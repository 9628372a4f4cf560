"""The OpenAPI document, without a running runner: `python -m local openapi > openapi.json`.

It is what the API function answers at `GET /openapi.json` (asked in-process, with the
event API Gateway would send), so a web client generated from the file matches the API."""

from __future__ import annotations

import json

from local import events
from local.lambdas import LocalContext


def document() -> str:
    """The document as /openapi.json serves it, indented for people and diffs."""
    from api.app import app

    event = events.http_api_event(
        method="GET",
        path="/openapi.json",
        route_key="GET /openapi.json",
        query={},
        headers={},
        body=b"",
        claims=None,
        path_parameters=None,
    )
    response = app.resolve(event, LocalContext(function_name="ApiFunction"))
    if response["statusCode"] != 200:
        raise RuntimeError(f"GET /openapi.json answered {response['statusCode']}")
    return json.dumps(json.loads(response["body"]), indent=2, ensure_ascii=False) + "\n"
