"""The deploy tool (`make deploy`): publishing web/dist against moto (S3, CloudFormation
outputs, CloudFront invalidations), and the stack step's WebAppUrl round trip with a fake
`sam deploy`. Nothing here can reach AWS: moto intercepts every call in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from deploy import stack, web
from tests.infra.cfn import REPO_ROOT, load_template

REGION = "eu-west-1"
STACK = "momentum-test"
APP_URL = "https://d111111abcdef8.cloudfront.net"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        yield {
            "cloudformation": session.client("cloudformation"),
            "s3": session.client("s3"),
            "cloudfront": session.client("cloudfront"),
        }


def _distribution(cloudfront: Any, bucket: str) -> str:
    answer = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "test",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "web-bucket",
                        "DomainName": f"{bucket}.s3.{REGION}.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "web-bucket",
                "ViewerProtocolPolicy": "redirect-to-https",
            },
        }
    )
    return str(answer["Distribution"]["Id"])


@pytest.fixture
def deployed(aws: dict[str, Any]) -> dict[str, Any]:
    """A stack whose outputs name a real (moto) bucket and distribution, as the template's do."""
    template: dict[str, Any] = {
        "Resources": {"WebBucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {"WebBucketName": {"Value": {"Ref": "WebBucket"}}},
    }
    aws["cloudformation"].create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    bucket = web.read_outputs(aws["cloudformation"], STACK)["WebBucketName"]
    distribution = _distribution(aws["cloudfront"], bucket)
    # Outputs with the real values: AppUrl etc. as the template computes them.
    template["Outputs"] = {
        "AppUrl": {"Value": APP_URL},
        "AppApiUrl": {"Value": f"{APP_URL}/api"},
        "WebBucketName": {"Value": {"Ref": "WebBucket"}},
        "WebDistributionId": {"Value": distribution},
        "UserPoolId": {"Value": f"{REGION}_AbCdEf123"},
        "WebClientId": {"Value": "webclientid123"},
        "CognitoDomain": {"Value": f"https://momentum-test.auth.{REGION}.amazoncognito.com"},
    }
    aws["cloudformation"].update_stack(StackName=STACK, TemplateBody=json.dumps(template))
    return {**aws, "bucket": bucket, "distribution": distribution}


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<script type="module" src="/assets/index-abc.js"></script>')
    (root / "assets" / "index-abc.js").write_text("console.log('app')")
    (root / "assets" / "index-def.css").write_text("body{}")
    (root / "assets" / "logo-123.svg").write_text("<svg/>")
    (root / "favicon.svg").write_text("<svg/>")
    (root / "config.json").write_text('{"mode": "local"}')  # a local one: never uploaded
    return root


def _publish(deployed: dict[str, Any], dist: Path) -> tuple[str, list[str]]:
    lines: list[str] = []
    invalidation = web.publish(
        cloudformation=deployed["cloudformation"],
        s3=deployed["s3"],
        cloudfront=deployed["cloudfront"],
        stack_name=STACK,
        dist=dist,
        log=lines.append,
    )
    return invalidation, lines


def _objects(s3: Any, bucket: str) -> dict[str, dict[str, Any]]:
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3.head_object(Bucket=bucket, Key=key) for key in keys}


# ---------------------------------------------------------------------------- publish


def test_publish_uploads_every_file_with_its_type_and_caching(
    deployed: dict[str, Any], dist: Path
) -> None:
    _publish(deployed, dist)
    objects = _objects(deployed["s3"], deployed["bucket"])
    found = {key: (h["ContentType"], h["CacheControl"]) for key, h in objects.items()}
    assert found == {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "config.json": ("application/json", "no-cache"),
        "favicon.svg": ("image/svg+xml", "public, max-age=3600"),
        "assets/index-abc.js": ("text/javascript; charset=utf-8", web.IMMUTABLE),
        "assets/index-def.css": ("text/css; charset=utf-8", web.IMMUTABLE),
        "assets/logo-123.svg": ("image/svg+xml", web.IMMUTABLE),
    }
    assert web.IMMUTABLE == "public, max-age=31536000, immutable"
    body = deployed["s3"].get_object(Bucket=deployed["bucket"], Key="assets/index-abc.js")
    assert body["Body"].read() == b"console.log('app')"


def test_config_json_comes_from_the_stack_outputs(deployed: dict[str, Any], dist: Path) -> None:
    _publish(deployed, dist)
    body = deployed["s3"].get_object(Bucket=deployed["bucket"], Key="config.json")["Body"]
    assert json.loads(body.read()) == {
        "apiUrl": f"{APP_URL}/api",
        "region": REGION,
        "userPoolId": f"{REGION}_AbCdEf123",
        "clientId": "webclientid123",
        "cognitoDomain": f"https://momentum-test.auth.{REGION}.amazoncognito.com",
        "authority": f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_AbCdEf123",
        "redirectUri": f"{APP_URL}/app/callback",
        "postLogoutRedirectUri": f"{APP_URL}/app/sign-in",
        "scope": "openid email profile",
    }
    # The build is left alone: the local runner serving web/dist keeps its own settings.
    assert json.loads((dist / "config.json").read_text()) == {"mode": "local"}


def test_publish_invalidates_the_distribution(deployed: dict[str, Any], dist: Path) -> None:
    invalidation, lines = _publish(deployed, dist)
    cloudfront = deployed["cloudfront"]
    listed = cloudfront.list_invalidations(DistributionId=deployed["distribution"])
    assert [i["Id"] for i in listed["InvalidationList"]["Items"]] == [invalidation]
    batch = cloudfront.get_invalidation(DistributionId=deployed["distribution"], Id=invalidation)
    assert batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/*"]
    assert f"The app: {APP_URL}/app/" in lines


def test_a_second_publish_makes_a_new_invalidation(deployed: dict[str, Any], dist: Path) -> None:
    first, _ = _publish(deployed, dist)
    second, _ = _publish(deployed, dist)
    assert first != second


def test_index_html_goes_last_and_config_json_just_before_it(dist: Path) -> None:
    plan = web.plan_uploads(dist, {"apiUrl": "x"})
    keys = [item.key for item in plan]
    assert keys[-2:] == ["config.json", "index.html"]
    assert keys.count("config.json") == 1
    assets = [k for k in keys if k.startswith("assets/")]
    assert keys[: len(assets)] == assets, "the hashed assets go first"


def test_publish_refuses_an_unbuilt_app(deployed: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(web.DeployError, match="make web-build"):
        _publish(deployed, tmp_path)
    assert _objects(deployed["s3"], deployed["bucket"]) == {}


def test_publish_names_missing_outputs(aws: dict[str, Any], dist: Path) -> None:
    template = {
        "Resources": {"WebBucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {"WebBucketName": {"Value": {"Ref": "WebBucket"}}},
    }
    aws["cloudformation"].create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    with pytest.raises(web.DeployError, match="AppUrl, AppApiUrl"):
        _publish(aws, dist)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("index.html", "no-cache"),
        ("config.json", "no-cache"),
        ("assets/x-1.js", web.IMMUTABLE),
        ("assets/fonts/y-2.woff2", web.IMMUTABLE),
        ("favicon.svg", web.SHORT),
        ("robots.txt", web.SHORT),
    ],
)
def test_cache_control(key: str, expected: str) -> None:
    assert web.cache_control(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a.JS", "text/javascript; charset=utf-8"),
        ("a.mjs", "text/javascript; charset=utf-8"),
        ("fonts/a.woff2", "font/woff2"),
        ("site.webmanifest", "application/manifest+json"),
        ("blob", "application/octet-stream"),
    ],
)
def test_content_type(key: str, expected: str) -> None:
    assert web.content_type(key) == expected


def test_the_template_defines_every_output_publish_needs() -> None:
    assert set(web.REQUIRED_OUTPUTS) <= set(load_template()["Outputs"])


def test_the_callback_paths_are_the_templates() -> None:
    client = load_template()["Resources"]["WebClient"]["Properties"]
    callback = client["CallbackURLs"]["Fn::If"][1][0]["Fn::Sub"]
    logout = client["LogoutURLs"]["Fn::If"][1][0]["Fn::Sub"]
    assert callback == "${WebAppUrl}" + web.CALLBACK_PATH
    assert logout == "${WebAppUrl}" + web.SIGN_OUT_PATH


# ------------------------------------------------------------------------------ stack


def test_samconfig_environments_load() -> None:
    dev = stack.load_environment("dev", REPO_ROOT / "samconfig.toml")
    assert (dev.stack_name, dev.region) == ("momentum-dev", "eu-west-1")
    assert dev.parameters["Stage"] == "dev"
    assert "AllowedOrigins" in dev.parameters
    with pytest.raises(stack.StackConfigError, match="no environment"):
        stack.load_environment("staging", REPO_ROOT / "samconfig.toml")


def test_samconfig_parameter_forms(tmp_path: Path) -> None:
    config = tmp_path / "samconfig.toml"
    config.write_text(
        'version = 0.1\n[default.global.parameters]\nregion = "eu-west-1"\n'
        '[x.global.parameters]\nstack_name = "s"\n'
        '[x.deploy.parameters]\nparameter_overrides = ["Stage=dev", "A=b=c"]\n'
    )
    env = stack.load_environment("x", config)
    assert env.parameters == {"Stage": "dev", "A": "b=c"}
    assert env.region == "eu-west-1"


def test_the_app_url_joins_the_cors_origins_once() -> None:
    base = {"Stage": "dev", "AllowedOrigins": "http://localhost:3000"}
    assert stack.with_app_url(base, "") == {**base, "WebAppUrl": ""}
    once = stack.with_app_url(base, APP_URL)
    assert once["AllowedOrigins"] == f"http://localhost:3000,{APP_URL}"
    assert once["WebAppUrl"] == APP_URL
    assert stack.with_app_url(once, APP_URL) == once
    assert stack.with_app_url({}, APP_URL)["AllowedOrigins"] == APP_URL


def test_override_args_refuse_what_sam_would_split() -> None:
    assert stack.override_args({"A": "1", "B": "x,y"}) == ["--parameter-overrides", "A=1 B=x,y"]
    with pytest.raises(stack.StackConfigError):
        stack.override_args({"A": "two words"})


class FakeSam:
    """`sam deploy` against moto: (re)creates the stack whose AppUrl output is the
    distribution's URL, and records the parameters it was given."""

    def __init__(self, cloudformation: Any, app_url: str) -> None:
        self.cloudformation = cloudformation
        self.app_url = app_url
        self.calls: list[dict[str, str]] = []

    def __call__(self, command: list[str]) -> None:
        assert command[:4] == ["sam", "deploy", "--config-env", "dev"]
        assert command[4] == "--parameter-overrides"
        self.calls.append(dict(token.split("=", 1) for token in command[5].split(" ")))
        template = json.dumps(
            {
                "Resources": {"WebBucket": {"Type": "AWS::S3::Bucket"}},
                "Outputs": {"AppUrl": {"Value": self.app_url}},
            }
        )
        if len(self.calls) == 1 and stack.app_url_output(self.cloudformation, STACK) is None:
            self.cloudformation.create_stack(StackName=STACK, TemplateBody=template)
        else:
            self.cloudformation.update_stack(StackName=STACK, TemplateBody=template)


def _environment() -> stack.Environment:
    parameters = {
        "Stage": "dev",
        "SenderAddress": "noreply@mail.harbour.co.uk",
        "AllowedOrigins": "http://localhost:3000",
    }
    return stack.Environment("dev", STACK, REGION, parameters)


def test_a_first_deployment_runs_twice_to_learn_the_apps_url(aws: dict[str, Any]) -> None:
    sam = FakeSam(aws["cloudformation"], APP_URL)
    logged: list[str] = []
    url = stack.deploy(
        _environment(), sam="sam", cloudformation=aws["cloudformation"], run=sam, log=logged.append
    )
    assert url == APP_URL
    assert [call["WebAppUrl"] for call in sam.calls] == ["", APP_URL]
    assert sam.calls[0]["AllowedOrigins"] == "http://localhost:3000"
    assert sam.calls[1]["AllowedOrigins"] == f"http://localhost:3000,{APP_URL}"
    assert sam.calls[1]["Stage"] == "dev"
    assert len(logged) == 1


def test_later_deployments_run_once_with_the_known_url(aws: dict[str, Any]) -> None:
    sam = FakeSam(aws["cloudformation"], APP_URL)
    stack.deploy(_environment(), sam="sam", cloudformation=aws["cloudformation"], run=sam)
    sam.calls.clear()
    stack.deploy(_environment(), sam="sam", cloudformation=aws["cloudformation"], run=sam)
    assert [call["WebAppUrl"] for call in sam.calls] == [APP_URL]


def test_a_new_custom_domain_is_picked_up(aws: dict[str, Any]) -> None:
    sam = FakeSam(aws["cloudformation"], APP_URL)
    stack.deploy(_environment(), sam="sam", cloudformation=aws["cloudformation"], run=sam)
    sam.app_url = "https://app.example.com"
    sam.calls.clear()
    url = stack.deploy(_environment(), sam="sam", cloudformation=aws["cloudformation"], run=sam)
    assert url == "https://app.example.com"
    assert [call["WebAppUrl"] for call in sam.calls] == [APP_URL, "https://app.example.com"]


def test_the_command_line_publishes(
    deployed: dict[str, Any], dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deploy import __main__ as cli

    monkeypatch.setattr(
        cli.stack, "load_environment", lambda env: stack.Environment(env, STACK, REGION, {})
    )
    assert cli.main(["web", "--config-env", "dev", "--dist", str(dist)]) == 0
    assert "index.html" in _objects(deployed["s3"], deployed["bucket"])
    assert cli.main(["web", "--config-env", "dev", "--dist", str(dist / "missing")]) == 2
