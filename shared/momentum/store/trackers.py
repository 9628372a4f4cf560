"""Session trackers: `pk = ORG#<org>#CL#<client>`, `sk = S#TRK#<id>`; tasks:
`sk = U#TASK#<id>` in the same partition, listed per assignee on `gsi2`
(`ORG#<org>#STAFF#<user>#TASKS`, newest first by creation instant) and per organization,
open or done, on `gsi1` (`ORG#<org>#TASKS#OPEN|DONE`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from momentum.domain.effects import CreateTask
from momentum.domain.trackers import (
    MAX_TRACKERS_PER_CLIENT,
    TaskTrigger,
    Tracker,
    TrackerState,
    TrackerTask,
)
from momentum.store import clients as client_store
from momentum.store import due, dynamo
from momentum.store.clients import CLIENT_SK, ClientRecord
from momentum.store.keys import client_pk
from momentum.store.pages import query_page
from momentum.store.transactions import Op

PREFIX = "S#TRK#"
TASK_PREFIX = "U#TASK#"


def tasks_list_pk(org_id: str, assignee_id: str) -> str:
    return f"ORG#{org_id}#STAFF#{assignee_id}#TASKS"


def org_tasks_pk(org_id: str, *, done: bool) -> str:
    """The organization's open (or done) tasks on `gsi1`, newest first: an administrator's
    task list. Marking a task moves it between the two."""
    return f"ORG#{org_id}#TASKS#{'DONE' if done else 'OPEN'}"


@dataclass(frozen=True)
class TrackerRecord:
    org_id: str
    tracker: Tracker
    state: TrackerState = field(default_factory=TrackerState)
    # A copy of the client's completed sessions per date (what the tracker counts), kept in
    # step by every appointment write: the nightly evaluates a tracker without reading its
    # client (one item read per due tracker).
    client_completed: dict[str, Any] | None = None
    version: int = 0
    state_version: int = 0
    created_at: str = ""
    updated_at: str = ""
    due: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.tracker.id

    @property
    def client_id(self) -> str:
        return self.tracker.client_id


def to_item(record: TrackerRecord) -> dict[str, Any]:
    t = record.tracker
    return {
        "pk": client_pk(record.org_id, t.client_id),
        "sk": PREFIX + t.id,
        "type": "tracker",
        "id": t.id,
        "org_id": record.org_id,
        "client_id": t.client_id,
        "sessions": t.sessions,
        "begin_date": t.begin_date.isoformat(),
        "end_date": t.end_date.isoformat() if t.end_date else None,
        "note": t.note,
        "color": t.color,
        # Stored as `assignee` (the API's `assignee_id`; renaming it would need a migration).
        "task": (
            {"assignee": t.task.assignee_id, "trigger": t.task.trigger.value} if t.task else None
        ),
        "auto_reset": t.auto_reset,
        "state": record.state.to_dict(),
        "client_completed": record.client_completed,
        "version": record.version,
        "state_version": record.state_version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        **record.due,
    }


def from_item(item: dict[str, Any]) -> TrackerRecord:
    task = item.get("task")
    return TrackerRecord(
        org_id=str(item["org_id"]),
        tracker=Tracker(
            id=str(item["id"]),
            client_id=str(item["client_id"]),
            sessions=int(item["sessions"]),
            begin_date=date.fromisoformat(item["begin_date"]),
            end_date=date.fromisoformat(item["end_date"]) if item.get("end_date") else None,
            note=str(item.get("note", "")),
            color=str(item.get("color", "#4A90E2")),
            task=(
                TrackerTask(str(task["assignee"]), TaskTrigger(task["trigger"])) if task else None
            ),
            auto_reset=bool(item.get("auto_reset", False)),
        ),
        state=TrackerState.from_dict(item.get("state") or {}),
        client_completed=item.get("client_completed"),
        version=int(item.get("version", 0)),
        state_version=int(item.get("state_version", 0)),
        created_at=str(item.get("created_at", "")),
        updated_at=str(item.get("updated_at", "")),
        due={k: item[k] for k in ("due_shard", "due_at") if k in item},
    )


def write_op(
    record: TrackerRecord, *, expected_version: int, expected_state_version: int
) -> dict[str, Any]:
    return dynamo.tracked_put_op(
        to_item(record),
        expected_version=expected_version,
        expected_state_version=expected_state_version,
    )


def task_id_for(effect: CreateTask) -> str:
    """One task per tracker period: its id comes from the tracker and the period (and
    carries the client, so a task is found with one GetItem)."""
    from momentum.ids import owned_id_from

    return owned_id_from("tsk", effect.client_id, effect.key)


def task_put_op(org_id: str, effect: CreateTask, *, created_at: str) -> dict[str, Any]:
    """The task item; the condition makes a second creation for the same period a no-op
    that fails the transaction — callers create each task in its own check first."""
    task_id = task_id_for(effect)
    item = {
        "pk": client_pk(org_id, effect.client_id),
        "sk": TASK_PREFIX + task_id,
        "type": "task",
        "id": task_id,
        "org_id": org_id,
        "client_id": effect.client_id,
        "tracker_id": effect.tracker_id,
        "assignee_id": effect.assignee_id,
        "period_begin": effect.period_begin.isoformat(),
        "period_end": effect.period_end.isoformat() if effect.period_end else None,
        "reason": effect.reason.value,
        "note": effect.note,
        "done": False,
        "version": 1,
        "created_at": created_at,
        "gsi1pk": org_tasks_pk(org_id, done=False),
        "gsi1sk": f"{created_at}#{task_id}",
        "gsi2pk": tasks_list_pk(org_id, effect.assignee_id),
        "gsi2sk": f"{created_at}#{task_id}",
    }
    return dynamo.put_op(item, condition="attribute_not_exists(pk)")


def get(org_id: str, client_id: str, tracker_id: str) -> TrackerRecord | None:
    item = dynamo.get_item(client_pk(org_id, client_id), PREFIX + tracker_id)
    return from_item(item) if item else None


def scheduled(record: TrackerRecord, at: datetime | None) -> TrackerRecord:
    """The tracker with its next check at `at` (the instant its check day begins), in the
    due index; None: no next check, out of the index."""
    key = (client_pk(record.org_id, record.client_id), PREFIX + record.id)
    return replace(record, due=due.due_fields(*key, at))


# -- the tracker and task use cases' reads and writes ---------------------------------------


def get_with_client(
    org_id: str, client_id: str, tracker_id: str
) -> tuple[ClientRecord | None, TrackerRecord | None]:
    """The tracker and its client (for the access check and its summary): one BatchGetItem."""
    client, item = client_store.with_owned_item(org_id, client_id, PREFIX + tracker_id)
    return client, (from_item(item) if item else None)


def client_with_trackers(
    org_id: str, client_id: str
) -> tuple[ClientRecord | None, list[TrackerRecord]]:
    """The client (its summary counts the trackers) and its trackers: one Query of the
    client's `S#` block."""
    items = dynamo.query_all(client_pk(org_id, client_id), sk_prefix="S#", consistent=True)
    client = next((client_store.from_item(i) for i in items if i["sk"] == CLIENT_SK), None)
    return client, [from_item(i) for i in items if str(i["sk"]).startswith(PREFIX)]


def _count_op(org_id: str, client_id: str, delta: int) -> Op:
    """The client's tracker count moves with every create and delete, in the same
    transaction: the limit holds however many creates race."""
    if delta > 0:
        return dynamo.update_op(
            client_pk(org_id, client_id),
            CLIENT_SK,
            update="ADD tracker_count :one",
            condition=(
                "attribute_exists(pk) AND "
                "(attribute_not_exists(tracker_count) OR tracker_count < :max)"
            ),
            values={":one": 1, ":max": MAX_TRACKERS_PER_CLIENT},
        )
    return dynamo.update_op(
        client_pk(org_id, client_id),
        CLIENT_SK,
        update="ADD tracker_count :minus",
        condition="attribute_exists(pk)",
        values={":minus": -1},
    )


def _count_on_op(before: ClientRecord, after: ClientRecord | None) -> Op:
    """The count of a new tracker, written only if no appointment write changed the client's
    summary since `before` was read (it counts from that summary); with the summary
    `after`, widened to count from the tracker's begin, when there is one."""
    widen = "" if after is None else " SET #summary = :summary, state_version = :next_state"
    summary = {} if after is None else {
        ":summary": after.client_summary().to_dict(),
        ":next_state": before.state_version + 1,
    }  # fmt: skip
    return dynamo.update_op(
        client_pk(before.org_id, before.id),
        CLIENT_SK,
        update="ADD tracker_count :one" + widen,
        condition=(
            "attribute_exists(pk) AND state_version = :state AND "
            "(attribute_not_exists(tracker_count) OR tracker_count < :max)"
        ),
        names=None if after is None else {"#summary": "summary"},
        values={
            ":one": 1,
            ":max": MAX_TRACKERS_PER_CLIENT,
            ":state": before.state_version,
            **summary,
        },
    )


def create_ops(
    record: TrackerRecord,
    *,
    counted_on: ClientRecord | None = None,
    widened: ClientRecord | None = None,
) -> list[Op]:
    """A new tracker, counted on its client: fails (ChangedMeanwhile) when the client is gone
    or has the most trackers allowed by the time it lands. `counted_on`: the client as read,
    when the tracker counts from further back than every write keeps anyway — then it lands
    only on the summary it counted from, stored `widened` to its begin if that was needed
    (`logic.summaries.client_counting`)."""
    count = (
        _count_op(record.org_id, record.client_id, +1)
        if counted_on is None
        else _count_on_op(counted_on, widened)
    )
    return [write_op(record, expected_version=0, expected_state_version=0), count]


def client_unchanged_op(client: ClientRecord) -> Op:
    """Checks that no appointment write changed the client's summary since it was read."""
    return dynamo.check_op(
        client_pk(client.org_id, client.id),
        CLIENT_SK,
        condition="state_version = :state",
        values={":state": client.state_version},
    )


def delete_ops(record: TrackerRecord) -> list[Op]:
    """Delete the tracker and uncount it: fails (ChangedMeanwhile) when it is gone already."""
    return [
        dynamo.delete_op(
            client_pk(record.org_id, record.client_id),
            PREFIX + record.id,
            condition="attribute_exists(pk)",
        ),
        _count_op(record.org_id, record.client_id, -1),
    ]


def task_with_client(
    org_id: str, client_id: str, task_id: str
) -> tuple[ClientRecord | None, dict[str, Any] | None]:
    """The task and its client (whose location says who administers it): one BatchGetItem."""
    return client_store.with_owned_item(org_id, client_id, TASK_PREFIX + task_id)


def set_task_done(org_id: str, task: dict[str, Any], *, done: bool, at: str) -> dict[str, Any]:
    """Mark the task done (or open again): it moves to the organization's done (or open)
    list, keeping its place in time. Returns the task as stored now."""
    return dynamo.update_item(
        client_pk(org_id, str(task["client_id"])),
        TASK_PREFIX + str(task["id"]),
        update="SET done = :done, updated_at = :now, gsi1pk = :list, gsi1sk = :order "
        "ADD #version :one",
        condition="attribute_exists(pk)",
        names={"#version": "version"},
        values={
            ":done": done,
            ":now": at,
            ":one": 1,
            ":list": org_tasks_pk(org_id, done=done),
            ":order": task.get("gsi2sk") or f"{task['created_at']}#{task['id']}",
        },
    )


def org_task_page(
    org_id: str, *, done: bool | None, limit: int, cursor: str | None, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the organization's open tasks (`done=True`: its done ones), newest first."""
    tasks = _TaskList(org_tasks_pk(org_id, done=bool(done)), "gsi1", f"tasks|org|{bool(done)}")
    return tasks.page(org_id, done=done, limit=limit, cursor=cursor, now=now)


def assignee_task_page(
    org_id: str,
    assignee_id: str,
    *,
    done: bool | None,
    limit: int,
    cursor: str | None,
    now: datetime,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of one assignee's tasks (all, or the open or done ones), newest first."""
    tasks = _TaskList(tasks_list_pk(org_id, assignee_id), "gsi2", f"tasks|{assignee_id}|{done}")
    return tasks.page(org_id, done=done, limit=limit, cursor=cursor, now=now)


@dataclass(frozen=True)
class _TaskList:
    partition: str
    index: str
    scope: str  # what its cursors are bound to

    def page(
        self, org_id: str, *, done: bool | None, limit: int, cursor: str | None, now: datetime
    ) -> tuple[list[dict[str, Any]], str | None]:
        items, next_cursor = query_page(
            self.partition,
            org_id=org_id,
            scope=self.scope,
            limit=limit,
            cursor=cursor,
            now=now,
            index=self.index,
            forward=False,
        )
        return [i for i in items if done is None or bool(i.get("done")) == done], next_cursor
