"""The web app's hosting in template.yaml: the private bucket behind CloudFront (Origin
Access Control), SPA routing, the API under /api on the same origin, the security headers,
Cognito managed login and its app client, the upload policy, and the outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from tests.infra.cfn import as_list, load_template, logical_id, render, resources

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # Managed origin request
ONE_YEAR = 365 * 24 * 3600
DISTRIBUTION_ARN = "arn:<partition>:cloudfront::<account>:distribution/WebDistribution"
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
CUSTOM = {"custom:org_id", "custom:role", "custom:client_id", "custom:location_ids"}


def _props(name: str) -> dict[str, Any]:
    props: dict[str, Any] = load_template()["Resources"][name]["Properties"]
    return props


def _distribution() -> dict[str, Any]:
    config: dict[str, Any] = _props("WebDistribution")["DistributionConfig"]
    return config


def _behaviors() -> dict[str, dict[str, Any]]:
    config = _distribution()
    found = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    found["*"] = config["DefaultCacheBehavior"]
    return found


def _csp(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in render(policy).split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = values
    return directives


def _headers(policy: str) -> dict[str, Any]:
    config = _props(policy)["ResponseHeadersPolicyConfig"]
    headers: dict[str, Any] = config["SecurityHeadersConfig"]
    return headers


# ------------------------------------------------------------------------------ bucket


@pytest.mark.parametrize("bucket", ["WebBucket", "WebLogBucket"])
def test_buckets_are_private_encrypted_versioned_and_kept(bucket: str) -> None:
    resource = load_template()["Resources"][bucket]
    props = resource["Properties"]
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
    assert props["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"],
        True,
    )
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "AccessControl" not in props, "no canned ACL: access is by policy only"
    assert "WebsiteConfiguration" not in props, "served through CloudFront, never S3 websites"


def test_web_bucket_owns_its_objects_and_logs_access() -> None:
    props = _props("WebBucket")
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    logging = props["LoggingConfiguration"]
    assert logical_id(logging["DestinationBucketName"]) == "WebLogBucket"
    # The log bucket takes ACLs only because CloudFront's standard logging needs them.
    assert _props("WebLogBucket")["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerPreferred"}
    ]


def _policy(name: str) -> list[dict[str, Any]]:
    return as_list(_props(name)["PolicyDocument"]["Statement"])


@pytest.mark.parametrize(
    ("policy", "bucket"), [("WebBucketPolicy", "WebBucket"), ("WebLogBucketPolicy", "WebLogBucket")]
)
def test_buckets_refuse_plain_http(policy: str, bucket: str) -> None:
    assert logical_id(_props(policy)["Bucket"]) == bucket
    (deny,) = [s for s in _policy(policy) if s["Effect"] == "Deny"]
    assert deny["Principal"] == "*"
    assert deny["Action"] == "s3:*"
    assert {render(r) for r in deny["Resource"]} == {bucket, f"{bucket}/*"}
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_only_this_distribution_reads_the_web_bucket() -> None:
    (allow,) = [s for s in _policy("WebBucketPolicy") if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert render(allow["Resource"]) == "WebBucket/*"
    assert {k: render(v) for k, v in allow["Condition"]["StringEquals"].items()} == {
        "AWS:SourceArn": DISTRIBUTION_ARN
    }


def test_only_s3_logging_writes_the_log_bucket() -> None:
    (allow,) = [s for s in _policy("WebLogBucketPolicy") if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Action"] == "s3:PutObject"
    assert render(allow["Resource"]) == "WebLogBucket/s3/*"
    assert logical_id(allow["Condition"]["ArnLike"]["aws:SourceArn"]) == "WebBucket"


# ------------------------------------------------------------------------- distribution


def test_cloudfront_reaches_the_bucket_through_origin_access_control() -> None:
    oac = _props("WebOriginAccessControl")["OriginAccessControlConfig"]
    assert oac["OriginAccessControlOriginType"] == "s3"
    assert oac["SigningBehavior"] == "always"
    assert oac["SigningProtocol"] == "sigv4"
    assert not resources("AWS::CloudFront::CloudFrontOriginAccessIdentity"), "OAC, not OAI"
    origins = {o["Id"]: o for o in _distribution()["Origins"]}
    bucket = origins["web-bucket"]
    assert bucket["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    assert logical_id(bucket["OriginAccessControlId"]) == "WebOriginAccessControl"
    assert bucket["S3OriginConfig"] == {"OriginAccessIdentity": ""}


def test_distribution_protocols_and_logging() -> None:
    config = _distribution()
    assert config["Enabled"] is True
    assert config["HttpVersion"] == "http2and3"
    assert config["IPV6Enabled"] is True
    assert config["DefaultRootObject"] == "index.html"
    logging = config["Logging"]
    assert logging["Bucket"] == {"Fn::GetAtt": ["WebLogBucket", "DomainName"]}
    assert logging["IncludeCookies"] is False
    # A custom domain gets TLS 1.2+; without one, CloudFront's own certificate.
    condition, custom, default = config["ViewerCertificate"]["Fn::If"]
    assert condition == "HasWebDomain"
    assert custom["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert custom["SslSupportMethod"] == "sni-only"
    assert custom["AcmCertificateArn"] == {"Ref": "WebCertificateArn"}
    assert default == {"CloudFrontDefaultCertificate": True}
    assert config["Aliases"] == {
        "Fn::If": ["HasWebDomain", [{"Ref": "WebDomainName"}], {"Ref": "AWS::NoValue"}]
    }
    for pattern, behavior in _behaviors().items():
        assert behavior["ViewerProtocolPolicy"] in {"redirect-to-https", "https-only"}, pattern
        assert behavior["Compress"] is True, pattern
        assert "ResponseHeadersPolicyId" in behavior, pattern


def test_no_custom_error_responses() -> None:
    """They apply to every behavior, so they would turn the API's own 403/404 answers
    into index.html; the SPA routing is the viewer-request function instead."""
    assert "CustomErrorResponses" not in _distribution()


def test_pages_are_never_cached_and_assets_are_cached_for_a_year() -> None:
    behaviors = _behaviors()
    default = behaviors["*"]
    assert default["TargetOriginId"] == "web-bucket"
    assert default["CachePolicyId"] == CACHING_DISABLED  # index.html, config.json, pages
    assert default["AllowedMethods"] == ["GET", "HEAD"]
    (association,) = default["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert logical_id(association["FunctionARN"]) == "WebSpaRoutingFunction"

    assets = behaviors["/assets/*"]
    assert assets["TargetOriginId"] == "web-bucket"
    assert assets["AllowedMethods"] == ["GET", "HEAD"]
    assert logical_id(assets["CachePolicyId"]) == "WebAssetsCachePolicy"
    assert "FunctionAssociations" not in assets
    policy = _props("WebAssetsCachePolicy")["CachePolicyConfig"]
    assert policy["MinTTL"] == policy["DefaultTTL"] == policy["MaxTTL"] == ONE_YEAR
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}


def test_the_api_is_served_under_api_on_the_same_origin() -> None:
    origin = {o["Id"]: o for o in _distribution()["Origins"]}["http-api"]
    assert render(origin["DomainName"]) == "HttpApi.execute-api.<region>.<url-suffix>"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
    api = _behaviors()["/api/*"]
    assert api["TargetOriginId"] == "http-api"
    assert api["ViewerProtocolPolicy"] == "https-only"
    assert set(api["AllowedMethods"]) == ALL_METHODS
    # Nothing cached, and the Authorization header reaches the JWT authorizer.
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert logical_id(api["ResponseHeadersPolicyId"]) == "WebApiHeadersPolicy"
    (association,) = api["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert logical_id(association["FunctionARN"]) == "WebApiPathFunction"


def _run_function(name: str, uris: list[str]) -> list[str]:
    """The CloudFront Function's code, run by Node on viewer requests for `uris`."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: make test installs the web app, which needs it")
    function = _props(name)
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["AutoPublish"] is True
    script = (
        function["FunctionCode"]
        + "\nconst uris = JSON.parse(process.argv[1]);\n"
        + "console.log(JSON.stringify(uris.map((uri) => handler({request: {uri}}).uri)));\n"
    )
    result = subprocess.run(
        [node, "-e", script, json.dumps(uris)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    rewritten: list[str] = json.loads(result.stdout)
    return rewritten


def test_spa_routing_serves_index_html_for_pages_and_files_as_they_are() -> None:
    cases = {
        "/": "/index.html",
        "/app": "/index.html",
        "/app/": "/index.html",
        "/app/clients/c-1": "/index.html",
        "/app/callback": "/index.html",
        "/index.html": "/index.html",
        "/config.json": "/config.json",
        "/favicon.svg": "/favicon.svg",
        "/assets/index-BaY-ksCm.js": "/assets/index-BaY-ksCm.js",
        "/assets/missing.css": "/assets/missing.css",
    }
    assert _run_function("WebSpaRoutingFunction", list(cases)) == list(cases.values())


def test_api_paths_lose_their_prefix() -> None:
    cases = {
        "/api/clients": "/clients",
        "/api/clients/c-1/availability": "/clients/c-1/availability",
        "/api/reports/on-track": "/reports/on-track",
        "/api/": "/",
    }
    assert _run_function("WebApiPathFunction", list(cases)) == list(cases.values())


# ---------------------------------------------------------------------------- headers


def test_the_app_may_talk_only_to_itself_and_cognito() -> None:
    headers = _headers("WebHeadersPolicy")
    csp_header = headers["ContentSecurityPolicy"]
    assert csp_header["Override"] is True
    csp = _csp(csp_header["ContentSecurityPolicy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert set(csp["connect-src"]) == {
        "'self'",  # the API, under /api on this origin
        "https://UserPoolDomain.auth.<region>.amazoncognito.com",  # token endpoint
        "https://cognito-idp.<region>.amazonaws.com",  # OIDC discovery of the issuer
    }
    for directive, values in csp.items():
        for value in values:
            assert "unsafe" not in value, f"{directive} {value}"
            assert "*" not in value, f"{directive} {value}"
            assert value not in {"http:", "https:", "data:"} or (directive, value) == (
                "img-src",
                "data:",
            ), f"{directive} {value}"


@pytest.mark.parametrize("policy", ["WebHeadersPolicy", "WebApiHeadersPolicy"])
def test_hsts_nosniff_no_framing_and_referrer(policy: str) -> None:
    headers = _headers(policy)
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= ONE_YEAR
    assert hsts["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ReferrerPolicy"] == {
        "ReferrerPolicy": "strict-origin-when-cross-origin",
        "Override": True,
    }
    for name, header in headers.items():
        assert header["Override"] is True, name
    assert (
        "'none'"
        in _csp(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])["frame-ancestors"]
    )


def test_behaviors_use_their_headers_policy() -> None:
    behaviors = _behaviors()
    for pattern in ("*", "/assets/*"):
        assert logical_id(behaviors[pattern]["ResponseHeadersPolicyId"]) == "WebHeadersPolicy"
    assert logical_id(behaviors["/api/*"]["ResponseHeadersPolicyId"]) == "WebApiHeadersPolicy"


# ----------------------------------------------------------------------------- Cognito


def test_managed_login_domain() -> None:
    domain = _props("UserPoolDomain")
    assert logical_id(domain["UserPoolId"]) == "UserPool"
    assert domain["ManagedLoginVersion"] == 2
    assert domain["Domain"] == {
        "Fn::If": [
            "HasAuthDomainPrefix",
            {"Ref": "AuthDomainPrefix"},
            {"Fn::Sub": "momentum-${Stage}-${AWS::AccountId}"},
        ]
    }
    branding = _props("WebClientLoginBranding")
    assert logical_id(branding["ClientId"]) == "WebClient"
    assert branding["UseCognitoProvidedValues"] is True


def test_web_client_uses_the_code_flow_without_a_secret() -> None:
    client = _props("WebClient")
    assert logical_id(client["UserPoolId"]) == "UserPool"
    assert client["GenerateSecret"] is False  # a public client: PKCE, not a secret
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert client["AllowedOAuthFlowsUserPoolClient"] == {"Fn::If": ["HasWebAppUrl", True, False]}
    assert client["AllowedOAuthFlows"] == {
        "Fn::If": ["HasWebAppUrl", ["code"], {"Ref": "AWS::NoValue"}]
    }
    assert client["AllowedOAuthScopes"] == {
        "Fn::If": ["HasWebAppUrl", ["openid", "email", "profile"], {"Ref": "AWS::NoValue"}]
    }
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True


def test_web_client_callback_and_sign_out_urls_come_from_the_parameter() -> None:
    client = _props("WebClient")
    for prop, path in (("CallbackURLs", "/app/callback"), ("LogoutURLs", "/app/sign-in")):
        condition, urls, otherwise = client[prop]["Fn::If"]
        assert condition == "HasWebAppUrl"
        assert [render(u) for u in urls] == [f"WebAppUrl{path}"]
        assert otherwise == {"Ref": "AWS::NoValue"}
    parameter = load_template()["Parameters"]["WebAppUrl"]
    assert parameter["Default"] == ""
    assert load_template()["Conditions"]["HasWebAppUrl"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "WebAppUrl"}, ""]}]
    }


def test_web_client_reads_the_custom_claims_and_writes_none_of_them() -> None:
    client = _props("WebClient")
    assert CUSTOM | {"email"} <= set(client["ReadAttributes"])
    writable = client.get("WriteAttributes")
    assert writable, "without WriteAttributes the client may write every standard attribute"
    assert not {"email", "email_verified", "phone_number", "phone_number_verified"} & set(writable)
    assert not [a for a in writable if a.startswith("custom:")]


def test_the_authorizer_accepts_the_web_clients_tokens() -> None:
    jwt = _props("HttpApi")["Auth"]["Authorizers"]["CognitoAuthorizer"]["JwtConfiguration"]
    assert {logical_id(a) for a in jwt["audience"]} == {"UserPoolClient", "WebClient"}


def test_the_web_client_does_not_depend_on_the_distribution() -> None:
    """HttpApi's authorizer -> WebClient, and WebDistribution -> HttpApi (its /api origin):
    WebClient (and HttpApi's CORS) referring to the distribution would close a cycle. The
    app's URL comes in as the WebAppUrl parameter instead (deploy/stack.py)."""
    assert "WebDistribution" not in json.dumps(_props("WebClient"))
    assert "WebDistribution" not in json.dumps(_props("HttpApi"))


# ----------------------------------------------------------------------------- upload


def test_the_upload_policy_grants_exactly_the_upload() -> None:
    """The only IAM the template writes by hand besides the functions' statements."""
    assert set(resources("AWS::IAM::ManagedPolicy")) == {"WebDeployPolicy"}
    for kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Policy", "AWS::IAM::Group"):
        assert not resources(kind), kind
    pairs = set()
    for statement in as_list(_props("WebDeployPolicy")["PolicyDocument"]["Statement"]):
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement
        assert "NotResource" not in statement
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                pairs.add((action, render(resource)))
    assert pairs == {
        ("cloudformation:DescribeStacks", "AWS::StackId"),
        ("s3:PutObject", "WebBucket/*"),
        ("s3:AbortMultipartUpload", "WebBucket/*"),
        ("cloudfront:CreateInvalidation", DISTRIBUTION_ARN),
        ("cloudfront:GetInvalidation", DISTRIBUTION_ARN),
    }


# ---------------------------------------------------------------------------- outputs


def test_outputs_say_where_everything_is() -> None:
    outputs = load_template()["Outputs"]
    values = {name: outputs[name]["Value"] for name in outputs}
    condition, custom, default = values["AppUrl"]["Fn::If"]
    assert (condition, render(custom), render(default)) == (
        "HasWebDomain",
        "https://WebDomainName",
        "https://WebDistribution.DomainName",
    )
    condition, custom, default = values["AppApiUrl"]["Fn::If"]
    assert (render(custom), render(default)) == (
        "https://WebDomainName/api",
        "https://WebDistribution.DomainName/api",
    )
    assert logical_id(values["WebBucketName"]) == "WebBucket"
    assert logical_id(values["WebDistributionId"]) == "WebDistribution"
    assert logical_id(values["WebClientId"]) == "WebClient"
    assert logical_id(values["UserPoolId"]) == "UserPool"
    assert logical_id(values["WebDeployPolicyArn"]) == "WebDeployPolicy"
    assert render(values["CognitoDomain"]) == (
        "https://UserPoolDomain.auth.<region>.amazoncognito.com"
    )
    assert render(values["ApiUrl"]) == "https://HttpApi.execute-api.<region>.<url-suffix>"
