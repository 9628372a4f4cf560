"""`sam deploy` with the samconfig.toml environment's parameters plus the web app's URL.

The web client's callback URLs and the API's CORS origins need the app's URL, which is the
CloudFront distribution's - unknown until the distribution exists, and not derivable inside
the template without a circular dependency (docs/operations.md, "Web app"). So the URL is
the WebAppUrl parameter: this module passes the stack's last AppUrl output back in, and
when a deployment changes that output (a stack's first deployment, a new custom domain) it
deploys once more with the new value.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMCONFIG = REPO_ROOT / "samconfig.toml"


class StackConfigError(Exception):
    """samconfig.toml does not say what is needed to deploy."""


@dataclass(frozen=True)
class Environment:
    """One samconfig.toml environment, as far as a deployment needs it."""

    name: str
    stack_name: str
    region: str
    parameters: dict[str, str]


def _parameters(raw: str | Sequence[str]) -> dict[str, str]:
    tokens = shlex.split(raw) if isinstance(raw, str) else [str(t) for t in raw]
    parameters: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or not key:
            raise StackConfigError(f"parameter_overrides: expected Key=Value, got {token!r}")
        parameters[key] = value
    return parameters


def load_environment(env: str, samconfig: Path = SAMCONFIG) -> Environment:
    """Stack name, region and parameter overrides of `env` (global, then deploy sections)."""
    config = tomllib.loads(samconfig.read_text())
    if env not in config:
        raise StackConfigError(f"{samconfig.name} has no environment {env!r}")
    merged: dict[str, Any] = {}
    for section in (config.get("default", {}), config[env]):
        merged.update(section.get("global", {}).get("parameters", {}))
        merged.update(section.get("deploy", {}).get("parameters", {}))
    stack_name = merged.get("stack_name")
    region = merged.get("region")
    if not stack_name or not region:
        raise StackConfigError(f"{samconfig.name} [{env}] names no stack_name and region")
    return Environment(
        name=env,
        stack_name=str(stack_name),
        region=str(region),
        parameters=_parameters(merged.get("parameter_overrides", "")),
    )


# RFC 2606 / RFC 6761 names: an address there is a placeholder no SES identity can verify.
_PLACEHOLDER = re.compile(
    r"@(.+\.)?(example\.(com|net|org)|example|invalid|test|localhost)$", re.IGNORECASE
)


def check_parameters(env: Environment) -> None:
    """Refuse to deploy what could only fail later: no sender, a placeholder sender (every
    email refused), or a prod stack whose alarms reach nobody."""
    sender = env.parameters.get("SenderAddress", "")
    where = f"{SAMCONFIG.name} [{env.name}] parameter_overrides"
    if not sender:
        raise StackConfigError(
            f"{where} has no SenderAddress: add SenderAddress=<your SES-verified sender> "
            "(docs/operations.md, 'Email that can be sent')"
        )
    if _PLACEHOLDER.search(sender):
        raise StackConfigError(f"{where}: SenderAddress={sender} is a placeholder address")
    if env.parameters.get("Stage") == "prod" and not env.parameters.get("AlarmEmail"):
        raise StackConfigError(f"{where} has no AlarmEmail: prod's alarms must reach someone")


def with_app_url(parameters: Mapping[str, str], app_url: str) -> dict[str, str]:
    """The parameters with WebAppUrl set, and the app's origin among the CORS origins."""
    result = dict(parameters)
    result["WebAppUrl"] = app_url
    if app_url:
        origins = [o for o in result.get("AllowedOrigins", "").split(",") if o]
        if app_url not in origins:
            result["AllowedOrigins"] = ",".join([*origins, app_url])
    return result


def override_args(parameters: Mapping[str, str]) -> list[str]:
    """`--parameter-overrides Key=Value ...` as sam deploy parses it (whitespace separates)."""
    for key, value in parameters.items():
        if any(c.isspace() or c in "\"'" for c in value):
            raise StackConfigError(f"parameter {key}: spaces and quotes are not supported")
    return ["--parameter-overrides", " ".join(f"{k}={v}" for k, v in parameters.items())]


def app_url_output(cloudformation: Any, stack_name: str) -> str | None:
    """The stack's AppUrl output; None while the stack (or the output) does not exist."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    return outputs.get("AppUrl")


def deploy(
    env: Environment,
    *,
    sam: str,
    cloudformation: Any,
    run: Callable[[list[str]], None],
    log: Callable[[str], None] = print,
) -> str:
    """Deploy the stack until its WebAppUrl parameter matches its AppUrl output (at most
    twice); returns the app's URL."""
    check_parameters(env)
    app_url = app_url_output(cloudformation, env.stack_name)
    if app_url is None:
        app_url = env.parameters.get("WebAppUrl", "")
    for attempt in (1, 2):
        parameters = with_app_url(env.parameters, app_url)
        run([sam, "deploy", "--config-env", env.name, *override_args(parameters)])
        deployed = app_url_output(cloudformation, env.stack_name)
        if not deployed:
            raise StackConfigError(f"stack {env.stack_name} has no AppUrl output after deploy")
        if deployed == app_url:
            return deployed
        if attempt == 1:
            log(f"The app's URL is {deployed}: deploying again so sign-in and CORS use it")
        app_url = deployed
    raise StackConfigError(f"the app's URL did not settle (last {app_url})")
