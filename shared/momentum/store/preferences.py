"""Email preferences and suppressed addresses.

Preferences: `pk = ORG#<org>`, `sk = PREFS#<person id>`, `off` = the kinds turned off.
Suppressions: `pk = ORG#<org>`, `sk = SUPPRESSED#<address>` (bounces and complaints)."""

from __future__ import annotations

from datetime import datetime

from momentum.store import due, dynamo
from momentum.store.keys import org_pk


def kinds_off(org_id: str, person_id: str) -> frozenset[str]:
    item = dynamo.get_item(org_pk(org_id), f"PREFS#{person_id}")
    return frozenset(item.get("off", [])) if item else frozenset()


def turn_off(org_id: str, person_id: str, kind: str) -> None:
    """Add `kind` to the person's turned-off kinds (idempotent, atomic)."""
    dynamo.update_item(
        org_pk(org_id),
        f"PREFS#{person_id}",
        update="ADD #off :kind SET #type = :type",
        names={"#off": "off", "#type": "type"},
        values={":kind": {kind}, ":type": "preferences"},
    )


def is_suppressed(org_id: str, address: str) -> bool:
    return dynamo.get_item(org_pk(org_id), f"SUPPRESSED#{address.lower()}") is not None


def suppress(org_id: str, address: str, reason: str, now: datetime) -> None:
    dynamo.put_item(
        {
            "pk": org_pk(org_id),
            "sk": f"SUPPRESSED#{address.lower()}",
            "type": "suppression",
            "address": address.lower(),
            "reason": reason,
            "since": due.instant_text(now),
        }
    )


# -- the preferences record as a whole (`/me/preferences`, one-click unsubscribe) ------------
# `version` counts every change (the ETag); an item written before it existed reads as 0.


def prefs_sk(person_id: str) -> str:
    return f"PREFS#{person_id}"


def get_preferences(org_id: str, person_id: str) -> tuple[frozenset[str], int]:
    """The kinds a person turned off, and the record's version (0: never changed)."""
    item = dynamo.get_item(org_pk(org_id), prefs_sk(person_id))
    if not item:
        return frozenset(), 0
    return frozenset(str(k) for k in item.get("off", [])), int(item.get("version", 0))


def save_preferences(
    org_id: str,
    person_id: str,
    off: frozenset[str],
    *,
    expected_version: int | None,
    now: datetime,
) -> int:
    """Replace the turned-off kinds; returns the new version. With `expected_version` the
    write lands only while the stored version is still that (else dynamo.ConditionFailed)."""
    update = "SET #type = :type, #updated = :now"
    values: dict[str, object] = {":type": "preferences", ":now": due.instant_text(now), ":one": 1}
    if off:
        update += ", #off = :off"
        values[":off"] = set(off)
    update += " ADD #version :one"
    if not off:
        update += " REMOVE #off"
    condition = None
    if expected_version is not None:
        if expected_version == 0:
            condition = "attribute_not_exists(#version) OR #version = :expected"
        else:
            condition = "#version = :expected"
        values[":expected"] = expected_version
    item = dynamo.update_item(
        org_pk(org_id),
        prefs_sk(person_id),
        update=update,
        condition=condition,
        names={"#type": "type", "#updated": "updated_at", "#off": "off", "#version": "version"},
        values=values,
    )
    return int(item.get("version", 0))


def turn_off_versioned(org_id: str, person_id: str, kind: str, now: datetime) -> None:
    """Like `turn_off`, and count it as a change of the record (a PUT holding an older ETag
    then gets 412 instead of switching the kind back on). Idempotent for the kind."""
    dynamo.update_item(
        org_pk(org_id),
        prefs_sk(person_id),
        update="ADD #off :kind, #version :one SET #type = :type, #updated = :now",
        names={"#off": "off", "#type": "type", "#version": "version", "#updated": "updated_at"},
        values={":kind": {kind}, ":type": "preferences", ":one": 1, ":now": due.instant_text(now)},
    )
