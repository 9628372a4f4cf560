"""Session trackers and their tasks (SPEC §6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role
from momentum.domain.dates import today_in
from momentum.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
)
from momentum.domain.people import Part
from momentum.domain.trackers import (
    MAX_TRACKERS_PER_CLIENT,
    TaskTrigger,
    Tracker,
    TrackerState,
    TrackerTask,
    tracker_view,
    validate_tracker,
)
from momentum.logic.access import load_client
from momentum.logic.organizations import organization_settings
from momentum.logic.people import Named, ensure_named
from momentum.logic.tracking import evaluate_tracker_now
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import trackers as tracker_store
from momentum.store.clients import CLIENT_SK, ClientRecord

__all__ = ["ClientRecord", "TrackerRecord"]
from momentum.store.due import instant_text
from momentum.store.keys import client_pk
from momentum.store.trackers import TrackerRecord

WRITE_ATTEMPTS = 10


def _now() -> datetime:
    return clock.current().now()


def _today(org_id: str) -> tuple[date, str]:
    tz = organization_settings(org_id).timezone
    return today_in(tz, _now()), tz


def _ensure_staff_tool(principal: Principal) -> None:
    """Trackers and tasks are staff tools (SPEC §9): a client token gets 403 on every one
    of their routes, before anything is read (so it learns nothing about any id)."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Trackers and tasks are for the practice's team.")


def _assignee_named(body: dict[str, Any], *, current: TrackerTask | None = None) -> list[Named]:
    """The task assignee the request names, if it is a new one."""
    task = body.get("task")
    if not task or (current is not None and task["assignee_id"] == current.assignee_id):
        return []
    return [Named(("body", "task", "assignee_id"), str(task["assignee_id"]), Part.TASK_ASSIGNEE)]


def _tracker_from(client_id: str, tracker_id: str, body: dict[str, Any]) -> Tracker:
    task = body.get("task")
    return validate_tracker(
        Tracker(
            id=tracker_id,
            client_id=client_id,
            sessions=int(body["sessions"]),
            begin_date=body["begin_date"],
            end_date=body.get("end_date"),
            note=body.get("note") or "",
            color=body.get("color") or "#4A90E2",
            task=TrackerTask(str(task["assignee_id"]), TaskTrigger(task["trigger"]))
            if task
            else None,
            auto_reset=bool(body.get("auto_reset")),
        )
    )


def _counter_op(client: ClientRecord, delta: int) -> dict[str, Any]:
    """The client's tracker count moves with every create and delete, in the same
    transaction: the limit of 8 holds however many creates race."""
    if delta > 0:
        return dynamo.update_op(
            client_pk(client.org_id, client.id),
            CLIENT_SK,
            update="ADD tracker_count :one",
            condition=(
                "attribute_exists(pk) AND "
                "(attribute_not_exists(tracker_count) OR tracker_count < :max)"
            ),
            values={":one": 1, ":max": MAX_TRACKERS_PER_CLIENT},
        )
    return dynamo.update_op(
        client_pk(client.org_id, client.id),
        CLIENT_SK,
        update="ADD tracker_count :minus",
        condition="attribute_exists(pk)",
        values={":minus": -1},
    )


def _with_evaluation(
    record: TrackerRecord, client: ClientRecord, today: date, tz: str
) -> tuple[TrackerRecord, list[dict[str, Any]]]:
    summary = client.client_summary()
    evaluated, tasks = evaluate_tracker_now(record, summary, today, tz)
    evaluated = replace(evaluated, client_completed=summary.to_dict()["completed"])
    created = instant_text(_now())
    return evaluated, [
        tracker_store.task_put_op(client.org_id, t, created_at=created) for t in tasks
    ]


def create_tracker(principal: Principal, client_id: str, body: dict[str, Any]) -> TrackerRecord:
    _ensure_staff_tool(principal)
    client = load_client(principal, client_id)
    tracker = _tracker_from(client.id, ids.new_owned_id("trk", client.id), body)
    ensure_named(principal, _assignee_named(body), location_id=client.location_id)
    today, tz = _today(principal.org_id)
    now = instant_text(_now())
    record, task_ops = _with_evaluation(
        TrackerRecord(principal.org_id, tracker, version=1, state_version=1, created_at=now,
                      updated_at=now),
        client, today, tz,
    )  # fmt: skip
    ops = [
        tracker_store.write_op(record, expected_version=0, expected_state_version=0),
        _counter_op(client, +1),
        *task_ops,
    ]
    try:
        dynamo.transact_write(ops)
    except dynamo.ConditionFailed as error:
        fresh = client_store.get(principal.org_id, client.id)
        if fresh is None:
            raise NotFound("No such client.") from None
        raise Conflict(
            f"This client already has {MAX_TRACKERS_PER_CLIENT} trackers, the most allowed; "
            "delete one first"
        ) from error
    return record


def _load(principal: Principal, tracker_id: str) -> tuple[ClientRecord, TrackerRecord]:
    """The tracker and its client in one BatchGetItem call."""
    _ensure_staff_tool(principal)
    client_id = ids.owner_client(tracker_id, "trk")
    if client_id is None:
        raise NotFound("No such tracker.")
    pk = client_pk(principal.org_id, client_id)
    items = dynamo.batch_get([(pk, CLIENT_SK), (pk, tracker_store.PREFIX + tracker_id)])
    client_item = items.get((pk, CLIENT_SK))
    tracker_item = items.get((pk, tracker_store.PREFIX + tracker_id))
    if client_item is None or tracker_item is None:
        raise NotFound("No such tracker.")
    client = client_store.from_item(client_item)
    _check_access(principal, client)
    return client, tracker_store.from_item(tracker_item)


def _check_access(principal: Principal, client: ClientRecord) -> None:
    """Staff users' access to the client (client tokens were refused before any read)."""
    from momentum.domain.access import may_access_client

    if not may_access_client(
        principal,
        client_id=client.id,
        location_id=client.location_id,
        assigned_staff=client.assigned_practitioner_ids,
    ):
        raise Forbidden("You do not have access to this client.")


def get_tracker(principal: Principal, tracker_id: str) -> tuple[ClientRecord, TrackerRecord]:
    return _load(principal, tracker_id)


def _by_creation(record: TrackerRecord) -> tuple[str, str]:
    return record.created_at, record.id


def list_trackers(
    principal: Principal, client_id: str, *, limit: int, cursor: str | None
) -> tuple[ClientRecord, list[TrackerRecord], str | None]:
    """A client's trackers (one page) with the client (its summary counts them): one Query."""
    from momentum.store.cursors import page_of

    _ensure_staff_tool(principal)
    pk = client_pk(principal.org_id, client_id)
    items = dynamo.query_all(pk, sk_prefix="S#", consistent=True)
    client_item = next((i for i in items if i["sk"] == CLIENT_SK), None)
    if client_item is None:
        raise NotFound("No such client.")
    client = client_store.from_item(client_item)
    _check_access(principal, client)
    trackers = [
        tracker_store.from_item(i) for i in items if str(i["sk"]).startswith(tracker_store.PREFIX)
    ]
    page, next_cursor = page_of(
        sorted(trackers, key=_by_creation),
        _by_creation,
        limit=limit,
        cursor=cursor,
        org_id=principal.org_id,
        scope=f"trackers|{client.id}",
        now=_now(),
    )
    return client, page, next_cursor


def update_tracker(
    principal: Principal, tracker_id: str, changes: dict[str, Any], expected_version: int | None
) -> tuple[ClientRecord, TrackerRecord]:
    for _ in range(WRITE_ATTEMPTS):
        client, record = _load(principal, tracker_id)
        if expected_version is not None and expected_version != record.version:
            raise PreconditionFailed("The tracker changed since you read it; reload and try again.")
        current = record.tracker
        body: dict[str, Any] = {
            "sessions": current.sessions,
            "begin_date": current.begin_date,
            "end_date": current.end_date,
            "note": current.note,
            "color": current.color,
            "task": (
                {"assignee_id": current.task.assignee_id, "trigger": current.task.trigger.value}
                if current.task
                else None
            ),
            "auto_reset": current.auto_reset,
        }
        body.update(
            {k: v for k, v in changes.items() if v is not None or k in ("end_date", "task")}
        )
        tracker = _tracker_from(client.id, current.id, body)
        # A new assignee is checked; keeping the current one always works.
        named = _assignee_named(body, current=current.task)
        ensure_named(principal, named, location_id=client.location_id)
        # New dates start a new count: the periods (and their tasks) are not the old ones.
        dates_moved = (tracker.begin_date, tracker.end_date) != (
            current.begin_date,
            current.end_date,
        )
        state = TrackerState() if dates_moved else record.state
        today, tz = _today(principal.org_id)
        updated, task_ops = _with_evaluation(
            replace(record, tracker=tracker, state=state, version=record.version + 1,
                    state_version=record.state_version + 1, updated_at=instant_text(_now())),
            client, today, tz,
        )  # fmt: skip
        try:
            dynamo.transact_write(
                [
                    tracker_store.write_op(
                        updated,
                        expected_version=record.version,
                        expected_state_version=record.state_version,
                    ),
                    *task_ops,
                ]
            )
        except dynamo.ConditionFailed:
            continue
        return client, updated
    raise ServiceUnavailable("The tracker is busy; please retry.")


def delete_tracker(principal: Principal, tracker_id: str) -> None:
    """Delete it (an ended tracker stays visible until someone does)."""
    client, record = _load(principal, tracker_id)
    try:
        dynamo.transact_write(
            [
                dynamo.delete_op(
                    client_pk(principal.org_id, client.id),
                    tracker_store.PREFIX + record.id,
                    condition="attribute_exists(pk)",
                ),
                _counter_op(client, -1),
            ]
        )
    except dynamo.ConditionFailed:
        raise NotFound("No such tracker.") from None


def tracker_view_of(
    principal: Principal, client: ClientRecord, record: TrackerRecord
) -> dict[str, Any]:
    today, _ = _today(principal.org_id)
    t = record.tracker
    view = tracker_view(t, client.client_summary(), today)
    return {
        "id": t.id,
        "client_id": t.client_id,
        "sessions": t.sessions,
        "begin_date": t.begin_date,
        "end_date": t.end_date,
        "note": t.note,
        "color": t.color,
        "task": {"assignee_id": t.task.assignee_id, "trigger": t.task.trigger.value}
        if t.task
        else None,
        "auto_reset": t.auto_reset,
        "period_begin": view.begin_date,
        "period_end": view.end_date,
        "used": view.used,
        "remaining": view.remaining,
        "ended": view.ended,
        "version": record.version,
    }


# -- tasks ---------------------------------------------------------------------------------------


def list_tasks(
    principal: Principal,
    *,
    assignee_id: str | None,
    done: bool | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Tasks, newest first: an owner's or admin's list is every open task of the
    organization (`done=True`: the done ones) unless they name an assignee; anyone else
    lists their own (all, or open or done)."""
    from momentum.store.cursors import decode_cursor, encode_cursor

    _ensure_staff_tool(principal)
    now = _now()
    if assignee_id is None and principal.is_org_admin:
        scope = f"tasks|org|{bool(done)}"
        partition, index = tracker_store.org_tasks_pk(principal.org_id, done=bool(done)), "gsi1"
    else:
        assignee = assignee_id or principal.user_id
        if assignee != principal.user_id and not principal.is_org_admin:
            raise Forbidden("You may list only your own tasks.")
        scope = f"tasks|{assignee}|{done}"
        partition, index = tracker_store.tasks_list_pk(principal.org_id, assignee), "gsi2"
    start = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=now)
    items, last = dynamo.query(partition, index=index, limit=limit, start_key=start, forward=False)
    rows = [i for i in items if done is None or bool(i.get("done")) == done]
    names = _client_names(principal.org_id, {str(i["client_id"]) for i in rows})
    for row in rows:
        row["client_name"] = names.get(str(row["client_id"]), "")
    return rows, encode_cursor(last, org_id=principal.org_id, scope=scope, now=now)


def _client_names(org_id: str, client_ids: set[str]) -> dict[str, str]:
    if not client_ids:
        return {}
    keys = [(client_pk(org_id, c), CLIENT_SK) for c in sorted(client_ids)]
    return {str(i["id"]): str(i.get("name", "")) for i in dynamo.batch_get(keys).values()}


def mark_task(principal: Principal, task_id: str, *, done: bool) -> dict[str, Any]:
    """The assignee (or an administrator) marks a task done or not done."""
    _ensure_staff_tool(principal)
    client_id = ids.owner_client(task_id, "tsk")
    if client_id is None:
        raise NotFound("No such task.")
    pk = client_pk(principal.org_id, client_id)
    task_key = (pk, tracker_store.TASK_PREFIX + task_id)
    items = dynamo.batch_get([task_key, (pk, CLIENT_SK)])
    item = items.get(task_key)
    if item is None:
        raise NotFound("No such task.")
    client_item = items.get((pk, CLIENT_SK))
    location = client_item.get("location_id") if client_item else None
    if item["assignee_id"] != principal.user_id and not principal.administers_location(location):
        raise Forbidden("Only the assignee or an administrator of the client may change this task.")
    updated = dynamo.update_item(
        pk,
        tracker_store.TASK_PREFIX + task_id,
        # It moves to the organization's open (or done) list.
        update="SET done = :done, updated_at = :now, gsi1pk = :list, gsi1sk = :order "
        "ADD #version :one",
        condition="attribute_exists(pk)",
        names={"#version": "version"},
        values={
            ":done": done,
            ":now": instant_text(_now()),
            ":one": 1,
            ":list": tracker_store.org_tasks_pk(principal.org_id, done=done),
            ":order": item.get("gsi2sk") or f"{item['created_at']}#{task_id}",
        },
    )
    updated["client_name"] = _client_names(principal.org_id, {client_id}).get(client_id, "")
    return updated
