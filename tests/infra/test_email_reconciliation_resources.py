"""What email-exactly-once needs from the template: SES publishes the events that settle a
send whose answer was lost, an email failed for good wakes someone, and the mailer's
timeout fits in the lease the reconciliation assumes (momentum.notify.reconcile)."""

from __future__ import annotations

from momentum.notify import reconcile
from tests.infra.cfn import function_property, globals_function, load_template, logical_id


def _props(name: str) -> dict:
    return load_template()["Resources"][name]["Properties"]


def test_the_configuration_set_publishes_send_and_delivery_events() -> None:
    destination = _props("EmailEventsDestination")["EventDestination"]
    assert destination["Enabled"] is True
    assert {"send", "delivery", "bounce", "complaint", "reject"} <= set(
        destination["MatchingEventTypes"]
    )
    assert logical_id(destination["SnsDestination"]["TopicARN"]) == "EmailEventsTopic"


def test_an_email_failed_for_good_raises_an_alarm() -> None:
    alarm = _props("EmailFailedAlarm")
    env = globals_function()["Environment"]["Variables"]
    # The metric the functions emit (Powertools EMF: namespace and its `service` dimension).
    assert alarm["Namespace"] == env["POWERTOOLS_METRICS_NAMESPACE"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": env["POWERTOOLS_SERVICE_NAME"]}]
    assert alarm["MetricName"] == "EmailFailed"
    assert alarm["Statistic"] == "Sum"
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["TreatMissingData"] == "notBreaching"
    assert [logical_id(a) for a in alarm["AlarmActions"]] == ["AlarmTopic"]


def test_a_mailer_s_send_ends_within_its_lease() -> None:
    """Any send of a lease is made before the lease ends: the grace period then counts
    from the last moment a send of it could have been accepted."""
    assert function_property("MailerFunction", "Timeout") < reconcile.LEASE.total_seconds()
