"""Auth claims, ETags, signed tokens, problem mapping, email rendering: pure plumbing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum import signing
from momentum.api import problems
from momentum.api.auth import principal_from_claims
from momentum.api.etags import etag, expected_version
from momentum.domain.access import Role
from momentum.domain.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    Unauthenticated,
)
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.notify.message import build_message
from momentum.notify.render import render

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


class TestPrincipalFromClaims:
    def test_given_full_claims_then_principal(self) -> None:
        p = principal_from_claims(
            {
                "sub": "u1",
                "custom:org_id": "o1",
                "custom:role": "location_admin",
                "custom:location_ids": "north,south",
            }
        )
        assert (p.org_id, p.user_id, p.role) == ("o1", "u1", Role.LOCATION_ADMIN)
        assert p.location_ids == {"north", "south"}
        assert p.administers_location("north")
        assert not p.administers_location("east")

    def test_given_api_gateway_list_rendering_then_locations_parse(self) -> None:
        p = principal_from_claims(
            {
                "sub": "u",
                "custom:org_id": "o",
                "custom:role": "staff",
                "custom:location_ids": "[a b]",
            }
        )
        assert p.location_ids == {"a", "b"}

    @pytest.mark.parametrize(
        "claims",
        [
            None,
            {},
            {"sub": "u", "custom:org_id": "o"},
            {"sub": "u", "custom:org_id": "o", "custom:role": "superuser"},
            {"sub": "", "custom:org_id": "o", "custom:role": "owner"},
            {"sub": "u", "custom:role": "owner"},
            {"sub": "u", "custom:org_id": "o", "custom:role": "client"},
        ],
    )
    def test_given_unusable_claims_then_unauthenticated(self, claims: dict[str, str]) -> None:
        with pytest.raises(Unauthenticated):
            principal_from_claims(claims)

    def test_client_id_is_ignored_for_non_client_roles(self) -> None:
        p = principal_from_claims(
            {"sub": "u", "custom:org_id": "o", "custom:role": "staff", "custom:client_id": "c"}
        )
        assert p.client_id is None

    def test_owner_and_admin_administer_everything(self) -> None:
        for role in ("owner", "admin"):
            p = principal_from_claims({"sub": "u", "custom:org_id": "o", "custom:role": role})
            assert p.is_org_admin
            assert p.administers_location("anywhere")
            assert p.administers_location(None)


class TestEtags:
    @given(st.integers(min_value=0, max_value=10**9))
    def test_round_trip(self, version: int) -> None:
        assert expected_version(etag(version)) == version
        assert expected_version("W/" + etag(version)) == version

    @pytest.mark.parametrize("header", [None, "", "*", "  "])
    def test_absent_or_star_means_no_precondition(self, header: str | None) -> None:
        assert expected_version(header) is None

    @pytest.mark.parametrize("header", ['"abc"', "1.5", '"-1"'])
    def test_malformed_is_412(self, header: str) -> None:
        with pytest.raises(PreconditionFailed):
            expected_version(header)


class TestSigning:
    def test_round_trip(self) -> None:
        token = signing.sign(
            {"org": "o", "kind": "welcome"}, secret="s", purpose="p", expires_at=NOW + timedelta(1)
        )
        assert signing.verify(token, secret="s", purpose="p", now=NOW)["org"] == "o"

    @pytest.mark.parametrize(
        ("secret", "purpose", "now"),
        [("other", "p", NOW), ("s", "other", NOW), ("s", "p", NOW + timedelta(days=2))],
    )
    def test_wrong_secret_purpose_or_expired_is_refused(
        self, secret: str, purpose: str, now: datetime
    ) -> None:
        token = signing.sign({"org": "o"}, secret="s", purpose="p", expires_at=NOW + timedelta(1))
        with pytest.raises(signing.BadToken):
            signing.verify(token, secret=secret, purpose=purpose, now=now)

    @given(st.text(max_size=80))
    def test_garbage_never_verifies(self, garbage: str) -> None:
        with pytest.raises(signing.BadToken):
            signing.verify(garbage, secret="s", purpose="p", now=NOW)

    def test_tampered_payload_is_refused(self) -> None:
        token = signing.sign({"org": "o"}, secret="s", purpose="p", expires_at=NOW + timedelta(1))
        payload, _, mac = token.partition(".")
        forged = signing.sign({"org": "x"}, secret="s2", purpose="p", expires_at=NOW + timedelta(1))
        with pytest.raises(signing.BadToken):
            signing.verify(forged.partition(".")[0] + "." + mac, secret="s", purpose="p", now=NOW)
        assert payload


class TestProblems:
    @pytest.mark.parametrize(
        ("error", "status"),
        [
            (InvalidInput("x", errors=[FieldError(("body", "a"), "bad")]), 422),
            (NotFound("x"), 404),
            (Forbidden("x"), 403),
            (Conflict("x"), 409),
            (PreconditionFailed("x"), 412),
            (Unauthenticated("x"), 401),
            (ServiceUnavailable("x", retry_after_seconds=3), 503),
        ],
    )
    def test_each_domain_error_has_one_status(self, error: Exception, status: int) -> None:
        response = problems.domain_error(error)  # type: ignore[arg-type]
        body = json.loads(str(response.body))
        assert response.status_code == status
        assert body["status"] == status
        assert body["detail"] == "x"
        assert response.content_type == "application/problem+json"

    def test_503_says_when_to_retry(self) -> None:
        response = problems.domain_error(ServiceUnavailable("busy", retry_after_seconds=3))
        assert response.headers["Retry-After"] == "3"

    def test_422_lists_field_paths(self) -> None:
        error = InvalidInput("x", errors=[FieldError(("body", "locations", 1, "id"), "dup")])
        body = json.loads(str(problems.domain_error(error).body))
        assert body["errors"] == [
            {
                "loc": ["body", "locations", 1, "id"],
                "field": "body.locations.1.id",
                "msg": "dup",
                "type": "value_error",
            }
        ]


class TestEmailRendering:
    def _intent(self, name: str) -> EmailIntent:
        return EmailIntent(
            org_id="o",
            intent_id=intent_id("client", "c1", "welcome"),
            kind=EmailKind.WELCOME,
            recipient=Recipient(person_id="c1", email="c1@example.com", name=name),
            data={"portal_url": ""},
        )

    def test_names_are_escaped_in_html_but_plain_in_text(self) -> None:
        rendered = render(
            self._intent("<script>alert(1)</script>"),
            org_name="Tom & Jerry's <Clinic>",
            unsubscribe_url="https://x/unsubscribe?token=t",
            app_base_url="https://app.example",
        )
        assert "<script>" not in rendered.html
        assert "&lt;script&gt;" in rendered.html
        assert "Tom &amp; Jerry" in rendered.html
        assert "<script>alert(1)</script>" in rendered.text
        assert "Tom & Jerry's <Clinic>" in rendered.subject

    def test_message_has_both_parts_and_one_click_unsubscribe(self) -> None:
        rendered = render(
            self._intent("Ann"),
            org_name="Harbour",
            unsubscribe_url="https://u",
            app_base_url="https://app.example",
        )
        message = build_message(
            rendered,
            sender="noreply@example.com",
            sender_name="Harbour\r\nBcc: evil@example.com",
            to="ann@example.com",
            to_name="Ann\nSmith",
            unsubscribe_url="https://u",
        )
        assert message["List-Unsubscribe"] == "<https://u>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get("Bcc") is None
        types = [part.get_content_type() for part in message.walk()]
        assert "text/plain" in types
        assert "text/html" in types

    def test_intent_ids_are_deterministic_and_distinct(self) -> None:
        assert intent_id("a", "b") == intent_id("a", "b")
        assert intent_id("a", "b") != intent_id("a", "c")
        assert intent_id("ab", "c") != intent_id("a", "bc")
