"""Package templates and client packages (SPEC §4) with their On track settings (§5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role, may_see_package_status
from momentum.domain.dates import ensure_derived_in_range, today_in
from momentum.domain.errors import (
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
)
from momentum.domain.on_track import OnTrackSettings, on_track_settings, status_on
from momentum.domain.packages import (
    Package,
    PackageKind,
    Period,
    Unit,
    can_take_appointments,
    end_date_for,
    lifecycle_on,
    outstanding,
    package_size,
    validate_dates,
)
from momentum.domain.people import Part
from momentum.logic.access import check_client, load_client
from momentum.logic.history import LIFECYCLE, PROGRESS, entries_of, visible_entries
from momentum.logic.organizations import organization_settings
from momentum.logic.people import Named, ensure_named
from momentum.logic.tracking import refresh_package
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import package_templates as template_store
from momentum.store import packages as package_store
from momentum.store.clients import CLIENT_SK, ClientRecord
from momentum.store.due import instant_text
from momentum.store.keys import client_pk
from momentum.store.packages import PackageRecord

WRITE_ATTEMPTS = 5


def _now() -> datetime:
    return clock.current().now()


def _today(org_id: str) -> tuple[date, str]:
    tz = organization_settings(org_id).timezone
    return today_in(tz, _now()), tz


def stored(value: Any) -> Any:
    """A value as DynamoDB stores it: calendar dates as ISO text (YYYY-MM-DD)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stored(v) for v in value]
    return value


def settings_of(raw: dict[str, Any] | None, loc: tuple[str | int, ...]) -> OnTrackSettings | None:
    return None if raw is None else on_track_settings(**raw, loc=loc)


def _ensure_may_change_on_track(principal: Principal) -> None:
    # SPEC §5: only owners and admins may change thresholds; 403 for everyone else.
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins may change On track settings.")


# -- templates ----------------------------------------------------------------------------------


def create_template(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins set up package templates.")
    size = package_size(
        PackageKind(body["type"]),
        body.get("size"),
        Unit(body.get("unit") or "sessions"),
        Period(body["period"]) if body.get("period") else None,
    )
    settings = settings_of(body.get("on_track"), ("body", "on_track"))
    template = {
        "id": ids.new_id("tpl"),
        "name": body["name"],
        "kind": size.kind.value,
        "size": size.amount,
        "unit": size.unit.value,
        "period": size.period.value if size.period else None,
        "validity_days": body.get("validity_days"),
        "auto_renew": bool(body.get("auto_renew")),
        "on_track": settings.to_dict() if settings else None,
        "authorization": stored(body.get("authorization")),
        "version": 1,
    }
    template_store.put(principal.org_id, template, expected_version=0)
    return template


def get_template(principal: Principal, template_id: str) -> dict[str, Any]:
    if principal.role is Role.CLIENT:
        raise Forbidden("Package templates are for the practice.")
    template = template_store.get(principal.org_id, template_id)
    if template is None:
        raise NotFound("No such package template.")
    return template


def list_templates(
    principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    from momentum.store.cursors import decode_cursor, encode_cursor

    if principal.role is Role.CLIENT:
        raise Forbidden("Package templates are for the practice.")
    now = _now()
    start = decode_cursor(cursor, org_id=principal.org_id, scope="package-templates", now=now)
    items, last = template_store.list_page(principal.org_id, limit=limit, start_key=start)
    next_cursor = encode_cursor(last, org_id=principal.org_id, scope="package-templates", now=now)
    return items, next_cursor


def update_template(
    principal: Principal, template_id: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    """Later edits never change packages already made from the template (settings are
    copied when a package is made)."""
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins change package templates.")
    template = get_template(principal, template_id)
    if expected_version is not None and expected_version != template["version"]:
        raise PreconditionFailed("The template changed since you read it; reload and try again.")
    updated = dict(template)
    for name in ("name", "validity_days", "auto_renew", "authorization"):
        if name in changes:
            updated[name] = stored(changes[name])
    if "on_track" in changes:
        settings = settings_of(changes["on_track"], ("body", "on_track"))
        updated["on_track"] = settings.to_dict() if settings else None
    updated["version"] = int(template["version"]) + 1
    for key in ("pk", "sk", "type"):
        updated.pop(key, None)
    try:
        template_store.put(principal.org_id, updated, expected_version=int(template["version"]))
    except dynamo.ConditionFailed:
        raise PreconditionFailed(
            "The template changed since you read it; reload and try again."
        ) from None
    return updated


# -- client packages -----------------------------------------------------------------------------


def new_package_record(
    principal: Principal,
    client: ClientRecord,
    body: dict[str, Any],
    *,
    today: date,
    template: dict[str, Any] | None,
) -> PackageRecord:
    """A package for `client`: from a template (its settings copied now) or custom."""
    loc: tuple[str | int, ...] = ("body",)
    if template is not None:
        size = package_size(
            PackageKind(template["kind"]),
            template.get("size"),
            Unit(template.get("unit") or "sessions"),
            Period(template["period"]) if template.get("period") else None,
        )
        template_settings = (
            OnTrackSettings.from_dict(template["on_track"]) if template.get("on_track") else None
        )
        name = body.get("name") or template["name"]
        validity = template.get("validity_days")
        auto_renew = (
            bool(template.get("auto_renew"))
            if body.get("auto_renew") is None
            else bool(body["auto_renew"])
        )
        authorization = stored(body.get("authorization")) or template.get("authorization")
    else:
        if not body.get("type"):
            raise InvalidInput(
                "A custom package needs a type (or give a template_id).",
                errors=[FieldError(("body", "type"), "required without template_id")],
            )
        size = package_size(
            PackageKind(body["type"]),
            body.get("size"),
            Unit(body.get("unit") or "sessions"),
            Period(body["period"]) if body.get("period") else None,
            loc=loc,
        )
        template_settings = None
        name = body.get("name") or f"{size.kind.value.title()} package"
        validity = None
        auto_renew = False
        authorization = stored(body.get("authorization"))
    if body.get("on_track") is not None:
        _ensure_may_change_on_track(principal)
    override = settings_of(body.get("on_track"), ("body", "on_track"))
    start = body.get("start_date") or today
    end = body.get("end_date") or end_date_for(start, validity)
    if not body.get("end_date"):
        # Derived from the start and the template's validity: it stays in range too.
        ensure_derived_in_range(end, ("body", "start_date"), "start_date plus the validity")
    validate_dates(start, end)
    package_id = ids.new_owned_id("pkg", client.id)
    now = instant_text(_now())
    return PackageRecord(
        org_id=principal.org_id,
        package=Package(
            id=package_id,
            client_id=client.id,
            size=size,
            start_date=start,
            end_date=end,
            template_id=template["id"] if template else None,
            auto_renew=auto_renew,
            assigned_team_member_id=body.get("assigned_team_member_id"),
        ),
        name=name,
        client_name=client.name,
        authorization=authorization,
        preferred=bool(body.get("preferred")),
        template_settings=template_settings,
        override_settings=override,
        version=1,
        state_version=1,
        created_at=now,
        updated_at=now,
    )


def _load_template(principal: Principal, template_id: str | None) -> dict[str, Any] | None:
    if template_id is None:
        return None
    template = template_store.get(principal.org_id, template_id)
    if template is None:
        raise InvalidInput(
            "Unknown package template.",
            errors=[FieldError(("body", "template_id"), "no such template in your organization")],
        )
    return template


def _ensure_may_sell(principal: Principal, client: ClientRecord) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Packages are set up by the practice.")


def preferred_unset_ops(
    org_id: str, packages: list[PackageRecord], keep: str, today: date, timezone: str
) -> list[dict[str, Any]]:
    """At most one preferred package per client: setting one unsets the others."""
    ops = []
    for other in packages:
        if other.id != keep and other.preferred:
            changed = refresh_package(
                replace(other, preferred=False, version=other.version + 1),
                today,
                timezone,
                before=other,
            )
            ops.append(
                package_store.write_op(
                    changed,
                    expected_version=other.version,
                    expected_state_version=other.state_version,
                )
            )
    return ops


def create_package(principal: Principal, client_id: str, body: dict[str, Any]) -> PackageRecord:
    client = load_client(principal, client_id)
    _ensure_may_sell(principal, client)
    ensure_named(
        principal, _team_member_named(body.get("assigned_team_member_id")),
        location_id=client.location_id,
    )  # fmt: skip
    template = _load_template(principal, body.get("template_id"))
    today, tz = _today(principal.org_id)
    record = refresh_package(
        new_package_record(principal, client, body, today=today, template=template), today, tz
    )
    ops = [package_store.write_op(record, expected_version=0, expected_state_version=0)]
    if record.preferred:
        others = package_store.list_for_client(principal.org_id, client.id)
        ops += preferred_unset_ops(principal.org_id, others, record.id, today, tz)
    dynamo.transact_write(ops)
    return record


def _load_package(principal: Principal, package_id: str) -> tuple[ClientRecord, PackageRecord]:
    client_id = ids.owner_client(package_id, "pkg")
    if client_id is None:
        raise NotFound("No such package.")
    # One BatchGetItem: the package and its client (for the access check and its summary).
    pk = client_pk(principal.org_id, client_id)
    package_key = (pk, package_store.PREFIX + package_id)
    items = dynamo.batch_get([(pk, CLIENT_SK), package_key])
    if package_key not in items:
        raise NotFound("No such package.")
    client_item = items.get((pk, CLIENT_SK))
    client = check_client(
        principal, client_store.from_item(client_item) if client_item else None, client_id
    )
    return client, package_store.from_item(items[package_key])


def get_package(principal: Principal, package_id: str) -> PackageRecord:
    return _load_package(principal, package_id)[1]


def _by_start(record: PackageRecord) -> tuple[str, str]:
    return record.package.start_date.isoformat(), record.id


def list_packages(
    principal: Principal, client_id: str, *, open_only: bool, limit: int, cursor: str | None
) -> tuple[list[PackageRecord], str | None]:
    """A client's packages by start date, one page (a client has a handful: one Query)."""
    from momentum.store.cursors import page_of

    client = load_client(principal, client_id)
    records = package_store.list_for_client(principal.org_id, client.id)
    if open_only:
        today, _ = _today(principal.org_id)
        # What the forms offer: a subscription whose period allowance is used is left out.
        records = [
            r for r in records if can_take_appointments(r.package, r.package_summary(), today)
        ]
    return page_of(
        sorted(records, key=_by_start),
        _by_start,
        limit=limit,
        cursor=cursor,
        org_id=principal.org_id,
        scope=f"packages|{client.id}|{open_only}",
        now=_now(),
    )


def update_package(
    principal: Principal, package_id: str, changes: dict[str, Any], expected_version: int | None
) -> PackageRecord:
    client, record = _load_package(principal, package_id)
    if principal.role is Role.CLIENT:
        raise Forbidden("Packages are changed by the practice.")
    if "on_track" in changes:
        _ensure_may_change_on_track(principal)
    if expected_version is not None and expected_version != record.version:
        raise PreconditionFailed("The package changed since you read it; reload and try again.")
    team_member = changes.get("assigned_team_member_id")
    if team_member != record.package.assigned_team_member_id:
        # A new team member is checked; re-sending the current one (or null) always works.
        ensure_named(principal, _team_member_named(team_member), location_id=client.location_id)
    for _ in range(WRITE_ATTEMPTS):
        today, tz = _today(principal.org_id)
        # Caught up with the package as it was, then today with the edit (e.g. new
        # thresholds put it at risk: the episode starts today).
        updated = refresh_package(_changed_package(record, changes), today, tz, before=record)
        ops = [
            package_store.write_op(
                updated,
                expected_version=record.version,
                expected_state_version=record.state_version,
            )
        ]
        if updated.preferred and not record.preferred:
            others = package_store.list_for_client(principal.org_id, client.id)
            ops += preferred_unset_ops(principal.org_id, others, updated.id, today, tz)
        try:
            dynamo.transact_write(ops)
            return updated
        except dynamo.ConditionFailed:
            fresh = package_store.get(principal.org_id, client.id, package_id)
            if fresh is None:
                raise NotFound("No such package.") from None
            if expected_version is not None and fresh.version != expected_version:
                raise PreconditionFailed(
                    "The package changed since you read it; reload and try again."
                ) from None
            record = fresh  # only its state moved (a booking): apply the edit again
    raise ServiceUnavailable("The package is busy; please retry.")


def _team_member_named(user_id: str | None) -> list[Named]:
    if user_id is None:
        return []
    return [Named(("body", "assigned_team_member_id"), user_id, Part.TEAM_MEMBER)]


def _changed_package(record: PackageRecord, changes: dict[str, Any]) -> PackageRecord:
    """The package with a PATCH applied (only the fields the request sent)."""
    package = record.package
    if "end_date" in changes:
        validate_dates(package.start_date, changes["end_date"])
        package = replace(package, end_date=changes["end_date"])
    if changes.get("auto_renew") is not None:
        package = replace(package, auto_renew=bool(changes["auto_renew"]))
    if "assigned_team_member_id" in changes:
        package = replace(package, assigned_team_member_id=changes["assigned_team_member_id"])
    if changes.get("cancelled") is not None:
        package = replace(package, cancelled=bool(changes["cancelled"]))
    fields: dict[str, Any] = {}
    if changes.get("name") is not None:
        fields["name"] = changes["name"]
    if "authorization" in changes:
        fields["authorization"] = stored(changes["authorization"])
    if changes.get("preferred") is not None:
        fields["preferred"] = bool(changes["preferred"])
    if "on_track" in changes:
        fields["override_settings"] = settings_of(changes["on_track"], ("body", "on_track"))
    return replace(
        record,
        package=package,
        **fields,
        version=record.version + 1,
        updated_at=instant_text(_now()),
    )


def sees_status(principal: Principal, record: PackageRecord) -> bool:
    """Does the caller see this package's On track status? One rule for the status, the
    On track rows and the status history."""
    settings = record.settings
    return may_see_package_status(
        principal, client_visible=settings is not None and settings.client_visible
    )


def package_history(principal: Principal, record: PackageRecord) -> list[dict[str, Any]]:
    """The package's history as the caller sees the package: its lifecycle always, its
    On track status only when `sees_status`."""
    shown = {LIFECYCLE, PROGRESS} if sees_status(principal, record) else {LIFECYCLE}
    return visible_entries(entries_of(principal.org_id, "package", record.id), shown)


def package_view(principal: Principal, record: PackageRecord) -> dict[str, Any]:
    today, _ = _today(principal.org_id)
    package, summary = record.package, record.package_summary()
    lifecycle = lifecycle_on(package, summary, today)
    status = status_on(package, record.settings, summary, today)
    shown = status if sees_status(principal, record) else None
    left = outstanding(package, summary, today)
    return {
        "id": record.id,
        "client_id": record.client_id,
        "name": record.name,
        "template_id": package.template_id,
        "type": package.size.kind.value,
        "size": package.size.amount,
        "unit": package.size.unit.value,
        "period": package.size.period.value if package.size.period else None,
        "start_date": package.start_date,
        "end_date": package.end_date,
        "auto_renew": package.auto_renew,
        "assigned_team_member_id": package.assigned_team_member_id,
        "authorization": record.authorization,
        "preferred": record.preferred,
        "lifecycle": lifecycle.value,
        "open": can_take_appointments(package, summary, today),
        "used_sessions": summary.used_sessions,
        "used_hours": round(summary.used_minutes / 60, 2),
        "outstanding": float(left) if isinstance(left, Decimal) else left,
        "status": shown.value if shown is not None else None,
        "last_session": summary.last_session,
        "on_track": record.settings.to_dict() if record.settings else None,
        "on_track_override": record.override_settings.to_dict()
        if record.override_settings
        else None,
        "renewed_from_id": record.renewed_from_id,
        "version": record.version,
    }


def client_on_track(
    principal: Principal, client_id: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The client's On track rows, one per package, with the predicted next change (the
    next check date and the status from then on, if nothing new happens). One page."""
    from momentum.domain.on_track import evaluate_package
    from momentum.logic.reports import on_track_row
    from momentum.store import appointments as appointment_store
    from momentum.store.cursors import page_of

    client = load_client(principal, client_id)
    state = appointment_store.load_state(principal.org_id, client.id)
    today, timezone = _today(principal.org_id)
    now = _now()
    page, next_cursor = page_of(
        sorted(state.packages.values(), key=_by_start),
        _by_start,
        limit=limit,
        cursor=cursor,
        org_id=principal.org_id,
        scope=f"on-track|{client.id}",
        now=now,
    )
    rows = []
    for record in page:
        package, summary = record.package, record.package_summary()
        # The report's row (one shape everywhere), with what only this page adds.
        row = on_track_row(record, client, today=today, now=now, timezone=timezone)
        if not sees_status(principal, record):
            row["status"] = None
        next_check = evaluate_package(
            package, record.settings, summary, record.state, today
        ).next_check
        if next_check is not None and principal.role is not Role.CLIENT:
            row["next_change"] = {
                "date": next_check,
                "status": status_on(package, record.settings, summary, next_check).value,
                "lifecycle": lifecycle_on(package, summary, next_check).value,
            }
        rows.append(row)
    return rows, next_cursor
