"""Key construction. Every key begins with the organization id, so no request can reach
another tenant's items: the org comes from the caller's token, never from the request."""

from __future__ import annotations


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


def client_pk(org_id: str, client_id: str) -> str:
    """One partition per client: everything the client owns lives under it."""
    return f"ORG#{org_id}#CL#{client_id}"


def clients_list_pk(org_id: str) -> str:
    return f"ORG#{org_id}#CLIENTS"


def location_clients_pk(org_id: str, location_id: str) -> str:
    return f"ORG#{org_id}#LOC#{location_id}#CLIENTS"


def staff_clients_pk(org_id: str, staff_id: str) -> str:
    return f"ORG#{org_id}#STAFF#{staff_id}#CLIENTS"


def name_sort_key(name: str, record_id: str) -> str:
    """Lists sort by name, case-insensitively; the id keeps equal names distinct."""
    return f"{name.casefold()}#{record_id}"
