"""/package-templates, /clients/{id}/packages and /packages/{id}."""

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
from momentum.schemas.packages import (
    OnTrackRow,
    PackageCreate,
    PackagePatch,
    PackageView,
    TemplateBody,
    TemplatePatch,
    TemplateView,
)

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import packages
else:
    packages = lazy.module("momentum.logic.packages")

router = APIGatewayHttpRouter()
TEMPLATE_TAGS = ["Package templates"]
PACKAGE_TAGS = ["Packages"]


def _template_view(template: dict[str, Any]) -> TemplateView:
    return TemplateView.model_validate({**template, "type": template["kind"]})


def _template_response(template: dict[str, Any]) -> Response[TemplateView]:
    return respond.ok(_template_view(template), version=respond.version_of(template))


@router.get(
    "/package-templates",
    operation_id="listPackageTemplates",
    responses=contract.ok("A page of package templates, by name."),
    summary="List package templates",
    tags=TEMPLATE_TAGS,
)
def list_templates(limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[TemplateView]:
    items, next_cursor = packages.list_templates(principal(router), limit=limit, cursor=cursor)
    return page_of(TemplateView, map(_template_view, items), next_cursor)


@router.post(
    "/package-templates",
    operation_id="createPackageTemplate",
    responses=contract.created("The template set up."),
    summary="Set up a package template",
    tags=TEMPLATE_TAGS,
    status_code=201,
)
def create_template(
    body: Annotated[TemplateBody, Body()], idempotency_key: IdempotencyKey = None
) -> Response[TemplateView]:
    caller = principal(router)
    template = create_once(
        router,
        "POST /package-templates",
        idempotency_key,
        body,
        lambda: packages.create_template(caller, body.model_dump(mode="python")),
    )
    return respond.created(
        _template_view(template),
        location=f"/package-templates/{template['id']}",
        version=respond.version_of(template),
    )


@router.get(
    "/package-templates/<template_id>",
    operation_id="getPackageTemplate",
    responses=contract.ok("The template.", "ETag"),
    summary="Read a package template",
    tags=TEMPLATE_TAGS,
)
def get_template(template_id: PathId) -> Response[TemplateView]:
    return _template_response(packages.get_template(principal(router), template_id))


@router.patch(
    "/package-templates/<template_id>",
    operation_id="updatePackageTemplate",
    responses=contract.ok("The template as changed.", "ETag"),
    summary="Change a package template (packages made from it keep their copy)",
    tags=TEMPLATE_TAGS,
)
def patch_template(
    template_id: PathId, body: Annotated[TemplatePatch, Body()], if_match: IfMatch = None
) -> Response[TemplateView]:
    template = packages.update_template(
        principal(router),
        template_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _template_response(template)


def _package_view(
    record: packages.PackageRecord, history: list[dict[str, Any]] | None = None
) -> PackageView:
    view = packages.package_view(principal(router), record)
    return PackageView.model_validate({**view, "history": history})


@router.get(
    "/clients/<client_id>/packages",
    operation_id="listClientPackages",
    responses=contract.ok("A page of the client's packages, newest first."),
    summary="A client's packages (`open=true`: the ones that can take appointments)",
    tags=PACKAGE_TAGS,
)
def list_client_packages(
    client_id: PathId,
    open: Annotated[bool, Query()] = False,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[PackageView]:
    caller = principal(router)
    records, next_cursor = packages.list_packages(
        caller, client_id, open_only=open, limit=limit, cursor=cursor
    )
    views = (packages.package_view(caller, r) for r in records)
    return page_of(PackageView, views, next_cursor)


@router.post(
    "/clients/<client_id>/packages",
    operation_id="createClientPackage",
    responses=contract.created("The package given."),
    summary="Give a client a package (from a template or custom)",
    tags=PACKAGE_TAGS,
    status_code=201,
)
def create_client_package(
    client_id: PathId,
    body: Annotated[PackageCreate, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[PackageView]:
    caller = principal(router)

    def create() -> dict[str, Any]:
        record = packages.create_package(caller, client_id, body.model_dump(mode="python"))
        return {"id": record.id}

    created = create_once(
        router, f"POST /clients/{client_id}/packages", idempotency_key, body, create
    )
    record = packages.get_package(caller, created["id"])
    return respond.created(
        _package_view(record), location=f"/packages/{record.id}", version=record.version
    )


@router.get(
    "/packages/<package_id>",
    operation_id="getPackage",
    responses=contract.ok("The package (with `history` when asked for).", "ETag"),
    summary="Read a package (`include=history`: with its status history)",
    tags=PACKAGE_TAGS,
)
def get_package(
    package_id: PathId, include: Annotated[Literal["history"] | None, Query()] = None
) -> Response[PackageView]:
    caller = principal(router)
    record = packages.get_package(caller, package_id)
    entries = packages.package_history(caller, record) if include == "history" else None
    return respond.ok(_package_view(record, entries), version=record.version)


@router.patch(
    "/packages/<package_id>",
    operation_id="updatePackage",
    responses=contract.ok("The package as changed.", "ETag"),
    summary="Change a package (its On track override: owners and admins)",
    tags=PACKAGE_TAGS,
)
def patch_package(
    package_id: PathId, body: Annotated[PackagePatch, Body()], if_match: IfMatch = None
) -> Response[PackageView]:
    record = packages.update_package(
        principal(router),
        package_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return respond.ok(_package_view(record), version=record.version)


@router.get(
    "/clients/<client_id>/on-track",
    operation_id="listClientOnTrack",
    responses=contract.ok("A page of On track rows, one per package of the client."),
    summary="The client's On track rows (one per package) with the next predicted change",
    tags=PACKAGE_TAGS,
)
def client_on_track(
    client_id: PathId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[OnTrackRow]:
    rows, next_cursor = packages.client_on_track(
        principal(router), client_id, limit=limit, cursor=cursor
    )
    return page_of(OnTrackRow, rows, next_cursor)
