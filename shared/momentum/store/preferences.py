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
