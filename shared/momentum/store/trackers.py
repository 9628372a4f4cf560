"""Session trackers: `pk = ORG#<org>#CL#<client>`, `sk = S#TRK#<id>`; tasks:
`sk = U#TASK#<id>` in the same partition, listed per assignee on `gsi2`
(`ORG#<org>#STAFF#<user>#TASKS`, newest first by creation instant) and per organization,
open or done, on `gsi1` (`ORG#<org>#TASKS#OPEN|DONE`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from momentum.domain.effects import CreateTask
from momentum.domain.trackers import TaskTrigger, Tracker, TrackerState, TrackerTask
from momentum.store import dynamo
from momentum.store.keys import client_pk

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
