"""/unsubscribe: one-click unsubscribe (RFC 8058). Public: the signed token is the only key,
and it can turn off one kind of email for one person, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import lazy

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) and the form reader (the standard library's email
# parser) load on the first request that needs them (cold start).
if TYPE_CHECKING:
    from momentum.api import forms
    from momentum.logic import unsubscribe
else:
    forms = lazy.module("momentum.api.forms")
    unsubscribe = lazy.module("momentum.logic.unsubscribe")

router = APIGatewayHttpRouter()
TAGS = ["Email"]
HTML = "text/html; charset=utf-8"
PUBLIC: list[dict[str, list[str]]] = [{}]  # no bearer token: the OpenAPI "anonymous" form
Token = Annotated[
    str,
    Query(
        min_length=1,
        max_length=4096,
        description="The signed token from the email's unsubscribe link.",
    ),
]
RESPONSES: dict[int, Any] = {
    200: {"description": "A small HTML page.", "content": {"text/html": {"schema": {}}}},
    400: {
        "description": "The link is invalid, tampered with or expired, or the form cannot "
        "be read; nothing changed.",
        "content": {"application/problem+json": {"schema": {}}},
    },
    413: {
        "description": "The form is larger than 16 KiB; nothing changed.",
        "content": {"application/problem+json": {"schema": {}}},
    },
}


def _html(page: str) -> Response[str]:
    return Response(
        status_code=200, content_type=HTML, body=page, headers=dict(unsubscribe.PAGE_HEADERS)
    )


@router.get(
    "/unsubscribe",
    operation_id="previewUnsubscribe",
    summary="Show what an unsubscribe link turns off (changes nothing)",
    tags=TAGS,
    security=PUBLIC,
    responses=RESPONSES,
)
def get_unsubscribe(token: Token) -> Response[str]:
    return _html(unsubscribe.confirm_page(unsubscribe.preview(token), token))


@router.post(
    "/unsubscribe",
    operation_id="unsubscribe",
    summary="Unsubscribe: turn that kind of email off (one-click, RFC 8058)",
    description="Mail clients POST `List-Unsubscribe=One-Click`, as "
    "`application/x-www-form-urlencoded` or `multipart/form-data` (RFC 8058); the page's "
    "button posts the same. A form that cannot be read is a 400, one over 16 KiB a 413. "
    "Repeating it changes nothing more.",
    tags=TAGS,
    security=PUBLIC,
    responses=RESPONSES,
)
def post_unsubscribe(token: Token) -> Response[str]:
    event = router.current_event
    # The body says only "one click"; it is read so that a malformed one is a 4xx.
    forms.read_form(
        event.body,
        is_base64=event.is_base64_encoded,
        content_type=str(event.headers.get("content-type") or ""),
    )
    return _html(unsubscribe.done_page(unsubscribe.unsubscribe(token)))
