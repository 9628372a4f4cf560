"""Read template.yaml and create its resources in a local AWS emulation (moto).

The same loader serves the local runner and the integration tests, so neither can drift
from what deploys: tables and indexes, queues with their dead-letter queues, the user pool,
the signing secret, the sender identity, the HTTP routes, queue triggers and schedules, and
the functions' environment, all come from the template."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"
LOCAL_SENDER = "noreply@momentum.local"


@dataclass(frozen=True)
class HttpRoute:
    method: str  # "GET", ... or "ANY"
    path: str  # "/clients/{client_id}" or "$default"
    function: str  # logical id
    public: bool


@dataclass
class LocalAws:
    """What exists locally, by the template's logical ids."""

    endpoint_url: str
    table_names: dict[str, str] = field(default_factory=dict)
    queue_urls: dict[str, str] = field(default_factory=dict)
    user_pool_ids: dict[str, str] = field(default_factory=dict)
    secret_arns: dict[str, str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as plain data; CloudFormation tags become {"Ref": ...}, {"Fn::Sub": ...}."""
    from cfnlint.decode import decode

    template, matches = decode(str(path))
    if template is None:
        raise ValueError(f"template.yaml does not parse: {matches}")
    return _plain(template)


def _plain(node: Any) -> Any:
    # cfn-lint's nodes subclass dict/list/str; turn them into builtins for clean handling.
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def resources(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {
        name: res
        for name, res in template.get("Resources", {}).items()
        if res.get("Type") == type_name
    }


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources(template, "AWS::Serverless::Function")


def handler_of(template: dict[str, Any], function: str) -> str:
    handler = functions(template)[function]["Properties"].get("Handler")
    if handler is None:
        handler = template.get("Globals", {}).get("Function", {}).get("Handler")
    return str(handler)


def http_routes(template: dict[str, Any]) -> list[HttpRoute]:
    routes = []
    for name, fn in functions(template).items():
        for event in (fn.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") != "HttpApi":
                continue
            props = event.get("Properties", {})
            auth = props.get("Auth", {}) or {}
            routes.append(
                HttpRoute(
                    method=str(props.get("Method", "ANY")).upper(),
                    path=str(props.get("Path", "$default")),
                    function=name,
                    public=auth.get("Authorizer") == "NONE",
                )
            )
    return routes


def sqs_consumers(template: dict[str, Any]) -> dict[str, str]:
    """Queue logical id → the function its SQS event triggers."""
    consumers = {}
    for name, fn in functions(template).items():
        for event in (fn.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") == "SQS":
                queue = event["Properties"]["Queue"]
                consumers[_logical_id(queue)] = name
    # The template's own mappings (scoped IAM instead of SAM's SQS event policy).
    for mapping in resources(template, "AWS::Lambda::EventSourceMapping").values():
        props = mapping.get("Properties", {})
        consumers[_logical_id(props["EventSourceArn"])] = _logical_id(props["FunctionName"])
    return consumers


def scheduled_functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Function logical id → the Scheduler event properties that trigger it."""
    scheduled = {}
    for name, fn in functions(template).items():
        for event in (fn.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") in ("ScheduleV2", "Schedule"):
                scheduled[name] = event.get("Properties", {})
    return scheduled


def _logical_id(ref: Any) -> str:
    if isinstance(ref, dict):
        if "Ref" in ref:
            return str(ref["Ref"])
        if "Fn::GetAtt" in ref:
            target = ref["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else str(target).split(".")[0])
    return str(ref)


def create(template: dict[str, Any], endpoint_url: str, *, sender: str = LOCAL_SENDER) -> LocalAws:
    """Create every emulated resource of the template at `endpoint_url` (moto)."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto
        region_name=REGION,
    )

    def aws(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint_url or None)  # type: ignore[call-overload]

    local = LocalAws(endpoint_url=endpoint_url)
    create_tables(template, aws("dynamodb"), local)
    _create_queues(template, aws("sqs"), local)
    _create_user_pools(template, aws("cognito-idp"), local)
    for name in resources(template, "AWS::SecretsManager::Secret"):
        secret = aws("secretsmanager").create_secret(
            Name=name, SecretString=secrets.token_urlsafe(32)
        )
        local.secret_arns[name] = secret["ARN"]
    aws("ses").verify_email_identity(EmailAddress=sender)
    local.environment = _environment(template, local, sender=sender)
    return local


def create_tables(template: dict[str, Any], dynamodb: Any, local: LocalAws | None = None) -> None:
    """Tables exactly as the template declares them: keys, indexes, projections, TTL."""
    for name, res in resources(template, "AWS::DynamoDB::Table").items():
        props = res["Properties"]
        kwargs: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            kwargs["GlobalSecondaryIndexes"] = [
                {k: v for k, v in gsi.items() if k in ("IndexName", "KeySchema", "Projection")}
                for gsi in props["GlobalSecondaryIndexes"]
            ]
        dynamodb.create_table(**kwargs)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled") is True:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        if local is not None:
            local.table_names[name] = name


def _create_queues(template: dict[str, Any], sqs: Any, local: LocalAws) -> None:
    queues = resources(template, "AWS::SQS::Queue")
    # Dead-letter queues first: the others' redrive policies point at them.
    ordered = sorted(queues, key=lambda n: "RedrivePolicy" in queues[n].get("Properties", {}))
    for name in ordered:
        props = queues[name].get("Properties", {}) or {}
        attributes: dict[str, str] = {}
        for key in ("VisibilityTimeout", "MessageRetentionPeriod"):
            if isinstance(props.get(key), int | str) and str(props[key]).isdigit():
                attributes[key] = str(props[key])
        redrive = props.get("RedrivePolicy")
        if redrive:
            dlq = _logical_id(redrive["deadLetterTargetArn"])
            dlq_arn = sqs.get_queue_attributes(
                QueueUrl=local.queue_urls[dlq], AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": redrive["maxReceiveCount"]}
            )
        local.queue_urls[name] = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def _create_user_pools(template: dict[str, Any], cognito: Any, local: LocalAws) -> None:
    for name, res in resources(template, "AWS::Cognito::UserPool").items():
        props = res.get("Properties", {}) or {}
        schema = [
            {
                "Name": attr["Name"],
                "AttributeDataType": attr.get("AttributeDataType", "String"),
                "Mutable": bool(attr.get("Mutable", True)),
            }
            for attr in props.get("Schema", [])
        ]
        # As deployed: sign-in by email, so a login's username is its sub (how we name it).
        extra = {
            key: props[key]
            for key in ("UsernameAttributes", "UsernameConfiguration")
            if key in props
        }
        pool = cognito.create_user_pool(PoolName=name, Schema=schema, **extra)
        local.user_pool_ids[name] = pool["UserPool"]["Id"]


def _environment(template: dict[str, Any], local: LocalAws, *, sender: str) -> dict[str, str]:
    """The functions' environment from Globals, with each Ref resolved to its local twin."""
    variables = (
        template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    )
    physical: dict[str, str] = {
        **local.table_names,
        **local.queue_urls,
        **local.user_pool_ids,
        **local.secret_arns,
    }
    for name in resources(template, "AWS::SES::ConfigurationSet"):
        physical[name] = name
    parameters = {
        name: str(p.get("Default", "")) for name, p in template.get("Parameters", {}).items()
    }
    parameters["SenderAddress"] = sender
    env: dict[str, str] = {}
    for key, value in variables.items():
        if isinstance(value, str | int):
            env[key] = str(value)
        elif isinstance(value, dict) and "Ref" in value:
            ref = str(value["Ref"])
            if ref in physical:
                env[key] = physical[ref]
            elif ref in parameters:
                env[key] = parameters[ref]
    env["MOMENTUM_STAGE"] = "local"
    return env
