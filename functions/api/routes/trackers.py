"""/clients/{id}/trackers, /trackers/{id} and /tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy, respond
from momentum.api.etags import expected_version
from momentum.api.idempotency import create_once
from momentum.api.pagination import Page, page_of
from momentum.api.params import DEFAULT_LIMIT, Cursor, IdempotencyKey, IfMatch, Limit, PathId
from momentum.api.request import principal
from momentum.schemas.common import RecordId
from momentum.schemas.trackers import TaskPatch, TaskView, TrackerCreate, TrackerPatch, TrackerView

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import trackers
else:
    trackers = lazy.module("momentum.logic.trackers")

router = APIGatewayHttpRouter()
TAGS = ["Session trackers"]
TASK_TAGS = ["Tasks"]


def _view(client: trackers.ClientRecord, record: trackers.TrackerRecord) -> TrackerView:
    return TrackerView.model_validate(trackers.tracker_view_of(principal(router), client, record))


def _response(
    client: trackers.ClientRecord, record: trackers.TrackerRecord
) -> Response[TrackerView]:
    return respond.ok(_view(client, record), version=record.version)


@router.get(
    "/clients/<client_id>/trackers",
    operation_id="listClientTrackers",
    responses=contract.ok("A page of the client's session trackers."),
    summary="A client's session trackers",
    tags=TAGS,
)
def list_trackers(
    client_id: PathId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[TrackerView]:
    caller = principal(router)
    client, records, next_cursor = trackers.list_trackers(
        caller, client_id, limit=limit, cursor=cursor
    )
    views = (trackers.tracker_view_of(caller, client, r) for r in records)
    return page_of(TrackerView, views, next_cursor)


@router.post(
    "/clients/<client_id>/trackers",
    operation_id="createClientTracker",
    responses=contract.created("The tracker added."),
    summary="Add a tracker (at most 8)",
    tags=TAGS,
    status_code=201,
)
def create_tracker(
    client_id: PathId,
    body: Annotated[TrackerCreate, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[TrackerView]:
    caller = principal(router)

    def create() -> dict[str, Any]:
        return {"id": trackers.create_tracker(caller, client_id, body.model_dump()).id}

    created = create_once(
        router, f"POST /clients/{client_id}/trackers", idempotency_key, body, create
    )
    client, record = trackers.get_tracker(caller, created["id"])
    return respond.created(
        _view(client, record), location=f"/trackers/{record.id}", version=record.version
    )


@router.get(
    "/trackers/<tracker_id>",
    operation_id="getTracker",
    responses=contract.ok("The tracker, with its current period's counts.", "ETag"),
    summary="Read a tracker",
    tags=TAGS,
)
def get_tracker(tracker_id: PathId) -> Response[TrackerView]:
    return _response(*trackers.get_tracker(principal(router), tracker_id))


@router.patch(
    "/trackers/<tracker_id>",
    operation_id="updateTracker",
    responses=contract.ok("The tracker as changed.", "ETag"),
    summary="Change a tracker",
    tags=TAGS,
)
def patch_tracker(
    tracker_id: PathId, body: Annotated[TrackerPatch, Body()], if_match: IfMatch = None
) -> Response[TrackerView]:
    client, record = trackers.update_tracker(
        principal(router),
        tracker_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _response(client, record)


@router.delete(
    "/trackers/<tracker_id>",
    operation_id="deleteTracker",
    responses=contract.no_content("Deleted."),
    summary="Delete a tracker",
    tags=TAGS,
    status_code=204,
)
def delete_tracker(tracker_id: PathId) -> Response[None]:
    trackers.delete_tracker(principal(router), tracker_id)
    return respond.no_content()


@router.get(
    "/tasks",
    operation_id="listTasks",
    responses=contract.ok("A page of tasks, newest first."),
    summary="Tasks: the organization's open ones (owners and admins), else your own",
    description="Owners and admins see every open task of the organization (`done=true`: "
    "the done ones) unless they name an `assignee_id`; everyone else sees their own tasks "
    "(`done` filters them).",
    tags=TASK_TAGS,
)
def list_tasks(
    assignee_id: Annotated[
        RecordId | None, Query(description="One user's tasks (owners and admins: anyone's)")
    ] = None,
    done: Annotated[bool | None, Query(description="Done (true) or open (false) tasks")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[TaskView]:
    rows, next_cursor = trackers.list_tasks(
        principal(router), assignee_id=assignee_id, done=done, limit=limit, cursor=cursor
    )
    return page_of(TaskView, rows, next_cursor)


@router.patch(
    "/tasks/<task_id>",
    operation_id="updateTask",
    responses=contract.ok("The task as marked.", "ETag"),
    summary="Mark a task done (or not)",
    tags=TASK_TAGS,
)
def patch_task(task_id: PathId, body: Annotated[TaskPatch, Body()]) -> Response[TaskView]:
    task = trackers.mark_task(principal(router), task_id, done=body.done)
    return respond.ok(TaskView.model_validate(task), version=respond.version_of(task))
