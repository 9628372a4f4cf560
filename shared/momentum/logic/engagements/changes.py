"""Setting up and changing engagements (SPEC §7).

Who may set one up: owners, global admins, and location admins (for their locations). Who
may change one: owners and global admins, location admins of its location, and its owner.
Every write recomputes the due date (`logic.tracking.refresh_engagement`) and records its
status transitions (`logic.history`) in the same transaction, through
`logic.writes.optimistic_write`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from momentum import ids
from momentum.domain.access import Principal, Role
from momentum.domain.engagements import (
    Engagement,
    EngagementStatus,
    EngagementSummary,
    EngagementTracking,
    change_status,
    select_coach,
)
from momentum.domain.errors import Forbidden, NotFound
from momentum.domain.people import Part
from momentum.logic.engagements.common import (
    ENGAGEMENT,
    invalid,
    now,
    refuse_nulls,
    today_for,
)
from momentum.logic.engagements.templates import find_template
from momentum.logic.engagements.visibility import get_engagement, may_access_coachee, may_change
from momentum.logic.history import STATUS, history_op
from momentum.logic.people import Named, ensure_named
from momentum.logic.tracking import refresh_engagement
from momentum.logic.writes import Decision, ensure_version, optimistic_write
from momentum.store import clients as client_store
from momentum.store import engagement_templates as template_store
from momentum.store import engagements as engagement_store
from momentum.store import organizations as org_store
from momentum.store.clients import ClientRecord
from momentum.store.due import instant_text
from momentum.store.engagement_templates import TemplateRecord
from momentum.store.engagements import EngagementRecord
from momentum.store.transactions import Op


class Cause(StrEnum):
    """What caused a status transition, as its history entry says."""

    CREATED = "created"
    LAUNCHED = "launched"
    COACH_SELECTED = "coach_selected"
    CHANGED = "changed"


@dataclass(frozen=True)
class Transition:
    before: EngagementStatus | None
    after: EngagementStatus
    cause: Cause


def _history_ops(
    principal: Principal, record: EngagementRecord, transitions: Sequence[Transition], today: date
) -> list[Op]:
    base = ids.new_id("hist")
    return [
        history_op(
            principal.org_id,
            ENGAGEMENT,
            record.id,
            None if t.before is None else t.before.value,
            t.after.value,
            today,
            t.cause.value,
            field=STATUS,
            actor_id=principal.user_id,
            entry_id=f"{base}{n:02d}",  # ordered within one request
        )
        for n, t in enumerate(transitions)
    ]


def _check_location(principal: Principal, location_id: str | None) -> None:
    if location_id is None:
        return
    org = org_store.get(principal.org_id)
    if org is None or location_id not in org.location_ids():
        raise invalid("location_id", "no such location in your organization")


def _people_named(body: Mapping[str, Any], current: Engagement | None = None) -> list[Named]:
    """The coach and owner the request names, where they are new (the caller, owner by
    default, and the current coach or owner re-sent are not checked again)."""
    named = []
    for field, part in (("coach_id", Part.COACH), ("owner_id", Part.ENGAGEMENT_OWNER)):
        user_id = body.get(field)
        if user_id and (current is None or user_id != getattr(current, field)):
            named.append(Named(("body", field), str(user_id), part))
    return named


# -- setting one up ---------------------------------------------------------------------------


def _coachee(principal: Principal, coachee_id: str) -> ClientRecord:
    coachee = (
        client_store.get(principal.org_id, coachee_id) if ids.is_id(coachee_id, "cl") else None
    )
    if coachee is None:
        raise NotFound("No such client.")
    return coachee


def _new_location(
    principal: Principal, body: Mapping[str, Any], coachee: ClientRecord
) -> str | None:
    """Where the new engagement belongs (the coachee's location unless the body names
    one), once the caller is seen to administer it and to have access to the coachee."""
    location_id = body.get("location_id") or coachee.location_id
    if body.get("location_id") is not None:
        _check_location(principal, location_id)
    if not principal.administers_location(location_id):
        raise Forbidden("Location admins set up engagements for their locations only.")
    if not may_access_coachee(principal, coachee):
        raise Forbidden("You do not have access to this coachee.")
    return location_id


def _new_engagement(
    principal: Principal,
    body: Mapping[str, Any],
    template: TemplateRecord,
    coachee: ClientRecord,
    location_id: str | None,
    today: date,
) -> tuple[Engagement, list[Transition]]:
    """A draft, with its coach when the body names one, launched when it asks to be."""
    engagement = Engagement(
        id=ids.new_owned_id("eng", coachee.id),
        type=template.engagement_type,
        status=EngagementStatus.DRAFT,
        coachee_id=coachee.id,
        owner_id=str(body.get("owner_id") or principal.user_id),
        location_id=location_id,
    )
    if body.get("coach_id"):
        engagement = select_coach(engagement, str(body["coach_id"]), today=today)
    transitions = [Transition(None, EngagementStatus.DRAFT, Cause.CREATED)]
    status = EngagementStatus(body.get("status") or EngagementStatus.DRAFT)
    if status is not EngagementStatus.DRAFT:
        engagement = change_status(
            engagement, status, today=today, template_tracking=template.tracking
        )
        transitions.append(Transition(EngagementStatus.DRAFT, status, Cause.LAUNCHED))
    return engagement, transitions


def create_engagement(principal: Principal, body: Mapping[str, Any]) -> EngagementRecord:
    """A new engagement from a template, in draft unless `status` launches it at once."""
    if principal.role in (Role.CLIENT, Role.STAFF):
        raise Forbidden("Engagements are set up by administrators.")
    template = find_template(principal.org_id, str(body["template_id"]))
    coachee = _coachee(principal, str(body["coachee_id"]))
    location_id = _new_location(principal, body, coachee)
    ensure_named(principal, _people_named(body), location_id=location_id)
    today, tz = today_for(principal.org_id)
    engagement, transitions = _new_engagement(
        principal, body, template, coachee, location_id, today
    )
    stamp = instant_text(now())
    record = EngagementRecord(
        org_id=principal.org_id,
        engagement=engagement,
        template_id=template.id,
        name=str(body.get("name") or template.name),
        summary=EngagementSummary.empty(engagement.id, engagement.type),
        extra={"coachee_name": coachee.name},
        version=1,
        state_version=1,
        created_at=stamp,
        updated_at=stamp,
    )
    record = refresh_engagement(record, today, tz)

    def decide(_: ClientRecord) -> Decision[EngagementRecord]:
        ops = [
            engagement_store.create_op(record),
            client_store.still_there_op(principal.org_id, coachee.id),
            *_history_ops(principal, record, transitions, today),
        ]
        return Decision(record, ops)

    # The condition that can fail is the coachee's: deleted meanwhile, "No such client."
    return optimistic_write(
        thing="client",
        load=lambda: client_store.get(principal.org_id, coachee.id),
        decide=decide,
        already_done=lambda: engagement_store.get(principal.org_id, coachee.id, record.id),
        loaded=coachee,
    )


# -- changing one -----------------------------------------------------------------------------


def _with_coach(
    engagement: Engagement, coach: str | None, today: date
) -> tuple[Engagement, list[Transition]]:
    """A coach first: for coach matching, choosing one is activity and ends matching."""
    if coach is None or coach == engagement.coach_id:
        return engagement, []
    chosen = select_coach(engagement, str(coach), today=today)
    if chosen.status is engagement.status:
        return chosen, []
    return chosen, [Transition(engagement.status, chosen.status, Cause.COACH_SELECTED)]


def _with_status(
    engagement: Engagement, status: str | None, today: date, tracking: EngagementTracking | None
) -> tuple[Engagement, list[Transition]]:
    if status is None or EngagementStatus(status) is engagement.status:
        return engagement, []
    to = EngagementStatus(status)
    launching = engagement.status is EngagementStatus.DRAFT
    changed = change_status(
        engagement, to, today=today, template_tracking=tracking if launching else None
    )
    cause = Cause.LAUNCHED if launching else Cause.CHANGED
    return changed, [Transition(engagement.status, to, cause)]


def _with_location(
    principal: Principal, engagement: Engagement, changes: Mapping[str, Any]
) -> Engagement:
    if "location_id" not in changes or changes["location_id"] == engagement.location_id:
        return engagement
    location_id = changes["location_id"]
    _check_location(principal, location_id)
    if not principal.administers_location(location_id):
        raise Forbidden("Location admins move engagements between their locations only.")
    return replace(engagement, location_id=location_id)


def _apply(
    principal: Principal,
    record: EngagementRecord,
    changes: Mapping[str, Any],
    *,
    today: date,
    tracking: EngagementTracking | None,
) -> tuple[EngagementRecord, list[Transition]]:
    """The engagement with a PATCH applied: a coach first, then the status, then the rest."""
    refuse_nulls(changes, ("name", "status", "coach_id", "owner_id"))
    engagement, coached = _with_coach(record.engagement, changes.get("coach_id"), today)
    engagement, moved = _with_status(engagement, changes.get("status"), today, tracking)
    if changes.get("owner_id") is not None:
        engagement = replace(engagement, owner_id=str(changes["owner_id"]))
    engagement = _with_location(principal, engagement, changes)
    name = str(changes.get("name", record.name))
    return replace(record, engagement=engagement, name=name), [*coached, *moved]


def _launch_tracking(
    principal: Principal, record: EngagementRecord, changes: Mapping[str, Any]
) -> EngagementTracking | None:
    """Launching a draft copies the template's tracking settings as they are now."""
    launching = changes.get("status") is not None
    if not launching or record.engagement.status is not EngagementStatus.DRAFT:
        return None
    template = template_store.get(principal.org_id, record.template_id or "")
    return None if template is None else template.tracking


def update_engagement(
    principal: Principal,
    engagement_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> EngagementRecord:
    """PATCH: status transitions (draft → active/matching → completed/cancelled), coach
    selection, owner, location, name. If-Match guards against lost updates (412); a
    booking that moved the summary meanwhile is kept (the change is decided again)."""
    record = get_engagement(principal, engagement_id)
    if not may_change(principal, record.engagement):
        raise Forbidden("Only administrators of its location and its owner change an engagement.")
    ensure_version(ENGAGEMENT, record.version, expected_version)
    if not changes:
        return record
    ensure_named(
        principal,
        _people_named(changes, record.engagement),
        location_id=changes.get("location_id", record.engagement.location_id),
    )
    tracking = _launch_tracking(principal, record, changes)

    def decide(current: EngagementRecord) -> Decision[EngagementRecord]:
        today, tz = today_for(principal.org_id)
        changed, transitions = _apply(principal, current, changes, today=today, tracking=tracking)
        changed = replace(changed, version=current.version + 1, updated_at=instant_text(now()))
        changed = refresh_engagement(changed, today, tz)
        ops = [
            engagement_store.write_op(
                changed,
                expected_version=current.version,
                expected_state_version=current.state_version,
            ),
            *_history_ops(principal, changed, transitions, today),
        ]
        return Decision(changed, ops)

    return optimistic_write(
        thing=ENGAGEMENT,
        load=lambda: engagement_store.get(
            principal.org_id, record.engagement.coachee_id, engagement_id
        ),
        decide=decide,
        version=lambda r: r.version,
        expected_version=expected_version,
        loaded=record,
    )
