"""Session trackers and their tasks (SPEC §6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from momentum import clock, ids
from momentum.domain import retention
from momentum.domain.access import Principal, Role
from momentum.domain.dates import today_in
from momentum.domain.errors import ChangedMeanwhile, Forbidden, NotFound
from momentum.domain.people import Part
from momentum.domain.trackers import (
    TaskTrigger,
    Tracker,
    TrackerState,
    TrackerTask,
    ensure_can_add_tracker,
    tracker_view,
    validate_tracker,
)
from momentum.logic import summaries
from momentum.logic.access import check_client, load_client
from momentum.logic.organizations import organization_settings
from momentum.logic.people import Named, ensure_named
from momentum.logic.tracking import evaluate_tracker_now
from momentum.logic.writes import Decision, optimistic_write
from momentum.store import clients as client_store
from momentum.store import trackers as tracker_store
from momentum.store import transactions
from momentum.store.clients import ClientRecord
from momentum.store.cursors import page_of
from momentum.store.due import instant_text
from momentum.store.trackers import TrackerRecord
from momentum.store.transactions import Op

__all__ = ["ClientRecord", "TrackerRecord"]


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


def _with_evaluation(
    record: TrackerRecord, client: ClientRecord, today: date, tz: str
) -> tuple[TrackerRecord, list[Op], ClientRecord | None]:
    """The tracker evaluated, with its copy of what it counts and the tasks it creates; and
    the client with a summary widened to count from the tracker's begin, when the stored
    one kept less (a begin before its last quarter, on a longer history: rare), to store
    with the tracker."""
    widened = summaries.client_counting(client, record.tracker, record.state, today, tz)
    summary = client.client_summary() if widened is None else widened
    evaluated, tasks = evaluate_tracker_now(record, summary, today, tz)
    copy = retention.tracker_copy(summary.completed, evaluated.tracker, evaluated.state, today)
    evaluated = replace(evaluated, client_completed=copy.to_dict())
    created = instant_text(_now())
    task_ops = [tracker_store.task_put_op(client.org_id, t, created_at=created) for t in tasks]
    return evaluated, task_ops, None if widened is None else replace(client, summary=widened)


def create_tracker(principal: Principal, client_id: str, body: dict[str, Any]) -> TrackerRecord:
    _ensure_staff_tool(principal)
    client = load_client(principal, client_id)
    tracker = _tracker_from(client.id, ids.new_owned_id("trk", client.id), body)
    ensure_named(principal, _assignee_named(body), location_id=client.location_id)
    today, tz = _today(principal.org_id)
    now = instant_text(_now())
    new = TrackerRecord(
        principal.org_id, tracker, version=1, state_version=1, created_at=now, updated_at=now
    )

    def decide(current: ClientRecord) -> Decision[TrackerRecord]:
        # The client's count says whether one more fits; the write's condition on it holds
        # the limit however many creates race (a lost race decides again from the count).
        ensure_can_add_tracker(current.tracker_count)
        record, task_ops, widened = _with_evaluation(new, current, today, tz)
        back = retention.tracker_reaches_back(tracker, TrackerState(), today)
        counted_on = current if back or widened is not None else None
        ops = tracker_store.create_ops(record, counted_on=counted_on, widened=widened)
        return Decision(record, [*ops, *task_ops])

    return optimistic_write(
        thing="client",
        load=lambda: client_store.get(principal.org_id, client.id),
        decide=decide,
        loaded=client,
    )


def _load(principal: Principal, tracker_id: str) -> tuple[ClientRecord, TrackerRecord]:
    """The tracker and its client in one BatchGetItem call."""
    _ensure_staff_tool(principal)
    client_id = ids.owner_client(tracker_id, "trk")
    if client_id is None:
        raise NotFound("No such tracker.")
    client, record = tracker_store.get_with_client(principal.org_id, client_id, tracker_id)
    if client is None or record is None:
        raise NotFound("No such tracker.")
    # Staff users' access to the client (client tokens were refused before any read).
    return check_client(principal, client, client_id), record


def get_tracker(principal: Principal, tracker_id: str) -> tuple[ClientRecord, TrackerRecord]:
    return _load(principal, tracker_id)


def _by_creation(record: TrackerRecord) -> tuple[str, str]:
    return record.created_at, record.id


def list_trackers(
    principal: Principal, client_id: str, *, limit: int, cursor: str | None
) -> tuple[ClientRecord, list[TrackerRecord], str | None]:
    """A client's trackers (one page) with the client (its summary counts them): one Query."""
    _ensure_staff_tool(principal)
    found, trackers = tracker_store.client_with_trackers(principal.org_id, client_id)
    client = check_client(principal, found, client_id)  # staff users' access to the client
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


def _body_of(tracker: Tracker) -> dict[str, Any]:
    """The tracker as a request would send it (a PATCH is applied on top)."""
    return {
        "sessions": tracker.sessions,
        "begin_date": tracker.begin_date,
        "end_date": tracker.end_date,
        "note": tracker.note,
        "color": tracker.color,
        "task": (
            {"assignee_id": tracker.task.assignee_id, "trigger": tracker.task.trigger.value}
            if tracker.task
            else None
        ),
        "auto_reset": tracker.auto_reset,
    }


def update_tracker(
    principal: Principal, tracker_id: str, changes: dict[str, Any], expected_version: int | None
) -> tuple[ClientRecord, TrackerRecord]:
    sent = {k: v for k, v in changes.items() if v is not None or k in ("end_date", "task")}

    def decide(
        loaded: tuple[ClientRecord, TrackerRecord],
    ) -> Decision[tuple[ClientRecord, TrackerRecord]]:
        client, record = loaded
        current = record.tracker
        body = {**_body_of(current), **sent}
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
        updated, task_ops, widened = _with_evaluation(
            replace(record, tracker=tracker, state=state, version=record.version + 1,
                    state_version=record.state_version + 1, updated_at=instant_text(_now())),
            client, today, tz,
        )  # fmt: skip
        write = tracker_store.write_op(
            updated, expected_version=record.version, expected_state_version=record.state_version
        )
        if widened is not None:  # moved to begin before what the client's summary keeps
            task_ops += client_store.appointment_fold_ops(client, widened)
            client = widened
        elif retention.tracker_reaches_back(tracker, state, today):
            task_ops.append(tracker_store.client_unchanged_op(client))
        return Decision((client, updated), [write, *task_ops])

    return optimistic_write(
        thing="tracker",
        load=lambda: _load(principal, tracker_id),
        decide=decide,
        version=lambda loaded: loaded[1].version,
        expected_version=expected_version,
    )


def delete_tracker(principal: Principal, tracker_id: str) -> None:
    """Delete it (an ended tracker stays visible until someone does)."""
    _, record = _load(principal, tracker_id)
    try:
        transactions.commit(tracker_store.delete_ops(record))
    except ChangedMeanwhile:
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
    _ensure_staff_tool(principal)
    org_id, now = principal.org_id, _now()
    if assignee_id is None and principal.is_org_admin:
        rows, next_cursor = tracker_store.org_task_page(
            org_id, done=done, limit=limit, cursor=cursor, now=now
        )
    else:
        assignee = assignee_id or principal.user_id
        if assignee != principal.user_id and not principal.is_org_admin:
            raise Forbidden("You may list only your own tasks.")
        rows, next_cursor = tracker_store.assignee_task_page(
            org_id, assignee, done=done, limit=limit, cursor=cursor, now=now
        )
    names = _client_names(principal.org_id, {str(row["client_id"]) for row in rows})
    for row in rows:
        row["client_name"] = names.get(str(row["client_id"]), "")
    return rows, next_cursor


def _client_names(org_id: str, client_ids: set[str]) -> dict[str, str]:
    return {c.id: c.name for c in client_store.get_many(org_id, sorted(client_ids)).values()}


def mark_task(principal: Principal, task_id: str, *, done: bool) -> dict[str, Any]:
    """The assignee (or an administrator) marks a task done or not done."""
    _ensure_staff_tool(principal)
    client_id = ids.owner_client(task_id, "tsk")
    if client_id is None:
        raise NotFound("No such task.")
    client, task = tracker_store.task_with_client(principal.org_id, client_id, task_id)
    if task is None:
        raise NotFound("No such task.")
    location = client.location_id if client else None
    if task["assignee_id"] != principal.user_id and not principal.administers_location(location):
        raise Forbidden("Only the assignee or an administrator of the client may change this task.")
    updated = tracker_store.set_task_done(
        principal.org_id, task, done=done, at=instant_text(_now())
    )
    # The client's name as read with the task (one read fewer than reading it again).
    updated["client_name"] = client.name if client else ""
    return updated
