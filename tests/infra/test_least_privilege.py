"""Each function's IAM statements, parsed from template.yaml: exactly what it needs.

SAM adds, on its own, the basic execution role (logs) and the X-Ray write policy
(Tracing: Active); everything else is written here as explicit statements and checked
below, both as general rules and as an exact per-function table (so widening a permission
means editing this file on purpose). The SQS consumers poll through event source mappings
of the template's own, with statements on their own queue: a SAM SQS event would attach
AWSLambdaSQSQueueExecutionRole, which reaches every queue of the account."""

from __future__ import annotations

import pytest

from tests.infra.cfn import (
    STAGES,
    as_list,
    event_source_mappings,
    events,
    function_property,
    functions,
    grants,
    load_template,
    logical_id,
    render,
    statements,
)

TABLE = "MomentumTable"
GSI1 = f"{TABLE}/index/gsi1"
GSI2 = f"{TABLE}/index/gsi2"
DUE = f"{TABLE}/index/due"
IDEMPOTENCY = "IdempotencyTable"
SES_IDENTITY = "arn:<partition>:ses:<region>:<account>:identity/SenderAddress"
SES_DOMAIN = "arn:<partition>:ses:<region>:<account>:identity/split(SenderAddress,'@')[1]"
SES_CONFIGURATION_SET = (
    "arn:<partition>:ses:<region>:<account>:configuration-set/EmailConfigurationSet"
)
# dev is in the SES sandbox: SES authorises a send against the recipient's identity too.
SES_SANDBOX_RECIPIENTS = "arn:<partition>:ses:<region>:<account>:identity/*"
CONSUME = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}

READ = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
WRITE_PREFIXES = ("dynamodb:Put", "dynamodb:Update", "dynamodb:Delete", "dynamodb:Batch")


def _pairs(actions: set[str], resources: set[str]) -> set[tuple[str, str]]:
    return {(a, r) for a in actions for r in resources}


EXPECTED: dict[str, set[tuple[str, str]]] = {
    "ApiFunction": (
        _pairs(
            READ
            | {
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:ConditionCheckItem",
            },
            {TABLE, GSI1, GSI2},
        )
        | _pairs(
            {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"},
            {IDEMPOTENCY},
        )
        | {("sqs:SendMessage", "MailQueue")}
        | _pairs(
            {
                "cognito-idp:AdminCreateUser",
                "cognito-idp:AdminUpdateUserAttributes",
                "cognito-idp:AdminDisableUser",
                "cognito-idp:AdminEnableUser",
                "cognito-idp:AdminDeleteUser",
                "cognito-idp:AdminGetUser",
                "cognito-idp:AdminUserGlobalSignOut",
                "cognito-idp:ListUsers",
            },
            {"UserPool"},
        )
        | {("secretsmanager:GetSecretValue", "SigningSecret")}
    ),
    "ReportsFunction": _pairs(READ, {TABLE, GSI1, GSI2}),
    "NightlyFunction": {("dynamodb:Query", DUE), ("sqs:SendMessage", "EvaluatorQueue")},
    "EvaluatorFunction": (
        _pairs(
            READ | {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"},
            {TABLE, GSI1, GSI2},
        )
        | {("sqs:SendMessage", "MailQueue")}
        | _pairs(CONSUME, {"EvaluatorQueue"})
    ),
    "MailerFunction": (
        _pairs(
            {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"},
            {TABLE},
        )
        | _pairs({"ses:SendEmail"}, {SES_IDENTITY, SES_DOMAIN, SES_CONFIGURATION_SET})
        | {("secretsmanager:GetSecretValue", "SigningSecret")}
        | _pairs(CONSUME, {"MailQueue"})
    ),
    "BouncesFunction": (
        _pairs({"dynamodb:PutItem", "dynamodb:UpdateItem"}, {TABLE})
        | _pairs(CONSUME, {"EmailEventsQueue"})
    ),
}
# What the dev stage grants beyond prod's table above (and nothing else).
DEV_EXTRA: dict[str, set[tuple[str, str]]] = {
    "MailerFunction": {("ses:SendEmail", SES_SANDBOX_RECIPIENTS)},
}


def _all_grants() -> dict[str, set[tuple[str, str]]]:
    return {name: grants(name) for name in functions()}


def test_every_function_has_an_expected_permission_table() -> None:
    assert set(functions()) == set(EXPECTED)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_function_grants_exactly_what_it_needs(function: str) -> None:
    granted = grants(function)
    assert granted == EXPECTED[function], (
        f"extra: {sorted(granted - EXPECTED[function])}; "
        f"missing: {sorted(EXPECTED[function] - granted)}"
    )


def test_no_function_uses_policy_templates_managed_policies_or_its_own_role() -> None:
    for name in functions():
        statements(name)  # fails on anything but inline statements
        assert function_property(name, "Role") is None, f"{name}: SAM must build the role"
        assert not function_property(name, "PermissionsBoundary"), name


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_dev_grants_prods_table_plus_the_sandbox_recipients(function: str) -> None:
    assert grants(function, "dev") == EXPECTED[function] | DEV_EXTRA.get(function, set())


@pytest.mark.parametrize("stage", STAGES)
def test_no_wildcard_actions_and_no_star_resources(stage: str) -> None:
    for name in functions():
        for statement in statements(name, stage):
            for action in as_list(statement["Action"]):
                assert "*" not in action, f"{name}: wildcard action {action}"
            resources = [render(r) for r in as_list(statement["Resource"])]
            if "*" in resources:
                # Only X-Ray needs "*" (it has no resource-level permissions).
                assert all(a.startswith("xray:") for a in as_list(statement["Action"])), name
            for resource in resources:
                if (stage, name, resource) == ("dev", "MailerFunction", SES_SANDBOX_RECIPIENTS):
                    # The sandbox's recipients are this account's verified identities: SES
                    # checks the send against each (DEV_EXTRA). Never in prod.
                    assert as_list(statement["Action"]) == ["ses:SendEmail"]
                    continue
                assert not resource.endswith("/*"), f"{name}: wildcard resource {resource}"


def test_nobody_scans() -> None:
    for name, pairs in _all_grants().items():
        assert not [a for a, _ in pairs if a.lower() == "dynamodb:scan"], name


def test_reports_is_read_only() -> None:
    actions = {a for a, _ in grants("ReportsFunction")}
    assert actions <= READ
    assert not [a for a in actions if a.startswith(WRITE_PREFIXES) and a not in READ]
    assert not [a for a in actions if not a.startswith("dynamodb:")]


def test_only_the_mailer_sends_email() -> None:
    for name, pairs in _all_grants().items():
        ses = {a for a, _ in pairs if a.startswith(("ses:", "sesv2:"))}
        assert bool(ses) == (name == "MailerFunction"), f"{name}: {ses}"
    ses_resources = {r for a, r in grants("MailerFunction") if a == "ses:SendEmail"}
    assert ses_resources == {SES_IDENTITY, SES_DOMAIN, SES_CONFIGURATION_SET}


def test_only_the_nightly_reads_the_due_index() -> None:
    readers = {name for name, pairs in _all_grants().items() if any(r == DUE for _, r in pairs)}
    assert readers == {"NightlyFunction"}
    assert {r for _, r in grants("NightlyFunction") if r.startswith(TABLE)} == {DUE}


def test_bounces_only_writes_the_table() -> None:
    assert {p for p in grants("BouncesFunction") if p[0].startswith("dynamodb:")} == {
        ("dynamodb:PutItem", TABLE),
        ("dynamodb:UpdateItem", TABLE),
    }


def test_dynamodb_resources_are_the_tables_and_their_indexes() -> None:
    indexes = {
        f"{TABLE}/index/{gsi['IndexName']}"
        for gsi in load_template()["Resources"][TABLE]["Properties"]["GlobalSecondaryIndexes"]
    }
    allowed = {TABLE, IDEMPOTENCY} | indexes
    for name, pairs in _all_grants().items():
        for action, resource in pairs:
            if action.startswith("dynamodb:"):
                assert resource in allowed, f"{name}: {action} on {resource}"


def test_secret_readers_and_user_admins() -> None:
    all_grants = _all_grants()
    secret = {
        n for n, p in all_grants.items() if any(a.startswith("secretsmanager:") for a, _ in p)
    }
    cognito = {n for n, p in all_grants.items() if any(a.startswith("cognito-idp:") for a, _ in p)}
    assert secret == {"ApiFunction", "MailerFunction"}
    assert cognito == {"ApiFunction"}


def test_queue_senders() -> None:
    senders = {
        (name, resource)
        for name, pairs in _all_grants().items()
        for action, resource in pairs
        if action == "sqs:SendMessage"
    }
    assert senders == {
        ("ApiFunction", "MailQueue"),
        ("NightlyFunction", "EvaluatorQueue"),
        ("EvaluatorFunction", "MailQueue"),
    }


def test_each_consumer_polls_only_its_own_queue() -> None:
    """No SAM SQS event (it would attach AWSLambdaSQSQueueExecutionRole: every queue of the
    account); each mapping's function may receive from and delete in its own queue only."""
    for name in functions():
        assert not events(name, "SQS"), f"{name}: a SAM SQS event grants every queue"
    mappings = event_source_mappings()
    assert set(mappings) == {"EvaluatorFunction", "MailerFunction", "BouncesFunction"}
    for name, pairs in _all_grants().items():
        polled = {(a, r) for a, r in pairs if a in CONSUME}
        if name in mappings:
            queue = logical_id(mappings[name]["EventSourceArn"])
            assert polled == _pairs(CONSUME, {queue}), name
        else:
            assert not polled, name
