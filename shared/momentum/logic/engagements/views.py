"""Engagements as one caller sees them: the On/Off track column only for those
`domain.access.may_see_engagement_progress` names (everyone else sees `not_tracking` and
no `off_track_since`), computed on every read from the stored summary and today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from momentum.domain.access import Principal, may_see_engagement_progress
from momentum.domain.engagements import EngagementProgress, progress_for
from momentum.logic.engagements.common import ENGAGEMENT, today_for
from momentum.logic.history import PROGRESS, STATUS, entries_of, visible_entries
from momentum.store.engagements import EngagementRecord


@dataclass(frozen=True)
class Seen:
    """An engagement as one caller sees it."""

    record: EngagementRecord
    progress: EngagementProgress


def seen_by(principal: Principal, record: EngagementRecord, today: date) -> Seen:
    return Seen(
        record, progress_for(principal, record.engagement, record.engagement_summary(), today)
    )


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
