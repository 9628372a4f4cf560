"""The shape of what template.yaml deploys: data safety, queues and their DLQs, the
schedule, logs, the HTTP API and its authorizer, Cognito, SES, the functions' runtime."""

from __future__ import annotations

import json
import re

import pytest

from tests.infra.cfn import (
    as_list,
    event_source_mappings,
    events,
    function_property,
    functions,
    globals_function,
    load_template,
    logical_id,
    render,
    resources,
)

TABLES = ("MomentumTable", "IdempotencyTable")
GLOBAL_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_LOG_LEVEL",
    "POWERTOOLS_METRICS_NAMESPACE",
    "MOMENTUM_STAGE",
    "MOMENTUM_TABLE_NAME",
    "MOMENTUM_IDEMPOTENCY_TABLE_NAME",
    "MOMENTUM_EVALUATOR_QUEUE_URL",
    "MOMENTUM_MAIL_QUEUE_URL",
    "MOMENTUM_SENDER_ADDRESS",
    "MOMENTUM_SES_CONFIGURATION_SET",
    "MOMENTUM_USER_POOL_ID",
    "MOMENTUM_SIGNING_SECRET_ARN",
}
FOURTEEN_DAYS = 14 * 24 * 3600


def _props(name: str) -> dict:
    return load_template()["Resources"][name]["Properties"]


def _sqs_events() -> list[tuple[str, dict]]:
    """(function, its SQS trigger's properties): the template's event source mappings (SAM
    SQS events are not used, test_least_privilege.py says why)."""
    return [
        (name, {**props, "Queue": props["EventSourceArn"]})
        for name, props in event_source_mappings().items()
    ]


def _dead_letter_queues() -> set[str]:
    """Queues some source (a queue, a schedule, a function, a subscription) dead-letters to."""
    dlqs = {
        logical_id(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in resources("AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    for name in functions():
        dlq = function_property(name, "DeadLetterQueue")
        if dlq:
            dlqs.add(logical_id(dlq["TargetArn"]))
        for event in events(name, "ScheduleV2").values():
            dlqs.add(logical_id(event["Properties"]["DeadLetterConfig"]["Arn"]))
    return dlqs


# -------------------------------------------------------------------------------- data


@pytest.mark.parametrize("table", TABLES)
def test_tables_are_protected(table: str) -> None:
    resource = load_template()["Resources"][table]
    props = resource["Properties"]
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["SSESpecification"].get("SSEType") == "KMS"
    assert props["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}


def test_momentum_table_keys_and_indexes() -> None:
    props = _props("MomentumTable")
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    indexes = {
        gsi["IndexName"]: (
            [(k["AttributeName"], k["KeyType"]) for k in gsi["KeySchema"]],
            gsi["Projection"]["ProjectionType"],
        )
        for gsi in props["GlobalSecondaryIndexes"]
    }
    assert indexes == {
        "gsi1": ([("gsi1pk", "HASH"), ("gsi1sk", "RANGE")], "ALL"),
        "gsi2": ([("gsi2pk", "HASH"), ("gsi2sk", "RANGE")], "ALL"),
        "due": ([("due_shard", "HASH"), ("due_at", "RANGE")], "ALL"),
    }
    attributes = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    assert attributes == dict.fromkeys(
        ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "due_shard", "due_at"], "S"
    )
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_idempotency_table_has_the_powertools_layout() -> None:
    props = _props("IdempotencyTable")
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}


def test_user_pool_is_retained_and_protected_in_prod() -> None:
    pool = load_template()["Resources"]["UserPool"]
    assert pool["DeletionPolicy"] == pool["UpdateReplacePolicy"] == "Retain"
    assert pool["Properties"]["DeletionProtection"] == {"Fn::If": ["IsProd", "ACTIVE", "INACTIVE"]}


# ------------------------------------------------------------------------------ queues


def test_every_queue_is_encrypted() -> None:
    for name, queue in resources("AWS::SQS::Queue").items():
        assert queue["Properties"].get("SqsManagedSseEnabled") is True, name


def test_every_work_queue_has_a_dlq_and_every_dlq_keeps_messages_14_days() -> None:
    queues = resources("AWS::SQS::Queue")
    dlqs = _dead_letter_queues()
    assert dlqs == {
        "EvaluatorDeadLetterQueue",
        "MailDeadLetterQueue",
        "EmailEventsDeadLetterQueue",
        "SchedulerDeadLetterQueue",
    }
    for name, queue in queues.items():
        props = queue["Properties"]
        if name in dlqs:
            assert "RedrivePolicy" not in props, name
            assert props["MessageRetentionPeriod"] == FOURTEEN_DAYS, name
        else:
            redrive = props["RedrivePolicy"]
            assert logical_id(redrive["deadLetterTargetArn"]) in queues, name
            assert 3 <= redrive["maxReceiveCount"] <= 10, name


def test_every_sqs_event_reports_partial_batch_failures() -> None:
    consumers = _sqs_events()
    assert {logical_id(p["Queue"]) for _, p in consumers} == {
        "EvaluatorQueue",
        "MailQueue",
        "EmailEventsQueue",
    }
    for name, props in consumers:
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        assert props["BatchSize"] == 10, name
        assert props.get("Enabled", True) is True, name


def test_visibility_timeout_is_at_least_six_times_the_consumer_timeout() -> None:
    for name, props in _sqs_events():
        queue = _props(logical_id(props["Queue"]))
        timeout = function_property(name, "Timeout")
        assert queue["VisibilityTimeout"] >= 6 * timeout, f"{name}: {queue['VisibilityTimeout']}"
        assert "RedrivePolicy" in queue, f"{name} consumes a queue without a DLQ"


def test_every_dlq_alarms_on_any_message() -> None:
    alarmed = {}
    for name, alarm in resources("AWS::CloudWatch::Alarm").items():
        props = alarm["Properties"]
        if props.get("Namespace") != "AWS/SQS":
            continue  # the other alarms: test_day_one.py
        if props.get("Namespace") != "AWS/SQS":
            continue  # alarms on functions, the API, SES and the email metrics: tested apart
        (dimension,) = props["Dimensions"]
        assert props["MetricName"] == "ApproximateNumberOfMessagesVisible", name
        assert (props["ComparisonOperator"], props["Threshold"]) == ("GreaterThanThreshold", 0)
        assert [logical_id(a) for a in props["AlarmActions"]] == ["AlarmTopic"], name
        alarmed[logical_id(dimension["Value"])] = name
    assert set(alarmed) == _dead_letter_queues()


def test_sns_can_deliver_email_events_to_the_queue() -> None:
    subscription = _props("EmailEventsSubscription")
    assert subscription["Protocol"] == "sqs"
    assert logical_id(subscription["Endpoint"]) == "EmailEventsQueue"
    assert logical_id(subscription["TopicArn"]) == "EmailEventsTopic"
    assert logical_id(subscription["RedrivePolicy"]["deadLetterTargetArn"]) == (
        "EmailEventsDeadLetterQueue"
    )
    policy = _props("EmailEventsQueuePolicy")
    assert {logical_id(q) for q in policy["Queues"]} == {
        "EmailEventsQueue",
        "EmailEventsDeadLetterQueue",
    }
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert logical_id(statement["Condition"]["ArnEquals"]["aws:SourceArn"]) == "EmailEventsTopic"


# ---------------------------------------------------------------------------- schedule


def test_nightly_runs_hourly_in_utc_with_retries_and_a_dlq() -> None:
    (schedule,) = events("NightlyFunction", "ScheduleV2").values()
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == "cron(5 * * * ? *)"
    assert props["ScheduleExpressionTimezone"] == "UTC"
    assert props.get("State", "ENABLED") == "ENABLED"
    # SAM would name the schedule after the event's logical id, which is unique only per
    # stack; schedule names are unique per account and region.
    assert render(props["Name"]) == "momentum-Stage-nightly"
    assert set(props["RetryPolicy"]) == {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}
    assert logical_id(props["DeadLetterConfig"]["Arn"]) == "SchedulerDeadLetterQueue"
    assert json.loads(props["Input"]) == {
        "source": "momentum.nightly",
        "scheduled_time": "<aws.scheduler.scheduled-time>",
    }
    # Scheduler invokes asynchronously: what still fails after Lambda's retries is kept.
    dlq = function_property("NightlyFunction", "DeadLetterQueue")
    assert dlq["Type"] == "SQS"
    assert logical_id(dlq["TargetArn"]) == "SchedulerDeadLetterQueue"
    assert not [n for n in functions() if n != "NightlyFunction" and events(n, "ScheduleV2")]


# --------------------------------------------------------------------- functions & logs


def test_globals_fix_runtime_architecture_tracing_and_layer() -> None:
    g = globals_function()
    assert g["Runtime"] == "python3.13"
    assert g["Architectures"] == ["arm64"]
    assert g["Tracing"] == "Active"
    assert g["MemorySize"] >= 128
    assert [logical_id(layer) for layer in g["Layers"]] == ["MomentumLayer"]
    assert set(g["Environment"]["Variables"]) >= GLOBAL_ENVIRONMENT
    assert g["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "momentum"
    assert g["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"] == "Momentum"


def test_every_function_has_a_timeout_and_a_public_base_url() -> None:
    for name in functions():
        assert 1 <= function_property(name, "Timeout") <= 900, name
        variables = functions()[name]["Properties"]["Environment"]["Variables"]
        assert "MOMENTUM_PUBLIC_BASE_URL" in variables, name
    for name in ("ApiFunction", "ReportsFunction"):
        assert function_property(name, "Timeout") <= 29, f"{name}: beyond the HTTP API timeout"


def test_http_functions_do_not_reference_the_http_api() -> None:
    """HttpApi's integrations reference these functions; a reference back is a cycle."""
    for name in ("ApiFunction", "ReportsFunction"):
        assert "HttpApi" not in json.dumps(functions()[name]["Properties"]["Environment"])


def test_environment_names_are_settings_the_code_reads() -> None:
    from momentum.config import Settings

    fields = {f"MOMENTUM_{field.upper()}" for field in Settings.model_fields}
    names = set(globals_function()["Environment"]["Variables"])
    for name in functions():
        names |= set(functions()[name]["Properties"].get("Environment", {}).get("Variables", {}))
    momentum_names = {n for n in names if n.startswith("MOMENTUM_")}
    assert momentum_names <= fields, f"unknown to momentum.config: {momentum_names - fields}"
    required = {
        f"MOMENTUM_{field.upper()}"
        for field, info in Settings.model_fields.items()
        if info.is_required()
    }
    assert required <= set(globals_function()["Environment"]["Variables"])


def test_every_function_has_a_log_group_with_retention() -> None:
    log_groups = {
        render(group["Properties"]["LogGroupName"]): group
        for group in resources("AWS::Logs::LogGroup").values()
        if "LogGroupName" in group["Properties"]
    }
    for name in functions():
        group = log_groups.get(f"/aws/lambda/{name}")
        assert group is not None, f"{name} has no log group"
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    logging_config = globals_function()["LoggingConfig"]
    assert logging_config["LogFormat"] == "JSON"
    assert (
        logging_config["ApplicationLogLevel"]
        == (globals_function()["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"])
    )


def test_layer_is_built_for_python_3_13_on_arm64() -> None:
    layer = load_template()["Resources"]["MomentumLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["ContentUri"] == "shared/"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    assert layer["Metadata"] == {"BuildMethod": "python3.13", "BuildArchitecture": "arm64"}


# ---------------------------------------------------------------------------- HTTP API


def test_http_api_uses_the_cognito_jwt_authorizer_by_default() -> None:
    auth = _props("HttpApi")["Auth"]
    assert auth["DefaultAuthorizer"] == "CognitoAuthorizer"
    authorizer = auth["Authorizers"]["CognitoAuthorizer"]
    assert authorizer["IdentitySource"] == "$request.header.Authorization"
    jwt = authorizer["JwtConfiguration"]
    assert render(jwt["issuer"]) == "https://cognito-idp.<region>.amazonaws.com/UserPool"
    # The SRP client and the hosted web app's client (test_web_hosting.py).
    assert [logical_id(a) for a in jwt["audience"]] == ["UserPoolClient", "WebClient"]


def test_http_api_cors_logging_and_throttling() -> None:
    props = _props("HttpApi")
    cors = props["CorsConfiguration"]
    assert cors["AllowOrigins"] == {"Ref": "AllowedOrigins"}
    assert set(cors["AllowMethods"]) == {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
    assert set(cors["AllowHeaders"]) == {
        "Authorization",
        "Content-Type",
        "Idempotency-Key",
        "If-Match",
    }
    assert set(cors["ExposeHeaders"]) == {
        "ETag",
        "Location",
        "Retry-After",
        "Content-Disposition",
        "X-Next-Cursor",
    }
    logs = props["AccessLogSettings"]
    assert logical_id(logs["DestinationArn"]) == "HttpApiAccessLogGroup"
    fields = json.loads(re.sub(r"\$context\.[A-Za-z.]+", "x", logs["Format"]))
    assert {"requestId", "routeKey", "status", "latency", "sourceIp"} <= set(fields)
    throttling = props["DefaultRouteSettings"]
    assert {"ThrottlingBurstLimit", "ThrottlingRateLimit"} <= set(throttling)


# ----------------------------------------------------------------------------- Cognito


def test_user_pool_is_admin_only_with_the_custom_claims() -> None:
    props = _props("UserPool")
    assert props["UsernameAttributes"] == ["email"]
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert props["MfaConfiguration"] == "OPTIONAL"
    assert props["Policies"]["PasswordPolicy"]["MinimumLength"] >= 8
    custom = {a["Name"]: a for a in props["Schema"] if a["Name"] != "email"}
    assert set(custom) == {"org_id", "role", "client_id", "location_ids"}
    for name, attribute in custom.items():
        assert attribute["AttributeDataType"] == "String", name
        assert attribute["Mutable"] is True, name


def test_users_cannot_write_the_attributes_that_grant_access() -> None:
    client = _props("UserPoolClient")
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    custom = {"custom:org_id", "custom:role", "custom:client_id", "custom:location_ids"}
    assert custom <= set(client["ReadAttributes"])
    assert not custom & set(client["WriteAttributes"])


def test_users_cannot_change_their_own_email() -> None:
    """The email is the sign-in alias an administrator gave: a user renaming themself could
    take someone's address. An absent or empty list would let the app write every standard
    attribute, email included."""
    writable = _props("UserPoolClient").get("WriteAttributes")
    assert writable, "without WriteAttributes the app client may write email"
    assert not {"email", "email_verified", "phone_number"} & set(writable)


# --------------------------------------------------------------------------------- SES


def test_ses_suppresses_and_reports_bounces_and_complaints() -> None:
    configuration_set = _props("EmailConfigurationSet")
    assert set(configuration_set["SuppressionOptions"]["SuppressedReasons"]) == {
        "BOUNCE",
        "COMPLAINT",
    }
    assert configuration_set["SendingOptions"]["SendingEnabled"] is True
    assert configuration_set["ReputationOptions"]["ReputationMetricsEnabled"] is True
    destination = _props("EmailEventsDestination")
    assert logical_id(destination["ConfigurationSetName"]) == "EmailConfigurationSet"
    event_destination = destination["EventDestination"]
    assert event_destination["Enabled"] is True
    assert {"bounce", "complaint"} <= set(event_destination["MatchingEventTypes"])
    assert logical_id(event_destination["SnsDestination"]["TopicARN"]) == "EmailEventsTopic"


def test_topics_are_encrypted_with_a_key_their_publishers_may_use() -> None:
    for name in ("EmailEventsTopic", "AlarmTopic"):
        assert logical_id(_props(name)["KmsMasterKeyId"]) == "TopicKey", name
    key = _props("TopicKey")
    assert key["EnableKeyRotation"] is True
    services = set()
    for statement in key["KeyPolicy"]["Statement"]:
        granted = as_list(statement["Principal"].get("Service"))
        if not granted:
            continue
        services |= set(granted)
        # Only on behalf of this account's own configuration set and alarms (no confused
        # deputy): every service grant names the account.
        assert statement["Condition"] == {
            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
        }, statement
        assert set(statement["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}
    assert services == {"ses.amazonaws.com", "cloudwatch.amazonaws.com"}


def test_signing_secret_is_generated() -> None:
    generated = _props("SigningSecret")["GenerateSecretString"]
    assert generated["PasswordLength"] >= 32


# ----------------------------------------------------------------------------- outputs


def test_outputs() -> None:
    outputs = load_template()["Outputs"]
    assert {
        "ApiUrl",
        "UserPoolId",
        "UserPoolClientId",
        "TableName",
        "EvaluatorQueueUrl",
        "MailQueueUrl",
        "EmailEventsQueueUrl",
    } <= set(outputs)
    assert render(outputs["ApiUrl"]["Value"]) == (
        "https://HttpApi.execute-api.<region>.<url-suffix>"
    )
