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

A user id is the `sub` of their Cognito login, so a token names its user directly, and
every call to the user pool names the login by that id, never by email. Every request's
caller is their user record (momentum.logic.callers, at most a minute old): no record →
401, inactive → 403, and the role and locations are the record's, whatever the token says.
These routes read the caller's record fresh anyway and check that read (`check_caller`).
Role and location changes are also pushed to the login's claims; deactivation disables the
login and signs it out everywhere (its refresh tokens stop working).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from momentum import adapters, clock
from momentum.domain.access import Principal, Role
from momentum.domain.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from momentum.identity import LoginClaims, LoginNotFound, identities
from momentum.logic import callers
from momentum.logic.logins import new_login
from momentum.logic.writes import Decision, ensure_version, optimistic_write
from momentum.store.due import instant_text
from momentum.store.users import UserRecord

USER = "user"
SELF_EDITABLE = frozenset({"name", "phone"})
MAX_LOCATION_CLAIM = 2048  # the Cognito custom attribute's maximum length
ACTIVE = "active"
# What a user's view shows as stored (and `location_ids`, as a list).
VIEW_FIELDS = (
    "id",
    "name",
    "email",
    "phone",
    "role",
    "status",
    "invited",
    "version",
    "created_at",
    "updated_at",
)
# The same answer whoever holds the address: it reveals nothing about other organizations.
ADDRESS_UNUSABLE = "This email address cannot be used for a login; use another address."
LOGIN_MISSING = (
    "This user's login is missing from the user pool; nothing was changed. "
    "Ask support to restore it."
)


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
        _ensure_own_profile_only(own, fields)
        return
    if principal.role is not Role.OWNER:
        _ensure_owners_left_to_owners(target, fields)
    if own:
        changed = [k for k in ("role", "status") if k in fields and fields[k] != getattr(target, k)]
        if changed:
            raise Forbidden(
                f"You cannot change your own {' or '.join(changed)}; ask another owner or admin."
            )


def _ensure_own_profile_only(own: bool, fields: Mapping[str, Any]) -> None:
    """Location admins and staff change their own name and phone, nothing else."""
    if not own:
        raise Forbidden("Only owners and admins change other users.")
    refused = sorted(set(fields) - SELF_EDITABLE)
    if refused:
        raise Forbidden(f"Only owners and admins may change: {', '.join(refused)}.")


def _ensure_owners_left_to_owners(target: UserRecord, fields: Mapping[str, Any]) -> None:
    """An admin neither changes an owner nor makes one."""
    if target.role == Role.OWNER:
        raise Forbidden("Only an owner may change an owner.")
    if fields.get("role") == Role.OWNER:
        raise Forbidden("Only an owner may make someone an owner.")


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


def check_caller(principal: Principal, record: UserRecord | None) -> Principal:
    """A staff caller as a fresh read of their user record says: no record → 401,
    inactive → 403, else the record's role and locations (kept for the next request).
    Client tokens are left to the portal rules (`momentum.logic.access`)."""
    if principal.role is Role.CLIENT:
        return principal
    return callers.remember(principal, record)


# -- use cases -------------------------------------------------------------------------------


def _now() -> datetime:
    return clock.current().now()


def ensure_active_user(principal: Principal) -> UserRecord | None:
    """For staff tokens: their user record read fresh, refusing a missing (401) or inactive
    (403) user. Client tokens give None: the portal rules are
    `momentum.logic.access.ensure_portal_client`."""
    if principal.role is Role.CLIENT:
        return None
    record = adapters.users().get_user(principal.org_id, principal.user_id)
    check_caller(principal, record)
    return record


def _caller_and_target(principal: Principal, user_id: str) -> tuple[Principal, UserRecord]:
    """The caller's and the target's records in one DynamoDB call: the caller as their
    fresh record says (checked, and kept for the next request), and the target (404 when
    not in the caller's organization)."""
    records = adapters.users().get_users(principal.org_id, [principal.user_id, user_id])
    caller = check_caller(principal, records.get(principal.user_id))
    target = records.get(user_id)
    if target is None:
        raise NotFound("No such user.")
    return caller, target


def _known_locations(principal: Principal, location_ids: Collection[str]) -> frozenset[str] | None:
    if not location_ids:
        return None
    org = adapters.organizations().get(principal.org_id)
    return org.location_ids() if org else frozenset()


def _claims(record: UserRecord) -> LoginClaims:
    return LoginClaims(org_id=record.org_id, role=record.role, location_ids=record.location_ids)


def _new_login(email: str, claims: LoginClaims) -> tuple[str, bool]:
    """Create the login for a new user: (its subject, whether it was created now).

    An address that already has a login is refused (409, the same answer whoever holds
    it) unless that login is an orphan of this organization: a staff login left by an
    earlier attempt that failed before its user was stored (no user has its id). It is
    adopted, with this user's claims."""
    subject = new_login(email, claims)
    if subject is not None:
        return subject, True
    found = identities().find_login(email=email)
    if (
        found is None
        or not found.is_staff_login_of(claims.org_id)
        or adapters.users().get_user(claims.org_id, found.subject) is not None
    ):
        raise Conflict(ADDRESS_UNUSABLE)
    identities().update_claims(subject=found.subject, claims=claims)
    return found.subject, False


def create_user(principal: Principal, fields: Mapping[str, Any]) -> UserRecord:
    """Add a user and create their login (the pool emails them a temporary password); the
    login's `sub` becomes the user's id and the user is marked invited."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Users are managed by the organization's administrators.")
    ensure_may_create(principal, str(fields["role"]))
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
        version=1,
        created_at=now,
        updated_at=now,
    )
    subject, created = _new_login(email, _claims(draft))
    # The pool's username is the subject: the login is named by it from now on.
    record = replace(draft, id=subject, login_username=subject)
    if not record.active:
        identities().set_enabled(subject=subject, enabled=False)  # added as inactive
    try:
        adapters.users().create(record)
    except Exception:
        # Leave no login behind without its user: the caller can simply try again.
        if created:
            identities().delete_login(subject=subject)
        raise
    return record


def get_user(principal: Principal, user_id: str) -> UserRecord:
    """One user: one DynamoDB call (the caller's own check rides along in the same batch)."""
    if not may_read_user(principal, user_id):
        raise Forbidden("You may read only your own user profile.")
    caller, target = _caller_and_target(principal, user_id)
    if not may_read_user(caller, user_id):
        raise Forbidden("You may read only your own user profile.")
    return target


def update_user(
    principal: Principal,
    user_id: str,
    fields: Mapping[str, Any],
    expected_version: int | None,
) -> UserRecord:
    """Change the fields sent. The login changes first (claims for a role or locations
    change; disabled and signed out everywhere on deactivation, enabled on reactivation),
    then the record: a login missing from the pool stops the change (409, nothing
    changed), and a repeated request re-sends them, so a failed step can be retried."""
    _ensure_may_patch(principal, user_id)
    caller, record = _caller_and_target(principal, user_id)
    _ensure_may_patch(caller, user_id)
    ensure_may_change(caller, record, fields)
    ensure_version(USER, record.version, expected_version)
    changes = _checked_changes(principal, record, fields)
    if not changes:
        return record
    updated = replace(
        record, **changes, updated_at=instant_text(_now()), version=record.version + 1
    )
    # The login first, so a login missing from the pool stops the change before anything
    # is saved. Should the save be refused next, the record (what the API obeys) stands and
    # a retry converges.
    _update_login(updated, changes)
    # Decided on the version read: a change that landed meanwhile is a 412, as an If-Match
    # that no longer holds.
    user_store = adapters.users()
    optimistic_write(
        thing=USER,
        load=lambda: user_store.get_user(principal.org_id, user_id),
        decide=lambda current: Decision(updated, [user_store.save_op(current, updated)]),
        version=lambda current: current.version,
        expected_version=record.version,
        loaded=record,
        commit=adapters.transactions().commit_one,
    )
    callers.forget_user(updated.org_id, updated.id)  # this container obeys it at once
    return updated


def _checked_changes(
    principal: Principal, record: UserRecord, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """The fields sent as the record holds them; 422 when the role and locations they
    leave do not fit (locations are checked against the organization when sent)."""
    changes = dict(fields)
    if "location_ids" in changes:
        changes["location_ids"] = tuple(dict.fromkeys(changes["location_ids"]))
    if not {"role", "location_ids"} & set(changes):
        return changes
    role = str(changes.get("role", record.role))
    location_ids = tuple(changes.get("location_ids", record.location_ids))
    known = _known_locations(principal, location_ids) if "location_ids" in changes else None
    errors = profile_errors(role, location_ids, known)
    if errors:
        raise InvalidInput("The user's role and locations do not fit.", errors=errors)
    return changes


def _ensure_may_patch(principal: Principal, user_id: str) -> None:
    if principal.role is Role.CLIENT or not (
        principal.is_org_admin or principal.user_id == user_id
    ):
        raise Forbidden("Only owners and admins change other users.")


def _update_login(updated: UserRecord, changes: Mapping[str, Any]) -> None:
    """Push a role, locations or status change to the user's login, named by its subject
    (the user id). Users stored without a login (none was ever created) have nothing to
    push."""
    if not updated.login_username:
        return
    subject = updated.id
    try:
        if {"role", "location_ids"} & set(changes):
            identities().update_claims(subject=subject, claims=_claims(updated))
        if "status" in changes:
            identities().set_enabled(subject=subject, enabled=updated.active)
            if not updated.active:
                # No new tokens from its refresh tokens; the API refuses the ID tokens
                # already issued within a minute (momentum.logic.callers).
                identities().sign_out_everywhere(subject=subject)
    except LoginNotFound:
        raise Conflict(LOGIN_MISSING) from None


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
    if not may_list_users(principal):
        raise Forbidden("Only administrators list the organization's users.")
    page, next_cursor = adapters.users().list_rows(
        principal.org_id,
        limit=limit,
        cursor=cursor,
        scope=f"users|{role}|{status}",
        now=_now(),
    )
    rows = [
        r
        for r in page
        if (role is None or r["role"] == role) and (status is None or r["status"] == status)
    ]
    return rows, next_cursor


def user_view(record: UserRecord) -> dict[str, Any]:
    return {
        **{name: getattr(record, name) for name in VIEW_FIELDS},
        "location_ids": list(record.location_ids),
    }
