"""`python -m deploy smoke`'s API steps against the local runner over HTTP: the same script a
person runs after deploying, with the runner's token instead of Cognito's (the SRP sign-in
and the Lambda invocation are tested against moto in tests/integration/test_first_owner.py)
and `POST /_local/nightly` for the nightly function."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from deploy import smoke
from tests.e2e.conftest import Runner

pytestmark = pytest.mark.e2e


def _owner(runner: Runner) -> tuple[str, smoke.Api]:
    """A fresh organization with its first owner, signed in with a runner token."""
    org = f"org-smoke-{uuid.uuid4().hex[:8]}"
    token = runner.token(org=org, role="owner", sub=f"owner-{org}")
    api = smoke.Api(runner.base_url, token)
    api.call("PUT", "/org", {"name": "Smoke Practice", "timezone": "Europe/London"})
    return org, api


def _now(runner: Runner) -> datetime:
    return datetime.fromisoformat(runner.get("/_local/clock").json()["now"])


def _clients(api: smoke.Api) -> list[dict[str, Any]]:
    return list(api.call("GET", "/clients")["items"])


def test_the_smoke_test_passes_and_leaves_nothing_behind(runner: Runner) -> None:
    org, api = _owner(runner)
    lines: list[str] = []
    nightly_runs: list[dict[str, Any]] = []

    def nightly() -> dict[str, Any]:
        answer = runner.post("/_local/nightly")
        assert answer.status_code == 200, answer.text
        nightly_runs.append(answer.json())
        return {"scheduled": sorted(answer.json()["scheduled"])}

    report = smoke.run(api, nightly, now=_now(runner), log=lines.append)
    assert report.org_id == org
    assert report.client_id
    assert report.package_id
    assert report.appointment_id
    assert len(nightly_runs) == 1  # the nightly ran exactly once
    assert report.nightly == {"scheduled": ["NightlyFunction"]}
    assert report.cleaned_up == [
        f"/appointments/{report.appointment_id}",
        f"/clients/{report.client_id}",
    ]
    assert _clients(api) == []
    api.call("GET", f"/packages/{report.package_id}", expect=404)  # gone with its client
    api.call("GET", f"/appointments/{report.appointment_id}", expect=404)
    assert [line[:3] for line in lines] == ["ok "] * len(lines)


def test_a_failed_step_still_cleans_up_and_says_what_failed(runner: Runner) -> None:
    _, api = _owner(runner)
    lines: list[str] = []

    def broken_nightly() -> dict[str, Any]:
        raise smoke.SmokeFailed("the nightly function failed: boom")

    with pytest.raises(smoke.SmokeFailed, match="nightly function failed: boom"):
        smoke.run(api, broken_nightly, now=_now(runner), log=lines.append)
    assert _clients(api) == []  # what it created before the failure is gone
    assert lines[-1].startswith("ok  cleaned up: /appointments/")


def test_an_api_that_refuses_a_step_fails_the_smoke_test(runner: Runner) -> None:
    """A token the API does not accept (no user record): the first step fails, with the
    API's answer in the message, and nothing was created."""
    org = f"org-smoke-{uuid.uuid4().hex[:8]}"
    token = runner.token(org=org, role="owner", sub="nobody", user_record=False)
    api = smoke.Api(runner.base_url, token)
    with pytest.raises(smoke.SmokeFailed, match=r"GET /org answered 401"):
        smoke.run(api, dict, now=_now(runner), log=lambda _: None)
