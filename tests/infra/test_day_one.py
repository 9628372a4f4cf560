"""Day one in a real account, as far as the template decides it: alarms that reach a person,
the dashboard, email that can be sent (the sender, Cognito through SES, the mailer's pace)."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import pytest

from tests.infra.cfn import (
    REPO_ROOT,
    event_source_mappings,
    events,
    functions,
    load_template,
    logical_id,
    render,
    resources,
)

SES_DEFAULT_SENDS_PER_SECOND = 14


def _alarms() -> dict[str, dict[str, Any]]:
    return {name: a["Properties"] for name, a in resources("AWS::CloudWatch::Alarm").items()}


def _parameter(name: str) -> dict[str, Any]:
    parameter: dict[str, Any] = load_template()["Parameters"][name]
    return parameter


def _metric_stats(props: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An alarm's metrics by id (metric math), each as its MetricStat.Metric."""
    return {m["Id"]: m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m}


# ------------------------------------------------------------------------------ alarms


def test_every_alarm_notifies_the_alarm_topic_both_ways() -> None:
    for name, props in _alarms().items():
        assert [logical_id(a) for a in props["AlarmActions"]] == ["AlarmTopic"], name
        assert [logical_id(a) for a in props["OKActions"]] == ["AlarmTopic"], name
        assert props["TreatMissingData"] == "notBreaching", name


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_alarms_on_its_errors_and_throttles(metric: str) -> None:
    alarmed = set()
    for props in _alarms().values():
        if (props.get("Namespace"), props.get("MetricName")) != ("AWS/Lambda", metric):
            continue
        (dimension,) = props["Dimensions"]
        assert dimension["Name"] == "FunctionName"
        assert (props["Statistic"], props["Threshold"]) == ("Sum", 1)
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert props["Period"] <= 300
        alarmed.add(logical_id(dimension["Value"]))
    assert alarmed == set(functions())


def test_the_api_5xx_rate_alarm() -> None:
    props = _alarms()["ApiServerErrorRateAlarm"]
    stats = _metric_stats(props)
    assert {(m["Namespace"], m["MetricName"]) for m in stats.values()} == {
        ("AWS/ApiGateway", "5xx"),
        ("AWS/ApiGateway", "Count"),
    }
    for metric in stats.values():
        assert [(d["Name"], logical_id(d["Value"])) for d in metric["Dimensions"]] == [
            ("ApiId", "HttpApi")
        ]
    (result,) = [m for m in props["Metrics"] if m.get("ReturnData")]
    assert result["Expression"] == "IF(requests >= 10, 100 * errors / requests, 0)"
    assert (props["Threshold"], props["ComparisonOperator"]) == (
        5,
        "GreaterThanOrEqualToThreshold",
    )


def test_the_scheduler_alarm_watches_the_nightlys_own_group() -> None:
    (schedule,) = events("NightlyFunction", "ScheduleV2").values()
    group = logical_id(schedule["Properties"]["GroupName"])
    assert load_template()["Resources"][group]["Type"] == "AWS::Scheduler::ScheduleGroup"
    props = _alarms()["SchedulerFailureAlarm"]
    stats = _metric_stats(props)
    assert {m["MetricName"] for m in stats.values()} == {
        "TargetErrorCount",
        "InvocationDroppedCount",
        "InvocationsFailedToBeSentToDeadLetterCount",
    }
    for metric in stats.values():
        assert metric["Namespace"] == "AWS/Scheduler"
        assert [(d["Name"], logical_id(d["Value"])) for d in metric["Dimensions"]] == [
            ("ScheduleGroup", group)
        ]
    (result,) = [m for m in props["Metrics"] if m.get("ReturnData")]
    assert all(f"FILL({i}, 0)" in result["Expression"] for i in stats)
    assert props["Threshold"] == 1


@pytest.mark.parametrize(
    ("alarm", "metric", "threshold"),
    [
        ("SesBounceRateAlarm", "Reputation.BounceRate", 0.05),
        ("SesComplaintRateAlarm", "Reputation.ComplaintRate", 0.001),
    ],
)
def test_ses_reputation_alarms(alarm: str, metric: str, threshold: float) -> None:
    props = _alarms()[alarm]
    assert (props["Namespace"], props["MetricName"]) == ("AWS/SES", metric)
    assert "Dimensions" not in props  # the account's rate: what SES itself reviews
    assert props["Threshold"] == threshold
    assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_alarm_email_is_required_in_prod_only() -> None:
    rule = load_template()["Rules"]["ProdAlarmsReachSomeone"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
    pattern = re.compile(_parameter("AlarmEmail")["AllowedPattern"])
    assert pattern.match("")  # optional in dev
    assert pattern.match("oncall@example.org")
    assert not pattern.match("oncall")
    assert not pattern.match("on call@example.org")
    subscription = load_template()["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Protocol"] == "email"


# --------------------------------------------------------------------------- dashboard


def _emitted_metric_names() -> set[str]:
    """The business metrics the functions emit (metrics.add_metric in functions/*)."""
    from momentum.logic.mail import Delivery

    names: set[str] = set()
    for path in (REPO_ROOT / "functions").rglob("*.py"):
        for name in re.findall(r'add_metric\(\s*name=(f?"[^"]+")', path.read_text()):
            if name.startswith('f"Email_{outcome.value}'):
                names |= {f"Email_{d.value}" for d in Delivery}
            elif not name.startswith("f"):
                names.add(name.strip('"'))
    return names


def _dashboard() -> dict[str, Any]:
    body = load_template()["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]
    text = body["Fn::Sub"]
    parsed: dict[str, Any] = json.loads(re.sub(r"\$\{[^}]+\}", "x", text))
    return parsed


def _dashboard_metrics() -> list[list[Any]]:
    return [
        metric
        for widget in _dashboard()["widgets"]
        for metric in widget["properties"].get("metrics", [])
    ]


def test_the_dashboard_shows_metrics_the_functions_really_emit() -> None:
    emitted = _emitted_metric_names()
    assert {"DueItems", "EmailFailed", "Email_sent"} <= emitted
    ours = [m for m in _dashboard_metrics() if m[0] == "Momentum"]
    shown = {m[1] for m in ours}
    assert {"DueItems", "Email_sent", "EmailFailed"} <= shown
    assert shown <= emitted, f"not emitted by any function: {shown - emitted}"
    # Powertools' dimension: Metrics(namespace="Momentum", service="momentum").
    assert all(m[2:4] == ["service", "momentum"] for m in ours)


def test_the_dashboard_shows_the_use_cases_that_went_wrong() -> None:
    """The API's one metric per request (`UseCaseOutcome`, by operation and outcome): the
    dashboard searches it for the outcomes someone should look at."""
    from momentum import observability

    assert observability.USE_CASE_OUTCOME == "UseCaseOutcome"
    searches = [
        m[0]["expression"]
        for m in _dashboard_metrics()
        if isinstance(m[0], dict) and "expression" in m[0]
    ]
    assert any('MetricName="UseCaseOutcome"' in e and '"failed"' in e for e in searches)


def test_the_dashboard_covers_the_api_and_every_function() -> None:
    text = load_template()["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]
    shown = {(m[0], m[1]) for m in _dashboard_metrics() if isinstance(m[0], str)}
    assert {
        ("AWS/ApiGateway", "Latency"),
        ("AWS/ApiGateway", "5xx"),
        ("AWS/ApiGateway", "Count"),
    } <= shown
    for name in functions():
        assert f"${{{name}}}" in text["Fn::Sub"], name
    assert render(load_template()["Outputs"]["DashboardUrl"]["Value"]).endswith(
        "#dashboards:name=OperationsDashboard"
    )


# ------------------------------------------------------------------------ email, sent


def test_the_sender_has_no_placeholder_default() -> None:
    sender = _parameter("SenderAddress")
    assert "Default" not in sender
    pattern = re.compile(sender["AllowedPattern"])
    assert pattern.match("noreply@mail.example.org")
    assert not pattern.match("")
    assert not pattern.match("noreply")
    config = tomllib.loads((REPO_ROOT / "samconfig.toml").read_text())
    for env in ("dev", "prod"):
        overrides = config[env]["deploy"]["parameters"]["parameter_overrides"]
        assert "SenderAddress=" not in overrides, f"{env}: a placeholder sender in samconfig"


@pytest.mark.parametrize(
    ("parameters", "refusal"),
    [
        ({"Stage": "dev"}, "has no SenderAddress"),
        ({"Stage": "dev", "SenderAddress": "noreply@example.com"}, "placeholder"),
        ({"Stage": "dev", "SenderAddress": "a@mail.example.org"}, "placeholder"),
        ({"Stage": "dev", "SenderAddress": "a@b.invalid"}, "placeholder"),
        ({"Stage": "dev", "SenderAddress": "a@localhost"}, "placeholder"),
        ({"Stage": "prod", "SenderAddress": "a@harbour.co.uk"}, "has no AlarmEmail"),
        ({"Stage": "dev", "SenderAddress": "a@harbour.co.uk"}, None),
        ({"Stage": "dev", "SenderAddress": "a@myexample.com"}, None),
        ({"Stage": "prod", "SenderAddress": "a@harbour.co.uk", "AlarmEmail": "o@h.co.uk"}, None),
    ],
)
def test_deploy_refuses_a_stack_whose_email_or_alarms_cannot_work(
    parameters: dict[str, str], refusal: str | None
) -> None:
    from deploy import stack

    env = stack.Environment("dev", "momentum-test", "eu-west-1", parameters)
    if refusal is None:
        stack.check_parameters(env)
    else:
        with pytest.raises(stack.StackConfigError, match=refusal):
            stack.check_parameters(env)


def test_the_committed_samconfig_cannot_deploy_until_a_sender_is_set() -> None:
    from deploy import stack

    for name in ("dev", "prod"):
        env = stack.load_environment(name, REPO_ROOT / "samconfig.toml")
        with pytest.raises(stack.StackConfigError, match="SenderAddress"):
            stack.check_parameters(env)


def test_cognito_emails_through_our_ses_identity() -> None:
    email = load_template()["Resources"]["UserPool"]["Properties"]["EmailConfiguration"]
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"] == {"Ref": "SenderAddress"}
    assert logical_id(email["ConfigurationSet"]) == "EmailConfigurationSet"
    condition, address, domain = email["SourceArn"]["Fn::If"]
    assert condition == "SenderVerifiedAsAddress"
    assert render(address) == "arn:<partition>:ses:<region>:<account>:identity/SenderAddress"
    assert render(domain) == (
        "arn:<partition>:ses:<region>:<account>:identity/split(SenderAddress,'@')[1]"
    )


def test_the_mailer_stays_under_the_default_ses_rate() -> None:
    mapping = event_source_mappings()["MailerFunction"]
    concurrency = mapping["ScalingConfig"]["MaximumConcurrency"]
    # Each mailer paces its sends (momentum/notify/pacing.py) to the parameter's rate.
    template = load_template()
    pace = template["Parameters"]["MailerSendsPerSecond"]["Default"]
    env = functions()["MailerFunction"]["Properties"]["Environment"]["Variables"]
    assert env["MOMENTUM_MAILER_SENDS_PER_SECOND"] == {"Ref": "MailerSendsPerSecond"}
    assert concurrency * pace <= SES_DEFAULT_SENDS_PER_SECOND
    # Not reserved concurrency: a throttled invocation would spend the messages' receives
    # (and new accounts have none to reserve).
    assert "ReservedConcurrentExecutions" not in functions()["MailerFunction"]["Properties"]


def test_the_outputs_the_deploy_commands_read() -> None:
    from deploy import first_owner, smoke

    outputs = set(load_template()["Outputs"])
    assert set(first_owner.OUTPUT_SETTINGS) <= outputs
    assert set(smoke.REQUIRED_OUTPUTS) <= outputs
    assert logical_id(load_template()["Outputs"]["NightlyFunctionName"]["Value"]) == (
        "NightlyFunction"
    )


# ------------------------------------------------------------------------------- CORS


def test_cors_exposes_every_header_the_api_declares_for_its_answers() -> None:
    """A browser app reads only the headers CORS exposes: each header the API's contract
    documents (momentum.api.contract) is one (WWW-Authenticate aside: a 401 from the JWT
    authorizer carries none a page could act on, and the app signs in again)."""
    from momentum.api.contract import HEADERS

    cors = load_template()["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]
    exposed = {h.lower() for h in cors["ExposeHeaders"]}
    declared = {h.lower() for h in HEADERS} - {"www-authenticate"}
    assert declared <= exposed, f"not exposed: {sorted(declared - exposed)}"
    assert {"retry-after", "content-disposition", "x-next-cursor"} <= exposed
