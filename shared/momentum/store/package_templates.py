"""Package templates: `pk = ORG#<org>`, `sk = PKGTPL#<id>` (a Query lists them).

A template is handed out as its stored fields (a dict, without the keys): packages made
from it copy what they need when they are made."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from momentum import config
from momentum.store import dynamo
from momentum.store.keys import org_pk
from momentum.store.pages import query_page
from momentum.store.transactions import Op

PREFIX = "PKGTPL#"
ITEM_TYPE = "package_template"
LIST_SCOPE = "package-templates"  # what the list's cursors are bound to
_KEYS = ("pk", "sk", "type")
# The nightly renews packages from their template as it is now (SPEC §4), and many packages
# share one template: keep a template for a minute per container instead of reading it for
# every renewal, as the organization settings are kept (store/organizations.py).
CACHE_SECONDS = 60.0
_cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}


def key(org_id: str, template_id: str) -> tuple[str, str]:
    return org_pk(org_id), PREFIX + template_id


def get(org_id: str, template_id: str) -> dict[str, Any] | None:
    return dynamo.get_item(*key(org_id, template_id))


def current(org_id: str, template_id: str) -> dict[str, Any] | None:
    """The template as read at most `CACHE_SECONDS` ago in this container (None: gone; a
    missing template is not kept, so one written since is found)."""
    hit = _cache.get((org_id, template_id))
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    template = get(org_id, template_id)
    if template is not None:
        _cache[(org_id, template_id)] = (time.monotonic(), template)
    return template


@config.on_reset
def forget_cached() -> None:
    """Forget every kept template (a write in this container, or the environment changed)."""
    _cache.clear()


def fields(template: dict[str, Any]) -> dict[str, Any]:
    """The template without its keys."""
    return {k: v for k, v in template.items() if k not in _KEYS}


def _item(org_id: str, template: dict[str, Any]) -> dict[str, Any]:
    pk, sk = key(org_id, template["id"])
    return {**fields(template), "pk": pk, "sk": sk, "type": ITEM_TYPE}


def create_op(org_id: str, template: dict[str, Any]) -> Op:
    """Write a new template, unless its id is taken already."""
    return dynamo.versioned_put_op(_item(org_id, template), expected_version=0)


def save_op(org_id: str, template: dict[str, Any], *, read_version: int) -> Op:
    """Write the changed template only if it is still at the version it was read at."""
    return dynamo.versioned_put_op(_item(org_id, template), expected_version=read_version)


def list_page(
    org_id: str, *, limit: int, cursor: str | None, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the organization's templates, and the cursor of the next (None: last)."""
    return query_page(
        org_pk(org_id),
        org_id=org_id,
        scope=LIST_SCOPE,
        limit=limit,
        cursor=cursor,
        now=now,
        sk_prefix=PREFIX,
    )
