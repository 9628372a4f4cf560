"""Engagement templates: owners and admins manage them; staff and location admins read
them; client tokens get 403.

Engagements launched from a template keep the tracking settings they copied at launch;
drafts pick up the template's settings when they launch. The use cases hand templates out
as their stored fields (`TemplateRecord.fields()`), which the routes answer with and an
Idempotency-Key keeps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from momentum import ids
from momentum.domain.access import Principal, Role
from momentum.domain.engagements import EngagementType, engagement_tracking
from momentum.domain.errors import Forbidden, NotFound
from momentum.logic.engagements.common import TEMPLATE, now, refuse_nulls
from momentum.logic.writes import Decision, optimistic_write
from momentum.store import engagement_templates as template_store
from momentum.store.due import instant_text
from momentum.store.engagement_templates import TemplateRecord
from momentum.store.transactions import commit_one


def _ensure_may_read(principal: Principal) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Engagement templates are for the coaching team.")


def _ensure_may_manage(principal: Principal) -> None:
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins manage engagement templates.")


def find_template(org_id: str, template_id: str) -> TemplateRecord:
    """The organization's template; one of another organization is 404 too (SPEC §1)."""
    template = template_store.get(org_id, template_id)
    if template is None:
        raise NotFound("No such engagement template.")
    return template


def create_template(principal: Principal, body: Mapping[str, Any]) -> dict[str, Any]:
    _ensure_may_manage(principal)
    tracking = engagement_tracking(body.get("threshold_days"), bool(body.get("notify_off_track")))
    stamp = instant_text(now())
    template = TemplateRecord(
        org_id=principal.org_id,
        id=ids.new_id("etpl"),
        name=str(body["name"]),
        engagement_type=EngagementType(body["type"]),
        tracking=tracking,
        version=1,
        created_at=stamp,
        updated_at=stamp,
    )
    created = optimistic_write(
        thing=TEMPLATE,
        load=lambda: None,  # a taken id is only ever an earlier attempt's (`already_done`)
        decide=lambda new: Decision(new, [template_store.create_op(new)]),
        already_done=lambda: template_store.get(principal.org_id, template.id),
        loaded=template,
        commit=commit_one,
    )
    return created.fields()


def get_template(principal: Principal, template_id: str) -> dict[str, Any]:
    _ensure_may_read(principal)
    return find_template(principal.org_id, template_id).fields()


def list_templates(
    principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    _ensure_may_read(principal)
    templates, next_cursor = template_store.list_page(
        principal.org_id, limit=limit, cursor=cursor, now=now()
    )
    return [t.fields() for t in templates], next_cursor


def _changed(template: TemplateRecord, changes: Mapping[str, Any]) -> Decision[TemplateRecord]:
    refuse_nulls(changes, ("name", "type"))
    threshold = changes.get("threshold_days", template.tracking.threshold_days)
    notify = changes.get("notify_off_track")
    if notify is None:
        notify = template.tracking.notify_off_track
    changed = replace(
        template,
        name=str(changes.get("name", template.name)),
        engagement_type=EngagementType(changes.get("type", template.engagement_type)),
        tracking=engagement_tracking(threshold, bool(notify)),
        version=template.version + 1,
        updated_at=instant_text(now()),
    )
    return Decision(changed, [template_store.save_op(changed, read_version=template.version)])


def update_template(
    principal: Principal,
    template_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> dict[str, Any]:
    """PATCH: name, type and tracking settings; If-Match guards against lost updates."""
    _ensure_may_manage(principal)
    updated = optimistic_write(
        thing=TEMPLATE,
        load=lambda: template_store.get(principal.org_id, template_id),
        decide=lambda template: _changed(template, changes),
        version=lambda template: template.version,
        expected_version=expected_version,
        loaded=find_template(principal.org_id, template_id),
        commit=commit_one,
    )
    return updated.fields()


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
