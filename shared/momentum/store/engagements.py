"""Engagements: `pk = ORG#<org>#CL#<coachee>`, `sk = S#ENG#<id>` (the coachee owns them, so
an appointment write loads them with the client's tracked state). Organization-wide list:
`gsi1` `ORG#<org>#ENGS`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from momentum.domain.engagements import (
    Engagement,
    EngagementState,
    EngagementStatus,
    EngagementSummary,
    EngagementTracking,
    EngagementType,
)
from momentum.store import due, dynamo
from momentum.store.keys import client_pk

PREFIX = "S#ENG#"


def engagements_list_pk(org_id: str) -> str:
    return f"ORG#{org_id}#ENGS"


@dataclass(frozen=True)
class EngagementRecord:
    org_id: str
    engagement: Engagement
    template_id: str | None = None
    name: str = ""
    summary: EngagementSummary | None = None
    state: EngagementState = field(default_factory=EngagementState)
    extra: dict[str, Any] = field(default_factory=dict)  # fields only the API shows
    version: int = 0
    state_version: int = 0
    created_at: str = ""
    updated_at: str = ""
    due: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.engagement.id

    def engagement_summary(self) -> EngagementSummary:
        return self.summary or EngagementSummary.empty(self.id, self.engagement.type)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(text: Any) -> date | None:
    return None if not text else date.fromisoformat(str(text))


def to_item(record: EngagementRecord) -> dict[str, Any]:
    e = record.engagement
    return {
        **record.extra,
        "pk": client_pk(record.org_id, e.coachee_id),
        "sk": PREFIX + e.id,
        "type": "engagement",
        "id": e.id,
        "org_id": record.org_id,
        "engagement_type": e.type.value,
        "status": e.status.value,
        "coachee_id": e.coachee_id,
        "owner_id": e.owner_id,
        "coach_id": e.coach_id,
        "location_id": e.location_id,
        "tracking": e.tracking.to_dict(),
        "started_on": _iso(e.started_on),
        "coach_selected_on": _iso(e.coach_selected_on),
        "template_id": record.template_id,
        "name": record.name,
        "summary": record.engagement_summary().to_dict(),
        "state": record.state.to_dict(),
        "version": record.version,
        "state_version": record.state_version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "gsi1pk": engagements_list_pk(record.org_id),
        "gsi1sk": f"{record.created_at}#{e.id}",
        **record.due,
    }


KNOWN = {
    "pk", "sk", "type", "id", "org_id", "engagement_type", "status", "coachee_id", "owner_id",
    "coach_id", "location_id", "tracking", "started_on", "coach_selected_on", "template_id",
    "name", "summary", "state", "version", "state_version", "created_at", "updated_at",
    "gsi1pk", "gsi1sk", "due_shard", "due_at",
}  # fmt: skip


def from_item(item: dict[str, Any]) -> EngagementRecord:
    engagement = Engagement(
        id=str(item["id"]),
        type=EngagementType(item["engagement_type"]),
        status=EngagementStatus(item["status"]),
        coachee_id=str(item["coachee_id"]),
        owner_id=str(item["owner_id"]),
        coach_id=item.get("coach_id"),
        location_id=item.get("location_id"),
        tracking=EngagementTracking.from_dict(item.get("tracking") or {}),
        started_on=_date(item.get("started_on")),
        coach_selected_on=_date(item.get("coach_selected_on")),
    )
    return EngagementRecord(
        org_id=str(item["org_id"]),
        engagement=engagement,
        template_id=item.get("template_id"),
        name=str(item.get("name", "")),
        summary=EngagementSummary.from_dict(item["summary"]) if item.get("summary") else None,
        state=EngagementState.from_dict(item.get("state") or {}),
        extra={k: v for k, v in item.items() if k not in KNOWN},
        version=int(item.get("version", 0)),
        state_version=int(item.get("state_version", 0)),
        created_at=str(item.get("created_at", "")),
        updated_at=str(item.get("updated_at", "")),
        due={k: item[k] for k in ("due_shard", "due_at") if k in item},
    )


def write_op(
    record: EngagementRecord, *, expected_version: int, expected_state_version: int
) -> dict[str, Any]:
    return dynamo.tracked_put_op(
        to_item(record),
        expected_version=expected_version,
        expected_state_version=expected_state_version,
    )


def create_op(record: EngagementRecord) -> dict[str, Any]:
    """Write a new engagement, unless its id is taken already."""
    return write_op(record, expected_version=0, expected_state_version=0)


def get(org_id: str, coachee_id: str, engagement_id: str) -> EngagementRecord | None:
    item = dynamo.get_item(client_pk(org_id, coachee_id), PREFIX + engagement_id)
    return from_item(item) if item else None


def list_for_client(org_id: str, client_id: str) -> list[EngagementRecord]:
    """A coachee's engagements (one Query on the client's partition), oldest first."""
    items = dynamo.query_all(client_pk(org_id, client_id), sk_prefix=PREFIX, consistent=True)
    return sorted((from_item(i) for i in items), key=lambda r: (r.created_at, r.id))


class ListPosition(NamedTuple):
    """A place in the organization's list (oldest first): just after this engagement."""

    created_at: str
    engagement_id: str
    coachee_id: str

    @classmethod
    def of(cls, record: EngagementRecord) -> ListPosition:
        return cls(record.created_at, record.id, record.engagement.coachee_id)


def _start_key(org_id: str, position: ListPosition) -> dict[str, Any]:
    """The ExclusiveStartKey of the list just after `position`, built from the caller's
    organization: whatever a cursor says, the Query stays in that organization's list."""
    created_at, engagement_id, coachee_id = position
    return {
        "pk": {"S": client_pk(org_id, coachee_id)},
        "sk": {"S": PREFIX + engagement_id},
        "gsi1pk": {"S": engagements_list_pk(org_id)},
        "gsi1sk": {"S": f"{created_at}#{engagement_id}"},
    }


def list_page(
    org_id: str, *, after: ListPosition | None, limit: int
) -> tuple[list[EngagementRecord], bool]:
    """One page of the organization's engagements, oldest first, after the position
    `after`; and whether more may follow."""
    start = None if after is None else _start_key(org_id, after)
    items, last = dynamo.query(
        engagements_list_pk(org_id), index="gsi1", limit=limit, start_key=start
    )
    return [from_item(i) for i in items], bool(last)


def scheduled(record: EngagementRecord, at: datetime | None) -> EngagementRecord:
    """The engagement with its next check at `at` (the instant its check day begins), in
    the due index; None: no next check, out of the index."""
    key = (client_pk(record.org_id, record.engagement.coachee_id), PREFIX + record.id)
    return replace(record, due=due.due_fields(*key, at))
