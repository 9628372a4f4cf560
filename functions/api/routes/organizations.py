"""GET/PUT /org."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy, respond
from momentum.api.etags import expected_version
from momentum.api.params import IfMatch
from momentum.api.request import principal
from momentum.schemas.organizations import OrganizationBody, OrganizationView

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import organizations
else:
    organizations = lazy.module("momentum.logic.organizations")

router = APIGatewayHttpRouter()


def _view(org: organizations.Organization) -> Response[OrganizationView]:
    return respond.ok(OrganizationView.of(org), version=org.version)


@router.get(
    "/org",
    operation_id="getOrganization",
    responses=contract.ok("Your organization: its name, timezone and locations.", "ETag"),
    summary="Read your organization",
    tags=["Organization"],
)
def get_org() -> Response[OrganizationView]:
    return _view(organizations.get_organization(principal(router)))


@router.put(
    "/org",
    operation_id="replaceOrganization",
    responses=contract.ok("The organization as stored now.", "ETag"),
    summary="Replace your organization (owners and admins)",
    tags=["Organization"],
)
def put_org(
    body: Annotated[OrganizationBody, Body()], if_match: IfMatch = None
) -> Response[OrganizationView]:
    org = organizations.replace_organization(
        principal(router),
        name=body.name,
        timezone=body.timezone,
        locations=[(loc.id, loc.name) for loc in body.locations],
        expected_version=expected_version(if_match),
    )
    return _view(org)
