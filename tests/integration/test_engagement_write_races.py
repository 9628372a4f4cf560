"""Engagement and template writes that lose a race (`logic.writes.optimistic_write`): a
change without If-Match is decided again from what is stored now, so neither change is
lost; one whose If-Match no longer holds is a 412; a create whose coachee was deleted
meanwhile is a 404; a create run again with the same ids (an Idempotency-Key's retry after
a first attempt that landed) answers with what that attempt wrote."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from types import ModuleType
from typing import Any

import pytest

from momentum import ids
from momentum.domain.access import Principal, Role
from momentum.logic import engagements
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import engagement_templates as template_store
from momentum.store import engagements as engagement_store
from momentum.store.clients import CLIENT_SK
from momentum.store.keys import client_pk
from tests.integration import routes
from tests.integration.conftest import ORG, HttpCall, claims
from tests.integration.routes import at

ADMIN = claims(role="admin", sub="user-adam")
ADMIN_PRINCIPAL = Principal(org_id=ORG, user_id="user-adam", role=Role.ADMIN)
TEMPLATE = "/engagement-templates/{template_id}"
ENGAGEMENT = "/engagements/{engagement_id}"
_call = partial(routes.send, caller=ADMIN)


@pytest.fixture
def practice(api: HttpCall) -> dict[str, str]:
    """A coachee and a three-week template."""
    at("2026-03-02T09:00:00+00:00")
    coachee = _call(api, "POST", "/clients", body={"name": "Cleo", "email": "cleo@example.com"})
    assert coachee["status"] == 201, coachee
    body = {"name": "Three weeks", "type": "one_to_one", "threshold_days": 21}
    template = _call(api, "POST", "/engagement-templates", body=body)
    assert template["status"] == 201, template
    return {"coachee": coachee["json"]["id"], "template": template["json"]["id"]}


def _after_first_read(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, then: Callable[[], object]
) -> None:
    """`module.get` runs `then` once, right after its first answer: a change that lands
    between a use case's read and its write."""
    original = module.get
    pending = [then]

    def get(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        if pending:
            pending.pop()()
        return found

    monkeypatch.setattr(module, "get", get)


def _threshold_changed_meanwhile(monkeypatch: pytest.MonkeyPatch, template_id: str) -> None:
    """Another writer sets the template's threshold to 10 days between the request's read
    and its write."""
    change = {"threshold_days": 10}
    _after_first_read(
        monkeypatch,
        template_store,
        lambda: engagements.update_template(ADMIN_PRINCIPAL, template_id, change, None),
    )


def _renamed_meanwhile(monkeypatch: pytest.MonkeyPatch, engagement_id: str) -> None:
    """Another writer renames the engagement "Theirs" between the request's read and its
    write."""
    change = {"name": "Theirs"}
    _after_first_read(
        monkeypatch,
        engagement_store,
        lambda: engagements.update_engagement(ADMIN_PRINCIPAL, engagement_id, change, None),
    )


def _patch_holding(
    api: HttpCall, route: str, etag: str, body: dict[str, Any], **ids: str
) -> dict[str, Any]:
    """PATCH `route` with If-Match `etag`: the version the caller read."""
    return _call(api, "PATCH", route, body=body, headers={"if-match": etag}, **ids)


def _new_engagement(api: HttpCall, practice: dict[str, str]) -> dict[str, Any]:
    """POST /engagements: the practice's coachee on its template."""
    body = {"template_id": practice["template"], "coachee_id": practice["coachee"]}
    return _call(api, "POST", "/engagements", body=body)


def test_a_template_change_that_lost_a_race_is_decided_again_and_keeps_the_other(
    api: HttpCall, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    template_id = practice["template"]
    _threshold_changed_meanwhile(monkeypatch, template_id)
    renamed = _call(api, "PATCH", TEMPLATE, body={"name": "Renamed"}, template_id=template_id)
    assert renamed["status"] == 200, renamed
    got = renamed["json"]
    assert (got["name"], got["threshold_days"], got["version"]) == ("Renamed", 10, 3)


def test_a_template_change_whose_if_match_no_longer_holds_is_412_and_changes_nothing(
    api: HttpCall, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    template_id = practice["template"]
    tag = _call(api, "GET", TEMPLATE, template_id=template_id)["headers"]["etag"]
    _threshold_changed_meanwhile(monkeypatch, template_id)
    stale = _patch_holding(api, TEMPLATE, tag, {"name": "Renamed"}, template_id=template_id)
    assert stale["status"] == 412, stale
    assert "template changed since you read it" in stale["json"]["detail"]
    now = _call(api, "GET", TEMPLATE, template_id=template_id)["json"]
    assert (now["name"], now["threshold_days"], now["version"]) == ("Three weeks", 10, 2)


def test_an_engagement_change_whose_if_match_no_longer_holds_is_412_and_keeps_the_other(
    api: HttpCall, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _new_engagement(api, practice)
    assert made["status"] == 201, made
    engagement_id = made["json"]["id"]
    _renamed_meanwhile(monkeypatch, engagement_id)
    tag = made["headers"]["etag"]
    stale = _patch_holding(api, ENGAGEMENT, tag, {"name": "Mine"}, engagement_id=engagement_id)
    assert stale["status"] == 412, stale
    assert "engagement changed since you read it" in stale["json"]["detail"]
    now = _call(api, "GET", ENGAGEMENT, engagement_id=engagement_id)["json"]
    assert (now["name"], now["version"]) == ("Theirs", 2)


def test_an_engagement_change_without_if_match_that_lost_a_race_keeps_both_changes(
    api: HttpCall, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engagement_id = _new_engagement(api, practice)["json"]["id"]
    _renamed_meanwhile(monkeypatch, engagement_id)
    launched = _call(
        api, "PATCH", ENGAGEMENT, body={"status": "active"}, engagement_id=engagement_id
    )
    assert launched["status"] == 200, launched
    got = launched["json"]
    assert (got["name"], got["status"], got["version"]) == ("Theirs", "active", 3)
    history = _call(
        api, "GET", ENGAGEMENT, engagement_id=engagement_id, query={"include": "history"}
    )
    statuses = [h["to_status"] for h in history["json"]["history"] if h["field"] == "status"]
    assert statuses == ["draft", "active"]  # the lost attempt recorded nothing


def test_an_engagement_whose_coachee_was_deleted_meanwhile_is_404_and_nothing_is_written(
    api: HttpCall, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    coachee_id = practice["coachee"]
    _after_first_read(
        monkeypatch,
        client_store,
        lambda: dynamo.delete_item(client_pk(ORG, coachee_id), CLIENT_SK),
    )
    made = _new_engagement(api, practice)
    assert made["status"] == 404, made
    assert made["json"]["detail"] == "No such client."
    assert engagement_store.list_for_client(ORG, coachee_id) == []


def test_creates_run_again_with_the_same_ids_answer_with_what_the_first_wrote(
    api: HttpCall, practice: dict[str, str]
) -> None:
    template_body = {"name": "Two weeks", "type": "on_demand", "threshold_days": 14}
    with ids.seeded("retry|template"):
        template = engagements.create_template(ADMIN_PRINCIPAL, template_body)
    with ids.seeded("retry|template"):
        again = engagements.create_template(ADMIN_PRINCIPAL, template_body)
    assert again == template

    body = {"template_id": practice["template"], "coachee_id": practice["coachee"]}
    with ids.seeded("retry|engagement"):
        made = engagements.create_engagement(ADMIN_PRINCIPAL, body)
    with ids.seeded("retry|engagement"):
        made_again = engagements.create_engagement(ADMIN_PRINCIPAL, body)
    assert (made_again.id, made_again.version) == (made.id, 1)
    assert [r.id for r in engagement_store.list_for_client(ORG, practice["coachee"])] == [made.id]
