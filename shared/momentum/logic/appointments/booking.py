"""Booking, changing and deleting appointments (SPEC §3): each write loads the client's
tracked state with ONE strongly consistent Query (a change also reads the appointment by
its key, never the client's other appointments), decides the change, and writes it with
every summary, status and due date it affects in ONE transaction (`folds.operations`).

Concurrent writes for the same client serialise on `state_version` conditions: the loser
loads again and decides afresh (`optimistic_write`), so no write is ever lost and none is
applied twice. A transaction DynamoDB throttled wrote nothing and is retried the same way,
so a burst of bookings lands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from momentum import ids
from momentum.domain.access import Principal
from momentum.domain.appointments import AppointmentKind, AppointmentStatus
from momentum.domain.clients import ensure_can_book
from momentum.domain.errors import Conflict, FieldError, InvalidInput
from momentum.domain.packages import ensure_can_take_appointment, package_for_new_appointment
from momentum.domain.people import Member, Part
from momentum.logic import summaries
from momentum.logic.appointments.access import ensure_may_book, ensure_may_change
from momentum.logic.appointments.folds import Change, When, operations
from momentum.logic.appointments.reads import banners, client_of, when_of
from momentum.logic.idempotency_keys import KeyedRequest
from momentum.logic.packages import new_package_record
from momentum.logic.people import Named, check_named, ensure_may_name_practitioner, read_members
from momentum.logic.writes import Decision, optimistic_write
from momentum.store import appointments as appointment_store
from momentum.store import package_templates as template_store
from momentum.store.appointments import AppointmentRecord, AppointmentState, BookingState
from momentum.store.due import instant_text
from momentum.store.packages import PackageRecord

# An appointment, with the tracker banners it shows.
type Booked = tuple[AppointmentRecord, list[dict[str, Any]]]

# Fields a PATCH may change, and those of them that cannot be emptied.
CHANGEABLE = ("starts_at", "ends_at", "status", "package_id", "practitioner_id", "notes", "kind")
REQUIRED = ("starts_at", "ends_at", "status", "kind", "practitioner_id")


def _facts_problem(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(("body", field), message)])


@dataclass(frozen=True)
class Booking:
    """What a booking request asks for (its body, as the route's schema validated it)."""

    client_id: str
    practitioner_id: str | None
    starts_at: datetime
    ends_at: datetime
    kind: AppointmentKind
    status: AppointmentStatus
    package_id: str | None
    template_id: str | None
    engagement_id: str | None
    notes: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Booking:
        return cls(
            client_id=str(data["client_id"]),
            practitioner_id=data.get("practitioner_id"),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            kind=AppointmentKind(data.get("kind") or AppointmentKind.SESSION),
            status=AppointmentStatus(data.get("status") or AppointmentStatus.SCHEDULED),
            package_id=data.get("package_id"),
            template_id=data.get("template_id"),
            engagement_id=data.get("engagement_id"),
            notes=data.get("notes") or "",
        )

    def record(self, principal: Principal, appointment_id: str, when: When) -> AppointmentRecord:
        """The appointment as booked now (its package is chosen next)."""
        now_text = instant_text(when.now)
        return AppointmentRecord(
            org_id=principal.org_id,
            id=appointment_id,
            client_id=self.client_id,
            practitioner_id=self.practitioner_id or principal.user_id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            kind=self.kind,
            status=self.status,
            engagement_id=self.engagement_id,
            notes=self.notes,
            version=1,
            created_at=now_text,
            updated_at=now_text,
        )


def _practitioner_named(principal: Principal, practitioner_id: str | None) -> list[Named]:
    """The practitioner a request names (staff may name only themselves: 403)."""
    if practitioner_id is None:
        return []
    ensure_may_name_practitioner(principal, practitioner_id)
    return [Named(("body", "practitioner_id"), practitioner_id, Part.PRACTITIONER)]


def _ensure_engagement(state: BookingState, engagement_id: str | None) -> None:
    """An engagement the appointment is linked to must be the client's (422)."""
    if engagement_id is not None and engagement_id not in state.engagements:
        raise _facts_problem("engagement_id", "no such engagement for this client")


def _package_of(state: BookingState, package_id: str) -> PackageRecord:
    package = state.packages.get(package_id)
    if package is None:
        raise _facts_problem("package_id", "no such package for this client")
    return package


def _ensure_takes(package: PackageRecord, day: date, when: When) -> None:
    """Open, in its dates, and for a subscription with sessions left in the period of the
    appointment's date `day` (409). A period older than the summary keeps is counted from
    the client's appointments (`summaries.with_package_history`)."""
    summaries.with_package_history(
        package,
        when.timezone,
        lambda summary: ensure_can_take_appointment(package.package, summary, when.today, day),
    )


def _takes(package: PackageRecord, day: date, when: When) -> bool:
    try:
        _ensure_takes(package, day, when)
    except Conflict:
        return False
    return True


def _new_pack(
    principal: Principal, state: BookingState, template_id: str, day: date, when: When
) -> PackageRecord:
    """A pack made from a template for this appointment, starting by its date."""
    template = template_store.get(principal.org_id, template_id)
    if template is None:
        raise _facts_problem("template_id", "no such package template in your organization")
    fresh = new_package_record(
        principal, state.client, {"start_date": min(day, when.today)}, today=when.today,
        template=template,
    )  # fmt: skip
    _ensure_takes(fresh, day, when)
    return fresh


def _package_for(
    principal: Principal, state: BookingState, booking: Booking, day: date, when: When
) -> tuple[str | None, PackageRecord | None]:
    """Which package the appointment goes into: a new pack made from a template, or the
    one asked for (it must take the appointment), or else the client's preferred package
    if it takes it. Returns the id and the new pack, if one is made."""
    if booking.template_id is not None:
        fresh = _new_pack(principal, state, booking.template_id, day, when)
        return fresh.id, fresh
    if booking.package_id is not None:
        _ensure_takes(_package_of(state, booking.package_id), day, when)
    preferred = _preferred(state, day, when)
    chosen = package_for_new_appointment(
        booking.package_id,
        None if preferred is None else preferred.id,
        preferred_is_open=preferred is not None,
    )
    return chosen, None


def _preferred(state: BookingState, day: date, when: When) -> PackageRecord | None:
    """The client's preferred package (the newest, should there be more than one), if it
    takes an appointment dated `day`."""
    preferred = sorted(
        (p for p in state.packages.values() if p.preferred), key=lambda p: p.created_at
    )
    return next((p for p in reversed(preferred) if _takes(p, day, when)), None)


def create_appointment(
    principal: Principal, data: dict[str, Any], key: KeyedRequest | None = None
) -> Booked:
    """Create it, fold it into every summary, and return it with its tracker banners.

    With `key`, its claim (answer: the appointment's id) is written in the same
    transaction; `KeyUsed` when the key was used before (nothing written)."""
    booking = Booking.of(data)
    if not ids.is_id(booking.client_id, "cl"):
        raise _facts_problem("client_id", "no such client")
    appointment_id = ids.new_owned_id("apt", booking.client_id)
    # A practitioner the request names is checked (the caller, by default, is not).
    named = _practitioner_named(principal, booking.practitioner_id)
    members = read_members(principal, named) if named else {}

    def decide(state: BookingState) -> Decision[Booked]:
        when = when_of(principal.org_id)
        client = state.client
        ensure_may_book(principal, client)
        ensure_can_book(client.status)
        check_named(members, named, location_id=client.location_id)
        _ensure_engagement(state, booking.engagement_id)
        record = booking.record(principal, appointment_id, when)
        day = record.facts(when.timezone).date
        package_id, new_package = _package_for(principal, state, booking, day, when)
        record = replace(record, package_id=package_id)
        ops = operations(state, Change(None, record, new_package), when)
        summary = client.client_summary().apply_change(None, record.facts(when.timezone))
        shown = banners(state.trackers.values(), summary, record, when)
        if key is not None:
            ops = [*ops, key.claim_op({"id": appointment_id})]
        return Decision((record, shown), ops)

    def already_done() -> Booked | None:
        # A create retried after its first attempt wrote (same Idempotency-Key, same id)
        # finds its appointment there: answer with it.
        existing = appointment_store.get(principal.org_id, booking.client_id, appointment_id)
        return None if existing is None else (existing, [])

    return optimistic_write(
        thing="client",
        load=lambda: appointment_store.booking_state(principal.org_id, booking.client_id),
        decide=decide,
        already_done=already_done,
        commit=None if key is None else key.commit,
    )


def _patch_fields(changes: Mapping[str, Any], state: BookingState) -> dict[str, Any]:
    """The fields a PATCH changes, parsed; a required one sent as null is a 422."""
    fields = {k: v for k, v in changes.items() if k in CHANGEABLE}
    if fields.get("status") is not None:
        fields["status"] = AppointmentStatus(fields["status"])
    if fields.get("kind") is not None:
        fields["kind"] = AppointmentKind(fields["kind"])
    emptied = next((name for name in REQUIRED if name in fields and fields[name] is None), None)
    if emptied is not None:
        raise _facts_problem(emptied, "cannot be null")
    if "engagement_id" in changes:
        _ensure_engagement(state, changes["engagement_id"])
        fields["engagement_id"] = changes["engagement_id"]
    return fields


def _patched(
    current: AppointmentRecord, changes: Mapping[str, Any], state: BookingState, when: When
) -> AppointmentRecord:
    """The appointment with the PATCH applied (a moved start moves the end with it)."""
    after = replace(
        current,
        **_patch_fields(changes, state),
        version=current.version + 1,
        updated_at=instant_text(when.now),
    )
    if after.starts_at != current.starts_at and "ends_at" not in changes:
        after = replace(after, ends_at=after.starts_at + (current.ends_at - current.starts_at))
    return after


def update_appointment(
    principal: Principal,
    appointment_id: str,
    changes: dict[str, Any],
    expected_version: int | None,
) -> AppointmentRecord:
    client_id = client_of(appointment_id)
    practitioner_id = changes.get("practitioner_id")
    members: dict[str, Member] = {}
    if practitioner_id is not None:
        named = [Named(("body", "practitioner_id"), practitioner_id, Part.PRACTITIONER)]
        members = read_members(principal, named)

    def decide(state: AppointmentState) -> Decision[AppointmentRecord]:
        when = when_of(principal.org_id)
        current, client = state.appointment, state.client
        ensure_may_change(principal, client, current)
        if practitioner_id is not None and practitioner_id != current.practitioner_id:
            # Only a new practitioner is checked: re-sending the current one always works.
            named = _practitioner_named(principal, practitioner_id)
            check_named(members, named, location_id=client.location_id)
        after = _patched(current, changes, state, when)
        if "package_id" in changes and after.package_id not in (None, current.package_id):
            day = after.facts(when.timezone).date
            _ensure_takes(_package_of(state, str(after.package_id)), day, when)
        return Decision(after, operations(state, Change(current, after), when))

    return optimistic_write(
        thing="appointment",
        load=lambda: appointment_store.appointment_state(
            principal.org_id, client_id, appointment_id
        ),
        decide=decide,
        version=lambda state: state.appointment.version,
        expected_version=expected_version,
    )


def delete_appointment(principal: Principal, appointment_id: str) -> None:
    client_id = client_of(appointment_id)

    def decide(state: AppointmentState) -> Decision[None]:
        when = when_of(principal.org_id)
        ensure_may_change(principal, state.client, state.appointment)
        return Decision(None, operations(state, Change(state.appointment, None), when))

    optimistic_write(
        thing="appointment",
        load=lambda: appointment_store.appointment_state(
            principal.org_id, client_id, appointment_id
        ),
        decide=decide,
    )
