"""Publish the built web app (web/dist) to the stack's bucket and refresh CloudFront.

The app learns where everything is from `config.json`, written here from the stack's
outputs and uploaded next to index.html; it is never written into web/dist, so the local
runner (which serves web/dist) keeps its local sign-in.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DIST = REPO_ROOT / "web" / "dist"

CONFIG_KEY = "config.json"
INDEX_KEY = "index.html"
ASSETS_PREFIX = "assets/"

# Vite names everything under assets/ by its content hash: a name never changes content.
IMMUTABLE = "public, max-age=31536000, immutable"
# The entry points must be revalidated on every load, or a deployment would not show.
NO_CACHE = "no-cache"
# Anything else at the root (favicon.svg, robots.txt): unhashed, rarely changed.
SHORT = "public, max-age=3600"

CALLBACK_PATH = "/app/callback"
SIGN_OUT_PATH = "/app/sign-in"
SCOPES = "openid email profile"

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}

# Stack output -> what it is; all are required (the template defines every one).
REQUIRED_OUTPUTS = (
    "AppUrl",
    "AppApiUrl",
    "WebBucketName",
    "WebDistributionId",
    "UserPoolId",
    "WebClientId",
    "CognitoDomain",
)


class DeployError(Exception):
    """Something the operator must fix before the app can be published."""


@dataclass(frozen=True)
class StackOutputs:
    app_url: str
    api_url: str
    bucket: str
    distribution_id: str
    user_pool_id: str
    client_id: str
    cognito_domain: str
    region: str

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, str], region: str) -> StackOutputs:
        missing = [key for key in REQUIRED_OUTPUTS if not outputs.get(key)]
        if missing:
            raise DeployError(
                f"the stack has no output {', '.join(missing)}: deploy the current "
                "template.yaml first (python -m deploy stack)"
            )
        return cls(
            app_url=outputs["AppUrl"].rstrip("/"),
            api_url=outputs["AppApiUrl"].rstrip("/"),
            bucket=outputs["WebBucketName"],
            distribution_id=outputs["WebDistributionId"],
            user_pool_id=outputs["UserPoolId"],
            client_id=outputs["WebClientId"],
            cognito_domain=outputs["CognitoDomain"].rstrip("/"),
            region=region,
        )


@dataclass(frozen=True)
class Upload:
    key: str
    content_type: str
    cache_control: str
    path: Path | None = None
    body: bytes | None = None


def read_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    """The stack's outputs by key (DescribeStacks)."""
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def web_config(outputs: StackOutputs) -> dict[str, str]:
    """The app's settings (config.json): everything an OIDC client and the API client need.

    `authority` is the issuer (OIDC discovery); `cognitoDomain` serves managed login's
    authorize, token and logout endpoints."""
    return {
        "apiUrl": outputs.api_url,
        "region": outputs.region,
        "userPoolId": outputs.user_pool_id,
        "clientId": outputs.client_id,
        "cognitoDomain": outputs.cognito_domain,
        "authority": f"https://cognito-idp.{outputs.region}.amazonaws.com/{outputs.user_pool_id}",
        "redirectUri": outputs.app_url + CALLBACK_PATH,
        "postLogoutRedirectUri": outputs.app_url + SIGN_OUT_PATH,
        "scope": SCOPES,
    }


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return _CONTENT_TYPES.get(suffix, "application/octet-stream")


def cache_control(key: str) -> str:
    if key.startswith(ASSETS_PREFIX):
        return IMMUTABLE
    if key in (INDEX_KEY, CONFIG_KEY):
        return NO_CACHE
    return SHORT


def plan_uploads(dist: Path, config: Mapping[str, str]) -> list[Upload]:
    """Every file of the build plus config.json, in a safe order: the hashed assets first,
    then the other files and config.json, index.html last - so a visitor who gets the new
    index.html finds every file it names already there."""
    if not (dist / INDEX_KEY).is_file():
        raise DeployError(f"{dist / INDEX_KEY} is missing: build the app first (make web-build)")
    keys = sorted(path.relative_to(dist).as_posix() for path in dist.rglob("*") if path.is_file())
    # A config.json in the build (e.g. one for local use) never reaches the bucket.
    keys = [key for key in keys if key != CONFIG_KEY]

    def rank(key: str) -> int:
        if key.startswith(ASSETS_PREFIX):
            return 0
        return 2 if key == INDEX_KEY else 1

    plan = [
        Upload(key, content_type(key), cache_control(key), path=dist / key)
        for key in sorted(keys, key=lambda k: (rank(k), k))
    ]
    body = (json.dumps(dict(config), indent=2) + "\n").encode()
    plan.insert(len(plan) - 1, Upload(CONFIG_KEY, "application/json", NO_CACHE, body=body))
    return plan


def upload(s3: Any, bucket: str, item: Upload) -> None:
    extra = {"ContentType": item.content_type, "CacheControl": item.cache_control}
    if item.body is not None:
        s3.put_object(Bucket=bucket, Key=item.key, Body=item.body, **extra)
    else:
        assert item.path is not None
        # upload_file switches to multipart for large files (s3:PutObject covers both).
        s3.upload_file(str(item.path), bucket, item.key, ExtraArgs=extra)


def invalidate(cloudfront: Any, distribution_id: str) -> str:
    """Invalidate everything ("/*" counts as one path); returns the invalidation id."""
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"momentum-web-{uuid.uuid4()}",
        },
    )
    return str(answer["Invalidation"]["Id"])


def publish(
    *,
    cloudformation: Any,
    s3: Any,
    cloudfront: Any,
    stack_name: str,
    dist: Path = DIST,
    log: Callable[[str], None] = print,
) -> str:
    """Upload the app and its config.json, then invalidate; returns the invalidation id."""
    region = str(cloudformation.meta.region_name)
    outputs = StackOutputs.from_outputs(read_outputs(cloudformation, stack_name), region)
    plan = plan_uploads(dist, web_config(outputs))
    for item in plan:
        upload(s3, outputs.bucket, item)
    log(f"Uploaded {len(plan)} files to s3://{outputs.bucket}")
    invalidation = invalidate(cloudfront, outputs.distribution_id)
    log(f"Invalidation {invalidation} of distribution {outputs.distribution_id} created")
    log(f"The app: {outputs.app_url}/app/")
    return invalidation
