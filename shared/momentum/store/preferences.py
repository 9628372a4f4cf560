"""Email preferences and suppressed addresses.

Preferences: `pk = ORG#<org>`, `sk = PREFS#<person id>`, `off` = the kinds turned off.
Suppressions: `pk = ORG#<org>`, `sk = SUPPRESSED#<address>` (bounces and complaints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from momentum.store import due, dynamo
from momentum.store.clients import CLIENT_SK, ClientRecord
from momentum.store.clients import from_item as client_from_item
from momentum.store.keys import client_pk, org_pk
from momentum.store.transactions import Op
from momentum.store.users import UserRecord, user_sk
from momentum.store.users import from_item as user_from_item


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


@dataclass(frozen=True)
class PreferencesRecord:
    """The kinds a person turned off, and the record's version (0: never changed)."""

    off: frozenset[str] = frozenset()
    version: int = 0


def prefs_sk(person_id: str) -> str:
    return f"PREFS#{person_id}"


def get_preferences(org_id: str, person_id: str) -> tuple[frozenset[str], int]:
    """The kinds a person turned off, and the record's version (0: never changed)."""
    item = dynamo.get_item(org_pk(org_id), prefs_sk(person_id))
    if not item:
        return frozenset(), 0
    return frozenset(str(k) for k in item.get("off", [])), int(item.get("version", 0))


_NAMES = {"#type": "type", "#updated": "updated_at", "#off": "off", "#version": "version"}


def _replacement(off: frozenset[str], now: datetime) -> tuple[str, dict[str, object]]:
    """The update that replaces the turned-off kinds and counts one change."""
    update = "SET #type = :type, #updated = :now"
    values: dict[str, object] = {":type": "preferences", ":now": due.instant_text(now), ":one": 1}
    if off:
        update += ", #off = :off"
        values[":off"] = set(off)
    update += " ADD #version :one"
    if not off:
        update += " REMOVE #off"
    return update, values


def replace_op(
    org_id: str, person_id: str, off: frozenset[str], *, expected_version: int, now: datetime
) -> Op:
    """Replace the turned-off kinds as version `expected_version + 1`, only while the stored
    version is still `expected_version` (0: never changed)."""
    update, values = _replacement(off, now)
    values[":expected"] = expected_version
    condition = "#version = :expected"
    if expected_version == 0:
        condition = "attribute_not_exists(#version) OR #version = :expected"
    return dynamo.update_op(
        org_pk(org_id),
        prefs_sk(person_id),
        update=update,
        condition=condition,
        names=_NAMES,
        values=values,
    )


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
    if expected_version is not None:
        op = replace_op(org_id, person_id, off, expected_version=expected_version, now=now)
        item = dynamo.update_prepared(op)
    else:
        update, values = _replacement(off, now)
        item = dynamo.update_item(
            org_pk(org_id), prefs_sk(person_id), update=update, names=_NAMES, values=values
        )
    return int(item.get("version", 0))


def _with_person(
    org_id: str, person_key: tuple[str, str], person_id: str
) -> tuple[dict[str, Any] | None, PreferencesRecord]:
    """A person's own item and their preferences, in one BatchGetItem."""
    prefs_key = (org_pk(org_id), prefs_sk(person_id))
    items = dynamo.batch_get([person_key, prefs_key])
    prefs = items.get(prefs_key)
    if not prefs:
        return items.get(person_key), PreferencesRecord()
    off = frozenset(str(k) for k in prefs.get("off", []))
    return items.get(person_key), PreferencesRecord(off, int(prefs.get("version", 0)))


def with_user(org_id: str, user_id: str) -> tuple[UserRecord | None, PreferencesRecord]:
    """A user's record and their preferences, in one call."""
    item, prefs = _with_person(org_id, (org_pk(org_id), user_sk(user_id)), user_id)
    return (user_from_item(item) if item else None), prefs


def with_client(org_id: str, client_id: str) -> tuple[ClientRecord | None, PreferencesRecord]:
    """A client's record and their preferences, in one call."""
    key = (client_pk(org_id, client_id), CLIENT_SK)
    item, prefs = _with_person(org_id, key, client_id)
    return (client_from_item(item) if item else None), prefs


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
