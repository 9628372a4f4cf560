"""Staff user use cases (SPEC §1): list, read, create (with the Cognito login), change.

Who may do what:

- `owner` and `admin` list, read, create and change users of their organization. Only an
  owner may create an owner, make someone an owner, or change an owner's record; nobody
  changes their own role or status (an organization cannot lock itself out by accident).
- `location_admin` may list and read users (they pick practitioners and coaches for the
  clients and engagements of their locations) but not create or change them; they change
  only their own name and phone.
- `staff` read only their own profile and change only their own name and phone. The list
  is for administrators: it holds colleagues' contact details.
- `client` tokens have no business here (403).

A user id is the `sub` of their Cognito login, so a token names its user directly.
Role and location changes are pushed to the login's claims at once; the tokens already
issued keep the old claims until they expire, so `ensure_active_user` also refuses a token
whose role or locations no longer match the record (401: sign in again). An inactive user's
token is refused with 403 by `ensure_active_user`, which other use cases can call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from momentum import clock
from momentum.domain.access import Principal, Role
from momentum.domain.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    Unauthenticated,
)
from momentum.identity import LoginClaims, UsernameTaken, identities
from momentum.store import dynamo
from momentum.store import organizations as org_store
from momentum.store import users as user_store
from momentum.store.due import instant_text
from momentum.store.users import UserRecord

USER_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.LOCATION_ADMIN, Role.STAFF})
SELF_EDITABLE = frozenset({"name", "phone"})
MAX_LOCATION_CLAIM = 2048  # the Cognito custom attribute's maximum length
ACTIVE, INACTIVE = "active", "inactive"


# -- pure rules ------------------------------------------------------------------------------


def may_list_users(principal: Principal) -> bool:
    """Owners, admins and location admins see the organization's users."""
    return principal.is_org_admin or principal.role is Role.LOCATION_ADMIN


def may_read_user(principal: Principal, user_id: str) -> bool:
    """Those who may list users, and every user their own profile."""
    if principal.role is Role.CLIENT:
        return False
    return may_list_users(principal) or principal.user_id == user_id


def ensure_may_create(principal: Principal, role: str) -> None:
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins add users.")
    if role == Role.OWNER and principal.role is not Role.OWNER:
        raise Forbidden("Only an owner may add an owner.")


def ensure_may_change(principal: Principal, target: UserRecord, fields: Mapping[str, Any]) -> None:
    """May this caller make these changes (the fields sent) to `target`? 403 otherwise."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Users are managed by the organization's administrators.")
    own = principal.user_id == target.id
    if not principal.is_org_admin:
        if not own:
            raise Forbidden("Only owners and admins change other users.")
        refused = sorted(set(fields) - SELF_EDITABLE)
        if refused:
            raise Forbidden(f"Only owners and admins may change: {', '.join(refused)}.")
        return
    if principal.role is not Role.OWNER:
        if target.role == Role.OWNER:
            raise Forbidden("Only an owner may change an owner.")
        if fields.get("role") == Role.OWNER:
            raise Forbidden("Only an owner may make someone an owner.")
    if own:
        changed = [k for k in ("role", "status") if k in fields and fields[k] != getattr(target, k)]
        if changed:
            raise Forbidden(
                f"You cannot change your own {' or '.join(changed)}; ask another owner or admin."
            )


def profile_errors(
    role: str, location_ids: Collection[str], known_locations: Collection[str] | None
) -> list[FieldError]:
    """What is wrong with a user's role and locations (empty when nothing is).

    `known_locations` is None when the organization need not be consulted (no locations)."""
    errors: list[FieldError] = []
    if role == Role.LOCATION_ADMIN and not location_ids:
        errors.append(
            FieldError(("body", "location_ids"), "a location admin needs at least one location")
        )
    if known_locations is not None:
        errors += [
            FieldError(("body", "location_ids", i), "no such location in your organization")
            for i, location in enumerate(location_ids)
            if location not in known_locations
        ]
    if len(",".join(location_ids)) > MAX_LOCATION_CLAIM:
        errors.append(FieldError(("body", "location_ids"), "too many locations for one user"))
    return errors


def check_caller(principal: Principal, record: UserRecord | None) -> None:
    """Refuse a staff token whose user record says no: inactive → 403; a role or locations
    that changed since the token was issued → 401 (sign in again for fresh claims).

    A token without a user record (e.g. the first owner, set up before users existed) is
    left to its claims."""
    if record is None or principal.role is Role.CLIENT:
        return
    if record.status != ACTIVE:
        raise Forbidden("Your user account is inactive; ask an administrator to reactivate it.")
    if record.role != principal.role.value or (
        principal.role is Role.LOCATION_ADMIN
        and frozenset(record.location_ids) != principal.location_ids
    ):
        raise Unauthenticated("Your role or locations changed; sign in again.")


# -- use cases -------------------------------------------------------------------------------


def _now() -> datetime:
    return clock.current().now()


def ensure_active_user(principal: Principal) -> UserRecord | None:
    """For staff tokens: their user record, refusing an inactive user (403) or a token whose
    role or locations are out of date (401). Client tokens (and users without a record)
    give None: the portal rules are `momentum.logic.access.ensure_portal_client`."""
    if principal.role is Role.CLIENT:
        return None
    record = user_store.get_user(principal.org_id, principal.user_id)
    check_caller(principal, record)
    return record


def _caller_and_target(principal: Principal, user_id: str) -> UserRecord:
    """The caller's and the target's records in one DynamoDB call; the caller is checked
    (active, current claims) and a target missing from the caller's organization is 404."""
    records = user_store.get_users(principal.org_id, [principal.user_id, user_id])
    check_caller(principal, records.get(principal.user_id))
    target = records.get(user_id)
    if target is None:
        raise NotFound("No such user.")
    return target


def _known_locations(principal: Principal, location_ids: Collection[str]) -> frozenset[str] | None:
    if not location_ids:
        return None
    org = org_store.get(principal.org_id)
    return org.location_ids() if org else frozenset()


def _claims(record: UserRecord) -> LoginClaims:
    return LoginClaims(org_id=record.org_id, role=record.role, location_ids=record.location_ids)


def create_user(principal: Principal, fields: Mapping[str, Any]) -> UserRecord:
    """Add a user and create their login (the pool emails them a temporary password); the
    login's `sub` becomes the user's id and the user is marked invited."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Users are managed by the organization's administrators.")
    ensure_may_create(principal, str(fields["role"]))
    ensure_active_user(principal)
    role = str(fields["role"])
    location_ids = tuple(dict.fromkeys(fields.get("location_ids") or []))
    errors = profile_errors(role, location_ids, _known_locations(principal, location_ids))
    if errors:
        raise InvalidInput("The user's role and locations do not fit.", errors=errors)
    email = str(fields["email"])
    now = instant_text(_now())
    draft = UserRecord(
        org_id=principal.org_id,
        id="",
        name=str(fields["name"]),
        email=email,
        role=role,
        location_ids=location_ids,
        status=str(fields.get("status") or ACTIVE),
        invited=True,
        phone=fields.get("phone"),
        login_username=email,
        version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        subject = identities().create_login(username=email, email=email, claims=_claims(draft))
    except UsernameTaken:
        raise Conflict("A login with this email address already exists.") from None
    record = replace(draft, id=subject)
    try:
        user_store.create(record)
    except Exception:
        # Leave no login behind without its user: the caller can simply try again.
        identities().delete_login(username=email)
        raise
    return record


def get_user(principal: Principal, user_id: str) -> UserRecord:
    """One user: one DynamoDB call (the caller's own check rides along in the same batch)."""
    if not may_read_user(principal, user_id):
        raise Forbidden("You may read only your own user profile.")
    return _caller_and_target(principal, user_id)


def update_user(
    principal: Principal,
    user_id: str,
    fields: Mapping[str, Any],
    expected_version: int | None,
) -> UserRecord:
    """Change the fields sent. Role and location changes update the login's claims; a
    repeated request re-sends them, so a claims update that failed can be retried."""
    if principal.role is Role.CLIENT or not (
        principal.is_org_admin or principal.user_id == user_id
    ):
        raise Forbidden("Only owners and admins change other users.")
    record = _caller_and_target(principal, user_id)
    ensure_may_change(principal, record, fields)
    if expected_version is not None and expected_version != record.version:
        raise PreconditionFailed("The user changed since you read it; reload and try again.")
    changes = dict(fields)
    if "location_ids" in changes:
        changes["location_ids"] = tuple(dict.fromkeys(changes["location_ids"]))
    role = str(changes.get("role", record.role))
    location_ids = tuple(changes.get("location_ids", record.location_ids))
    if {"role", "location_ids"} & set(changes):
        # Locations are checked against the organization when they are sent.
        known = _known_locations(principal, location_ids) if "location_ids" in changes else None
        errors = profile_errors(role, location_ids, known)
        if errors:
            raise InvalidInput("The user's role and locations do not fit.", errors=errors)
    if not changes:
        return record
    updated = replace(
        record, **changes, updated_at=instant_text(_now()), version=record.version + 1
    )
    try:
        user_store.save_profile(record, updated)
    except dynamo.ConditionFailed:
        raise PreconditionFailed(
            "The user changed since you read it; reload and try again."
        ) from None
    if {"role", "location_ids"} & set(changes) and updated.login_username:
        identities().update_claims(username=updated.login_username, claims=_claims(updated))
    if "status" in changes and updated.login_username:
        # An inactive user cannot sign in any more; tokens already issued expire within the
        # pool's token validity (and the users routes refuse them at once).
        identities().set_enabled(username=updated.login_username, enabled=updated.active)
    return updated


def list_users(
    principal: Principal,
    *,
    role: str | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the organization's users by name, optionally filtered by role and status
    (owners, admins and location admins)."""
    from momentum.api.pagination import decode_cursor, encode_cursor

    if not may_list_users(principal):
        raise Forbidden("Only administrators list the organization's users.")
    now = _now()
    scope = f"users|{role}|{status}"
    start = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=now)
    ensure_active_user(principal)
    page, last = user_store.list_page(principal.org_id, limit=limit, start_key=start)
    rows = [
        r
        for r in page
        if (role is None or r["role"] == role) and (status is None or r["status"] == status)
    ]
    return rows, encode_cursor(last, org_id=principal.org_id, scope=scope, now=now)


def user_view(record: UserRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "email": record.email,
        "phone": record.phone,
        "role": record.role,
        "location_ids": list(record.location_ids),
        "status": record.status,
        "invited": record.invited,
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }
