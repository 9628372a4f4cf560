"""/appointments: every write updates the counts and statuses it affects in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy, respond
from momentum.api.etags import expected_version
from momentum.api.idempotency import create_claiming
from momentum.api.pagination import Page, page_of
from momentum.api.params import DEFAULT_LIMIT, Cursor, IdempotencyKey, IdFilter, IfMatch, Limit
from momentum.api.request import principal
from momentum.schemas.appointments import AppointmentCreate, AppointmentPatch, AppointmentView
from momentum.schemas.common import ApiTimestamp, RecordId

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import appointments
    from momentum.logic.idempotency_keys import KeyedRequest
else:
    appointments = lazy.module("momentum.logic.appointments")

router = APIGatewayHttpRouter()
TAGS = ["Appointments"]
AppointmentId = Annotated[RecordId, Path(description="The appointment's id")]


def _view(
    record: appointments.AppointmentRecord, banners: list[dict[str, Any]] | None = None
) -> AppointmentView:
    tz = appointments.timezone_of(record.org_id)
    view = appointments.appointment_view(record, tz, principal(router))
    return AppointmentView.model_validate({**view, "trackers": banners or []})


@router.get(
    "/appointments",
    operation_id="listAppointments",
    responses=contract.ok("A page of appointments, by start time."),
    summary="List appointments by start time",
    tags=TAGS,
)
def list_appointments(
    client_id: IdFilter = None,
    practitioner_id: IdFilter = None,
    start_from: Annotated[ApiTimestamp | None, Query(alias="from")] = None,
    start_to: Annotated[ApiTimestamp | None, Query(alias="to")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[AppointmentView]:
    caller = principal(router)
    records, next_cursor = appointments.list_appointments(
        caller,
        client_id=client_id,
        practitioner_id=practitioner_id,
        start_from=start_from,
        start_to=start_to,
        limit=limit,
        cursor=cursor,
    )
    tz = appointments.timezone_of(caller.org_id)
    views = (appointments.appointment_view(r, tz, caller) for r in records)
    return page_of(AppointmentView, views, next_cursor)


@router.post(
    "/appointments",
    operation_id="createAppointment",
    responses=contract.created("The appointment booked, with the tracker banners it shows."),
    summary="Book (or record) an appointment",
    tags=TAGS,
    status_code=201,
)
def create_appointment(
    body: Annotated[AppointmentCreate, Body()], idempotency_key: IdempotencyKey = None
) -> Response[AppointmentView]:
    caller = principal(router)

    made: list[tuple[appointments.AppointmentRecord, list[dict[str, Any]]]] = []

    def create(key: KeyedRequest | None) -> dict[str, Any]:
        made.append(appointments.create_appointment(caller, body.model_dump(), key))
        return {"id": made[-1][0].id}

    # The booking's transaction claims the key itself (issue 15: no Powertools record).
    created = create_claiming(router, "POST /appointments", idempotency_key, body, create)
    # A replayed request (same Idempotency-Key) reads the appointment it made the first time.
    record, banners = made[0] if made else appointments.get_appointment(caller, created["id"])
    return respond.created(
        _view(record, banners), location=f"/appointments/{record.id}", version=record.version
    )


@router.get(
    "/appointments/<appointment_id>",
    operation_id="getAppointment",
    responses=contract.ok("The appointment, with its tracker banners.", "ETag"),
    summary="Read an appointment",
    tags=TAGS,
)
def get_appointment(appointment_id: AppointmentId) -> Response[AppointmentView]:
    record, banners = appointments.get_appointment(principal(router), appointment_id)
    return respond.ok(_view(record, banners), version=record.version)


@router.patch(
    "/appointments/<appointment_id>",
    operation_id="updateAppointment",
    responses=contract.ok("The appointment as changed.", "ETag"),
    summary="Change an appointment (complete, cancel, move, re-package)",
    tags=TAGS,
)
def patch_appointment(
    appointment_id: AppointmentId,
    body: Annotated[AppointmentPatch, Body()],
    if_match: IfMatch = None,
) -> Response[AppointmentView]:
    record = appointments.update_appointment(
        principal(router),
        appointment_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return respond.ok(_view(record), version=record.version)


@router.delete(
    "/appointments/<appointment_id>",
    operation_id="deleteAppointment",
    responses=contract.no_content("Deleted; the counts it was part of are updated."),
    summary="Delete an appointment",
    tags=TAGS,
    status_code=204,
)
def delete_appointment(appointment_id: AppointmentId) -> Response[None]:
    appointments.delete_appointment(principal(router), appointment_id)
    return respond.no_content()
