"""Engagement templates: `pk = ORG#<org>`, `sk = ENGTPL#<id>` (a Query lists them)."""

from __future__ import annotations

from typing import Any

from momentum.store import dynamo
from momentum.store.keys import org_pk

PREFIX = "ENGTPL#"
ITEM_TYPE = "engagement_template"
_KEYS = ("pk", "sk", "type")


def key(org_id: str, template_id: str) -> tuple[str, str]:
    return org_pk(org_id), PREFIX + template_id


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _KEYS}


def get(org_id: str, template_id: str) -> dict[str, Any] | None:
    item = dynamo.get_item(*key(org_id, template_id))
    return _fields(item) if item else None


def put(org_id: str, template: dict[str, Any], *, expected_version: int) -> None:
    """Write the template (whose `version` is expected_version + 1) unless someone else
    changed it since it was read (0: it must not exist yet); else ConditionFailed."""
    pk, sk = key(org_id, template["id"])
    item = {**_fields(template), "pk": pk, "sk": sk, "type": ITEM_TYPE}
    if expected_version == 0:
        dynamo.put_item(item, condition="attribute_not_exists(pk)")
        return
    dynamo.put_item(
        item,
        condition="#version = :expected",
        names={"#version": "version"},
        values={":expected": expected_version},
    )


def list_page(
    org_id: str, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    items, last = dynamo.query(org_pk(org_id), sk_prefix=PREFIX, limit=limit, start_key=start_key)
    return [_fields(i) for i in items], last
