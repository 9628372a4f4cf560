"""A client's packages (SPEC §4): sold (created) and changed by the practice, read by
everyone with access to the client."""

from __future__ import annotations

from typing import Any

from momentum import ids
from momentum.domain.access import Principal, Role
from momentum.domain.errors import Forbidden, NotFound
from momentum.domain.packages import can_take_appointments
from momentum.domain.people import Part
from momentum.logic.access import check_client, load_client
from momentum.logic.packages.records import (
    changed_package,
    ensure_may_change_on_track,
    new_package_record,
    now,
    preferred_unset_ops,
    today_for,
)
from momentum.logic.packages.templates import template_for_package
from momentum.logic.people import Named, ensure_named
from momentum.logic.tracking import refresh_package
from momentum.logic.writes import Decision, ensure_version, optimistic_write
from momentum.store import packages as package_store
from momentum.store.clients import ClientRecord
from momentum.store.cursors import page_of
from momentum.store.packages import PackageRecord


def _team_member_named(user_id: str | None) -> list[Named]:
    if user_id is None:
        return []
    return [Named(("body", "assigned_team_member_id"), user_id, Part.TEAM_MEMBER)]


def create_package(principal: Principal, client_id: str, body: dict[str, Any]) -> PackageRecord:
    client = load_client(principal, client_id)
    if principal.role is Role.CLIENT:
        raise Forbidden("Packages are set up by the practice.")
    ensure_named(
        principal, _team_member_named(body.get("assigned_team_member_id")),
        location_id=client.location_id,
    )  # fmt: skip
    template = template_for_package(principal, body.get("template_id"))
    today, tz = today_for(principal.org_id)
    record = refresh_package(
        new_package_record(principal, client, body, today=today, template=template), today, tz
    )

    def others() -> list[PackageRecord]:
        # Only a preferred package changes the others (none is read otherwise).
        return (
            package_store.list_for_client(principal.org_id, client.id) if record.preferred else []
        )

    def decide(current: list[PackageRecord]) -> Decision[PackageRecord]:
        ops = [package_store.write_op(record, expected_version=0, expected_state_version=0)]
        return Decision(record, ops + preferred_unset_ops(current, record.id, today, tz))

    return optimistic_write(thing="package", load=others, decide=decide)


def _load_package(principal: Principal, package_id: str) -> tuple[ClientRecord, PackageRecord]:
    client_id = ids.owner_client(package_id, "pkg")
    if client_id is None:
        raise NotFound("No such package.")
    client, record = package_store.get_with_client(principal.org_id, client_id, package_id)
    if record is None:
        raise NotFound("No such package.")
    return check_client(principal, client, client_id), record


def get_package(principal: Principal, package_id: str) -> PackageRecord:
    return _load_package(principal, package_id)[1]


def by_start(record: PackageRecord) -> tuple[str, str]:
    return record.package.start_date.isoformat(), record.id


def list_packages(
    principal: Principal, client_id: str, *, open_only: bool, limit: int, cursor: str | None
) -> tuple[list[PackageRecord], str | None]:
    """A client's packages by start date, one page (a client has a handful: one Query)."""
    client = load_client(principal, client_id)
    records = package_store.list_for_client(principal.org_id, client.id)
    if open_only:
        today, _ = today_for(principal.org_id)
        # What the forms offer: a subscription whose period allowance is used is left out.
        records = [
            r for r in records if can_take_appointments(r.package, r.package_summary(), today)
        ]
    return page_of(
        sorted(records, key=by_start),
        by_start,
        limit=limit,
        cursor=cursor,
        org_id=principal.org_id,
        scope=f"packages|{client.id}|{open_only}",
        now=now(),
    )


def update_package(
    principal: Principal, package_id: str, changes: dict[str, Any], expected_version: int | None
) -> PackageRecord:
    client, record = _load_package(principal, package_id)
    if principal.role is Role.CLIENT:
        raise Forbidden("Packages are changed by the practice.")
    if "on_track" in changes:
        ensure_may_change_on_track(principal, client)
    ensure_version("package", record.version, expected_version)
    team_member = changes.get("assigned_team_member_id")
    if team_member != record.package.assigned_team_member_id:
        # A new team member is checked; re-sending the current one (or null) always works.
        ensure_named(principal, _team_member_named(team_member), location_id=client.location_id)

    def decide(current: PackageRecord) -> Decision[PackageRecord]:
        today, tz = today_for(principal.org_id)
        # Caught up with the package as it was, then today with the edit (e.g. new
        # thresholds put it at risk: the episode starts today). A booking that moved only
        # its state meanwhile: the edit is applied again to the package as it is now.
        updated = refresh_package(changed_package(current, changes), today, tz, before=current)
        ops = [
            package_store.write_op(
                updated,
                expected_version=current.version,
                expected_state_version=current.state_version,
            )
        ]
        if updated.preferred and not current.preferred:
            others = package_store.list_for_client(principal.org_id, client.id)
            ops += preferred_unset_ops(others, updated.id, today, tz)
        return Decision(updated, ops)

    return optimistic_write(
        thing="package",
        load=lambda: package_store.get(principal.org_id, client.id, package_id),
        decide=decide,
        version=lambda current: current.version,
        expected_version=expected_version,
        loaded=record,
    )
