"""/package-templates, /clients/{id}/packages and /packages/{id}."""

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


def _template_response(template: dict[str, Any], status: int = 200) -> Response[TemplateView]:
    headers = {"ETag": etag(int(template["version"]))}
    if status == 201:
        headers["Location"] = f"/package-templates/{template['id']}"
    return Response(
        status_code=status,
        content_type="application/json",
        body=_template_view(template),
        headers=headers,
    )


@router.get(
    "/package-templates",
    operation_id="listPackageTemplates",
    responses=contract.ok("A page of package templates, by name."),
    summary="List package templates",
    tags=TEMPLATE_TAGS,
)
def list_templates(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[TemplateView]:
    items, next_cursor = packages.list_templates(
        principal(router.current_event), limit=limit, cursor=cursor
    )
    return Page[TemplateView](items=[_template_view(t) for t in items], next_cursor=next_cursor)


@router.post(
    "/package-templates",
    operation_id="createPackageTemplate",
    responses=contract.created("The template set up."),
    summary="Set up a package template",
    tags=TEMPLATE_TAGS,
    status_code=201,
)
def create_template(
    body: Annotated[TemplateBody, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Response[TemplateView]:
    caller = principal(router.current_event)
    template = idempotent_create(
        caller,
        "POST /package-templates",
        idempotency_key,
        body,
        lambda: packages.create_template(caller, body.model_dump(mode="python")),
        lambda_context=router.lambda_context,
    )
    return _template_response(template, 201)


@router.get(
    "/package-templates/<template_id>",
    operation_id="getPackageTemplate",
    responses=contract.ok("The template.", "ETag"),
    summary="Read a package template",
    tags=TEMPLATE_TAGS,
)
def get_template(template_id: Annotated[RecordId, Path()]) -> Response[TemplateView]:
    return _template_response(packages.get_template(principal(router.current_event), template_id))


@router.patch(
    "/package-templates/<template_id>",
    operation_id="updatePackageTemplate",
    responses=contract.ok("The template as changed.", "ETag"),
    summary="Change a package template (packages made from it keep their copy)",
    tags=TEMPLATE_TAGS,
)
def patch_template(
    template_id: Annotated[RecordId, Path()],
    body: Annotated[TemplatePatch, Body()],
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response[TemplateView]:
    template = packages.update_template(
        principal(router.current_event),
        template_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _template_response(template)


def _package_response(
    record: packages.PackageRecord,
    status: int = 200,
    history: list[dict[str, Any]] | None = None,
) -> Response[PackageView]:
    caller = principal(router.current_event)
    headers = {"ETag": etag(record.version)}
    if status == 201:
        headers["Location"] = f"/packages/{record.id}"
    return Response(
        status_code=status,
        content_type="application/json",
        body=PackageView.model_validate(
            {**packages.package_view(caller, record), "history": history}
        ),
        headers=headers,
    )


@router.get(
    "/clients/<client_id>/packages",
    operation_id="listClientPackages",
    responses=contract.ok("A page of the client's packages, newest first."),
    summary="A client's packages (`open=true`: the ones that can take appointments)",
    tags=PACKAGE_TAGS,
)
def list_client_packages(
    client_id: Annotated[RecordId, Path()],
    open: Annotated[bool, Query()] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[PackageView]:
    caller = principal(router.current_event)
    records, next_cursor = packages.list_packages(
        caller, client_id, open_only=open, limit=limit, cursor=cursor
    )
    return Page[PackageView](
        items=[PackageView.model_validate(packages.package_view(caller, r)) for r in records],
        next_cursor=next_cursor,
    )


@router.post(
    "/clients/<client_id>/packages",
    operation_id="createClientPackage",
    responses=contract.created("The package given."),
    summary="Give a client a package (from a template or custom)",
    tags=PACKAGE_TAGS,
    status_code=201,
)
def create_client_package(
    client_id: Annotated[RecordId, Path()],
    body: Annotated[PackageCreate, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Response[PackageView]:
    caller = principal(router.current_event)

    def create() -> dict[str, Any]:
        record = packages.create_package(caller, client_id, body.model_dump(mode="python"))
        return {"id": record.id}

    created = idempotent_create(
        caller,
        f"POST /clients/{client_id}/packages",
        idempotency_key,
        body,
        create,
        lambda_context=router.lambda_context,
    )
    return _package_response(packages.get_package(caller, created["id"]), 201)


@router.get(
    "/packages/<package_id>",
    operation_id="getPackage",
    responses=contract.ok("The package (with `history` when asked for).", "ETag"),
    summary="Read a package (`include=history`: with its status history)",
    tags=PACKAGE_TAGS,
)
def get_package(
    package_id: Annotated[RecordId, Path()],
    include: Annotated[Literal["history"] | None, Query()] = None,
) -> Response[PackageView]:
    caller = principal(router.current_event)
    record = packages.get_package(caller, package_id)
    entries = packages.package_history(caller, record) if include == "history" else None
    return _package_response(record, history=entries)


@router.patch(
    "/packages/<package_id>",
    operation_id="updatePackage",
    responses=contract.ok("The package as changed.", "ETag"),
    summary="Change a package (its On track override: owners and admins)",
    tags=PACKAGE_TAGS,
)
def patch_package(
    package_id: Annotated[RecordId, Path()],
    body: Annotated[PackagePatch, Body()],
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response[PackageView]:
    record = packages.update_package(
        principal(router.current_event),
        package_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _package_response(record)


@router.get(
    "/clients/<client_id>/on-track",
    operation_id="listClientOnTrack",
    responses=contract.ok("A page of On track rows, one per package of the client."),
    summary="The client's On track rows (one per package) with the next predicted change",
    tags=PACKAGE_TAGS,
)
def client_on_track(
    client_id: Annotated[RecordId, Path()],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[OnTrackRow]:
    rows, next_cursor = packages.client_on_track(
        principal(router.current_event), client_id, limit=limit, cursor=cursor
    )
    return Page[OnTrackRow](
        items=[OnTrackRow.model_validate(r) for r in rows], next_cursor=next_cursor
    )
