"""Day one of a deployed stack, against moto: `python -m deploy first-owner` (CloudFormation
outputs, Cognito, DynamoDB) and the smoke test's own AWS steps (SRP sign-in through
Cognito, the nightly invoked as Lambda would). The smoke test's API steps run against the
local runner (tests/e2e/test_smoke.py)."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deploy import first_owner, smoke
from deploy.web import DeployError
from local import infra
from local.lambdas import LocalContext, load_handler
from momentum.store import organizations as org_store
from momentum.store import users as user_store

STACK = "momentum-test"
EMAIL = "olivia@harbour.example.org"
PASSWORD = "Correct-Horse-42"


@pytest.fixture
def stack(aws: infra.LocalAws) -> dict[str, Any]:
    """A deployed stack as first-owner and smoke see it: its outputs name the (moto) table
    and user pool, and the pool has the SRP app client the template declares."""
    cognito = boto3.client("cognito-idp", region_name=infra.REGION)
    pool = aws.user_pool_ids["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool,
        ClientName="momentum-test-web",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "custom:org_id", "custom:role"],
    )["UserPoolClient"]["ClientId"]
    outputs = {
        "TableName": aws.table_names["MomentumTable"],
        "UserPoolId": pool,
        "UserPoolClientId": client,
        "ApiUrl": "https://api.example.test",
        "NightlyFunctionName": "momentum-test-NightlyFunction",
    }
    cloudformation = boto3.client("cloudformation", region_name=infra.REGION)
    cloudformation.create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(
            {
                "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
                "Outputs": {key: {"Value": value} for key, value in outputs.items()},
            }
        ),
    )
    return {"cloudformation": cloudformation, "cognito": cognito, "outputs": outputs}


def _request(**changes: Any) -> first_owner.Request:
    fields: dict[str, Any] = {
        "email": EMAIL,
        "name": "Olivia Owner",
        "org_name": "Harbour Physio & Coaching",
        "org_id": "",
        "timezone": "Europe/London",
        **changes,
    }
    return first_owner.Request(**fields)


def _create(stack: dict[str, Any], **changes: Any) -> tuple[bool, list[str]]:
    lines: list[str] = []
    created = first_owner.create(
        cloudformation=stack["cloudformation"],
        stack_name=STACK,
        request=_request(**changes),
        log=lines.append,
    )
    return created, lines


def _logins(stack: dict[str, Any]) -> list[dict[str, str]]:
    users = stack["cognito"].list_users(UserPoolId=stack["outputs"]["UserPoolId"])["Users"]
    return [{a["Name"]: a["Value"] for a in user["Attributes"]} for user in users]


# ---------------------------------------------------------------------------- first owner


def test_the_first_owner_gets_an_organization_a_login_and_a_user_record(
    stack: dict[str, Any],
) -> None:
    created, lines = _create(stack)
    assert created
    org = org_store.get("org-harbour-physio-coaching")
    assert org is not None
    assert (org.name, org.timezone, org.version) == (
        "Harbour Physio & Coaching",
        "Europe/London",
        1,
    )
    (login,) = _logins(stack)
    assert login["email"] == EMAIL
    assert login["custom:org_id"] == "org-harbour-physio-coaching"
    assert login["custom:role"] == "owner"
    owner = user_store.get_user("org-harbour-physio-coaching", login["sub"])
    assert owner is not None
    assert (owner.role, owner.status, owner.invited, owner.email) == (
        "owner",
        "active",
        True,
        EMAIL,
    )
    assert owner.login_username == login["sub"]  # the record is the login's user
    assert any("created" in line for line in lines)
    assert any("make smoke" in line for line in lines)


def test_running_it_again_with_the_same_address_changes_nothing(stack: dict[str, Any]) -> None:
    _create(stack)
    (login,) = _logins(stack)
    before = user_store.get_user("org-harbour-physio-coaching", login["sub"])
    created, lines = _create(stack, name="Someone Else", timezone="UTC")
    assert not created
    assert lines[0].startswith(f"{EMAIL} is already an owner of organization")
    assert len(_logins(stack)) == 1
    assert user_store.get_user("org-harbour-physio-coaching", login["sub"]) == before
    org = org_store.get("org-harbour-physio-coaching")
    assert org is not None
    assert org.timezone == "Europe/London"


def test_a_second_owner_is_refused_unless_asked_for(stack: dict[str, Any]) -> None:
    _create(stack)
    with pytest.raises(DeployError, match="already has an owner: olivia@harbour"):
        _create(stack, email="typo@harbour.example.org")
    assert [login["email"] for login in _logins(stack)] == [EMAIL]  # no login left behind
    created, _ = _create(stack, email="adam@harbour.example.org", another_owner=True)
    assert created
    assert sorted(row["email"] for row in first_owner_rows()) == [
        "adam@harbour.example.org",
        EMAIL,
    ]


def first_owner_rows() -> list[dict[str, object]]:
    from momentum.logic.first_owner import owners

    return owners("org-harbour-physio-coaching")


def test_another_organization_gets_its_own_first_owner(stack: dict[str, Any]) -> None:
    _create(stack)
    created, _ = _create(stack, email="ben@north.example.org", org_name="North Clinic")
    assert created
    assert {login["custom:org_id"] for login in _logins(stack)} == {
        "org-harbour-physio-coaching",
        "org-north-clinic",
    }


def test_an_address_with_another_login_is_refused(stack: dict[str, Any]) -> None:
    _create(stack)
    # The owner's address asked for as the owner of a new organization: already an owner
    # elsewhere, so nothing is made and the answer says where they are.
    created, lines = _create(stack, org_name="Elsewhere")
    assert not created
    assert "org-harbour-physio-coaching" in lines[0]
    assert "org-elsewhere" in lines[1]
    assert org_store.get("org-elsewhere") is None


def test_a_user_record_that_cannot_be_stored_leaves_no_login(
    stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from momentum.store import dynamo

    def refuse(record: user_store.UserRecord) -> None:
        raise dynamo.OutcomeUnknown("The write did not come back.")

    monkeypatch.setattr(user_store, "create", refuse)
    with pytest.raises(DeployError, match="did not come back"):
        _create(stack)
    assert _logins(stack) == []  # the login and the record: together or not at all
    monkeypatch.undo()
    created, _ = _create(stack)  # and a retry simply works
    assert created


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"org_name": "   "}, "organization id"),
        ({"org_name": "!!!"}, "organization id"),
        ({"org_id": "Org With Spaces"}, "organization id"),
        ({"timezone": "Mars/Olympus"}, "timezone|Timezone|invalid"),
    ],
)
def test_what_cannot_be_made_is_refused_before_anything_is(
    stack: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(DeployError, match=message):
        _create(stack, **changes)
    assert _logins(stack) == []


def test_a_stack_without_the_outputs_is_refused(stack: dict[str, Any]) -> None:
    with pytest.raises(DeployError, match="TableName"):
        first_owner.momentum_environment({"UserPoolId": "x"})


@given(st.text(max_size=200))
def test_a_default_organization_id_always_fits_the_keys_and_the_claim(name: str) -> None:
    org_id = first_owner.default_org_id(name)
    assert org_id == "" or first_owner.ORG_ID.match(org_id)
    assert len(org_id) <= 64
    assert first_owner.default_org_id(name) == org_id  # the same name, the same id


def test_the_command_line(stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from deploy import __main__ as cli
    from deploy import stack as stack_module

    monkeypatch.setattr(
        cli.stack,
        "load_environment",
        lambda env: stack_module.Environment(env, STACK, infra.REGION, {}),
    )
    arguments = ["first-owner", "--email", EMAIL, "--name", "Olivia Owner"]
    arguments += ["--org-name", "Harbour", "--timezone", "Europe/London"]
    assert cli.main(arguments) == 0
    assert cli.main(arguments) == 0  # idempotent: says so, succeeds
    assert cli.main([*arguments[:2], "x@harbour.example.org", *arguments[3:]]) == 2
    assert len(_logins(stack)) == 1


# -------------------------------------------------------------------- smoke, AWS steps


def _owner_with_password(stack: dict[str, Any], *, permanent: bool = True) -> None:
    _create(stack)
    if permanent:
        stack["cognito"].admin_set_user_password(
            UserPoolId=stack["outputs"]["UserPoolId"],
            Username=EMAIL,
            Password=PASSWORD,
            Permanent=True,
        )


def _sign_in(stack: dict[str, Any], **extra: Any) -> str:
    return smoke.sign_in(
        cognito=stack["cognito"],
        user_pool_id=stack["outputs"]["UserPoolId"],
        client_id=stack["outputs"]["UserPoolClientId"],
        email=EMAIL,
        password=PASSWORD,
        **extra,
    )


def test_the_smoke_test_signs_in_as_the_first_owner_through_srp(stack: dict[str, Any]) -> None:
    """moto's Cognito runs the SRP exchange (it does not check the password proof): this
    proves the flow and the token, not the cryptography."""
    _owner_with_password(stack)
    claims = jwt.decode(_sign_in(stack), options={"verify_signature": False})
    assert claims["token_use"] == "id"  # the API's authorizer wants the ID token
    assert claims["aud"] == stack["outputs"]["UserPoolClientId"]
    assert claims["custom:org_id"] == "org-harbour-physio-coaching"
    assert claims["custom:role"] == "owner"


def test_a_temporary_password_needs_a_new_one(stack: dict[str, Any]) -> None:
    _owner_with_password(stack, permanent=False)
    with pytest.raises(smoke.SmokeFailed, match="temporary password"):
        _sign_in(stack)
    token = _sign_in(stack, new_password="Another-Horse-42")
    assert jwt.decode(token, options={"verify_signature": False})["email"] == EMAIL


def test_an_unknown_address_is_a_failed_smoke_test(stack: dict[str, Any]) -> None:
    with pytest.raises(smoke.SmokeFailed, match=r"no login|refused"):
        _sign_in(stack)


class InProcessLambda:
    """Lambda's Invoke for the nightly: the real handler, in-process against moto."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.events: list[dict[str, Any]] = []

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> Any:  # noqa: N803
        assert InvocationType == "RequestResponse"
        event = json.loads(Payload)
        self.events.append(event)
        if self.fail:
            error = {"errorMessage": "boom", "errorType": "RuntimeError"}
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": _body(error)}
        template = infra.load_template()
        handler = load_handler(infra.handler_of(template, "NightlyFunction"))
        result = handler(event, LocalContext(function_name=FunctionName))
        return {"StatusCode": 200, "Payload": _body(result)}


def _body(value: Any) -> io.BytesIO:
    return io.BytesIO(json.dumps(value).encode())


def test_the_smoke_test_runs_the_nightly_once(aws: infra.LocalAws) -> None:
    client = InProcessLambda()
    summary = smoke.lambda_nightly(client, "momentum-test-NightlyFunction")()
    assert "items" in summary  # the nightly's own summary (momentum.logic.nightly)
    (event,) = client.events
    assert event["source"] == "momentum.smoke"
    with pytest.raises(smoke.SmokeFailed, match=r"nightly function failed: .*boom"):
        smoke.lambda_nightly(InProcessLambda(fail=True), "momentum-test-NightlyFunction")()
