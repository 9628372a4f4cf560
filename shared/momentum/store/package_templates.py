"""Package templates: `pk = ORG#<org>`, `sk = PKGTPL#<id>` (a Query lists them)."""

from __future__ import annotations

from typing import Any

from momentum.store import dynamo
from momentum.store.keys import org_pk

PREFIX = "PKGTPL#"


def key(org_id: str, template_id: str) -> tuple[str, str]:
    return org_pk(org_id), PREFIX + template_id


def get(org_id: str, template_id: str) -> dict[str, Any] | None:
    return dynamo.get_item(*key(org_id, template_id))


def put(org_id: str, template: dict[str, Any], *, expected_version: int) -> None:
    pk, sk = key(org_id, template["id"])
    item = {"pk": pk, "sk": sk, "type": "package_template", **template}
    dynamo.transact_write([dynamo.versioned_put_op(item, expected_version=expected_version)])


def list_page(
    org_id: str, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    return dynamo.query(org_pk(org_id), sk_prefix=PREFIX, limit=limit, start_key=start_key)
