"""Emails that lead somewhere: each links to the page where its reader acts, writes dates in
the organization's timezone, says why it was sent, and keeps the unsubscribe link."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.notify.intents import EmailIntent, EmailKind, Recipient
from momentum.notify.links import (
    app_url,
    client_record_url,
    email_links,
    engagement_url,
    portal_sign_in_url,
    portal_url,
)
from momentum.notify.render import RenderedEmail, render

APP = "https://app.example"
UNSUBSCRIBE = "https://api.example/unsubscribe?token=t0k"


def _intent(kind: EmailKind, data: dict[str, Any], name: str = "Sam Rivers") -> EmailIntent:
    return EmailIntent(
        org_id="org-1",
        intent_id="em-1",
        kind=kind,
        recipient=Recipient(person_id="p1", email="p1@example.com", name=name),
        data=data,
    )


def _render(intent: EmailIntent, tz: str = "Europe/London") -> RenderedEmail:
    return render(
        intent,
        org_name="Harbour Physio",
        unsubscribe_url=UNSUBSCRIBE,
        app_base_url=APP,
        timezone=tz,
    )


def _reminder(**changes: Any) -> dict[str, Any]:
    return {
        "audience": "team_member",
        "client_id": "cl-ada",
        "client_name": "Ada Lovelace",
        "package_name": "10-session pack",
        "status": "at_risk",
        "since": "2026-03-02",
        "window_days": 30,
        "last_session": "2026-02-09",
        "run_date": "2026-03-02",
        "days_since_last_session": 21,
        **changes,
    }


def _coaching(audience: str) -> dict[str, Any]:
    return {
        "audience": audience,
        "engagement_id": "eng-7",
        "coachee_name": "Ada Lovelace",
        "coach_name": "Cora Coach",
        "off_track_since": "2026-03-22",
    }


def _digest() -> dict[str, Any]:
    return {
        "run_date": "2026-03-22",
        "engagements": [
            {
                "engagement_id": "eng-1",
                "coachee_name": "Ada <Lovelace>",
                "coach_name": "Cora",
                "off_track_since": "2026-03-22",
            },
            {
                "engagement_id": "eng-2",
                "coachee_name": "Bob",
                "coach_name": "",
                "off_track_since": "2026-03-20",
            },
        ],
    }


def _both(rendered: RenderedEmail) -> tuple[str, str]:
    return rendered.html, rendered.text


class TestLinks:
    def test_pages_under_app_on_the_base_url_with_or_without_its_trailing_slash(self) -> None:
        assert client_record_url(APP, "cl-1") == f"{APP}/app/clients/cl-1"
        assert client_record_url(APP + "/", "cl-1") == f"{APP}/app/clients/cl-1"
        assert engagement_url("https://x.example/momentum/", "e1") == (
            "https://x.example/momentum/app/engagements/e1"
        )
        assert portal_url(APP) == f"{APP}/app/portal"

    def test_portal_sign_in_comes_back_to_the_portal(self) -> None:
        url = urlsplit(portal_sign_in_url(APP))
        assert url.path == "/app/sign-in"
        assert parse_qs(url.query) == {"next": ["/app/portal"]}

    def test_ids_are_percent_encoded_whole(self) -> None:
        assert client_record_url(APP, "a/b?c#d e") == f"{APP}/app/clients/a%2Fb%3Fc%23d%20e"

    @pytest.mark.parametrize("bad", ["", ".", ".."])
    def test_an_id_that_is_a_path_step_is_refused(self, bad: str) -> None:
        with pytest.raises(ValueError, match="not a page name"):
            client_record_url(APP, bad)

    @settings(max_examples=200, deadline=None)
    @given(st.text(min_size=1).filter(lambda s: s not in (".", "..")))
    def test_any_id_is_one_path_segment_that_decodes_back_to_it(self, the_id: str) -> None:
        url = urlsplit(engagement_url(APP, the_id))
        assert (url.query, url.fragment) == ("", "")
        prefix, segment = url.path.rsplit("/", 1)
        assert prefix == "/app/engagements"
        assert unquote(segment, errors="surrogatepass") == the_id

    def test_each_reader_gets_the_page_where_they_act(self) -> None:
        def action(kind: EmailKind, data: dict[str, Any]) -> str:
            return str(email_links(_intent(kind, data), APP)["action_url"])

        reminder = EmailKind.ON_TRACK_REMINDER
        assert action(reminder, _reminder()) == f"{APP}/app/clients/cl-ada"
        assert action(reminder, _reminder(audience="client")) == f"{APP}/app/portal"
        # An intent stored before it carried the client's id: the On track list.
        older = {k: v for k, v in _reminder().items() if k != "client_id"}
        assert action(reminder, older) == f"{APP}/app/on-track"
        off = EmailKind.ENGAGEMENT_OFF_TRACK
        assert action(off, _coaching("coach")) == f"{APP}/app/engagements/eng-7"
        assert action(off, _coaching("coachee")) == f"{APP}/app/portal"
        assert action(EmailKind.WELCOME, {}) == portal_sign_in_url(APP)

    def test_a_digest_links_each_engagement_and_the_report_filtered_to_them(self) -> None:
        links = email_links(_intent(EmailKind.ENGAGEMENT_DIGEST, _digest()), APP)
        assert links["engagement_urls"] == {
            "eng-1": f"{APP}/app/engagements/eng-1",
            "eng-2": f"{APP}/app/engagements/eng-2",
        }
        report = urlsplit(links["report_url"])
        assert report.path == "/app/engagements/report"
        assert parse_qs(report.query) == {
            "progress": ["off_track"],
            "since_from": ["2026-03-20"],
            "since_to": ["2026-03-22"],
        }

    def test_app_url_without_segments_is_the_app(self) -> None:
        assert app_url(APP) == f"{APP}/app"


class TestReminderToTheTeamMember:
    def test_links_to_the_clients_record_in_both_parts(self) -> None:
        html, text = _both(_render(_intent(EmailKind.ON_TRACK_REMINDER, _reminder())))
        assert f'href="{APP}/app/clients/cl-ada"' in html
        assert "Open Ada Lovelace's record</a>" in html
        assert f"Open Ada Lovelace's record: {APP}/app/clients/cl-ada" in text

    def test_dates_are_written_for_people(self) -> None:
        html, text = _both(_render(_intent(EmailKind.ON_TRACK_REMINDER, _reminder())))
        for part in (html, text):
            assert "since Monday 2 March 2026" in part
            assert "last session was on Monday 9 February 2026" in part
            assert "2026-03-02" not in part

    def test_says_why_it_was_sent(self) -> None:
        _, text = _both(_render(_intent(EmailKind.ON_TRACK_REMINDER, _reminder())))
        assert (
            "You're receiving this because you're the team member assigned to Ada Lovelace's "
            "10-session pack, and it has been 21 days since their last session."
        ) in text

    def test_one_day_is_singular_and_no_session_yet_is_said_so(self) -> None:
        one = _render(_intent(EmailKind.ON_TRACK_REMINDER, _reminder(days_since_last_session=1)))
        assert "it has been 1 day since their last session." in one.text
        none = _render(
            _intent(
                EmailKind.ON_TRACK_REMINDER,
                _reminder(days_since_last_session=None, last_session=None),
            )
        )
        assert "and they have had no session on it yet." in none.text
        assert "Their last session" not in none.text

    def test_an_intent_stored_before_links_and_why_still_renders(self) -> None:
        older = {
            k: v
            for k, v in _reminder().items()
            if k not in ("client_id", "run_date", "days_since_last_session")
        }
        rendered = _render(_intent(EmailKind.ON_TRACK_REMINDER, older))
        assert f"{APP}/app/on-track" in rendered.text
        assert "You're receiving this because" in rendered.text

    def test_names_are_escaped_in_html_links_and_why(self) -> None:
        data = _reminder(client_name='<img src=x onerror="alert(1)">', client_id='x"><script>')
        html = _render(_intent(EmailKind.ON_TRACK_REMINDER, data)).html
        assert "<img" not in html
        assert "<script>" not in html
        assert "&lt;img src=x" in html
        # The id is percent-encoded into the link: the attribute cannot be closed early.
        assert f'href="{APP}/app/clients/x%22%3E%3Cscript%3E"' in html


class TestReminderToTheClient:
    def test_links_to_the_portal_and_says_why(self) -> None:
        data = _reminder(audience="client", days_since_last_session=30)
        html, text = _both(_render(_intent(EmailKind.ON_TRACK_REMINDER, data, name="Ada")))
        assert f'href="{APP}/app/portal"' in html
        assert f"See your sessions and how to book: {APP}/app/portal" in text
        assert (
            "You're receiving this because Harbour Physio tracks your sessions on "
            "10-session pack, and it has been 30 days since your last session."
        ) in text
        assert "your last session was on Monday 9 February 2026" in text


class TestCoaching:
    def test_the_coach_is_sent_to_the_engagement(self) -> None:
        html, text = _both(_render(_intent(EmailKind.ENGAGEMENT_OFF_TRACK, _coaching("coach"))))
        assert f'href="{APP}/app/engagements/eng-7"' in html
        assert f"Open the engagement: {APP}/app/engagements/eng-7" in text
        assert "off track since Sunday 22 March 2026" in text
        assert "because you're Ada Lovelace's coach, and on Sunday 22 March 2026" in text

    def test_the_coachee_is_sent_to_the_portal(self) -> None:
        rendered = _render(_intent(EmailKind.ENGAGEMENT_OFF_TRACK, _coaching("coachee")))
        assert f'href="{APP}/app/portal"' in rendered.html
        assert "/app/engagements" not in rendered.text
        assert (
            "because you're being coached by Cora Coach through Harbour Physio, and since "
            "Sunday 22 March 2026 no next session has been scheduled."
        ) in rendered.text

    def test_the_digest_links_every_engagement_and_the_report(self) -> None:
        html, text = _both(_render(_intent(EmailKind.ENGAGEMENT_DIGEST, _digest())))
        assert f'<a href="{APP}/app/engagements/eng-1">Ada &lt;Lovelace&gt;</a>' in html
        assert f'<a href="{APP}/app/engagements/eng-2">Bob</a>' in html
        report = (
            f"{APP}/app/engagements/report?progress=off_track&since_from=2026-03-20"
            "&since_to=2026-03-22"
        )
        assert f'href="{report.replace("&", "&amp;")}"' in html
        assert f"See them in the engagements report: {report}" in text
        assert f"- Bob (coach: -), off track since Friday 20 March 2026: {APP}" in text
        assert "went off track on Sunday 22 March 2026" in text
        assert "because you own these engagements" in text


class TestWelcome:
    def test_links_to_sign_in_then_the_portal_and_says_why(self) -> None:
        html, text = _both(_render(_intent(EmailKind.WELCOME, {}, name="Ada")))
        url = portal_sign_in_url(APP)
        assert f'href="{url}"' in html
        assert f"Sign in to your portal: {url}" in text
        assert "because Harbour Physio added you as a client" in text

    def test_a_stored_portal_url_no_longer_decides_the_link(self) -> None:
        rendered = _render(_intent(EmailKind.WELCOME, {"portal_url": "https://evil.example"}))
        assert "evil.example" not in rendered.html + rendered.text


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (EmailKind.ON_TRACK_REMINDER, _reminder()),
        (EmailKind.ON_TRACK_REMINDER, _reminder(audience="client")),
        (EmailKind.ENGAGEMENT_OFF_TRACK, _coaching("coach")),
        (EmailKind.ENGAGEMENT_OFF_TRACK, _coaching("coachee")),
        (EmailKind.ENGAGEMENT_DIGEST, _digest()),
        (EmailKind.WELCOME, {}),
    ],
)
def test_every_email_says_why_links_to_the_app_and_keeps_unsubscribe(
    kind: EmailKind, data: dict[str, Any]
) -> None:
    rendered = _render(_intent(kind, data))
    for part in (rendered.html, rendered.text):
        assert "You're receiving this because" in part
        assert f"{APP}/app/" in part
    assert f'href="{UNSUBSCRIBE}"' in rendered.html
    assert f"Unsubscribe from these emails: {UNSUBSCRIBE}" in rendered.text


def test_a_date_stored_as_an_instant_is_written_on_the_organizations_day() -> None:
    """Late on 1 March in UTC is 2 March in Auckland: the email says the local day."""
    data = _coaching("coach") | {"off_track_since": "2026-03-01T22:15:00Z"}
    intent = _intent(EmailKind.ENGAGEMENT_OFF_TRACK, data)
    assert "since Monday 2 March 2026" in _render(intent, tz="Pacific/Auckland").text
    assert "since Sunday 1 March 2026" in _render(intent, tz="UTC").text
