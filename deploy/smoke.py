"""`python -m deploy smoke`: is a deployed stack usable from end to end?

Signs in as an owner through Cognito (SRP, the flow the API's own app client allows),
then through the real HTTP API (the stack's ApiUrl): reads the organization, creates a
client, a package and an appointment, reads the appointment back, invokes the nightly
function once (as its schedule does), and deletes what it created - also when a step
failed. The client has no email address, so nothing is ever emailed.

The steps take their sign-in and their nightly run as functions, so the same script runs
against the local runner in the tests (a local token, `POST /_local/nightly`).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from deploy.web import DeployError

# What the smoke test needs from the stack's outputs.
REQUIRED_OUTPUTS = ("ApiUrl", "UserPoolId", "UserPoolClientId", "NightlyFunctionName")
SMOKE_NOTE = "Made by python -m deploy smoke; deleted at its end."


class SmokeFailed(Exception):
    """A step of the smoke test did not do what it should."""


@dataclass(frozen=True)
class Outputs:
    api_url: str
    user_pool_id: str
    client_id: str
    nightly_function: str

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, str]) -> Outputs:
        missing = [key for key in REQUIRED_OUTPUTS if not outputs.get(key)]
        if missing:
            raise DeployError(
                f"the stack has no output {', '.join(missing)}: deploy the current template.yaml"
            )
        return cls(
            api_url=outputs["ApiUrl"].rstrip("/"),
            user_pool_id=outputs["UserPoolId"],
            client_id=outputs["UserPoolClientId"],
            nightly_function=outputs["NightlyFunctionName"],
        )


# -- signing in ------------------------------------------------------------------------------


def sign_in(
    *,
    cognito: Any,
    user_pool_id: str,
    client_id: str,
    email: str,
    password: str,
    new_password: str | None = None,
    mfa_code: Callable[[], str] | None = None,
) -> str:
    """The owner's ID token (what the API's JWT authorizer takes), by Cognito SRP.

    A login still on its temporary password gets `new_password` (else: sign in to the app
    once first); a login with TOTP asks `mfa_code` for the current code."""
    from pycognito.aws_srp import AWSSRP
    from pycognito.exceptions import (
        ForceChangePasswordException,
        SMSMFAChallengeException,
        SoftwareTokenMFAChallengeException,
    )

    srp = AWSSRP(
        username=email, password=password, pool_id=user_pool_id, client_id=client_id, client=cognito
    )
    try:
        tokens: dict[str, Any] = srp.authenticate_user()
    except ForceChangePasswordException:
        if not new_password:
            raise SmokeFailed(
                f"{email} still has its temporary password: sign in to the app once and "
                "choose a password (or give the smoke test a new one)"
            ) from None
        tokens = srp.set_new_password_challenge(new_password)
    except SoftwareTokenMFAChallengeException as challenge:
        if mfa_code is None:
            raise SmokeFailed(f"{email} signs in with a TOTP code: give one") from None
        pending = challenge.get_tokens()
        username = pending.get("ChallengeParameters", {}).get("USER_ID_FOR_SRP", email)
        tokens = cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=pending["Session"],
            ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": mfa_code()},
        )
    except SMSMFAChallengeException:
        raise SmokeFailed("SMS MFA is not used by this user pool") from None
    except cognito.exceptions.NotAuthorizedException:
        raise SmokeFailed(f"Cognito refused the sign-in of {email}: wrong password?") from None
    except cognito.exceptions.UserNotFoundException:
        raise SmokeFailed(f"no login for {email} (make first-owner creates it)") from None
    id_token = (tokens.get("AuthenticationResult") or {}).get("IdToken")
    if not id_token:
        raise SmokeFailed(
            f"Cognito asked for {tokens.get('ChallengeName')!r} instead of signing in"
        )
    return str(id_token)


# -- the API ---------------------------------------------------------------------------------


class Api:
    """The deployed API with a bearer token: each call must answer what the step expects."""

    def __init__(self, base_url: str, token: str, *, session: Any = None, timeout: float = 30):
        import requests

        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout

    def call(
        self, method: str, path: str, body: Any = None, *, expect: int = 200
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": str(uuid.uuid4())} if method == "POST" else {}
        response = self.session.request(
            method, self.base_url + path, json=body, headers=headers, timeout=self.timeout
        )
        if response.status_code != expect:
            raise SmokeFailed(
                f"{method} {path} answered {response.status_code}, expected {expect}: "
                f"{response.text[:500]}"
            )
        return dict(response.json()) if response.content else {}


# -- the nightly -----------------------------------------------------------------------------


def lambda_nightly(lambda_client: Any, function_name: str) -> Callable[[], dict[str, Any]]:
    """Invoke the nightly function once, synchronously, with its schedule's event."""

    def run() -> dict[str, Any]:
        event = {
            "source": "momentum.smoke",
            "scheduled_time": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        answer = lambda_client.invoke(
            FunctionName=function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode(),
        )
        payload = answer["Payload"].read().decode() if answer.get("Payload") else ""
        if answer.get("FunctionError") or answer.get("StatusCode") != 200:
            raise SmokeFailed(f"the nightly function failed: {payload[:500]}")
        result = json.loads(payload or "{}")
        return dict(result) if isinstance(result, dict) else {"result": result}

    return run


# -- the steps -------------------------------------------------------------------------------


@dataclass
class Report:
    org_id: str = ""
    client_id: str = ""
    package_id: str = ""
    appointment_id: str = ""
    nightly: dict[str, Any] = field(default_factory=dict)
    cleaned_up: list[str] = field(default_factory=list)


def run(
    api: Api,
    run_nightly: Callable[[], Mapping[str, Any]],
    *,
    now: datetime | None = None,
    log: Callable[[str], None] = print,
) -> Report:
    """Every step, then the clean-up (also after a failed step). Raises SmokeFailed."""
    report = Report()
    created: list[str] = []  # paths to DELETE, in creation order
    moment = now or datetime.now(UTC)
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
    try:
        org = api.call("GET", "/org")
        report.org_id = str(org["id"])
        log(f"ok  signed in; organization {org['id']} ({org.get('name')})")
        client = api.call(
            "POST", "/clients", {"name": f"Smoke test {stamp}", "notes": SMOKE_NOTE}, expect=201
        )
        report.client_id = str(client["id"])
        created.append(f"/clients/{report.client_id}")
        log(f"ok  client {report.client_id} created")
        package = api.call(
            "POST",
            f"/clients/{report.client_id}/packages",
            {"name": "Smoke test pack", "type": "fixed", "size": 10, "unit": "sessions"},
            expect=201,
        )
        report.package_id = str(package["id"])
        log(f"ok  package {report.package_id} created")
        # Tomorrow at 10:00 UTC: in the future, so it changes nobody's progress today.
        start = (moment + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        appointment = api.call(
            "POST",
            "/appointments",
            {
                "client_id": report.client_id,
                "package_id": report.package_id,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "notes": SMOKE_NOTE,
            },
            expect=201,
        )
        report.appointment_id = str(appointment["id"])
        created.append(f"/appointments/{report.appointment_id}")
        read = api.call("GET", f"/appointments/{report.appointment_id}")
        if read.get("client_id") != report.client_id:
            raise SmokeFailed(f"the appointment read back belongs to {read.get('client_id')}")
        log(f"ok  appointment {report.appointment_id} created and read back")
        report.nightly = dict(run_nightly())
        log(f"ok  nightly ran: {json.dumps(report.nightly, sort_keys=True)}")
    except BaseException:
        # Logged; the step's own failure is the one to report.
        with contextlib.suppress(SmokeFailed):
            _clean_up(api, created, report, log)
        raise
    _clean_up(api, created, report, log)
    return report


def _clean_up(api: Api, created: list[str], report: Report, log: Callable[[str], None]) -> None:
    """Delete in reverse order (the appointment before its client; the package goes with the
    client). Every deletion is tried; the first failure is raised after the others."""
    failures: list[str] = []
    for path in reversed(created):
        try:
            api.call("DELETE", path, expect=204)
            report.cleaned_up.append(path)
        except SmokeFailed as error:
            failures.append(str(error))
    if report.client_id and f"/clients/{report.client_id}" in report.cleaned_up:
        try:
            api.call("GET", f"/clients/{report.client_id}", expect=404)
        except SmokeFailed as error:
            failures.append(f"the client is still there after its deletion: {error}")
    if failures:
        log("!!  clean-up incomplete: " + " | ".join(failures))
        raise SmokeFailed("clean-up failed: " + failures[0])
    if created:
        log(f"ok  cleaned up: {', '.join(report.cleaned_up)}")
