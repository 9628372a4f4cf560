"""Appointment use cases (SPEC §3): every write updates the appointment and every summary,
status and due date it affects — client, packages, engagements, trackers (and the tasks a
completion triggers) — in ONE transaction, after ONE strongly consistent Query.

Concurrent writes for the same client serialise on `state_version` conditions: the loser
re-reads and re-applies its change, so no write is ever lost and none is applied twice."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role, may_book_for_client
from momentum.domain.appointments import AppointmentKind, AppointmentStatus, check_change
from momentum.domain.clients import ensure_can_book, status_after_appointment
from momentum.domain.dates import today_in
from momentum.domain.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
)
from momentum.domain.packages import ensure_can_take_appointment
from momentum.domain.people import Member, Part
from momentum.domain.trackers import shows_on_appointment, tracker_view
from momentum.logic.access import ensure_portal_client
from momentum.logic.history import LIFECYCLE, PROGRESS, history_op
from momentum.logic.organizations import organization_settings
from momentum.logic.packages import new_package_record
from momentum.logic.people import Named, check_named, ensure_may_name_practitioner, read_members
from momentum.logic.tracking import evaluate_tracker_now, refresh_engagement, refresh_package
from momentum.store import appointments as appointment_store
from momentum.store import dynamo
from momentum.store import engagements as engagement_store
from momentum.store import package_templates as template_store
from momentum.store import packages as package_store
from momentum.store import trackers as tracker_store
from momentum.store.appointments import AppointmentRecord, ClientState
from momentum.store.clients import CLIENT_SK, ClientRecord, assignment_item
from momentum.store.due import instant_text
from momentum.store.keys import client_pk
from momentum.store.packages import PackageRecord

# Optimistic concurrency: a write that lost a race re-reads and re-applies. Enough attempts
# (with jittered backoff) for a burst of completions against one package to all land.
WRITE_ATTEMPTS = 40


@dataclass(frozen=True)
class Clock:
    now: datetime
    today: date
    timezone: str


def _clock(org_id: str) -> Clock:
    now = clock.current().now()
    tz = organization_settings(org_id).timezone
    return Clock(now, today_in(tz, now), tz)


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))  # noqa: S311 - jitter only


def _client_of(appointment_id: str) -> str:
    client_id = ids.owner_client(appointment_id, "apt")
    if client_id is None:
        raise NotFound("No such appointment.")
    return client_id


# -- access ---------------------------------------------------------------------------------


def _ensure_may_book(principal: Principal, client: ClientRecord) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Appointments are booked by the practice.")
    if not may_book_for_client(
        principal, location_id=client.location_id, assigned_staff=client.assigned_practitioner_ids
    ):
        raise Forbidden("Staff book appointments only for clients assigned to them.")


def _ensure_may_see(principal: Principal, client: ClientRecord, record: AppointmentRecord) -> None:
    from momentum.domain.access import may_access_client

    if principal.role is Role.CLIENT:
        if principal.client_id != client.id:
            raise NotFound("No such appointment.")
        return
    if principal.role is Role.STAFF and record.practitioner_id == principal.user_id:
        return
    if not may_access_client(
        principal,
        client_id=client.id,
        location_id=client.location_id,
        assigned_staff=client.assigned_practitioner_ids,
    ):
        raise Forbidden("You do not have access to this client's appointments.")


# -- the one write path -----------------------------------------------------------------------


@dataclass
class Change:
    """One appointment change, with what it brings along (a pack made from a template)."""

    before: AppointmentRecord | None
    after: AppointmentRecord | None
    new_package: PackageRecord | None = None


def _operations(state: ClientState, change: Change, when: Clock) -> list[dict[str, Any]]:
    client = state.client
    assert client is not None
    tz, today = when.timezone, when.today
    before = change.before.facts(tz) if change.before else None
    after = change.after.facts(tz) if change.after else None
    check_change(after, today)
    ops: list[dict[str, Any]] = []
    if change.after is not None:
        expected = change.before.version if change.before else 0
        ops.append(appointment_store.write_op(change.after, tz, expected_version=expected))
    elif change.before is not None:
        ops.append(appointment_store.delete_op(change.before))

    # The client: its summary (trackers count from it), prospect → active, assignment.
    summary = client.client_summary().apply_change(before, after)
    status = status_after_appointment(client.status, after)
    assigned = client.assigned_practitioner_ids
    if change.after is not None and change.after.practitioner_id not in assigned:
        # A practitioner becomes assigned when an appointment is created with them.
        assigned = (*assigned, change.after.practitioner_id)
    profile_changed = status != client.status or assigned != client.assigned_practitioner_ids
    updated_client = replace(client, status=status, assigned_practitioner_ids=assigned)
    ops.append(
        dynamo.update_op(
            client_pk(client.org_id, client.id),
            CLIENT_SK,
            # `assigned_practitioners`: the stored name of assigned_practitioner_ids.
            update=(
                "SET #summary = :summary, #status = :status, assigned_practitioners = :assigned, "
                "state_version = :next_state, #version = :version"
            ),
            condition="attribute_exists(pk) AND state_version = :state",
            names={"#summary": "summary", "#status": "status", "#version": "version"},
            values={
                ":summary": summary.to_dict(),
                ":status": status.value,
                ":assigned": list(assigned),
                ":next_state": client.state_version + 1,
                ":state": client.state_version,
                ":version": client.version + (1 if profile_changed else 0),
            },
        )
    )
    if assigned != client.assigned_practitioner_ids or status != client.status:
        ops += [dynamo.put_op(assignment_item(updated_client, s)) for s in assigned]

    # Packages: the one it left and the one it joined.
    package_ids = {f.package_id for f in (before, after) if f is not None and f.package_id}
    for package_id in sorted(package_ids):
        if change.new_package is not None and change.new_package.id == package_id:
            record, versions = change.new_package, (0, 0)
        else:
            record = state.packages[package_id]
            versions = (record.version, record.state_version)
        folded = replace(
            record,
            summary=record.package_summary().apply_change(before, after),
            state_version=record.state_version + (0 if versions == (0, 0) else 1),
        )
        # A new pack has no past; an existing one is caught up with what it was before.
        new = versions == (0, 0)
        refreshed = refresh_package(folded, today, tz, before=None if new else record)
        ops += _package_history(record, refreshed, new, today)
        ops.append(
            package_store.write_op(
                refreshed, expected_version=versions[0], expected_state_version=versions[1]
            )
        )

    # Engagements: sessions (or discovery calls) are their activity.
    from momentum.domain.engagements import progress_on

    engagement_ids = {f.engagement_id for f in (before, after) if f is not None and f.engagement_id}
    for engagement_id in sorted(engagement_ids):
        engagement = state.engagements[engagement_id]
        folded_engagement = replace(
            engagement,
            summary=engagement.engagement_summary().apply_change(before, after),
            state_version=engagement.state_version + 1,
        )
        was = progress_on(engagement.engagement, engagement.engagement_summary(), today).status
        now_is = progress_on(engagement.engagement, folded_engagement.engagement_summary(), today)
        if was != now_is.status:
            ops.append(
                history_op(
                    client.org_id, "engagement", engagement_id, was.value, now_is.status.value,
                    today, "appointment", field=PROGRESS,
                )
            )  # fmt: skip
        ops.append(
            engagement_store.write_op(
                refresh_engagement(folded_engagement, today, tz),
                expected_version=engagement.version,
                expected_state_version=engagement.state_version,
            )
        )

    # Trackers count the client's completed sessions: a completion that reaches a target
    # creates its task now. Only trackers whose state or due date moved are written.
    created = instant_text(when.now)
    completed_copy = summary.to_dict()["completed"]
    for tracker in state.trackers.values():
        evaluated, tasks = evaluate_tracker_now(tracker, summary, today, tz)
        evaluated = replace(evaluated, client_completed=completed_copy)
        if (
            evaluated.state != tracker.state
            or evaluated.due != tracker.due
            or tracker.client_completed != completed_copy
        ):
            ops.append(
                tracker_store.write_op(
                    replace(evaluated, state_version=tracker.state_version + 1),
                    expected_version=tracker.version,
                    expected_state_version=tracker.state_version,
                )
            )
        ops += [
            tracker_store.task_put_op(client.org_id, task, created_at=created) for task in tasks
        ]
    return ops


def _package_history(
    before: PackageRecord, after: PackageRecord, new: bool, today: date
) -> list[dict[str, Any]]:
    """Status history: the package's On track status and lifecycle transitions this
    appointment change caused, recorded in the same transaction."""
    from momentum.domain.packages import lifecycle_on

    if new:
        return []
    ops = []
    if before.status != after.status:
        ops.append(
            history_op(
                after.org_id, "package", after.id, before.status, after.status, today,
                "appointment", field=PROGRESS,
            )
        )  # fmt: skip
    was = lifecycle_on(before.package, before.package_summary(), today)
    now = lifecycle_on(after.package, after.package_summary(), today)
    if was != now:
        ops.append(
            history_op(
                after.org_id, "package", after.id, was.value, now.value, today, "appointment",
                field=LIFECYCLE,
            )
        )  # fmt: skip
    return ops


def _commit(
    principal: Principal,
    client_id: str,
    appointment_id: str | None,
    build: Any,
    *,
    expected_version: int | None = None,
    already_done: Any = None,
) -> Any:
    """Load the client's state, build the change, write it in one transaction; on a lost
    race, start over from a fresh read."""
    for attempt in range(WRITE_ATTEMPTS):
        state = appointment_store.load_state(principal.org_id, client_id, appointment_id)
        if state.client is None:
            raise NotFound("No such client." if appointment_id is None else "No such appointment.")
        if appointment_id is not None:
            if state.appointment is None:
                raise NotFound("No such appointment.")
            if expected_version is not None and state.appointment.version != expected_version:
                raise PreconditionFailed(
                    "The appointment changed since you read it; reload and try again."
                )
        when = _clock(principal.org_id)
        change, result = build(state, when)
        try:
            dynamo.transact_write(_operations(state, change, when))
        except dynamo.ConditionFailed:
            # A create retried after its first attempt wrote (same Idempotency-Key, same
            # id) finds its appointment there: answer with it.
            done = already_done() if already_done is not None else None
            if done is not None:
                return done
            _backoff(attempt)
            continue
        except ServiceUnavailable:
            # Transaction conflicts with a concurrent writer: retry the same way.
            _backoff(attempt)
            continue
        return result
    raise ServiceUnavailable("The client's records are busy; nothing was changed. Please retry.")


def _facts_problem(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(("body", field), message)])


def _package_for(
    principal: Principal,
    state: ClientState,
    record: AppointmentRecord,
    *,
    requested: str | None,
    template_id: str | None,
    when: Clock,
) -> tuple[str | None, PackageRecord | None]:
    """Which package the appointment goes into: the one asked for (it must be open), a new
    pack made from a template, or else the client's preferred package while it is open."""
    client = state.client
    assert client is not None
    day = record.facts(when.timezone).date
    if template_id is not None:
        template = template_store.get(principal.org_id, template_id)
        if template is None:
            raise _facts_problem("template_id", "no such package template in your organization")
        fresh = new_package_record(
            principal,
            client,
            {"start_date": min(day, when.today)},
            today=when.today,
            template=template,
        )
        ensure_can_take_appointment(fresh.package, fresh.package_summary(), when.today, day)
        return fresh.id, fresh
    if requested is not None:
        package = state.packages.get(requested)
        if package is None:
            raise _facts_problem("package_id", "no such package for this client")
        ensure_can_take_appointment(package.package, package.package_summary(), when.today, day)
        return requested, None
    preferred = sorted(
        (p for p in state.packages.values() if p.preferred), key=lambda p: p.created_at
    )
    for package in reversed(preferred):
        # Only if it can take this appointment: open, in its dates, and for a subscription
        # with sessions left in the period of the appointment's date.
        try:
            ensure_can_take_appointment(package.package, package.package_summary(), when.today, day)
        except Conflict:
            continue
        return package.id, None
    return None, None


def create_appointment(
    principal: Principal, data: dict[str, Any]
) -> tuple[AppointmentRecord, list[dict[str, Any]]]:
    """Create it, fold it into every summary, and return it with its tracker banners."""
    client_id = str(data["client_id"])
    appointment_id = ids.new_owned_id("apt", client_id) if ids.is_id(client_id, "cl") else None
    if appointment_id is None:
        raise _facts_problem("client_id", "no such client")
    # A practitioner the request names is checked (the caller, by default, is not).
    named = _practitioner_named(principal, data.get("practitioner_id"))
    members = read_members(principal, named) if named else {}

    def build(
        state: ClientState, when: Clock
    ) -> tuple[Change, tuple[AppointmentRecord, list[dict[str, Any]]]]:
        client = state.client
        assert client is not None
        _ensure_may_book(principal, client)
        ensure_can_book(client.status)
        check_named(members, named, location_id=client.location_id)
        engagement_id = data.get("engagement_id")
        if engagement_id is not None and engagement_id not in state.engagements:
            raise _facts_problem("engagement_id", "no such engagement for this client")
        now_text = instant_text(when.now)
        record = AppointmentRecord(
            org_id=principal.org_id,
            id=appointment_id,
            client_id=client_id,
            practitioner_id=str(data.get("practitioner_id") or principal.user_id),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            kind=AppointmentKind(data.get("kind") or "session"),
            status=AppointmentStatus(data.get("status") or "scheduled"),
            engagement_id=engagement_id,
            notes=data.get("notes") or "",
            version=1,
            created_at=now_text,
            updated_at=now_text,
        )
        package_id, new_package = _package_for(
            principal,
            state,
            record,
            requested=data.get("package_id"),
            template_id=data.get("template_id"),
            when=when,
        )
        record = replace(record, package_id=package_id)
        summary = client.client_summary().apply_change(None, record.facts(when.timezone))
        return Change(None, record, new_package), (record, _banners(state, record, when, summary))

    def already_done() -> tuple[AppointmentRecord, list[dict[str, Any]]] | None:
        existing = appointment_store.get(principal.org_id, client_id, appointment_id)
        return None if existing is None else (existing, [])

    result: tuple[AppointmentRecord, list[dict[str, Any]]] = _commit(
        principal, client_id, None, build, already_done=already_done
    )
    return result


def _practitioner_named(principal: Principal, practitioner_id: str | None) -> list[Named]:
    """The practitioner a request names (staff may name only themselves: 403)."""
    if practitioner_id is None:
        return []
    ensure_may_name_practitioner(principal, practitioner_id)
    return [Named(("body", "practitioner_id"), practitioner_id, Part.PRACTITIONER)]


# Fields a PATCH may change.
CHANGEABLE = ("starts_at", "ends_at", "status", "package_id", "practitioner_id", "notes", "kind")


def update_appointment(
    principal: Principal,
    appointment_id: str,
    changes: dict[str, Any],
    expected_version: int | None,
) -> AppointmentRecord:
    client_id = _client_of(appointment_id)
    practitioner_id = changes.get("practitioner_id")
    members: dict[str, Member] = {}
    if practitioner_id is not None:
        named = [Named(("body", "practitioner_id"), practitioner_id, Part.PRACTITIONER)]
        members = read_members(principal, named)

    def build(state: ClientState, when: Clock) -> tuple[Change, AppointmentRecord]:
        client, current = state.client, state.appointment
        assert client is not None
        assert current is not None
        _ensure_may_see(principal, client, current)
        _ensure_may_book(principal, client)
        if practitioner_id is not None and practitioner_id != current.practitioner_id:
            # Only a new practitioner is checked: re-sending the current one always works.
            check_named(
                members,
                _practitioner_named(principal, practitioner_id),
                location_id=client.location_id,
            )
        fields = {k: v for k, v in changes.items() if k in CHANGEABLE}
        if fields.get("status") is not None:
            fields["status"] = AppointmentStatus(fields["status"])
        if fields.get("kind") is not None:
            fields["kind"] = AppointmentKind(fields["kind"])
        for required in ("starts_at", "ends_at", "status", "kind", "practitioner_id"):
            if required in fields and fields[required] is None:
                raise _facts_problem(required, "cannot be null")
        if "engagement_id" in changes:
            engagement_id = changes["engagement_id"]
            if engagement_id is not None and engagement_id not in state.engagements:
                raise _facts_problem("engagement_id", "no such engagement for this client")
            fields["engagement_id"] = engagement_id
        after = replace(current, **fields, version=current.version + 1,
                        updated_at=instant_text(when.now))  # fmt: skip
        if after.starts_at != current.starts_at and "ends_at" not in changes:
            after = replace(after, ends_at=after.starts_at + (current.ends_at - current.starts_at))
        if "package_id" in changes and after.package_id not in (None, current.package_id):
            package = state.packages.get(str(after.package_id))
            if package is None:
                raise _facts_problem("package_id", "no such package for this client")
            day = after.facts(when.timezone).date
            ensure_can_take_appointment(package.package, package.package_summary(), when.today, day)
        return Change(current, after), after

    result: AppointmentRecord = _commit(
        principal, client_id, appointment_id, build, expected_version=expected_version
    )
    return result


def delete_appointment(principal: Principal, appointment_id: str) -> None:
    client_id = _client_of(appointment_id)

    def build(state: ClientState, when: Clock) -> tuple[Change, None]:
        del when
        client, current = state.client, state.appointment
        assert client is not None
        assert current is not None
        _ensure_may_see(principal, client, current)
        _ensure_may_book(principal, client)
        return Change(current, None), None

    _commit(principal, client_id, appointment_id, build)


def _banners(
    state: ClientState, record: AppointmentRecord, when: Clock, summary: Any = None
) -> list[dict[str, Any]]:
    """The client's tracker banners, shown on appointments dated today or earlier only."""
    assert state.client is not None
    if not shows_on_appointment(record.facts(when.timezone).date, when.today):
        return []
    summary = summary or state.client.client_summary()
    banners = []
    for tracker in sorted(state.trackers.values(), key=lambda t: t.created_at):
        view = tracker_view(tracker.tracker, summary, when.today)
        banners.append(
            {
                "tracker_id": tracker.id,
                "note": tracker.tracker.note,
                "color": tracker.tracker.color,
                "sessions": tracker.tracker.sessions,
                "used": view.used,
                "remaining": view.remaining,
                "begin_date": view.begin_date,
                "end_date": view.end_date,
                "ended": view.ended,
            }
        )
    return banners


def get_appointment(
    principal: Principal, appointment_id: str
) -> tuple[AppointmentRecord, list[dict[str, Any]]]:
    """The appointment and, when it is dated today or earlier, the client's tracker
    banners (never on future appointments). One Query reads both."""
    client_id = _client_of(appointment_id)
    ensure_portal_client(principal)
    state = appointment_store.load_state(principal.org_id, client_id, appointment_id)
    if state.client is None or state.appointment is None:
        raise NotFound("No such appointment.")
    record = state.appointment
    _ensure_may_see(principal, state.client, record)
    if principal.role is Role.CLIENT:
        return record, []  # trackers are staff tools (SPEC §9): no banners in the portal
    return record, _banners(state, record, _clock(principal.org_id))


def list_appointments(
    principal: Principal,
    *,
    client_id: str | None,
    practitioner_id: str | None,
    start_from: datetime | None,
    start_to: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[AppointmentRecord], str | None]:
    """Appointments by start time: a client's, a practitioner's, or the organization's
    (administrators). Staff see their own; clients their own."""
    from momentum.logic.access import load_client
    from momentum.store.cursors import decode_cursor, encode_cursor

    now = clock.current().now()
    if principal.role is Role.CLIENT:
        # A client lists only their own: another client's id is refused by load_client
        # (404, as for every other client id), never answered with the caller's own.
        client_id = client_id or principal.client_id
    if client_id is not None:
        load_client(principal, client_id)
    elif principal.role is Role.STAFF:
        if practitioner_id not in (None, principal.user_id):
            raise Forbidden("Staff list their own appointments or their clients'.")
        practitioner_id = principal.user_id
    elif practitioner_id is None and principal.role is Role.LOCATION_ADMIN:
        raise InvalidInput(
            "Location admins list by client or practitioner.",
            errors=[FieldError(("query", "client_id"), "required for location admins")],
        )
    scope = f"apts|{client_id}|{practitioner_id}|{start_from}|{start_to}"
    start_key = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=now)
    low = instant_text(start_from) if start_from else "0"
    high = (instant_text(start_to) if start_to else "9") + "#\uffff"
    if client_id is not None:
        items, last = dynamo.query(
            client_pk(principal.org_id, client_id),
            sk_prefix=appointment_store.PREFIX,
            limit=limit,
            start_key=start_key,
        )
        records = [appointment_store.from_item(i) for i in items]
        records = [
            r
            for r in records
            if (start_from is None or r.starts_at >= start_from)
            and (start_to is None or r.starts_at <= start_to)
            and (practitioner_id is None or r.practitioner_id == practitioner_id)
        ]
    else:
        pk = (
            appointment_store.staff_appointments_pk(principal.org_id, practitioner_id)
            if practitioner_id
            else appointment_store.org_appointments_pk(principal.org_id)
        )
        items, last = dynamo.query(
            pk,
            index="gsi2" if practitioner_id else "gsi1",
            sk_between=(low, high),
            limit=limit,
            start_key=start_key,
        )
        records = [appointment_store.from_item(i) for i in items]
    return records, encode_cursor(last, org_id=principal.org_id, scope=scope, now=now)


def appointment_view(
    record: AppointmentRecord, timezone: str, principal: Principal | None = None
) -> dict[str, Any]:
    """The appointment as the caller may see it: practice notes are not for clients."""
    hide_notes = principal is not None and principal.role is Role.CLIENT
    return {
        "id": record.id,
        "client_id": record.client_id,
        "practitioner_id": record.practitioner_id,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "date": record.facts(timezone).date,
        "kind": record.kind.value,
        "status": record.status.value,
        "package_id": record.package_id,
        "engagement_id": record.engagement_id,
        "notes": "" if hide_notes else record.notes,
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def timezone_of(org_id: str) -> str:
    return organization_settings(org_id).timezone
