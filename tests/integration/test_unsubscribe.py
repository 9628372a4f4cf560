"""One-click unsubscribe (SPEC §8, RFC 8058) through the API handler in-process under moto:
public routes, a signed token that can do one thing, GET changes nothing, POST turns off."""

from __future__ import annotations

import base64
import copy
import json
from datetime import timedelta
from email import message_from_string, policy
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from local import infra
from local.lambdas import LocalContext, load_handler
from momentum import clock, signing
from momentum.api import forms
from momentum.logic import mail
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import preferences as prefs_store
from momentum.store.cursors import encode_cursor
from tests.integration import mailbox
from tests.integration.conftest import ORG, OTHER_ORG, HttpCall, claims, load_event

FORM = {"content-type": "application/x-www-form-urlencoded"}
ONE_CLICK = "List-Unsubscribe=One-Click"


def _token(person: str = "user-sam", kind: str = "on_track_reminder", org: str = ORG) -> str:
    url = mail.unsubscribe_url(org, person, kind, clock.current().now())
    return parse_qs(urlsplit(url).query)["token"][0]


def _get(api: HttpCall, token: str) -> dict[str, Any]:
    return api("GET", "/unsubscribe", anonymous=True, query={"token": token})


def _post(api: HttpCall, token: str) -> dict[str, Any]:
    return api(
        "POST", "/unsubscribe", anonymous=True, query={"token": token}, body=ONE_CLICK, headers=FORM
    )


def _welcome(person: str, tag: str) -> EmailIntent:
    return EmailIntent(
        org_id=ORG,
        intent_id=intent_id("unsubscribe-test", person, tag),
        kind=EmailKind.WELCOME,
        recipient=Recipient(person_id=person, email=f"{person}@example.com", name="Sam"),
        data={"portal_url": "https://portal.example"},
    )


@pytest.fixture
def org(api: HttpCall) -> None:
    body = {"name": "Harbour <b>&</b> Co", "timezone": "UTC", "locations": []}
    assert api("PUT", "/org", body=body)["status"] == 200


def test_given_a_link_when_opened_with_get_then_a_confirmation_page_and_nothing_changes(
    api: HttpCall, org: None, dynamodb_calls: list[str]
) -> None:
    token = _token()
    dynamodb_calls.clear()
    page = _get(api, token)
    assert page["status"] == 200
    assert page["headers"]["content-type"].startswith("text/html")
    assert page["headers"]["cache-control"] == "no-store"
    html = page["json"]
    assert "On track reminders" in html
    assert "Harbour &lt;b&gt;&amp;&lt;/b&gt; Co" in html
    assert "<b>" not in html
    assert '<form method="post" action="unsubscribe?token=' in html
    assert 'name="List-Unsubscribe" value="One-Click"' in html
    assert dynamodb_calls == ["GetItem"]  # the organization's name; no write
    assert prefs_store.kinds_off(ORG, "user-sam") == frozenset()


def test_given_a_one_click_post_then_that_kind_is_off_for_that_person_only(
    api: HttpCall, org: None
) -> None:
    response = _post(api, _token())
    assert response["status"] == 200
    assert response["headers"]["content-type"].startswith("text/html")
    assert "unsubscribed" in response["json"]
    assert prefs_store.kinds_off(ORG, "user-sam") == {"on_track_reminder"}
    assert prefs_store.kinds_off(ORG, "user-olivia") == frozenset()
    assert prefs_store.kinds_off(OTHER_ORG, "user-sam") == frozenset()
    me = claims(role="staff", sub="user-sam")
    emails = api("GET", "/me/preferences", caller=me)["json"]["emails"]
    assert emails["on_track_reminder"] is False
    assert emails["welcome"] is True


def test_given_a_second_post_then_still_200_and_the_same_outcome(api: HttpCall, org: None) -> None:
    token = _token()
    assert _post(api, token)["status"] == 200
    again = _post(api, token)
    assert again["status"] == 200
    assert prefs_store.kinds_off(ORG, "user-sam") == {"on_track_reminder"}


def test_given_a_post_without_a_body_then_it_still_unsubscribes(api: HttpCall, org: None) -> None:
    response = api("POST", "/unsubscribe", anonymous=True, query={"token": _token()})
    assert response["status"] == 200
    assert prefs_store.kinds_off(ORG, "user-sam") == {"on_track_reminder"}


def test_given_a_client_link_then_the_clients_preferences_change(api: HttpCall, org: None) -> None:
    assert _post(api, _token(person="cl_ada", kind="welcome"))["status"] == 200
    assert prefs_store.kinds_off(ORG, "cl_ada") == {"welcome"}


def _tampered(token: str) -> str:
    body, _, mac = token.partition(".")
    return f"{body}.{mac[:-2]}{'AA' if not mac.endswith('AA') else 'BB'}"


def _other_person(token: str) -> str:
    """The payload changed to name someone else, the signature kept."""
    forged = signing.sign(
        {"org": ORG, "person": "user-olivia", "kind": "on_track_reminder"},
        secret="not-the-secret",
        purpose=mail.UNSUBSCRIBE_PURPOSE,
        expires_at=clock.current().now() + timedelta(days=1),
    )
    return f"{forged.partition('.')[0]}.{token.partition('.')[2]}"


@pytest.mark.parametrize(
    "make_bad",
    [
        _tampered,
        _other_person,
        lambda token: "not-a-token",
        lambda token: token.partition(".")[0],
        lambda token: "%%%.%%%",
    ],
    ids=["tampered-signature", "payload-swapped", "garbage", "no-signature", "bad-base64"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_given_a_bad_token_then_400_problem_and_nothing_changes(
    api: HttpCall, org: None, method: str, make_bad: Any
) -> None:
    token = make_bad(_token())
    response = _get(api, token) if method == "GET" else _post(api, token)
    assert response["status"] == 400
    assert response["headers"]["content-type"] == "application/problem+json"
    assert response["json"]["status"] == 400
    assert prefs_store.kinds_off(ORG, "user-sam") == frozenset()
    assert prefs_store.kinds_off(ORG, "user-olivia") == frozenset()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_given_an_expired_token_then_400_and_nothing_changes(
    api: HttpCall, org: None, method: str
) -> None:
    token = _token()
    later = clock.current().now() + mail.UNSUBSCRIBE_VALIDITY + timedelta(days=1)
    clock.install(clock.SettableClock(later))
    response = _get(api, token) if method == "GET" else _post(api, token)
    assert response["status"] == 400
    assert "expired" in response["json"]["detail"]
    assert prefs_store.kinds_off(ORG, "user-sam") == frozenset()


def test_given_a_token_signed_for_another_purpose_then_400(api: HttpCall, org: None) -> None:
    cursor = encode_cursor(
        {"pk": "x"}, org_id=ORG, scope="users|None|None", now=clock.current().now()
    )
    assert cursor is not None
    assert _post(api, cursor)["status"] == 400


def test_given_a_signed_token_for_an_unknown_kind_then_400(api: HttpCall, org: None) -> None:
    assert _post(api, _token(kind="everything"))["status"] == 400
    assert prefs_store.kinds_off(ORG, "user-sam") == frozenset()


def test_given_no_token_then_422_problem(api: HttpCall, org: None) -> None:
    response = api("POST", "/unsubscribe", anonymous=True, body=ONE_CLICK, headers=FORM)
    assert response["status"] == 422
    assert response["json"]["errors"][0]["field"] == "query.token"


def test_given_the_link_in_a_sent_email_when_posted_then_later_emails_of_that_kind_stop(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    now = clock.current().now()
    mail.queue_intents([_welcome("cl_ada", "1")], now)
    mailbox.run_mailer(aws)
    (sent,) = mailbox.sent()
    message = message_from_string(sent.raw_data, policy=policy.default)
    assert message["List-Unsubscribe-Post"] == ONE_CLICK
    url = str(message["List-Unsubscribe"]).strip("<>")
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert _get(api, token)["status"] == 200
    assert prefs_store.kinds_off(ORG, "cl_ada") == frozenset()
    assert _post(api, token)["status"] == 200
    mail.queue_intents([_welcome("cl_ada", "2")], now)
    mailbox.run_mailer(aws)
    assert len(mailbox.sent()) == 1


def test_the_public_routes_are_documented_without_the_bearer_requirement(api: HttpCall) -> None:
    document = api("GET", "/openapi.json", anonymous=True)["json"]
    assert document["security"] == [{"bearerAuth": []}]
    for method in ("get", "post"):
        operation = document["paths"]["/unsubscribe"][method]
        assert operation["security"] == [{}]
        assert [p["name"] for p in operation["parameters"]] == ["token"]
        assert "text/html" in operation["responses"]["200"]["content"]
    assert "security" not in document["paths"]["/me/preferences"]["get"]
    assert "security" not in document["paths"]["/users"]["post"]


# -- RFC 8058 bodies: form-encoded or multipart/form-data ------------------------------------

BOUNDARY = "----MomentumBoundary7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _multipart_body(*fields: tuple[str, str], boundary: str = BOUNDARY) -> str:
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    )
    return f"{parts}--{boundary}--\r\n"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _post_form(token: str, body: str, content_type: str, *, is_base64: bool = False) -> Any:
    """The API handler with a body as API Gateway passes it: base64 for binary media types
    such as multipart/form-data (`is_base64`: `body` is already encoded)."""
    handler = load_handler(infra.handler_of(infra.load_template(), "ApiFunction"))
    event = copy.deepcopy(load_event("api/get_org.json"))
    event["routeKey"] = event["requestContext"]["routeKey"] = "POST /unsubscribe"
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/unsubscribe"
    event["requestContext"]["http"]["method"] = "POST"
    event["requestContext"].pop("authorizer", None)
    event["headers"] = {"content-type": content_type}
    event["queryStringParameters"] = {"token": token}
    event["rawQueryString"] = f"token={token}"
    event["pathParameters"] = None
    event["body"] = body
    event["isBase64Encoded"] = is_base64
    response = handler(event, LocalContext(function_name="ApiFunction"))
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    text = response.get("body") or ""
    parsed = json.loads(text) if "json" in headers.get("content-type", "") else text
    return {"status": response["statusCode"], "headers": headers, "json": parsed}


ONE_CLICK_PART = _multipart_body(("List-Unsubscribe", "One-Click"))


@pytest.mark.parametrize(
    ("body", "content_type", "is_base64"),
    [
        (ONE_CLICK, "application/x-www-form-urlencoded", False),
        (ONE_CLICK, "application/x-www-form-urlencoded; charset=utf-8", False),
        (ONE_CLICK_PART, MULTIPART, False),
        (_b64(ONE_CLICK_PART), MULTIPART, True),  # what API Gateway passes for multipart
        (ONE_CLICK_PART, f'Multipart/Form-Data; boundary="{BOUNDARY}"', False),
    ],
    ids=["urlencoded", "urlencoded-charset", "multipart", "multipart-base64", "quoted-boundary"],
)
def test_given_a_one_click_post_in_either_form_encoding_then_that_kind_is_off(
    api: HttpCall, org: None, body: str, content_type: str, is_base64: bool
) -> None:
    response = _post_form(_token(), body, content_type, is_base64=is_base64)
    assert response["status"] == 200, response
    assert "unsubscribed" in response["json"]
    assert prefs_store.kinds_off(ORG, "user-sam") == {"on_track_reminder"}


@pytest.mark.parametrize(
    ("body", "content_type", "is_base64"),
    [
        (ONE_CLICK_PART, "multipart/form-data", False),
        (ONE_CLICK_PART, "multipart/form-data; boundary=another", False),
        (ONE_CLICK, MULTIPART, False),
        (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx', MULTIPART, False),
        (f"--{BOUNDARY}\r\n\r\nno headers\r\n--{BOUNDARY}--\r\n", MULTIPART, False),
        (ONE_CLICK_PART.replace("form-data;", "attachment;"), MULTIPART, False),
        ("not base64 %%%", MULTIPART, True),
        (
            base64.b64encode(b"List-Unsubscribe=\xff\xfe").decode(),
            "application/x-www-form-urlencoded",
            True,
        ),
        ("&".join(f"f{n}=1" for n in range(50)), "application/x-www-form-urlencoded", False),
        (_multipart_body(*[("f", "1")] * 50), MULTIPART, False),
    ],
    ids=[
        "no-boundary",
        "wrong-boundary",
        "not-multipart",
        "unterminated",
        "part-without-headers",
        "not-form-data",
        "bad-base64",
        "not-utf8",
        "too-many-fields",
        "too-many-parts",
    ],
)
def test_given_a_malformed_form_then_400_problem_and_nothing_changes(
    api: HttpCall, org: None, body: str, content_type: str, is_base64: bool
) -> None:
    response = _post_form(_token(), body, content_type, is_base64=is_base64)
    assert response["status"] == 400, response
    assert response["headers"]["content-type"] == "application/problem+json"
    assert prefs_store.kinds_off(ORG, "user-sam") == frozenset()


@pytest.mark.parametrize("content_type", [MULTIPART, "application/x-www-form-urlencoded"])
def test_given_a_form_over_16_kib_then_413_and_nothing_changes(
    api: HttpCall, org: None, content_type: str
) -> None:
    padding = "x" * (forms.MAX_FORM_BYTES + 1)
    body = (
        _multipart_body(("List-Unsubscribe", "One-Click"), ("pad", padding))
        if content_type == MULTIPART
        else f"{ONE_CLICK}&pad={padding}"
    )
    response = _post_form(_token(), _b64(body), content_type, is_base64=True)
    assert response["status"] == 413, response
    assert response["headers"]["content-type"] == "application/problem+json"
    assert prefs_store.kinds_off(ORG, "user-sam") == frozenset()


def test_other_routes_still_refuse_multipart_with_415(api: HttpCall) -> None:
    response = api(
        "POST",
        "/clients",
        body=ONE_CLICK_PART,
        headers={"content-type": MULTIPART},
        route="POST /clients",
    )
    assert response["status"] == 415
