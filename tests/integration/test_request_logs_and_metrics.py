"""What one request leaves for the person on call (momentum.api.request): every log line
names the caller's organization, user and the request, and nothing of it carries over to
the next request a warm container serves; one `UseCaseOutcome` metric per request, by
operation and outcome; and the caller's principal read once per request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from momentum.api import request
from momentum.logic import callers
from momentum.logic import organizations as organization_logic
from momentum.observability import logger
from tests.integration.conftest import OTHER_ORG, HttpCall, claims

ANN = claims(sub="user-ann")  # an owner of org-test
BOB = claims(org=OTHER_ORG, sub="user-bob")  # an owner of another organization
STAFF = claims(role="staff", sub="user-sam")
REQUEST_KEYS = ("request_id", "org_id", "user_id")


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Every line the service's logger writes from now on (at DEBUG), parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)  # the JSON lines Lambda would get
    std_logger = logging.getLogger(logger.name)
    level = std_logger.level
    std_logger.addHandler(handler)
    std_logger.setLevel(logging.DEBUG)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line]

    yield lines
    std_logger.removeHandler(handler)
    std_logger.setLevel(level)


def _logging_use_case(monkeypatch: pytest.MonkeyPatch) -> None:
    # A line from deep inside the request, as a use case writes one.
    real = organization_logic.get_organization

    def get_organization(principal: Any) -> Any:
        logger.info("reading the organization")
        return real(principal)

    monkeypatch.setattr(organization_logic, "get_organization", get_organization)


def _of(lines: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("request_id") == request_id]


def test_every_log_line_names_its_request_and_caller_and_none_carries_over(
    api: HttpCall,
    monkeypatch: pytest.MonkeyPatch,
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    _logging_use_case(monkeypatch)
    assert api("GET", "/org", caller=ANN, request_id="req-ann")["status"] == 200
    after_ann = len(log_lines())
    assert api("GET", "/org", caller=BOB, request_id="req-bob")["status"] == 200
    after_bob = len(log_lines())
    anonymous = api(
        "GET",
        "/unsubscribe",
        anonymous=True,
        query={"token": "not-a-token"},
        request_id="req-anon",
    )
    assert anonymous["status"] == 400
    logger.info("between requests")
    lines = log_lines()

    ann, bob, anon = lines[:after_ann], lines[after_ann:after_bob], lines[after_bob:-1]
    assert [line["message"] for line in ann] == ["reading the organization", "answered"]
    assert [line["message"] for line in bob] == ["reading the organization", "answered"]
    assert [line["message"] for line in anon] == ["answered"]
    for line in ann:
        assert (line["request_id"], line["org_id"], line["user_id"]) == (
            "req-ann",
            "org-test",
            "user-ann",
        )
    for line in bob:
        assert (line["request_id"], line["org_id"], line["user_id"]) == (
            "req-bob",
            OTHER_ORG,
            "user-bob",
        )
    for line in anon:  # a public route: no token, so no caller; and none left over
        assert line["request_id"] == "req-anon"
        assert "org_id" not in line
        assert "user_id" not in line
    assert _of(lines, "req-ann") == ann
    assert _of(lines, "req-bob") == bob
    outside = lines[-1]
    assert outside["message"] == "between requests"
    assert not set(REQUEST_KEYS) & set(outside)


def test_the_answered_line_names_the_operation_and_status(
    api: HttpCall, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    api("POST", "/clients", body={"name": "Ada"}, caller=STAFF, request_id="req-refused")
    (answered,) = [line for line in log_lines() if line["message"] == "answered"]
    assert answered["operation"] == "createClient"
    assert answered["status"] == 403
    assert answered["level"] == "DEBUG"  # at INFO (production), silent


# ---------------------------------------------------------------------------------- metrics


def _outcome_metrics(stdout: str) -> list[dict[str, Any]]:
    """The EMF documents Powertools printed that carry a UseCaseOutcome."""
    documents = [json.loads(line) for line in stdout.splitlines() if line.startswith('{"_aws"')]
    return [d for d in documents if "UseCaseOutcome" in d]


@pytest.mark.parametrize(
    ("body", "caller", "status", "outcome"),
    [
        ({"name": "Ada Lovelace"}, ANN, 201, "created"),
        ({"name": "Ada Lovelace"}, STAFF, 403, "refused"),  # clients are added by admins
        ({"name": ""}, ANN, 422, "invalid"),
    ],
    ids=["created", "refused", "invalid"],
)
def test_each_request_counts_one_use_case_outcome(
    api: HttpCall,
    capsys: pytest.CaptureFixture[str],
    body: dict[str, Any],
    caller: dict[str, str],
    status: int,
    outcome: str,
) -> None:
    capsys.readouterr()  # what the fixtures printed
    response = api("POST", "/clients", body=body, caller=caller)
    assert response["status"] == status, response
    (document,) = _outcome_metrics(capsys.readouterr().out)
    assert document["UseCaseOutcome"] == [1.0]  # one request, counted once
    assert document["operation"] == "createClient"
    assert document["outcome"] == outcome
    assert document["service"] == "momentum"
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Momentum"
    assert directive["Metrics"] == [{"Name": "UseCaseOutcome", "Unit": "Count"}]
    assert sorted(directive["Dimensions"][0]) == ["operation", "outcome", "service"]


def test_a_caller_refused_before_routing_is_counted_for_the_operation_asked(
    api: HttpCall, capsys: pytest.CaptureFixture[str]
) -> None:
    nobody = claims(sub="user-nobody")  # a token for no user of the organization: 401
    capsys.readouterr()
    assert api("GET", "/org", caller=nobody, caller_record=False)["status"] == 401
    (document,) = _outcome_metrics(capsys.readouterr().out)
    assert (document["operation"], document["outcome"]) == ("getOrganization", "refused")


def test_unknown_routes_and_the_documentation_count_no_use_case(
    api: HttpCall, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert api("GET", "/no-such-thing")["status"] == 404
    assert api("GET", "/openapi.json", anonymous=True)["status"] == 200
    assert _outcome_metrics(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "ok"),
        (201, "created"),
        (202, "ok"),
        (204, "ok"),
        (400, "invalid"),
        (401, "refused"),
        (403, "refused"),
        (404, "not_found"),
        (409, "conflict"),
        (412, "conflict"),
        (413, "invalid"),
        (415, "invalid"),
        (422, "invalid"),
        (500, "failed"),
        (503, "failed"),
    ],
)
def test_outcome_of_each_status(status: int, outcome: str) -> None:
    assert request.outcome_of(status) == outcome


# ------------------------------------------------------------------------------- principal


def test_the_callers_principal_is_read_once_per_request(
    api: HttpCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = api("POST", "/clients", body={"name": "Ada Lovelace"}, caller=ANN)
    client_id = created["json"]["id"]
    parsed: list[object] = []
    checked: list[object] = []
    parse, current = request.principal_from_claims, callers.current

    def counting_parse(claims: Any) -> Any:
        parsed.append(claims)
        return parse(claims)

    def counting_current(claimed: Any) -> Any:
        checked.append(claimed)
        return current(claimed)

    monkeypatch.setattr(request, "principal_from_claims", counting_parse)
    monkeypatch.setattr(callers, "current", counting_current)
    # The route and the view it answers with both ask for the caller.
    response = api(
        "PATCH",
        f"/clients/{client_id}",
        route="PATCH /clients/{client_id}",
        path_parameters={"client_id": client_id},
        body={"phone": "123"},
        caller=ANN,
    )
    assert response["status"] == 200, response
    assert len(parsed) == 1
    assert len(checked) == 1


def test_a_requests_principal_is_not_lent_to_the_next_request(api: HttpCall) -> None:
    assert api("GET", "/org", caller=ANN)["status"] == 200
    # The same warm container, a request without a token: it is nobody.
    assert api("GET", "/org", anonymous=True)["status"] == 401
