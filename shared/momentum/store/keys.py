"""Key construction. Every key begins with the organization id, so no request can reach
another tenant's items: the org comes from the caller's token, never from the request."""

from __future__ import annotations


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"
