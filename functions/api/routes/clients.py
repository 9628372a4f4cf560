"""/clients and what hangs off a client: practitioners, availability, colour, login, welcome
email."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum import ids
from momentum.api import contract, lazy, respond
from momentum.api.etags import expected_version
from momentum.api.idempotency import create_once
from momentum.api.pagination import Page, page_of
from momentum.api.params import DEFAULT_LIMIT, Cursor, IdempotencyKey, IdFilter, IfMatch, Limit
from momentum.api.request import principal
from momentum.schemas.clients import (
    Availability,
    ClientCreate,
    ClientListItem,
    ClientPatch,
    ClientStatusName,
    ClientView,
    ColorBody,
    LoginBody,
    PractitionerContact,
    WelcomeEmailSent,
)
from momentum.schemas.common import RecordId

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import clients, practitioners
else:
    clients = lazy.module("momentum.logic.clients")
    practitioners = lazy.module("momentum.logic.practitioners")

router = APIGatewayHttpRouter()
TAGS = ["Clients"]
ClientId = Annotated[RecordId, Path(description="The client's id")]


def _view(record: clients.ClientRecord) -> Response[ClientView]:
    view = ClientView.model_validate(clients.client_view(principal(router), record))
    return respond.ok(view, version=record.version)


@router.get(
    "/clients",
    operation_id="listClients",
    responses=contract.ok("A page of the clients you may see, by name."),
    summary="List clients (by name)",
    tags=TAGS,
)
def list_clients(
    status: Annotated[ClientStatusName | None, Query()] = None,
    location_id: IdFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ClientListItem]:
    rows, next_cursor = clients.list_clients(
        principal(router), status=status, location_id=location_id, limit=limit, cursor=cursor
    )
    return page_of(ClientListItem, rows, next_cursor)


@router.post(
    "/clients",
    operation_id="createClient",
    responses=contract.created("The client added."),
    summary="Add a client (administrators)",
    tags=TAGS,
    status_code=201,
)
def create_client(
    body: Annotated[ClientCreate, Body()], idempotency_key: IdempotencyKey = None
) -> Response[ClientView]:
    caller = principal(router)

    def create() -> dict[str, Any]:
        record = clients.create_client(caller, body.model_dump())
        if body.send_welcome:
            # Under a key, a retry after a timeout queues the same email, not a second one.
            request_id = ids.request_token(router.current_event.request_context.request_id)
            clients.send_welcome(caller, record.id, request_id)
        return {"view": clients.client_view(caller, record), "version": record.version}

    result = create_once(router, "POST /clients", idempotency_key, body, create)
    view = ClientView.model_validate(result["view"])
    return respond.created(view, location=f"/clients/{view.id}", version=result["version"])


@router.get(
    "/clients/<client_id>",
    operation_id="getClient",
    responses=contract.ok("The client.", "ETag"),
    summary="Read a client",
    tags=TAGS,
)
def get_client(client_id: ClientId) -> Response[ClientView]:
    return _view(clients.get_client(principal(router), client_id))


@router.patch(
    "/clients/<client_id>",
    operation_id="updateClient",
    responses=contract.ok("The client as changed.", "ETag"),
    summary="Change a client",
    tags=TAGS,
)
def patch_client(
    client_id: ClientId,
    body: Annotated[ClientPatch, Body()],
    if_match: IfMatch = None,
) -> Response[ClientView]:
    record = clients.update_client(
        principal(router),
        client_id,
        clients.ClientChanges(body.model_dump(exclude_unset=True)),
        expected_version(if_match),
    )
    return _view(record)


@router.delete(
    "/clients/<client_id>",
    operation_id="deleteClient",
    responses=contract.no_content("Deleted."),
    summary="Delete a client with nothing linked",
    tags=TAGS,
    status_code=204,
)
def delete_client(client_id: ClientId) -> Response[None]:
    clients.delete_client(principal(router), client_id)
    return respond.no_content()


@router.get(
    "/clients/<client_id>/practitioners",
    operation_id="listClientPractitioners",
    responses=contract.ok(
        "A page of the client's active assigned practitioners, by name: how to contact "
        "them (name, email, phone)."
    ),
    summary="A client's practitioners' contact details",
    tags=TAGS,
)
def list_practitioners(
    client_id: ClientId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[PractitionerContact]:
    rows, next_cursor = practitioners.list_practitioners(
        principal(router), client_id, limit=limit, cursor=cursor
    )
    return page_of(PractitionerContact, rows, next_cursor)


@router.put(
    "/clients/<client_id>/availability",
    operation_id="setClientAvailability",
    responses=contract.ok("The client with this availability.", "ETag"),
    summary="Set weekly availability",
    tags=TAGS,
)
def put_availability(
    client_id: ClientId, body: Annotated[Availability, Body()]
) -> Response[ClientView]:
    raw = {day: [r.model_dump() for r in ranges] for day, ranges in body.items()}
    return _view(clients.set_availability(principal(router), client_id, raw))


@router.put(
    "/clients/<client_id>/color",
    operation_id="setClientColor",
    responses=contract.ok("The client with your colour for them.", "ETag"),
    summary="Set your calendar colour",
    tags=TAGS,
)
def put_color(client_id: ClientId, body: Annotated[ColorBody, Body()]) -> Response[ClientView]:
    return _view(clients.set_color(principal(router), client_id, body.color))


@router.put(
    "/clients/<client_id>/login",
    operation_id="createClientLogin",
    responses=contract.ok("The client, with their portal login.", "ETag"),
    summary="Create the portal login",
    tags=TAGS,
)
def put_login(client_id: ClientId, body: Annotated[LoginBody, Body()]) -> Response[ClientView]:
    return _view(clients.create_login(principal(router), client_id, body.email))


@router.delete(
    "/clients/<client_id>/login",
    operation_id="removeClientLogin",
    responses=contract.ok("The client, without a portal login.", "ETag"),
    summary="Remove the portal login",
    tags=TAGS,
)
def delete_login(client_id: ClientId) -> Response[ClientView]:
    return _view(clients.remove_login(principal(router), client_id))


@router.post(
    "/clients/<client_id>/welcome-email",
    operation_id="sendWelcomeEmail",
    responses=contract.ok("Queued: the mailer sends it within minutes.", status=202),
    summary="Send the welcome email (active only)",
    tags=TAGS,
    status_code=202,
)
def post_welcome_email(
    client_id: ClientId, idempotency_key: IdempotencyKey = None
) -> Response[WelcomeEmailSent]:
    event = router.current_event
    caller = principal(router)

    def send() -> dict[str, Any]:
        # The same key is the same email, however often it is posted.
        request_id = ids.request_token(event.request_context.request_id)
        return {"intent_id": clients.send_welcome(caller, client_id, request_id)}

    sent = create_once(
        router, f"POST /clients/{client_id}/welcome-email", idempotency_key, None, send
    )
    return respond.ok(WelcomeEmailSent(intent_id=sent["intent_id"]), status=202)
