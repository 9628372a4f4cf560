"""/me/preferences through the API handler in-process under moto, and the mailer honouring
them (SPEC §7 "every user can turn these emails off", §8)."""

from __future__ import annotations

from typing import Any

import pytest

from local import infra
from momentum import clock
from momentum.logic import mail
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import preferences as prefs_store
from tests.integration import mailbox
from tests.integration.conftest import ORG, OTHER_ORG, HttpCall, claims
from tests.integration.routes import client_with_login

OWNER = claims(role="owner", sub="user-olivia")
STAFF = claims(role="staff", sub="user-sam")
ALL_ON = {kind.value: True for kind in EmailKind}


def _email(person: str, kind: EmailKind, tag: str = "1") -> EmailIntent:
    return EmailIntent(
        org_id=ORG,
        intent_id=intent_id("prefs-test", person, kind.value, tag),
        kind=kind,
        recipient=Recipient(person_id=person, email=f"{person}@example.com", name="Sam"),
        data={"portal_url": "https://portal.example"},
    )


def test_given_nobody_changed_anything_then_every_kind_is_on(api: HttpCall) -> None:
    response = api("GET", "/me/preferences", caller=STAFF)
    assert response["status"] == 200
    assert response["json"] == {"emails": ALL_ON, "version": 0}
    assert response["headers"]["etag"] == '"0"'


def test_given_a_put_then_it_reads_back_and_the_store_has_the_kinds_off(api: HttpCall) -> None:
    body = {"emails": {**ALL_ON, "welcome": False, "engagement_digest": False}}
    put = api("PUT", "/me/preferences", caller=STAFF, body=body)
    assert put["status"] == 200, put
    assert put["json"]["emails"] == body["emails"]
    assert put["headers"]["etag"] == '"1"'
    assert api("GET", "/me/preferences", caller=STAFF)["json"]["emails"] == body["emails"]
    assert prefs_store.kinds_off(ORG, "user-sam") == {"welcome", "engagement_digest"}
    # Back on: a kind left out of a PUT is on.
    again = api("PUT", "/me/preferences", caller=STAFF, body={"emails": {"welcome": False}})
    assert again["json"]["emails"] == {**ALL_ON, "welcome": False}
    assert api("PUT", "/me/preferences", caller=STAFF, body={"emails": {}})["json"]["emails"] == (
        ALL_ON
    )
    assert prefs_store.kinds_off(ORG, "user-sam") == frozenset()


def test_given_two_people_then_each_has_their_own_preferences(api: HttpCall) -> None:
    api("PUT", "/me/preferences", caller=STAFF, body={"emails": {"welcome": False}})
    assert api("GET", "/me/preferences", caller=OWNER)["json"]["emails"] == ALL_ON
    same_sub_other_org = claims(org=OTHER_ORG, role="staff", sub="user-sam")
    assert api("GET", "/me/preferences", caller=same_sub_other_org)["json"]["emails"] == ALL_ON


def test_given_a_kind_turned_off_then_the_mailer_skips_it_for_that_person_only(
    api: HttpCall, aws: infra.LocalAws
) -> None:
    body = {"emails": {"welcome": False}}
    assert api("PUT", "/me/preferences", caller=STAFF, body=body)["status"] == 200
    now = clock.current().now()
    mail.queue_intents([_email("user-sam", EmailKind.WELCOME)], now)
    mailbox.run_mailer(aws)
    assert mailbox.sent() == []
    mail.queue_intents([_email("user-olivia", EmailKind.WELCOME)], now)
    mailbox.run_mailer(aws)
    assert len(mailbox.sent()) == 1
    # Turned back on: the next one goes out.
    api("PUT", "/me/preferences", caller=STAFF, body={"emails": ALL_ON})
    mail.queue_intents([_email("user-sam", EmailKind.WELCOME, "2")], now)
    mailbox.run_mailer(aws)
    assert len(mailbox.sent()) == 2


def test_given_a_client_with_portal_access_then_their_preferences_are_their_clients(
    api: HttpCall,
) -> None:
    client_id, me = client_with_login(api)
    response = api("PUT", "/me/preferences", caller=me, body={"emails": {"welcome": False}})
    assert response["status"] == 200, response
    assert prefs_store.kinds_off(ORG, client_id) == {"welcome"}
    assert prefs_store.kinds_off(ORG, "c-ada") == frozenset()


def test_given_a_client_whose_portal_access_is_refused_then_403_and_nothing_changes(
    api: HttpCall,
) -> None:
    created = api("POST", "/clients", body={"name": "Bo", "email": "bo@example.com"})
    no_login = claims(role="client", sub="c-bo", client_id=created["json"]["id"])
    assert api("GET", "/me/preferences", caller=no_login)["status"] == 403
    client_id, inactive = client_with_login(api)
    api(
        "PATCH",
        f"/clients/{client_id}",
        route="PATCH /clients/{client_id}",
        path_parameters={"client_id": client_id},
        body={"status": "inactive"},
    )
    assert api("GET", "/me/preferences", caller=inactive)["status"] == 403
    put = api("PUT", "/me/preferences", caller=inactive, body={"emails": {"welcome": False}})
    assert put["status"] == 403
    assert prefs_store.kinds_off(ORG, client_id) == frozenset()


def test_given_a_client_token_of_another_organization_then_404(api: HttpCall) -> None:
    client_id, _ = client_with_login(api)
    foreign = claims(org=OTHER_ORG, role="client", sub="c-ada", client_id=client_id)
    assert api("GET", "/me/preferences", caller=foreign)["status"] == 404


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_given_no_claims_then_401(api: HttpCall, method: str) -> None:
    body = {"emails": {}} if method == "PUT" else None
    response = api(method, "/me/preferences", body=body, anonymous=True)
    assert response["status"] == 401
    assert response["headers"]["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"emails": {"newsletter": False}}, "body.emails.newsletter"),
        ({"emails": {"welcome": "no"}}, "body.emails.welcome"),
        ({"emails": {"welcome": 0}}, "body.emails.welcome"),
        ({}, "body.emails"),
        ({"emails": {}, "extra": 1}, "body.extra"),
    ],
)
def test_given_an_invalid_body_then_422_with_the_field_and_nothing_changes(
    api: HttpCall, body: dict[str, Any], field: str
) -> None:
    response = api("PUT", "/me/preferences", caller=STAFF, body=body)
    assert response["status"] == 422, response
    assert response["headers"]["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response["json"]["errors"]]
    assert api("GET", "/me/preferences", caller=STAFF)["json"]["version"] == 0


def test_given_a_stale_if_match_then_412_and_nothing_changes(api: HttpCall) -> None:
    first = api("PUT", "/me/preferences", caller=STAFF, body={"emails": {"welcome": False}})
    stale_etag = '"0"'
    stale = api(
        "PUT",
        "/me/preferences",
        caller=STAFF,
        body={"emails": {}},
        headers={"if-match": stale_etag},
    )
    assert stale["status"] == 412
    assert prefs_store.kinds_off(ORG, "user-sam") == {"welcome"}
    current = api(
        "PUT",
        "/me/preferences",
        caller=STAFF,
        body={"emails": {}},
        headers={"if-match": first["headers"]["etag"]},
    )
    assert current["status"] == 200


def test_given_if_match_zero_when_nothing_is_stored_then_the_first_write_lands(
    api: HttpCall,
) -> None:
    body = {"emails": {"welcome": False}}
    first = api("PUT", "/me/preferences", caller=STAFF, body=body, headers={"if-match": '"0"'})
    assert first["status"] == 200
    again = api("PUT", "/me/preferences", caller=STAFF, body=body, headers={"if-match": '"0"'})
    assert again["status"] == 412


def test_given_an_unsubscribe_since_the_read_then_a_put_with_the_old_etag_is_412(
    api: HttpCall,
) -> None:
    read = api("GET", "/me/preferences", caller=STAFF)
    prefs_store.turn_off_versioned(ORG, "user-sam", "welcome", clock.current().now())
    stale = api(
        "PUT",
        "/me/preferences",
        caller=STAFF,
        body={"emails": ALL_ON},
        headers={"if-match": read["headers"]["etag"]},
    )
    assert stale["status"] == 412
    assert prefs_store.kinds_off(ORG, "user-sam") == {"welcome"}


def test_reading_preferences_is_one_dynamodb_call(api: HttpCall, dynamodb_calls: list[str]) -> None:
    """The caller's own record and the preferences come in one BatchGetItem."""
    api("GET", "/me/preferences", caller=STAFF)
    assert dynamodb_calls == ["BatchGetItem"]
