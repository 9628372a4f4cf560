"""A client with years of weekly sessions (issue 15, target 1), made fast: the client, its
package, tracker and engagement through the API; the appointments straight into the table
in batches, with the summaries they add up to folded in once (one transaction), as the
appointment writes would have left them. Shared by tests/integration/test_history_reads.py
and bench/bench_history.py.

The appointments: one a week at 10:00 UTC, 52 a year for `years` years, completed, then 12
booked ahead from today on (today's first, still scheduled), all in one package (or in
packs used up one after the other). Each id begins with the instant it was booked (a week
before its start), so ids sort as the sessions do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import boto3

from local import infra
from momentum import ids
from momentum.domain.appointments import AppointmentStatus
from momentum.store import appointments as appointment_store
from momentum.store import clients as client_store
from momentum.store import dynamo, transactions
from momentum.store import engagements as engagement_store
from momentum.store import packages as package_store
from momentum.store.appointments import AppointmentRecord
from momentum.store.keys import client_pk

TIMEZONE = "Europe/London"
AHEAD = 12  # appointments booked from today on
ON_TRACK = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}

# (method, route template, path parameters, body) -> {"status": ..., "json": ...}
Call = Callable[[str, str, dict[str, str], Any], dict[str, Any]]


@dataclass(frozen=True)
class History:
    org_id: str
    client_id: str
    package_ids: tuple[str, ...]  # oldest first (one, unless seeded in packs)
    engagement_id: str
    tracker_id: str
    staff_id: str
    appointments: tuple[str, ...]  # ids, oldest first (= sort key order)
    after_newest: datetime  # a week after the newest appointment starts

    @property
    def oldest(self) -> str:
        return self.appointments[0]

    @property
    def middle(self) -> str:
        """Half way through the completed sessions."""
        return self.appointments[(len(self.appointments) - AHEAD) // 2]

    @property
    def today(self) -> str:
        """The first of those booked ahead: today's, still scheduled."""
        return self.appointments[-AHEAD]

    @property
    def newest(self) -> str:
        return self.appointments[-1]


def _made(response: dict[str, Any]) -> str:
    assert response["status"] == 201, response
    return str(response["json"]["id"])


def _raw() -> Any:
    # Not dynamo.client(): the item counters hook that one.
    return boto3.client("dynamodb", region_name=infra.REGION)


def seed_history(
    call: Call,
    *,
    org_id: str,
    name: str,
    years: int,
    now: datetime,
    staff_id: str,
    pack_size: int | None = None,
) -> History:
    """The client, as the practice made it `years` years before `now` (the clock must stand
    at `now`, the organization's timezone be `TIMEZONE`): its sessions all in one usage
    package, or (`pack_size`) in fixed packs of that size, one after the other, each used
    up before the next."""
    today = now.date()
    first = today - timedelta(weeks=52 * years)
    days = [first + timedelta(weeks=n) for n in range(52 * years + AHEAD)]
    client_id = _made(
        call(
            "POST",
            "/clients",
            {},
            {
                "name": name,
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                "assigned_practitioner_ids": [staff_id],
            },
        )
    )
    params = {"client_id": client_id}
    bodies: list[dict[str, Any]]
    if pack_size is None:
        bodies = [{"type": "usage", "start_date": first.isoformat(), "on_track": ON_TRACK}]
    else:
        bodies = [
            {
                "type": "fixed",
                "size": pack_size,
                "start_date": day.isoformat(),
                "on_track": ON_TRACK,
            }
            for day in days[::pack_size]
        ]
    package_ids = tuple(
        _made(call("POST", "/clients/{client_id}/packages", params, body)) for body in bodies
    )
    tracker_id = _made(
        call(
            "POST",
            "/clients/{client_id}/trackers",
            params,
            {
                "sessions": 4,
                "begin_date": (today - timedelta(days=60)).isoformat(),
                "end_date": (today + timedelta(days=60)).isoformat(),
                "task": {"assignee_id": staff_id, "trigger": "count_reached"},
            },
        )
    )
    template_id = _made(
        call(
            "POST",
            "/engagement-templates",
            {},
            {"name": f"Weekly {name}", "type": "one_to_one", "threshold_days": 21},
        )
    )
    engagement_id = _made(
        call("POST", "/engagements", {}, {"template_id": template_id, "coachee_id": client_id})
    )
    per_pack = pack_size or len(days)
    records = [
        _appointment(
            org_id,
            client_id,
            staff_id,
            day,
            today,
            package_id=package_ids[n // per_pack],
            engagement_id=engagement_id,
        )
        for n, day in enumerate(days)
    ]
    assert [r.id for r in records] == sorted(r.id for r in records)
    _put_all(records)
    _fold_summaries(org_id, client_id, package_ids, engagement_id, records)
    return History(
        org_id,
        client_id,
        package_ids,
        engagement_id,
        tracker_id,
        staff_id,
        tuple(r.id for r in records),
        records[-1].starts_at + timedelta(weeks=1),
    )


def _appointment(
    org_id: str,
    client_id: str,
    staff_id: str,
    day: date,
    today: date,
    *,
    package_id: str,
    engagement_id: str,
) -> AppointmentRecord:
    """A weekly session at 10:00 UTC on `day`, completed if it is past, booked a week
    before (its id begins with that instant)."""
    starts = datetime.fromisoformat(f"{day.isoformat()}T10:00:00+00:00")
    booked = starts - timedelta(weeks=1)
    with ids.seeded(f"history|{client_id}|{day}", at_ms=int(booked.timestamp() * 1000)):
        appointment_id = ids.new_owned_id("apt", client_id)
    return AppointmentRecord(
        org_id=org_id,
        id=appointment_id,
        client_id=client_id,
        practitioner_id=staff_id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=AppointmentStatus.COMPLETED if day < today else AppointmentStatus.SCHEDULED,
        package_id=package_id,
        engagement_id=engagement_id,
        version=1,
        created_at=booked.isoformat(),
        updated_at=booked.isoformat(),
    )


def _put_all(records: list[AppointmentRecord]) -> None:
    raw = _raw()
    for start in range(0, len(records), 25):
        requests = [
            {"PutRequest": {"Item": dynamo.to_attributes(appointment_store.to_item(r, TIMEZONE))}}
            for r in records[start : start + 25]
        ]
        pending: dict[str, Any] = {dynamo.table_name(): requests}
        while pending:
            pending = raw.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def _fold_summaries(
    org_id: str,
    client_id: str,
    package_ids: tuple[str, ...],
    engagement_id: str,
    records: list[AppointmentRecord],
) -> None:
    """The client's, packages' and engagement's summaries with every seeded appointment
    counted, written as the appointment writes would have left them (one transaction)."""
    client = client_store.get(org_id, client_id)
    engagement = engagement_store.get(org_id, client_id, engagement_id)
    packages = [package_store.get(org_id, client_id, p) for p in package_ids]
    assert client is not None
    assert engagement is not None
    facts = [record.facts(TIMEZONE) for record in records]
    client_summary = client.client_summary()
    engagement_summary = engagement.engagement_summary()
    for one in facts:
        client_summary = client_summary.apply_change(None, one)
        engagement_summary = engagement_summary.apply_change(None, one)
    ops = client_store.appointment_fold_ops(client, replace(client, summary=client_summary))
    for package in packages:
        assert package is not None
        summary = package.package_summary()
        for one in facts:  # a package counts only its own appointments
            summary = summary.apply_change(None, one)
        ops.append(
            package_store.write_op(
                replace(package, summary=summary, state_version=package.state_version + 1),
                expected_version=package.version,
                expected_state_version=package.state_version,
            )
        )
    ops.append(
        engagement_store.write_op(
            replace(
                engagement,
                summary=engagement_summary,
                state_version=engagement.state_version + 1,
            ),
            expected_version=engagement.version,
            expected_state_version=engagement.state_version,
        )
    )
    transactions.commit(ops)


def old_full_block(org_id: str, client_id: str, appointment_id: str) -> list[dict[str, Any]]:
    """The items (as DynamoDB returns them) the load before issue 15 read to change
    `appointment_id`: one Query from the appointment to the end of the client's tracked
    state (`A#<id>` … `S#\\uffff`), so every appointment booked after it too. The
    baseline, run against the same data."""
    raw = _raw()
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        kwargs: dict[str, Any] = {
            "TableName": dynamo.table_name(),
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": {
                ":pk": {"S": client_pk(org_id, client_id)},
                ":low": {"S": appointment_store.PREFIX + appointment_id},
                ":high": {"S": "S#\uffff"},
            },
            "ConsistentRead": True,
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = raw.query(**kwargs)
        items += page["Items"]  # no filter: as many as it scanned
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def old_full_block_reads(org_id: str, client_id: str, appointment_id: str) -> int:
    """How many items `old_full_block` reads."""
    return len(old_full_block(org_id, client_id, appointment_id))


# -- what one appointment read or write reads ------------------------------------------------

# (label, method, body): each runs against one appointment, in this order.
OPERATIONS: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("GET", "GET", None),
    ("PATCH notes", "PATCH", {"notes": "Knee better"}),
    ("cancel", "PATCH", {"status": "cancelled"}),
    ("complete", "PATCH", {"status": "completed"}),  # not for one dated in the future
    ("delete", "DELETE", None),
)
APPOINTMENT = "/appointments/{appointment_id}"
WHICH = ("oldest", "middle", "today", "newest")

# Runs one request, returns its response and the DynamoDB calls and items it read.
Counted = Callable[[Callable[[], dict[str, Any]]], tuple[dict[str, Any], list[str], int]]


@dataclass(frozen=True)
class Measured:
    which: str  # a new booking ("new"), or the oldest, middle, today's, newest appointment
    operation: str
    calls: tuple[str, ...]
    items: int
    status: int


def measure(call: Call, counted: Counted, history: History) -> list[Measured]:
    """A booking a week after the newest appointment, then every operation on the oldest,
    middle, today's and the newest appointment, with the calls and items each read (the
    newest, dated in the future, is not completed)."""
    starts = history.after_newest
    booking = {
        "client_id": history.client_id,
        "practitioner_id": history.staff_id,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "package_id": history.package_ids[-1],
    }
    response, calls, items = counted(lambda: call("POST", "/appointments", {}, booking))
    out = [Measured("new", "book", tuple(calls), items, int(response["status"]))]
    for which in WHICH:
        params = {"appointment_id": getattr(history, which)}
        for label, method, body in OPERATIONS:
            if label == "complete" and which == "newest":
                continue
            response, calls, items = counted(partial(call, method, APPOINTMENT, params, body))
            out.append(Measured(which, label, tuple(calls), items, int(response["status"])))
    return out
