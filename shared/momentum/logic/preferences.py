"""The caller's email preferences (`/me/preferences`): which kinds of email they receive.

The person is the caller's client for client tokens (refused like the portal is: removed
login or inactive client → 403), else the user (`sub`; an inactive user → 403). Every kind
is on until turned off; the mailer skips a kind that is off (`store.preferences.kinds_off`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from momentum import clock
from momentum.domain.access import Principal
from momentum.domain.errors import PreconditionFailed
from momentum.logic.access import ensure_portal_client
from momentum.logic.users import check_caller, ensure_active_user
from momentum.notify.intents import EmailKind
from momentum.store import dynamo
from momentum.store import preferences as prefs_store

# What each kind is called in pages people read (the unsubscribe page).
KIND_LABELS: dict[EmailKind, str] = {
    EmailKind.WELCOME: "welcome emails",
    EmailKind.ON_TRACK_REMINDER: "On track reminders",
    EmailKind.TRACKER_TASK: "session tracker task emails",
    EmailKind.ENGAGEMENT_OFF_TRACK: "engagement off-track notifications",
    EmailKind.ENGAGEMENT_DIGEST: "engagement digest emails",
}


@dataclass(frozen=True)
class Preferences:
    emails: dict[str, bool]
    version: int


def choices(off: frozenset[str]) -> dict[str, bool]:
    """Every kind, on unless it is in `off`."""
    return {kind.value: kind.value not in off for kind in EmailKind}


def person_id(principal: Principal) -> str:
    """The person the caller's preferences belong to (after checking the caller)."""
    client = ensure_portal_client(principal)
    if client is not None:
        return client.id
    ensure_active_user(principal)
    return principal.user_id


def get_preferences(principal: Principal) -> Preferences:
    """One BatchGetItem: the caller's own record (to check them) and their preferences."""
    from momentum.domain.access import Role
    from momentum.logic.access import check_client
    from momentum.store import clients as client_store
    from momentum.store import dynamo
    from momentum.store import users as user_store
    from momentum.store.keys import client_pk, org_pk

    is_client = principal.role is Role.CLIENT and principal.client_id is not None
    person = str(principal.client_id) if is_client else principal.user_id
    if is_client:
        caller_key = (client_pk(principal.org_id, person), client_store.CLIENT_SK)
    else:
        caller_key = (org_pk(principal.org_id), user_store.user_sk(person))
    prefs_key = (org_pk(principal.org_id), prefs_store.prefs_sk(person))
    items = dynamo.batch_get([caller_key, prefs_key])
    caller = items.get(caller_key)
    if is_client:
        check_client(principal, client_store.from_item(caller) if caller else None, person)
    else:
        check_caller(principal, user_store.from_item(caller) if caller else None)
    prefs = items.get(prefs_key)
    off = frozenset(str(k) for k in prefs.get("off", [])) if prefs else frozenset()
    return Preferences(emails=choices(off), version=int(prefs.get("version", 0)) if prefs else 0)


def replace_preferences(
    principal: Principal, emails: Mapping[str, bool], expected_version: int | None
) -> Preferences:
    """Set every kind (a kind not given is on). If-Match guards against undoing a change
    made meanwhile (e.g. a one-click unsubscribe)."""
    person = person_id(principal)
    off = frozenset(k.value for k in EmailKind if not emails.get(k.value, True))
    try:
        version = prefs_store.save_preferences(
            principal.org_id,
            person,
            off,
            expected_version=expected_version,
            now=clock.current().now(),
        )
    except dynamo.ConditionFailed:
        raise PreconditionFailed(
            "Your preferences changed since you read them; reload and try again."
        ) from None
    return Preferences(emails=choices(off), version=version)
