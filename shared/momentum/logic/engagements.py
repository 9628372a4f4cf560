"""Engagement templates and coaching engagements (SPEC §7).

Who may see an engagement: owners and global admins; location admins of its location; its
owner and its coach; anyone with access to the coachee's client record (staff assigned to
the coachee, location admins of the coachee's location); and the coachee themself (client
token: their own engagements only, other ids answer 404). Of those, only the ones
`domain.access.may_see_engagement_progress` names see the On/Off track column; everyone
else sees `not_tracking` and no `off_track_since`.

Who may change one: owners and global admins, location admins of its location, and its
owner. Who may create one: owners, global admins, and location admins (for their
locations). Templates: owners and admins manage them; staff and location admins read them;
client tokens get 403.

Progress is computed on every read from the stored summary and today, so it is current
without waiting for the nightly run. Every write that changes status, coach or anything
the due date depends on recomputes the due date (`logic.tracking.refresh_engagement`) and
records its status transitions (`logic.history`) in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role, may_access_client, may_see_engagement_progress
from momentum.domain.dates import today_in
from momentum.domain.engagements import (
    Engagement,
    EngagementProgress,
    EngagementStatus,
    EngagementSummary,
    EngagementTracking,
    EngagementType,
    change_status,
    engagement_tracking,
    progress_for,
    select_coach,
)
from momentum.domain.errors import (
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
)
from momentum.domain.people import Part
from momentum.logic.access import ensure_portal_client
from momentum.logic.history import PROGRESS, STATUS, entries_of, history_op, visible_entries
from momentum.logic.organizations import organization_settings
from momentum.logic.people import Named, ensure_named
from momentum.logic.tracking import refresh_engagement
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import engagement_templates as template_store
from momentum.store import engagements as engagement_store
from momentum.store import organizations as org_store
from momentum.store.clients import CLIENT_SK, ClientRecord
from momentum.store.due import instant_text
from momentum.store.engagements import EngagementRecord
from momentum.store.keys import client_pk

WRITE_ATTEMPTS = 5
ENGAGEMENT = "engagement"
# At most this many engagements are read to answer one list or report page; a page that
# reaches it ends early with a cursor (filters can make matching rows sparse).
READ_BUDGET = 5000

Position = tuple[str, str, str]  # (created_at, engagement id, coachee id): the list order


def _now() -> datetime:
    return clock.current().now()


def today_for(org_id: str) -> tuple[date, str]:
    """Today in the organization, and its timezone."""
    tz = organization_settings(org_id).timezone
    return today_in(tz, _now()), tz


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(("body", field), message)])


# -- templates ------------------------------------------------------------------------------


def _ensure_may_read_templates(principal: Principal) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Engagement templates are for the coaching team.")


def _ensure_may_manage_templates(principal: Principal) -> None:
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins manage engagement templates.")


def template_tracking(template: Mapping[str, Any]) -> EngagementTracking:
    return EngagementTracking.from_dict(template)


def create_template(principal: Principal, body: Mapping[str, Any]) -> dict[str, Any]:
    _ensure_may_manage_templates(principal)
    tracking = engagement_tracking(body.get("threshold_days"), bool(body.get("notify_off_track")))
    now = instant_text(_now())
    template = {
        "id": ids.new_id("etpl"),
        "name": body["name"],
        "engagement_type": EngagementType(body["type"]).value,
        **tracking.to_dict(),
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    template_store.put(principal.org_id, template, expected_version=0)
    return template


def get_template(principal: Principal, template_id: str) -> dict[str, Any]:
    _ensure_may_read_templates(principal)
    template = template_store.get(principal.org_id, template_id)
    if template is None:
        raise NotFound("No such engagement template.")
    return template


def list_templates(
    principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    from momentum.store.cursors import decode_cursor, encode_cursor

    _ensure_may_read_templates(principal)
    now = _now()
    scope = "engagement-templates"
    start = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=now)
    items, last = template_store.list_page(principal.org_id, limit=limit, start_key=start)
    return items, encode_cursor(last, org_id=principal.org_id, scope=scope, now=now)


def update_template(
    principal: Principal,
    template_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> dict[str, Any]:
    """Engagements launched from the template keep the tracking settings they copied at
    launch; drafts pick up the template's settings when they launch."""
    _ensure_may_manage_templates(principal)
    template = get_template(principal, template_id)
    stale = "The template changed since you read it; reload and try again."
    if expected_version is not None and expected_version != int(template["version"]):
        raise PreconditionFailed(stale)
    for name in ("name", "type"):
        if name in changes and changes[name] is None:
            raise _invalid(name, "cannot be null")
    updated = dict(template)
    if "name" in changes:
        updated["name"] = changes["name"]
    if "type" in changes:
        updated["engagement_type"] = EngagementType(changes["type"]).value
    threshold = changes.get("threshold_days", template.get("threshold_days"))
    notify = changes.get("notify_off_track")
    if notify is None:
        notify = bool(template.get("notify_off_track"))
    updated.update(engagement_tracking(threshold, bool(notify)).to_dict())
    updated["version"] = int(template["version"]) + 1
    updated["updated_at"] = instant_text(_now())
    try:
        template_store.put(principal.org_id, updated, expected_version=int(template["version"]))
    except dynamo.ConditionFailed:
        raise PreconditionFailed(stale) from None
    return updated


def template_view(template: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": template["id"],
        "name": template["name"],
        "type": template["engagement_type"],
        "threshold_days": template.get("threshold_days"),
        "notify_off_track": bool(template.get("notify_off_track")),
        "version": int(template["version"]),
        "created_at": template.get("created_at"),
        "updated_at": template.get("updated_at"),
    }


# -- who sees what ----------------------------------------------------------------------------


def _sees_directly(principal: Principal, engagement: Engagement) -> bool:
    """Visible without looking at the coachee's client record."""
    if principal.role is Role.CLIENT:
        return principal.client_id == engagement.coachee_id
    if principal.administers_location(engagement.location_id):
        return True
    return principal.user_id in (engagement.owner_id, engagement.coach_id)


def _needs_coachee(principal: Principal, engagement: Engagement) -> bool:
    return principal.role in (Role.STAFF, Role.LOCATION_ADMIN) and not _sees_directly(
        principal, engagement
    )


def may_see(principal: Principal, engagement: Engagement, coachee: ClientRecord | None) -> bool:
    """The visibility rule (module docstring); `coachee` is needed only when
    `_needs_coachee` says so (staff or location admins not directly involved)."""
    if _sees_directly(principal, engagement):
        return True
    if principal.role is Role.CLIENT or coachee is None:
        return False
    return may_access_client(
        principal,
        client_id=coachee.id,
        location_id=coachee.location_id,
        assigned_staff=coachee.assigned_practitioner_ids,
    )


def may_change(principal: Principal, engagement: Engagement) -> bool:
    if principal.role is Role.CLIENT:
        return False
    return principal.administers_location(engagement.location_id) or (
        principal.user_id == engagement.owner_id
    )


def clients_by_id(org_id: str, client_ids: Iterable[str]) -> dict[str, ClientRecord]:
    """Client records by id with as few BatchGetItem calls as DynamoDB allows."""
    wanted = list(dict.fromkeys(client_ids))
    if not wanted:
        return {}
    found = dynamo.batch_get([(client_pk(org_id, c), CLIENT_SK) for c in wanted])
    records = (client_store.from_item(item) for item in found.values())
    return {r.id: r for r in records}


# -- engagements ------------------------------------------------------------------------------


def _coachee_of(engagement_id: str) -> str:
    client_id = ids.owner_client(engagement_id, "eng")
    if client_id is None:
        raise NotFound("No such engagement.")
    return client_id


def get_engagement(principal: Principal, engagement_id: str) -> EngagementRecord:
    """The engagement if the caller may see it: one GetItem (a second one only for staff
    and location admins who see it through the coachee's client record, and for client
    tokens, whose portal access is checked). Foreign or unknown ids → 404."""
    coachee_id = _coachee_of(engagement_id)
    ensure_portal_client(principal)
    record = engagement_store.get(principal.org_id, coachee_id, engagement_id)
    if record is None:
        raise NotFound("No such engagement.")
    engagement = record.engagement
    if principal.role is Role.CLIENT:
        if principal.client_id != engagement.coachee_id:
            raise NotFound("No such engagement.")
        return record
    coachee = None
    if _needs_coachee(principal, engagement):
        coachee = client_store.get(principal.org_id, engagement.coachee_id)
    if not may_see(principal, engagement, coachee):
        raise Forbidden("You do not have access to this engagement.")
    return record


def _check_location(principal: Principal, location_id: str | None) -> None:
    if location_id is None:
        return
    org = org_store.get(principal.org_id)
    if org is None or location_id not in org.location_ids():
        raise _invalid("location_id", "no such location in your organization")


def _people_named(body: Mapping[str, Any], current: Engagement | None = None) -> list[Named]:
    """The coach and owner the request names, where they are new (the caller, owner by
    default, and the current coach or owner re-sent are not checked again)."""
    named = []
    for field, part in (("coach_id", Part.COACH), ("owner_id", Part.ENGAGEMENT_OWNER)):
        user_id = body.get(field)
        if user_id and (current is None or user_id != getattr(current, field)):
            named.append(Named(("body", field), str(user_id), part))
    return named


@dataclass(frozen=True)
class Transition:
    before: EngagementStatus | None
    after: EngagementStatus
    cause: str


def _history_ops(
    principal: Principal, record: EngagementRecord, transitions: list[Transition], today: date
) -> list[dict[str, Any]]:
    base = ids.new_id("hist")
    return [
        history_op(
            principal.org_id,
            ENGAGEMENT,
            record.id,
            None if t.before is None else t.before.value,
            t.after.value,
            today,
            t.cause,
            field=STATUS,
            actor_id=principal.user_id,
            entry_id=f"{base}{n:02d}",  # ordered within one request
        )
        for n, t in enumerate(transitions)
    ]


def create_engagement(principal: Principal, body: Mapping[str, Any]) -> EngagementRecord:
    """A new engagement from a template, in draft unless `status` launches it at once."""
    if principal.role in (Role.CLIENT, Role.STAFF):
        raise Forbidden("Engagements are set up by administrators.")
    template = template_store.get(principal.org_id, str(body["template_id"]))
    if template is None:
        # SPEC §1: an id from another organization answers 404, as one that does not exist.
        raise NotFound("No such engagement template.")
    coachee_id = str(body["coachee_id"])
    coachee = (
        client_store.get(principal.org_id, coachee_id) if ids.is_id(coachee_id, "cl") else None
    )
    if coachee is None:
        raise NotFound("No such client.")
    location_id = body.get("location_id") or coachee.location_id
    if body.get("location_id") is not None:
        _check_location(principal, location_id)
    if not principal.administers_location(location_id):
        raise Forbidden("Location admins set up engagements for their locations only.")
    if not may_access_client(
        principal,
        client_id=coachee.id,
        location_id=coachee.location_id,
        assigned_staff=coachee.assigned_practitioner_ids,
    ):
        raise Forbidden("You do not have access to this coachee.")
    ensure_named(principal, _people_named(body), location_id=location_id)
    today, tz = today_for(principal.org_id)
    engagement_type = EngagementType(template["engagement_type"])
    engagement = Engagement(
        id=ids.new_owned_id("eng", coachee.id),
        type=engagement_type,
        status=EngagementStatus.DRAFT,
        coachee_id=coachee.id,
        owner_id=str(body.get("owner_id") or principal.user_id),
        location_id=location_id,
    )
    if body.get("coach_id"):
        engagement = select_coach(engagement, str(body["coach_id"]), today=today)
    transitions = [Transition(None, EngagementStatus.DRAFT, "created")]
    status = EngagementStatus(body.get("status") or EngagementStatus.DRAFT)
    if status is not EngagementStatus.DRAFT:
        engagement = change_status(
            engagement, status, today=today, template_tracking=template_tracking(template)
        )
        transitions.append(Transition(EngagementStatus.DRAFT, status, "launched"))
    now = instant_text(_now())
    record = EngagementRecord(
        org_id=principal.org_id,
        engagement=engagement,
        template_id=str(template["id"]),
        name=str(body.get("name") or template["name"]),
        summary=EngagementSummary.empty(engagement.id, engagement_type),
        extra={"coachee_name": coachee.name},
        version=1,
        state_version=1,
        created_at=now,
        updated_at=now,
    )
    record = refresh_engagement(record, today, tz)
    ops = [
        engagement_store.write_op(record, expected_version=0, expected_state_version=0),
        # The coachee must still exist when the engagement is written.
        dynamo.check_op(
            client_pk(principal.org_id, coachee.id), CLIENT_SK, condition="attribute_exists(pk)"
        ),
        *_history_ops(principal, record, transitions, today),
    ]
    try:
        dynamo.transact_write(ops)
    except dynamo.ConditionFailed:
        raise NotFound("No such client.") from None  # deleted meanwhile
    return record


def _apply(
    principal: Principal,
    record: EngagementRecord,
    changes: Mapping[str, Any],
    *,
    today: date,
    tracking: EngagementTracking | None,
) -> tuple[EngagementRecord, list[Transition]]:
    """The engagement with a PATCH applied: a coach first (for coach matching it is
    activity and ends matching), then the status, then the rest."""
    for name in ("name", "status", "coach_id", "owner_id"):
        if name in changes and changes[name] is None:
            raise _invalid(name, "cannot be null")
    engagement, transitions = record.engagement, list[Transition]()
    coach = changes.get("coach_id")
    if coach is not None and coach != engagement.coach_id:
        before = engagement.status
        engagement = select_coach(engagement, str(coach), today=today)
        if engagement.status is not before:
            transitions.append(Transition(before, engagement.status, "coach_selected"))
    status = changes.get("status")
    if status is not None and EngagementStatus(status) is not engagement.status:
        before, to = engagement.status, EngagementStatus(status)
        launching = before is EngagementStatus.DRAFT
        engagement = change_status(
            engagement, to, today=today, template_tracking=tracking if launching else None
        )
        transitions.append(Transition(before, to, "launched" if launching else "changed"))
    if changes.get("owner_id") is not None:
        engagement = replace(engagement, owner_id=str(changes["owner_id"]))
    if "location_id" in changes and changes["location_id"] != engagement.location_id:
        location_id = changes["location_id"]
        _check_location(principal, location_id)
        if not principal.administers_location(location_id):
            raise Forbidden("Location admins move engagements between their locations only.")
        engagement = replace(engagement, location_id=location_id)
    name = changes.get("name", record.name)
    return replace(record, engagement=engagement, name=str(name)), transitions


def update_engagement(
    principal: Principal,
    engagement_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> EngagementRecord:
    """PATCH: status transitions (draft → active/matching → completed/cancelled), coach
    selection, owner, location, name. If-Match guards against lost updates (412)."""
    record = get_engagement(principal, engagement_id)
    if not may_change(principal, record.engagement):
        raise Forbidden("Only administrators of its location and its owner change an engagement.")
    stale = "The engagement changed since you read it; reload and try again."
    if expected_version is not None and expected_version != record.version:
        raise PreconditionFailed(stale)
    if not changes:
        return record
    ensure_named(
        principal,
        _people_named(changes, record.engagement),
        location_id=changes.get("location_id", record.engagement.location_id),
    )
    tracking: EngagementTracking | None = None
    if changes.get("status") is not None and record.engagement.status is EngagementStatus.DRAFT:
        # Launching copies the template's tracking settings as they are now.
        template = template_store.get(principal.org_id, record.template_id or "")
        tracking = None if template is None else template_tracking(template)
    for _ in range(WRITE_ATTEMPTS):
        today, tz = today_for(principal.org_id)
        changed, transitions = _apply(principal, record, changes, today=today, tracking=tracking)
        changed = replace(changed, version=record.version + 1, updated_at=instant_text(_now()))
        changed = refresh_engagement(changed, today, tz)
        ops = [
            engagement_store.write_op(
                changed,
                expected_version=record.version,
                expected_state_version=record.state_version,
            ),
            *_history_ops(principal, changed, transitions, today),
        ]
        try:
            dynamo.transact_write(ops)
            return changed
        except dynamo.ConditionFailed:
            fresh = engagement_store.get(
                principal.org_id, record.engagement.coachee_id, engagement_id
            )
            if fresh is None:
                raise NotFound("No such engagement.") from None
            if expected_version is not None and fresh.version != expected_version:
                raise PreconditionFailed(stale) from None
            record = fresh  # a booking moved its summary, or an edit without If-Match
    raise ServiceUnavailable("The engagement is busy; please retry.")


# -- lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """An engagement as one caller sees it."""

    record: EngagementRecord
    progress: EngagementProgress


def seen_by(principal: Principal, record: EngagementRecord, today: date) -> Seen:
    return Seen(
        record, progress_for(principal, record.engagement, record.engagement_summary(), today)
    )


def scan_visible(
    principal: Principal,
    *,
    today: date,
    keep: Callable[[Seen], bool],
    limit: int,
    after: Position | None,
    budget: int = READ_BUDGET,
) -> tuple[list[Seen], Position | None]:
    """The next `limit` engagements of the organization's list (`gsi1`, oldest first) that
    the caller may see and `keep` accepts, after `after`; and the position to continue
    from (None at the end). Reads only the organization's list partition, plus the
    coachees' client records (BatchGetItem) where visibility depends on them."""
    rows: list[Seen] = []
    read = 0
    position = after
    while True:
        page_size = min(max(limit - len(rows), 25), 200)
        records, more = engagement_store.list_page(
            principal.org_id, after=position, limit=page_size
        )
        needed = [
            r.engagement.coachee_id for r in records if _needs_coachee(principal, r.engagement)
        ]
        clients = clients_by_id(principal.org_id, needed)
        for index, record in enumerate(records):
            read += 1
            engagement = record.engagement
            position = (record.created_at, record.id, engagement.coachee_id)
            if may_see(principal, engagement, clients.get(engagement.coachee_id)):
                seen = seen_by(principal, record, today)
                if keep(seen):
                    rows.append(seen)
            if len(rows) >= limit or read >= budget:
                at_end = not more and index == len(records) - 1
                return rows, None if at_end else position
        if not more:
            return rows, None


def position_of(raw: Any) -> Position | None:
    """A list position read back from a cursor; anything malformed → None (400 upstream)."""
    if not isinstance(raw, dict):
        return None
    created_at, engagement_id = raw.get("c"), raw.get("i")
    if not isinstance(created_at, str) or not isinstance(engagement_id, str):
        return None
    coachee_id = ids.owner_client(engagement_id, "eng")
    if coachee_id is None or len(created_at) > 40:
        return None
    return created_at, engagement_id, coachee_id


def position_dict(position: Position) -> dict[str, str]:
    return {"c": position[0], "i": position[1]}


def list_engagements(
    principal: Principal, *, progress: str | None, limit: int, cursor: str | None
) -> tuple[list[Seen], str | None, date]:
    """The Engagements page: what the caller may see, oldest first, with the On/Off track
    column as they see it; `progress` filters on that column."""
    from momentum.domain.errors import BadRequest
    from momentum.store.cursors import decode_cursor, encode_cursor

    now = _now()
    scope = f"engagements|{progress}"
    raw = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=now)
    after = position_of(raw) if raw is not None else None
    if raw is not None and after is None:
        raise BadRequest("The cursor belongs to another list.")
    today, _ = today_for(principal.org_id)

    def keep(seen: Seen) -> bool:
        return progress is None or seen.progress.status.value == progress

    if principal.role is Role.CLIENT:
        client = ensure_portal_client(principal)
        assert client is not None
        mine = [
            seen_by(principal, r, today)
            for r in engagement_store.list_for_client(principal.org_id, client.id)
            if after is None or (r.created_at, r.id) > (after[0], after[1])
        ]
        matching = [s for s in mine if keep(s)]
        page, rest = matching[:limit], matching[limit:]
        last = page[-1].record if rest else None
        position = None if last is None else (last.created_at, last.id, last.engagement.coachee_id)
    else:
        page, position = scan_visible(principal, today=today, keep=keep, limit=limit, after=after)
    next_cursor = (
        None
        if position is None
        else encode_cursor(position_dict(position), org_id=principal.org_id, scope=scope, now=now)
    )
    return page, next_cursor, today


# -- views ------------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def engagement_view(seen: Seen) -> dict[str, Any]:
    record, progress = seen.record, seen.progress
    e = record.engagement
    return {
        "id": e.id,
        "name": record.name,
        "template_id": record.template_id,
        "type": e.type.value,
        "status": e.status.value,
        "coachee_id": e.coachee_id,
        "coachee_name": record.extra.get("coachee_name"),
        "coach_id": e.coach_id,
        "owner_id": e.owner_id,
        "location_id": e.location_id,
        "tracking": e.tracking.to_dict(),
        "started_on": _iso(e.started_on),
        "coach_selected_on": _iso(e.coach_selected_on),
        "progress": progress.status.value,
        "off_track_since": _iso(progress.off_track_since),
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def view_for(principal: Principal, record: EngagementRecord) -> dict[str, Any]:
    today, _ = today_for(principal.org_id)
    return engagement_view(seen_by(principal, record, today))


def visible_history(principal: Principal, record: EngagementRecord) -> list[dict[str, Any]]:
    """The engagement's status history; On/Off track entries only for those who may see
    its progress."""
    e = record.engagement
    sees_progress = may_see_engagement_progress(
        principal, owner_id=e.owner_id, coach_id=e.coach_id, location_id=e.location_id
    )
    shown = {STATUS, PROGRESS} if sees_progress else {STATUS}
    return visible_entries(entries_of(principal.org_id, ENGAGEMENT, record.id), shown)
