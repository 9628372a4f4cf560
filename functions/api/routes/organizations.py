"""GET/PUT /org."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract
from momentum.api.etags import etag, expected_version
from momentum.api.resolver import principal
from momentum.logic import organizations
from momentum.schemas.organizations import OrganizationBody, OrganizationView

router = APIGatewayHttpRouter()


def _view(org: organizations.Organization) -> Response[OrganizationView]:
    return Response(
        status_code=200,
        content_type="application/json",
        body=OrganizationView.of(org),
        headers={"ETag": etag(org.version)},
    )


@router.get(
    "/org",
    operation_id="getOrganization",
    responses=contract.ok("Your organization: its name, timezone and locations.", "ETag"),
    summary="Read your organization",
    tags=["Organization"],
)
def get_org() -> Response[OrganizationView]:
    return _view(organizations.get_organization(principal(router.current_event)))


@router.put(
    "/org",
    operation_id="replaceOrganization",
    responses=contract.ok("The organization as stored now.", "ETag"),
    summary="Replace your organization (owners and admins)",
    tags=["Organization"],
)
def put_org(
    body: Annotated[OrganizationBody, Body()],
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response[OrganizationView]:
    org = organizations.replace_organization(
        principal(router.current_event),
        name=body.name,
        timezone=body.timezone,
        locations=[(loc.id, loc.name) for loc in body.locations],
        expected_version=expected_version(if_match),
    )
    return _view(org)
