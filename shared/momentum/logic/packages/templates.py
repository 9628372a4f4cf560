"""Package templates (SPEC §4): set up once by owners and admins, copied into each package
made from them (later edits never change packages already made)."""

from __future__ import annotations

from typing import Any

from momentum import ids
from momentum.domain.access import Principal, Role
from momentum.domain.errors import FieldError, Forbidden, InvalidInput, NotFound
from momentum.logic.packages.records import ON_TRACK_LOC, now, settings_of, size_of, stored
from momentum.logic.writes import Decision, optimistic_write
from momentum.store import package_templates as template_store
from momentum.store import transactions

# Fields a PATCH may change as sent (dates as ISO text); `on_track` is validated first.
_PLAIN_FIELDS = ("name", "validity_days", "auto_renew", "authorization")


def _ensure_practice(principal: Principal) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Package templates are for the practice.")


def _settings(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    settings = settings_of(raw, ON_TRACK_LOC)
    return settings.to_dict() if settings else None


def create_template(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins set up package templates.")
    size = size_of(body["type"], body)
    settings = _settings(body.get("on_track"))
    template = {
        "id": ids.new_id("tpl"),
        "name": body["name"],
        "kind": size.kind.value,
        "size": size.amount,
        "unit": size.unit.value,
        "period": size.period.value if size.period else None,
        "validity_days": body.get("validity_days"),
        "auto_renew": bool(body.get("auto_renew")),
        "on_track": settings,
        "authorization": stored(body.get("authorization")),
        "version": 1,
    }
    transactions.commit([template_store.create_op(principal.org_id, template)])
    template_store.forget_cached()  # this container renews from its own change at once
    return template


def get_template(principal: Principal, template_id: str) -> dict[str, Any]:
    _ensure_practice(principal)
    template = template_store.get(principal.org_id, template_id)
    if template is None:
        raise NotFound("No such package template.")
    return template


def list_templates(
    principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    _ensure_practice(principal)
    return template_store.list_page(principal.org_id, limit=limit, cursor=cursor, now=now())


def _changed_template(template: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    updated = template_store.fields(template)
    for name in _PLAIN_FIELDS:
        if name in changes:
            updated[name] = stored(changes[name])
    if "on_track" in changes:
        updated["on_track"] = _settings(changes["on_track"])
    updated["version"] = int(template["version"]) + 1
    return updated


def update_template(
    principal: Principal, template_id: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    """Later edits never change packages already made from the template (settings are
    copied when a package is made)."""
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins change package templates.")

    def decide(template: dict[str, Any]) -> Decision[dict[str, Any]]:
        updated = _changed_template(template, changes)
        read_version = int(template["version"])
        return Decision(
            updated, [template_store.save_op(principal.org_id, updated, read_version=read_version)]
        )

    saved = optimistic_write(
        thing="template",
        load=lambda: template_store.get(principal.org_id, template_id),
        decide=decide,
        version=lambda template: int(template["version"]),
        expected_version=expected_version,
        loaded=get_template(principal, template_id),
    )
    template_store.forget_cached()  # this container renews from its own change at once
    return saved


def template_for_package(principal: Principal, template_id: str | None) -> dict[str, Any] | None:
    """The template a new package names (None: a custom package); 422 if it is unknown."""
    if template_id is None:
        return None
    template = template_store.get(principal.org_id, template_id)
    if template is None:
        raise InvalidInput(
            "Unknown package template.",
            errors=[FieldError(("body", "template_id"), "no such template in your organization")],
        )
    return template
