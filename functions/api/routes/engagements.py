"""/engagement-templates and /engagements (SPEC §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy
from momentum.api.etags import etag, expected_version
from momentum.api.idempotency import idempotent_create
from momentum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from momentum.api.resolver import principal
from momentum.schemas.common import RecordId
from momentum.schemas.engagements import (
    EngagementCreate,
    EngagementPatch,
    EngagementProgressName,
    EngagementTemplateBody,
    EngagementTemplatePatch,
    EngagementTemplateView,
    EngagementView,
)

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import engagements
else:
    engagements = lazy.module("momentum.logic.engagements")

router = APIGatewayHttpRouter()
TEMPLATE_TAGS = ["Engagement templates"]
ENGAGEMENT_TAGS = ["Engagements"]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
IfMatch = Annotated[str | None, Header(alias="If-Match")]


def _template_response(
    template: dict[str, Any], status: int = 200
) -> Response[EngagementTemplateView]:
    headers = {"ETag": etag(int(template["version"]))}
    if status == 201:
        headers["Location"] = f"/engagement-templates/{template['id']}"
    return Response(
        status_code=status,
        content_type="application/json",
        body=EngagementTemplateView.model_validate(engagements.template_view(template)),
        headers=headers,
    )


@router.get(
    "/engagement-templates",
    operation_id="listEngagementTemplates",
    responses=contract.ok("A page of engagement templates, by name."),
    summary="List engagement templates",
    tags=TEMPLATE_TAGS,
)
def list_templates(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[EngagementTemplateView]:
    items, next_cursor = engagements.list_templates(
        principal(router.current_event), limit=limit, cursor=cursor
    )
    return Page[EngagementTemplateView](
        items=[EngagementTemplateView.model_validate(engagements.template_view(t)) for t in items],
        next_cursor=next_cursor,
    )


@router.post(
    "/engagement-templates",
    operation_id="createEngagementTemplate",
    responses=contract.created("The template set up."),
    summary="Set up an engagement template (owners and admins)",
    tags=TEMPLATE_TAGS,
    status_code=201,
)
def create_template(
    body: Annotated[EngagementTemplateBody, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[EngagementTemplateView]:
    caller = principal(router.current_event)
    template = idempotent_create(
        caller,
        "POST /engagement-templates",
        idempotency_key,
        body,
        lambda: engagements.create_template(caller, body.model_dump(mode="python")),
        lambda_context=router.lambda_context,
    )
    return _template_response(template, 201)


@router.get(
    "/engagement-templates/<template_id>",
    operation_id="getEngagementTemplate",
    responses=contract.ok("The template.", "ETag"),
    summary="Read an engagement template",
    tags=TEMPLATE_TAGS,
)
def get_template(template_id: Annotated[RecordId, Path()]) -> Response[EngagementTemplateView]:
    return _template_response(
        engagements.get_template(principal(router.current_event), template_id)
    )


@router.patch(
    "/engagement-templates/<template_id>",
    operation_id="updateEngagementTemplate",
    responses=contract.ok("The template as changed.", "ETag"),
    summary="Change an engagement template (launched engagements keep their copy)",
    tags=TEMPLATE_TAGS,
)
def patch_template(
    template_id: Annotated[RecordId, Path()],
    body: Annotated[EngagementTemplatePatch, Body()],
    if_match: IfMatch = None,
) -> Response[EngagementTemplateView]:
    template = engagements.update_template(
        principal(router.current_event),
        template_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _template_response(template)


def _engagement_response(
    record: engagements.EngagementRecord,
    status: int = 200,
    history: list[dict[str, Any]] | None = None,
) -> Response[EngagementView]:
    caller = principal(router.current_event)
    view = engagements.view_for(caller, record)
    if history is not None:
        view["history"] = history
    headers = {"ETag": etag(record.version)}
    if status == 201:
        headers["Location"] = f"/engagements/{record.id}"
    return Response(
        status_code=status,
        content_type="application/json",
        body=EngagementView.model_validate(view),
        headers=headers,
    )


@router.get(
    "/engagements",
    operation_id="listEngagements",
    responses=contract.ok("A page of the engagements you may see."),
    summary="List engagements with their On/Off track column (`progress` filters it)",
    tags=ENGAGEMENT_TAGS,
)
def list_engagements(
    progress: Annotated[EngagementProgressName | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[EngagementView]:
    rows, next_cursor, _ = engagements.list_engagements(
        principal(router.current_event), progress=progress, limit=limit, cursor=cursor
    )
    return Page[EngagementView](
        items=[EngagementView.model_validate(engagements.engagement_view(s)) for s in rows],
        next_cursor=next_cursor,
    )


@router.post(
    "/engagements",
    operation_id="createEngagement",
    responses=contract.created("The engagement set up."),
    summary="Set up an engagement from a template (administrators)",
    tags=ENGAGEMENT_TAGS,
    status_code=201,
)
def create_engagement(
    body: Annotated[EngagementCreate, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[EngagementView]:
    caller = principal(router.current_event)

    def create() -> dict[str, Any]:
        record = engagements.create_engagement(caller, body.model_dump(mode="python"))
        return {"id": record.id}

    created = idempotent_create(
        caller,
        "POST /engagements",
        idempotency_key,
        body,
        create,
        lambda_context=router.lambda_context,
    )
    return _engagement_response(engagements.get_engagement(caller, created["id"]), 201)


@router.get(
    "/engagements/<engagement_id>",
    operation_id="getEngagement",
    responses=contract.ok("The engagement (with `history` when asked for).", "ETag"),
    summary="Read an engagement (`include=history`: with its status history)",
    tags=ENGAGEMENT_TAGS,
)
def get_engagement(
    engagement_id: Annotated[RecordId, Path()],
    include: Annotated[Literal["history"] | None, Query()] = None,
) -> Response[EngagementView]:
    caller = principal(router.current_event)
    record = engagements.get_engagement(caller, engagement_id)
    history = engagements.visible_history(caller, record) if include == "history" else None
    return _engagement_response(record, history=history)


@router.patch(
    "/engagements/<engagement_id>",
    operation_id="updateEngagement",
    responses=contract.ok("The engagement as changed.", "ETag"),
    summary="Change an engagement: status, coach, owner, location, name",
    tags=ENGAGEMENT_TAGS,
)
def patch_engagement(
    engagement_id: Annotated[RecordId, Path()],
    body: Annotated[EngagementPatch, Body()],
    if_match: IfMatch = None,
) -> Response[EngagementView]:
    record = engagements.update_engagement(
        principal(router.current_event),
        engagement_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _engagement_response(record)
