"""/unsubscribe: one-click unsubscribe (RFC 8058). Public: the signed token is the only key,
and it can turn off one kind of email for one person, nothing else."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.logic import unsubscribe

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
        "description": "The link is invalid, tampered with or expired; nothing changed.",
        "content": {"application/problem+json": {"schema": {}}},
    },
}


def _html(page: str) -> Response[str]:
    return Response(
        status_code=200, content_type=HTML, body=page, headers=dict(unsubscribe.PAGE_HEADERS)
    )


@router.get(
    "/unsubscribe",
    summary="Show what an unsubscribe link turns off (changes nothing)",
    tags=TAGS,
    security=PUBLIC,
    responses=RESPONSES,
)
def get_unsubscribe(token: Token) -> Response[str]:
    return _html(unsubscribe.confirm_page(unsubscribe.preview(token), token))


@router.post(
    "/unsubscribe",
    summary="Unsubscribe: turn that kind of email off (one-click, RFC 8058)",
    description="Mail clients POST `List-Unsubscribe=One-Click` (form-encoded); the page's "
    "button posts the same. Repeating it changes nothing more.",
    tags=TAGS,
    security=PUBLIC,
    responses=RESPONSES,
)
def post_unsubscribe(token: Token) -> Response[str]:
    return _html(unsubscribe.done_page(unsubscribe.unsubscribe(token)))
