"""Client packages: `pk = ORG#<org>#CL#<client>`, `sk = S#PKG#<id>`.

`version` guards what people edit (ETag); `state_version` guards the summary and state
that appointment writes and the nightly fold in. Organization-wide list (the On track
report): `gsi1` `ORG#<org>#PKGS`, by client then package."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from momentum.domain.on_track import OnTrackSettings, PackageState, effective_settings
from momentum.domain.packages import Package, PackageKind, PackageSize, PackageSummary, Period, Unit
from momentum.store import due, dynamo
from momentum.store.clients import ClientRecord, with_owned_item
from momentum.store.keys import client_pk

PREFIX = "S#PKG#"
ITEM_TYPE = "package"


def packages_list_pk(org_id: str) -> str:
    return f"ORG#{org_id}#PKGS"


@dataclass(frozen=True)
class PackageRecord:
    org_id: str
    package: Package
    name: str
    client_name: str = ""
    authorization: dict[str, Any] | None = None
    preferred: bool = False
    template_settings: OnTrackSettings | None = None
    override_settings: OnTrackSettings | None = None
    summary: PackageSummary | None = None
    state: PackageState = field(default_factory=PackageState)
    status: str = "not_tracking"
    # Stored as `renewed_from` (the API's `renewed_from_id`; no migration).
    renewed_from_id: str | None = None
    version: int = 0
    state_version: int = 0
    created_at: str = ""
    updated_at: str = ""
    due: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.package.id

    @property
    def client_id(self) -> str:
        return self.package.client_id

    def package_summary(self) -> PackageSummary:
        return self.summary or PackageSummary(self.package.id)

    @property
    def settings(self) -> OnTrackSettings | None:
        """Effective settings: a client-level override replaces the template's entirely."""
        return effective_settings(self.template_settings, self.override_settings)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def to_item(record: PackageRecord) -> dict[str, Any]:
    p = record.package
    return {
        "pk": client_pk(record.org_id, p.client_id),
        "sk": PREFIX + p.id,
        "type": ITEM_TYPE,
        "id": p.id,
        "org_id": record.org_id,
        "client_id": p.client_id,
        "client_name": record.client_name,
        "name": record.name,
        "template_id": p.template_id,
        "size": {
            "kind": p.size.kind.value,
            "amount": p.size.amount,
            "unit": p.size.unit.value,
            "period": p.size.period.value if p.size.period else None,
        },
        "start_date": p.start_date.isoformat(),
        "end_date": _iso(p.end_date),
        "cancelled": p.cancelled,
        "auto_renew": p.auto_renew,
        "assigned_team_member_id": p.assigned_team_member_id,
        "authorization": record.authorization,
        "preferred": record.preferred,
        "template_settings": record.template_settings.to_dict()
        if record.template_settings
        else None,
        "override_settings": record.override_settings.to_dict()
        if record.override_settings
        else None,
        "summary": record.package_summary().to_dict(),
        "state": record.state.to_dict(),
        "status": record.status,
        "renewed_from": record.renewed_from_id,
        "version": record.version,
        "state_version": record.state_version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "gsi1pk": packages_list_pk(record.org_id),
        "gsi1sk": f"{p.client_id}#{p.id}",
        **record.due,
    }


def _size(raw: dict[str, Any]) -> PackageSize:
    return PackageSize(
        kind=PackageKind(raw["kind"]),
        amount=None if raw.get("amount") is None else int(raw["amount"]),
        unit=Unit(raw.get("unit") or "sessions"),
        period=Period(raw["period"]) if raw.get("period") else None,
    )


def from_item(item: dict[str, Any]) -> PackageRecord:
    package = Package(
        id=str(item["id"]),
        client_id=str(item["client_id"]),
        size=_size(item["size"]),
        start_date=date.fromisoformat(item["start_date"]),
        end_date=date.fromisoformat(item["end_date"]) if item.get("end_date") else None,
        cancelled=bool(item.get("cancelled", False)),
        template_id=item.get("template_id"),
        auto_renew=bool(item.get("auto_renew", False)),
        assigned_team_member_id=item.get("assigned_team_member_id"),
    )
    template = item.get("template_settings")
    override = item.get("override_settings")
    return PackageRecord(
        org_id=str(item["org_id"]),
        package=package,
        name=str(item.get("name", "")),
        client_name=str(item.get("client_name", "")),
        authorization=item.get("authorization"),
        preferred=bool(item.get("preferred", False)),
        template_settings=OnTrackSettings.from_dict(template) if template else None,
        override_settings=OnTrackSettings.from_dict(override) if override else None,
        summary=PackageSummary.from_dict(item["summary"]) if item.get("summary") else None,
        state=PackageState.from_dict(item.get("state") or {}),
        status=str(item.get("status", "not_tracking")),
        renewed_from_id=item.get("renewed_from"),
        version=int(item.get("version", 0)),
        state_version=int(item.get("state_version", 0)),
        created_at=str(item.get("created_at", "")),
        updated_at=str(item.get("updated_at", "")),
        due={k: item[k] for k in ("due_shard", "due_at") if k in item},
    )


def get(org_id: str, client_id: str, package_id: str) -> PackageRecord | None:
    item = dynamo.get_item(client_pk(org_id, client_id), PREFIX + package_id)
    return from_item(item) if item else None


def get_with_client(
    org_id: str, client_id: str, package_id: str
) -> tuple[ClientRecord | None, PackageRecord | None]:
    """The package and its client (for the access check and its summary): one BatchGetItem."""
    client, item = with_owned_item(org_id, client_id, PREFIX + package_id)
    return client, (from_item(item) if item else None)


def list_for_client(org_id: str, client_id: str) -> list[PackageRecord]:
    items = dynamo.query_all(client_pk(org_id, client_id), sk_prefix=PREFIX, consistent=True)
    return [from_item(i) for i in items]


def write_op(
    record: PackageRecord, *, expected_version: int, expected_state_version: int
) -> dict[str, Any]:
    return dynamo.tracked_put_op(
        to_item(record),
        expected_version=expected_version,
        expected_state_version=expected_state_version,
    )


def report_list(org_id: str, client_id: str, *, after: str | None = None) -> list[PackageRecord]:
    """A client's packages by id, after package `after` (a report page resuming inside the
    client): eventually consistent, like the rest of the report's reads."""
    pk = client_pk(org_id, client_id)
    start = None if after is None else {"pk": {"S": pk}, "sk": {"S": PREFIX + after}}
    records: list[PackageRecord] = []
    while True:
        items, start = dynamo.query(pk, sk_prefix=PREFIX, start_key=start)
        records += [from_item(i) for i in items]
        if not start:
            return records


def scheduled(record: PackageRecord, at: datetime | None) -> PackageRecord:
    """The package with its next check at `at` (the instant its check day begins), in the
    due index; None: no next check, out of the index."""
    key = (client_pk(record.org_id, record.client_id), PREFIX + record.id)
    return replace(record, due=due.due_fields(*key, at))


def report_page(
    org_id: str, *, after: tuple[str, str] | None, limit: int
) -> tuple[list[PackageRecord], bool]:
    """One page of the organization's packages by client (the On track report), after the
    package `after` = (client id, package id); and whether more may follow. The start key
    is built here from the caller's organization, so `after` can only skip ahead in it."""
    start = None
    if after is not None:
        client_id, package_id = after
        start = dynamo.index_start_key(
            client_pk(org_id, client_id),
            PREFIX + package_id,
            index="gsi1",
            index_pk=packages_list_pk(org_id),
            index_sk=f"{client_id}#{package_id}",
        )
    items, last = dynamo.query(packages_list_pk(org_id), index="gsi1", limit=limit, start_key=start)
    return [from_item(i) for i in items], bool(last)
