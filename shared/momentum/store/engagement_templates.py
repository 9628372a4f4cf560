"""Engagement templates: `pk = ORG#<org>`, `sk = ENGTPL#<id>` (a Query lists them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from momentum.domain.engagements import EngagementTracking, EngagementType
from momentum.store import dynamo
from momentum.store.cursors import decode_cursor, encode_cursor
from momentum.store.keys import org_pk
from momentum.store.transactions import Op

PREFIX = "ENGTPL#"
ITEM_TYPE = "engagement_template"
LIST_SCOPE = "engagement-templates"  # what the list's cursors are bound to
_KEYS = ("pk", "sk", "type")
_KNOWN = frozenset(
    {
        *_KEYS,
        "id",
        "name",
        "engagement_type",
        "threshold_days",
        "notify_off_track",
        "version",
        "created_at",
        "updated_at",
    }
)


@dataclass(frozen=True)
class TemplateRecord:
    org_id: str
    id: str
    name: str
    engagement_type: EngagementType
    tracking: EngagementTracking = field(default_factory=EngagementTracking)
    version: int = 1
    created_at: str | None = None
    updated_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # stored fields not known here

    def fields(self) -> dict[str, Any]:
        """The template as the use cases hand it out: its stored fields, without keys."""
        stamps = {"created_at": self.created_at, "updated_at": self.updated_at}
        return {
            **self.extra,
            "id": self.id,
            "name": self.name,
            "engagement_type": self.engagement_type.value,
            **self.tracking.to_dict(),
            "version": self.version,
            **{name: value for name, value in stamps.items() if value is not None},
        }


def key(org_id: str, template_id: str) -> tuple[str, str]:
    return org_pk(org_id), PREFIX + template_id


def _record(org_id: str, item: Mapping[str, Any]) -> TemplateRecord:
    return TemplateRecord(
        org_id=org_id,
        id=str(item["id"]),
        name=str(item["name"]),
        engagement_type=EngagementType(item["engagement_type"]),
        tracking=EngagementTracking.from_dict(item),
        version=int(item["version"]),
        created_at=item.get("created_at"),
        updated_at=item.get("updated_at"),
        extra={k: v for k, v in item.items() if k not in _KNOWN},
    )


def _item(record: TemplateRecord) -> dict[str, Any]:
    pk, sk = key(record.org_id, record.id)
    return {**record.fields(), "pk": pk, "sk": sk, "type": ITEM_TYPE}


def get(org_id: str, template_id: str) -> TemplateRecord | None:
    item = dynamo.get_item(*key(org_id, template_id))
    return _record(org_id, item) if item else None


def create_op(record: TemplateRecord) -> Op:
    """Write a new template, unless its id is taken already."""
    return dynamo.versioned_put_op(_item(record), expected_version=0)


def save_op(record: TemplateRecord, *, read_version: int) -> Op:
    """Write the changed template only if it is still at the version it was read at."""
    return dynamo.versioned_put_op(_item(record), expected_version=read_version)


def list_page(
    org_id: str, *, limit: int, cursor: str | None, now: datetime
) -> tuple[list[TemplateRecord], str | None]:
    """One page of the organization's templates, and the cursor of the next (None: last)."""
    start = decode_cursor(cursor, org_id=org_id, scope=LIST_SCOPE, now=now)
    items, last = dynamo.query(org_pk(org_id), sk_prefix=PREFIX, limit=limit, start_key=start)
    next_cursor = encode_cursor(last, org_id=org_id, scope=LIST_SCOPE, now=now)
    return [_record(org_id, i) for i in items], next_cursor
