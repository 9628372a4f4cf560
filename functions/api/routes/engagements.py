"""/engagement-templates and /engagements (SPEC §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy, respond
from momentum.api.etags import expected_version
from momentum.api.idempotency import create_once
from momentum.api.pagination import Page, page_of
from momentum.api.params import DEFAULT_LIMIT, Cursor, IdempotencyKey, IfMatch, Limit, PathId
from momentum.api.request import principal
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


def _template_view(template: dict[str, Any]) -> EngagementTemplateView:
    return EngagementTemplateView.model_validate(engagements.template_view(template))


def _template_response(template: dict[str, Any]) -> Response[EngagementTemplateView]:
    return respond.ok(_template_view(template), version=respond.version_of(template))


@router.get(
    "/engagement-templates",
    operation_id="listEngagementTemplates",
    responses=contract.ok("A page of engagement templates, by name."),
    summary="List engagement templates",
    tags=TEMPLATE_TAGS,
)
def list_templates(
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[EngagementTemplateView]:
    items, next_cursor = engagements.list_templates(principal(router), limit=limit, cursor=cursor)
    return page_of(EngagementTemplateView, map(engagements.template_view, items), next_cursor)


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
    caller = principal(router)
    template = create_once(
        router,
        "POST /engagement-templates",
        idempotency_key,
        body,
        lambda: engagements.create_template(caller, body.model_dump(mode="python")),
    )
    return respond.created(
        _template_view(template),
        location=f"/engagement-templates/{template['id']}",
        version=respond.version_of(template),
    )


@router.get(
    "/engagement-templates/<template_id>",
    operation_id="getEngagementTemplate",
    responses=contract.ok("The template.", "ETag"),
    summary="Read an engagement template",
    tags=TEMPLATE_TAGS,
)
def get_template(template_id: PathId) -> Response[EngagementTemplateView]:
    return _template_response(engagements.get_template(principal(router), template_id))


@router.patch(
    "/engagement-templates/<template_id>",
    operation_id="updateEngagementTemplate",
    responses=contract.ok("The template as changed.", "ETag"),
    summary="Change an engagement template (launched engagements keep their copy)",
    tags=TEMPLATE_TAGS,
)
def patch_template(
    template_id: PathId,
    body: Annotated[EngagementTemplatePatch, Body()],
    if_match: IfMatch = None,
) -> Response[EngagementTemplateView]:
    template = engagements.update_template(
        principal(router),
        template_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _template_response(template)


def _engagement_view(
    record: engagements.EngagementRecord, history: list[dict[str, Any]] | None = None
) -> EngagementView:
    view = engagements.view_for(principal(router), record)
    if history is not None:
        view["history"] = history
    return EngagementView.model_validate(view)


@router.get(
    "/engagements",
    operation_id="listEngagements",
    responses=contract.ok("A page of the engagements you may see."),
    summary="List engagements with their On/Off track column (`progress` filters it)",
    tags=ENGAGEMENT_TAGS,
)
def list_engagements(
    progress: Annotated[EngagementProgressName | None, Query()] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[EngagementView]:
    rows, next_cursor, _ = engagements.list_engagements(
        principal(router), progress=progress, limit=limit, cursor=cursor
    )
    return page_of(EngagementView, map(engagements.engagement_view, rows), next_cursor)


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
    caller = principal(router)

    def create() -> dict[str, Any]:
        record = engagements.create_engagement(caller, body.model_dump(mode="python"))
        return {"id": record.id}

    created = create_once(router, "POST /engagements", idempotency_key, body, create)
    record = engagements.get_engagement(caller, created["id"])
    return respond.created(
        _engagement_view(record), location=f"/engagements/{record.id}", version=record.version
    )


@router.get(
    "/engagements/<engagement_id>",
    operation_id="getEngagement",
    responses=contract.ok("The engagement (with `history` when asked for).", "ETag"),
    summary="Read an engagement (`include=history`: with its status history)",
    tags=ENGAGEMENT_TAGS,
)
def get_engagement(
    engagement_id: PathId, include: Annotated[Literal["history"] | None, Query()] = None
) -> Response[EngagementView]:
    caller = principal(router)
    record = engagements.get_engagement(caller, engagement_id)
    history = engagements.visible_history(caller, record) if include == "history" else None
    return respond.ok(_engagement_view(record, history), version=record.version)


@router.patch(
    "/engagements/<engagement_id>",
    operation_id="updateEngagement",
    responses=contract.ok("The engagement as changed.", "ETag"),
    summary="Change an engagement: status, coach, owner, location, name",
    tags=ENGAGEMENT_TAGS,
)
def patch_engagement(
    engagement_id: PathId, body: Annotated[EngagementPatch, Body()], if_match: IfMatch = None
) -> Response[EngagementView]:
    record = engagements.update_engagement(
        principal(router),
        engagement_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return respond.ok(_engagement_view(record), version=record.version)
