"""The template passes cfn-lint (with the serverless rules), `sam validate` and checkov.

None of these may reach AWS: see the offline_env fixture."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.infra.cfn import REPO_ROOT, TEMPLATE_PATH, load_template

SERVERLESS_RULES = "cfn_lint_serverless.rules"

# cfn-lint checks the template ignores, per resource, in the resource's Metadata (next to
# the resource, with the reason in a comment there). Nothing is ignored globally. Each
# entry must be justified here too, so a new ignore cannot slip in unreviewed:
EXPECTED_CFN_LINT_IGNORES = {
    # ES6000 (queue without redrive policy) misfires on dead-letter queues when the
    # source queue's RedrivePolicy is the documented object form
    # {deadLetterTargetArn: !GetAtt ..., maxReceiveCount: N}; known upstream as
    # awslabs/serverless-rules#79 and #177, whose recommended workaround is this ignore.
    "EvaluatorDeadLetterQueue": ["ES6000"],
    "MailDeadLetterQueue": ["ES6000"],
    "EmailEventsDeadLetterQueue": ["ES6000"],
    # The Scheduler / async-invocation DLQ of NightlyFunction: it is itself a dead-letter
    # queue (its sources are Scheduler and Lambda, not SQS), so nothing redrives it.
    "SchedulerDeadLetterQueue": ["ES6000"],
    # ES7000 (SNS subscription without DLQ) on the optional alarm e-mail subscription: an
    # alarm notice SNS cannot e-mail has nowhere useful to go (a DLQ would alarm on this
    # same topic); the alarm state stays visible in CloudWatch.
    "AlarmEmailSubscription": ["ES7000"],
    # ES1001 (event source mapping without an on-failure destination) fires on every raw
    # mapping, but only stream sources take one: SQS mappings cannot (the rule skips SAM's
    # SQS events for that reason). Their failures go to each queue's DLQ (redrive policy).
    "EvaluatorQueueMapping": ["ES1001"],
    "MailQueueMapping": ["ES1001"],
    "EmailEventsQueueMapping": ["ES1001"],
}

# The checkov checks the template skips, with a `# checkov:skip=ID: reason` comment on each
# resource. Why each is acceptable (docs/operations.md says the same at more length):
EXPECTED_CHECKOV_SKIPS = {
    # Lambda DLQ: only meaningful for asynchronous invocations. API Gateway invokes
    # synchronously and SQS event source mappings redrive to the queues' own DLQs.
    # (NightlyFunction, invoked asynchronously by Scheduler, has one and passes.)
    "CKV_AWS_116",
    # Lambda in a VPC: the functions only call AWS APIs; no VPC resource to reach.
    "CKV_AWS_117",
    # Reserved concurrency: HTTP API throttling bounds the HTTP functions and
    # ScalingConfig.MaximumConcurrency bounds the SQS consumers; reserving concurrency
    # would take capacity from the account pool (and fails on low-limit accounts).
    "CKV_AWS_115",
    # Environment encrypted with a CMK: it holds names, URLs and an ARN, no secret.
    "CKV_AWS_173",
    # Log groups with a CMK: CloudWatch Logs encrypts at rest already; IAM governs reads.
    "CKV_AWS_158",
    # DynamoDB with a CMK: SSE with the AWS managed key (SSEType KMS) is on.
    "CKV_AWS_119",
    # Secrets Manager with a CMK: aws/secretsmanager key; IAM limits readers to 2 roles.
    "CKV_AWS_149",
    # SQS SSE: the queues use SQS-managed SSE (SqsManagedSseEnabled), which this check
    # does not recognise (it only looks for KmsMasterKeyId).
    "CKV_AWS_27",
    # S3 access logging on WebLogBucket: it is the log bucket (of WebBucket and of the
    # distribution); logging it would write logs about logs into itself.
    "CKV_AWS_18",
    # WAF on the distribution: a CloudFront web ACL must be created in us-east-1, this
    # stack is regional; the API behind /api/* requires a JWT and is throttled.
    "CKV_AWS_68",
    # TLS 1.2 minimum: set (TLSv1.2_2021) with a custom domain; CloudFront's default
    # *.cloudfront.net certificate accepts no minimum protocol but its own.
    "CKV_AWS_174",
}


def _run(command: list[str | Path], env: dict[str, str], timeout: int = 300) -> Any:
    return subprocess.run(
        [str(part) for part in command],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# --------------------------------------------------------------------------- cfn-lint


def _cfn_lint(cfn_lint_bin: Path, env: dict[str, str], template: Path) -> list[dict[str, Any]]:
    result = _run(
        [
            cfn_lint_bin,
            "--format",
            "json",
            "--append-rules",
            SERVERLESS_RULES,
            "--include-checks",
            "I",  # informational findings too: the template has none
            "--",
            template,
        ],
        env,
    )
    assert result.stdout.strip(), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def test_cfn_lint_with_serverless_rules_finds_nothing(
    cfn_lint_bin: Path, offline_env: dict[str, str]
) -> None:
    findings = _cfn_lint(cfn_lint_bin, offline_env, TEMPLATE_PATH)
    assert [
        f"{f['Rule']['Id']} {f['Level']} {f['Location']['Path']}: {f['Message']}" for f in findings
    ] == []


def test_serverless_rules_are_really_loaded(
    cfn_lint_bin: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    """Guard against a silently empty plugin: a queue without a DLQ must trip ES6000."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  Lonely:\n    Type: AWS::SQS::Queue\n")
    rule_ids = {f["Rule"]["Id"] for f in _cfn_lint(cfn_lint_bin, offline_env, bad)}
    assert "ES6000" in rule_ids


def test_cfn_lint_ignores_are_only_the_justified_ones() -> None:
    ignores = {
        name: resource["Metadata"]["cfn-lint"]["config"]["ignore_checks"]
        for name, resource in load_template()["Resources"].items()
        if "cfn-lint" in (resource.get("Metadata") or {})
    }
    assert ignores == EXPECTED_CFN_LINT_IGNORES
    assert "cfn-lint" not in (load_template().get("Metadata") or {}), "no template-wide ignores"


# ----------------------------------------------------------------------- sam validate


def test_sam_validate_lint(sam_bin: Path, offline_env: dict[str, str]) -> None:
    result = _run([sam_bin, "validate", "--lint", "--template-file", TEMPLATE_PATH], offline_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_sam_validate_transforms_offline(sam_bin: Path, offline_env: dict[str, str]) -> None:
    """Without --lint, `sam validate` runs the SAM transform itself (events, authorizers,
    schedules, policies) - still locally: AWS endpoints point at a closed port."""
    result = _run([sam_bin, "validate", "--template-file", TEMPLATE_PATH], offline_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


# ---------------------------------------------------------------------------- checkov


@pytest.fixture(scope="module")
def checkov_report(checkov_bin: Path, offline_env: dict[str, str]) -> dict[str, Any]:
    result = _run(
        [
            checkov_bin,
            "--file",
            TEMPLATE_PATH,
            "--framework",
            "cloudformation",
            "--output",
            "json",
            "--skip-download",  # no Prisma Cloud guidelines download: stay offline
        ],
        offline_env,
    )
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout)
    if isinstance(report, list):  # one report per framework run
        (report,) = [r for r in report if r.get("check_type") == "cloudformation"]
    assert report.get("check_type") == "cloudformation", report
    return report


def test_checkov_has_no_failed_checks(checkov_report: dict[str, Any]) -> None:
    summary = checkov_report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']}: {c['check_name']}"
        for c in checkov_report["results"].get("failed_checks", [])
    ]
    assert failed == []
    assert summary["failed"] == 0
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 0, "checkov evaluated nothing: is the template parsed?"


def test_checkov_skips_are_justified_and_all_used(checkov_report: dict[str, Any]) -> None:
    skipped = checkov_report["results"].get("skipped_checks", [])
    assert {c["check_id"] for c in skipped} == EXPECTED_CHECKOV_SKIPS
    for check in skipped:
        reason = check["check_result"].get("suppress_comment", "")
        assert len(reason.strip()) >= 30, f"{check['check_id']} {check['resource']}: {reason!r}"
    # A skip comment checkov did not use (the check passes, or the id is mistyped) is a
    # stale justification: remove it.
    comments = re.findall(r"#\s*checkov:skip=([A-Z0-9_]+)", TEMPLATE_PATH.read_text())
    assert len(comments) == len(skipped), (
        f"{len(comments)} skip comments in template.yaml, {len(skipped)} used by checkov"
    )
