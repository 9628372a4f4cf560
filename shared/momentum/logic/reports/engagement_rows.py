"""The engagements report (SPEC §7): the engagements the caller may see (the rule of
logic.engagements), oldest first, with the On/Off track column as that caller sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

from momentum.domain.access import Principal
from momentum.domain.errors import BadRequest, FieldError, InvalidInput
from momentum.logic import engagements as engagement_logic
from momentum.logic.reports.common import (
    INVALID_CURSOR,
    READ_BUDGET,
    decode_position,
    encode_position,
    ensure_may_read_reports,
)


def engagement_row(seen: engagement_logic.Seen) -> dict[str, Any]:
    view = engagement_logic.engagement_view(seen)
    return {
        "engagement_id": view["id"],
        **{
            name: view[name]
            for name in (
                "name",
                "type",
                "status",
                "coachee_id",
                "coachee_name",
                "coach_id",
                "owner_id",
                "location_id",
                "started_on",
                "progress",
                "off_track_since",
            )
        },
    }


def engagements_report(
    principal: Principal,
    *,
    progress: str | None,
    off_track_since_from: date | None,
    off_track_since_to: date | None,
    limit: int,
    cursor: str | None,
    budget: int = READ_BUDGET,
) -> tuple[list[dict[str, Any]], str | None, date]:
    """The engagements the caller may see, oldest first, filtered by the On/Off track
    column (as they see it) and by an inclusive `off_track_since` date range (a range
    keeps only engagements that are off track, since a day within it)."""
    ensure_may_read_reports(principal)
    if (
        off_track_since_from is not None
        and off_track_since_to is not None
        and off_track_since_from > off_track_since_to
    ):
        raise InvalidInput(
            "The off_track_since range ends before it starts.",
            errors=[
                FieldError(
                    ("query", "off_track_since_to"), "must not be before off_track_since_from"
                )
            ],
        )
    scope = f"engagements|{progress}|{off_track_since_from}|{off_track_since_to}"
    position = decode_position(cursor, scope)
    after = None
    if position is not None:
        after = engagement_logic.position_of(position)
        if after is None:
            raise BadRequest(INVALID_CURSOR)
    today, _ = engagement_logic.today_for(principal.org_id)
    ranged = off_track_since_from is not None or off_track_since_to is not None

    def keep(seen: engagement_logic.Seen) -> bool:
        if progress is not None and seen.progress.status.value != progress:
            return False
        if not ranged:
            return True
        since = seen.progress.off_track_since
        if since is None:
            return False
        return (off_track_since_from is None or since >= off_track_since_from) and (
            off_track_since_to is None or since <= off_track_since_to
        )

    seen, last = engagement_logic.scan_visible(
        principal, today=today, keep=keep, limit=limit, after=after, budget=budget
    )
    next_cursor = (
        None if last is None else encode_position(scope, engagement_logic.position_dict(last))
    )
    return [engagement_row(s) for s in seen], next_cursor, today
