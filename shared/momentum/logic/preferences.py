"""The caller's email preferences (`/me/preferences`): which kinds of email they receive.

The person is the caller's client for client tokens (refused like the portal is: removed
login or inactive client → 403), else the user (`sub`; an inactive user → 403). Every kind
is on until turned off; the mailer skips a kind that is off (`store.preferences.kinds_off`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from momentum import adapters, clock
from momentum.domain.access import Principal, Role
from momentum.logic.access import check_client, ensure_portal_client
from momentum.logic.users import check_caller, ensure_active_user
from momentum.logic.writes import Decision, optimistic_write
from momentum.notify.intents import EmailKind

PREFERENCES = "preferences record"  # "The preferences record changed since you read it"

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
    prefs_store = adapters.preferences()
    if principal.role is Role.CLIENT and principal.client_id is not None:
        client, stored = prefs_store.with_client(principal.org_id, principal.client_id)
        check_client(principal, client, principal.client_id)
    else:
        user, stored = prefs_store.with_user(principal.org_id, principal.user_id)
        check_caller(principal, user)
    return Preferences(emails=choices(stored.off), version=stored.version)


def replace_preferences(
    principal: Principal, emails: Mapping[str, bool], expected_version: int | None
) -> Preferences:
    """Set every kind (a kind not given is on). If-Match guards against undoing a change
    made meanwhile (e.g. a one-click unsubscribe)."""
    org_id, person = principal.org_id, person_id(principal)
    off = frozenset(k.value for k in EmailKind if not emails.get(k.value, True))
    now = clock.current().now()
    prefs_store = adapters.preferences()
    if expected_version is None:
        # Whatever is stored, this replaces it: nothing to read, nothing to lose.
        version = prefs_store.save_preferences(org_id, person, off, expected_version=None, now=now)
        return Preferences(emails=choices(off), version=version)
    version = optimistic_write(
        thing=PREFERENCES,
        load=lambda: prefs_store.get_preferences(org_id, person)[1],
        decide=lambda stored: Decision(
            stored + 1,
            [prefs_store.replace_op(org_id, person, off, expected_version=stored, now=now)],
        ),
        version=lambda stored: stored,
        expected_version=expected_version,
        loaded=expected_version,  # the write's own condition checks it: nothing to read
        commit=adapters.transactions().commit_one,
    )
    return Preferences(emails=choices(off), version=version)
