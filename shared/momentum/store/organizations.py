"""Organization records: `pk = ORG#<org>`, `sk = ORG`, and the settings every use case
reads (timezone, locations), kept briefly per container."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from momentum.domain.organizations import Location, Organization
from momentum.store import dynamo
from momentum.store.keys import org_pk
from momentum.store.transactions import Op

ORG_SK = "ORG"
# Organization settings change rarely and every write path needs the timezone: keep them
# for a minute per container instead of reading them on every request.
CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, Organization]] = {}


def settings(org_id: str) -> Organization:
    """The organization (timezone, locations), cached briefly in this process; one not
    configured yet reads as its defaults."""
    hit = _cache.get(org_id)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    org = get(org_id) or Organization(id=org_id, name="")
    _cache[org_id] = (time.monotonic(), org)
    return org


def forget_cached(org_id: str | None = None) -> None:
    if org_id is None:
        _cache.clear()
    else:
        _cache.pop(org_id, None)


def get(org_id: str) -> Organization | None:
    item = dynamo.get_item(org_pk(org_id), ORG_SK)
    return _from_item(org_id, item) if item else None


def stored_version(org_id: str) -> int:
    """The organization's stored version (0: not stored yet)."""
    current = get(org_id)
    return current.version if current else 0


def save_op(org: Organization, *, expected_version: int) -> Op:
    """Write the organization as version `expected_version + 1`, only while the stored
    version is still `expected_version` (0 = not stored yet). Whoever commits it forgets
    this container's cached copy (`forget_cached`)."""
    item: dict[str, Any] = {
        "pk": org_pk(org.id),
        "sk": ORG_SK,
        "type": "organization",
        "name": org.name,
        "timezone": org.timezone,
        "locations": [{"id": loc.id, "name": loc.name} for loc in org.locations],
        "version": expected_version + 1,
    }
    return dynamo.versioned_put_op(item, expected_version=expected_version)


def save(org: Organization, *, expected_version: int) -> Organization:
    """Write the organization as version `expected_version + 1`; the write only lands while
    the stored version is still `expected_version` (0 = not stored yet), else it raises
    dynamo.ConditionFailed."""
    dynamo.put_prepared(save_op(org, expected_version=expected_version))
    forget_cached(org.id)  # this container reads its own change at once
    return replace(org, version=expected_version + 1)


def _from_item(org_id: str, item: dict[str, Any]) -> Organization:
    return Organization(
        id=org_id,
        name=str(item.get("name", "")),
        timezone=str(item.get("timezone", "UTC")),
        locations=tuple(
            Location(id=str(loc["id"]), name=str(loc["name"])) for loc in item.get("locations", [])
        ),
        version=int(item.get("version", 0)),
    )
