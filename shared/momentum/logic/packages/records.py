"""How a client package's record is made and changed: a new package (from a template, its
settings copied now, or custom), a PATCH applied to one, and the one-preferred-package rule.
Pure of the table: the use cases load, decide with these, and write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, may_change_on_track_settings
from momentum.domain.dates import ensure_derived_in_range, today_in
from momentum.domain.errors import FieldError, Forbidden, InvalidInput
from momentum.domain.on_track import OnTrackSettings, on_track_settings
from momentum.domain.packages import (
    Package,
    PackageKind,
    PackageSize,
    Period,
    Unit,
    end_date_for,
    package_size,
    validate_dates,
)
from momentum.logic.organizations import organization_settings
from momentum.logic.tracking import refresh_package
from momentum.store import packages as package_store
from momentum.store.clients import ClientRecord
from momentum.store.due import instant_text
from momentum.store.packages import PackageRecord
from momentum.store.transactions import Op

ON_TRACK_LOC: tuple[str | int, ...] = ("body", "on_track")


def now() -> datetime:
    return clock.current().now()


def today_for(org_id: str) -> tuple[date, str]:
    """Today in the organization's timezone, and that timezone."""
    tz = organization_settings(org_id).timezone
    return today_in(tz, now()), tz


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


def size_of(kind: str, raw: Mapping[str, Any]) -> PackageSize:
    """The size a request or a template gives (`size`, `unit`, `period`) for `kind`."""
    return package_size(
        PackageKind(kind),
        raw.get("size"),
        Unit(raw.get("unit") or "sessions"),
        Period(raw["period"]) if raw.get("period") else None,
    )


def ensure_may_change_on_track(principal: Principal, client: ClientRecord) -> None:
    """SPEC §5 with §1: owners, admins and the admins of the client's location change a
    client package's On track settings; 403 for everyone else."""
    if not may_change_on_track_settings(principal, location_id=client.location_id):
        raise Forbidden("Only owners and admins may change On track settings.")


@dataclass(frozen=True)
class _Terms:
    """What a new package takes from its template (or, custom, from the request alone)."""

    size: PackageSize
    name: str
    template_settings: OnTrackSettings | None = None
    validity_days: int | None = None
    auto_renew: bool = False
    authorization: Any = None
    template_id: str | None = None


def _template_terms(template: dict[str, Any], body: dict[str, Any]) -> _Terms:
    raw_settings = template.get("on_track")
    auto_renew = body.get("auto_renew")
    return _Terms(
        size=size_of(template["kind"], template),
        name=body.get("name") or template["name"],
        template_settings=OnTrackSettings.from_dict(raw_settings) if raw_settings else None,
        validity_days=template.get("validity_days"),
        auto_renew=bool(template.get("auto_renew") if auto_renew is None else auto_renew),
        authorization=stored(body.get("authorization")) or template.get("authorization"),
        template_id=template["id"],
    )


def _custom_terms(body: dict[str, Any]) -> _Terms:
    if not body.get("type"):
        raise InvalidInput(
            "A custom package needs a type (or give a template_id).",
            errors=[FieldError(("body", "type"), "required without template_id")],
        )
    size = size_of(body["type"], body)
    return _Terms(
        size=size,
        name=body.get("name") or f"{size.kind.value.title()} package",
        authorization=stored(body.get("authorization")),
    )


def _dates(
    body: dict[str, Any], today: date, validity_days: int | None
) -> tuple[date, date | None]:
    start: date = body.get("start_date") or today
    end: date | None = body.get("end_date") or end_date_for(start, validity_days)
    if not body.get("end_date"):
        # Derived from the start and the template's validity: it stays in range too.
        ensure_derived_in_range(end, ("body", "start_date"), "start_date plus the validity")
    validate_dates(start, end)
    return start, end


def new_package_record(
    principal: Principal,
    client: ClientRecord,
    body: dict[str, Any],
    *,
    today: date,
    template: dict[str, Any] | None,
) -> PackageRecord:
    """A package for `client`: from a template (its settings copied now) or custom."""
    terms = _custom_terms(body) if template is None else _template_terms(template, body)
    if body.get("on_track") is not None:
        ensure_may_change_on_track(principal, client)
    override = settings_of(body.get("on_track"), ON_TRACK_LOC)
    start, end = _dates(body, today, terms.validity_days)
    stamp = instant_text(now())
    return PackageRecord(
        org_id=principal.org_id,
        package=Package(
            id=ids.new_owned_id("pkg", client.id),
            client_id=client.id,
            size=terms.size,
            start_date=start,
            end_date=end,
            template_id=terms.template_id,
            auto_renew=terms.auto_renew,
            assigned_team_member_id=body.get("assigned_team_member_id"),
        ),
        name=terms.name,
        client_name=client.name,
        authorization=terms.authorization,
        preferred=bool(body.get("preferred")),
        template_settings=terms.template_settings,
        override_settings=override,
        version=1,
        state_version=1,
        created_at=stamp,
        updated_at=stamp,
    )


def _changed_terms(package: Package, changes: dict[str, Any]) -> Package:
    if "end_date" in changes:
        validate_dates(package.start_date, changes["end_date"])
        package = replace(package, end_date=changes["end_date"])
    if changes.get("auto_renew") is not None:
        package = replace(package, auto_renew=bool(changes["auto_renew"]))
    if "assigned_team_member_id" in changes:
        package = replace(package, assigned_team_member_id=changes["assigned_team_member_id"])
    if changes.get("cancelled") is not None:
        package = replace(package, cancelled=bool(changes["cancelled"]))
    return package


def changed_package(record: PackageRecord, changes: dict[str, Any]) -> PackageRecord:
    """The package with a PATCH applied (only the fields the request sent)."""
    package = _changed_terms(record.package, changes)
    fields: dict[str, Any] = {}
    if changes.get("name") is not None:
        fields["name"] = changes["name"]
    if "authorization" in changes:
        fields["authorization"] = stored(changes["authorization"])
    if changes.get("preferred") is not None:
        fields["preferred"] = bool(changes["preferred"])
    if "on_track" in changes:
        fields["override_settings"] = settings_of(changes["on_track"], ON_TRACK_LOC)
    return replace(
        record,
        package=package,
        **fields,
        version=record.version + 1,
        updated_at=instant_text(now()),
    )


def preferred_unset_ops(
    packages: list[PackageRecord], keep: str, today: date, timezone: str
) -> list[Op]:
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
