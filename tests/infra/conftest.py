"""Fixtures of the infrastructure tests: tool locations and an offline AWS environment."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.infra.cfn import REPO_ROOT, globals_function, load_template

# Nothing listens here: any AWS call a tool might attempt fails at once instead of
# reaching AWS (the tests must never touch a real account).
DEAD_ENDPOINT = "http://127.0.0.1:9"


def _tool(env_var: str, default: Path, name: str) -> Path:
    path = Path(os.environ.get(env_var) or default)
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{name} not found at {path}: run `make install` or set {env_var}")
    return path


@pytest.fixture(scope="session")
def sam_bin() -> Path:
    return _tool("MOMENTUM_SAM", REPO_ROOT / ".tools" / "sam" / "bin" / "sam", "SAM CLI")


@pytest.fixture(scope="session")
def checkov_bin() -> Path:
    return _tool(
        "MOMENTUM_CHECKOV", REPO_ROOT / ".tools" / "checkov" / "bin" / "checkov", "checkov"
    )


@pytest.fixture(scope="session")
def cfn_lint_bin() -> Path:
    found = shutil.which("cfn-lint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("cfn-lint is not installed next to the test interpreter")
    return Path(found)


@pytest.fixture(scope="session")
def offline_env() -> dict[str, str]:
    """Environment for the CLI tools: dummy credentials, eu-west-1, no telemetry, no
    Prisma Cloud, and every AWS endpoint pointed at a closed local port."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "BC_", "PRISMA_", "CKV_"))
    }
    env.update(
        {
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_ENDPOINT_URL": DEAD_ENDPOINT,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "SAM_CLI_TELEMETRY": "0",
            "SAM_CLI_DISABLE_UPDATE_CHECK": "1",
        }
    )
    return env


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Lambda gives a handler module at import: the template's Globals environment
    (with placeholder values for the Refs) and a region; X-Ray is off outside Lambda."""
    variables = globals_function()["Environment"]["Variables"]
    for key, value in variables.items():
        monkeypatch.setenv(key, _dev_value(key, value))
    monkeypatch.setenv("MOMENTUM_STAGE", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")


def _dev_value(key: str, value: object) -> str:
    """A variable's value in a dev stack: parameters take their defaults, mappings their
    dev entry, and resources (names, URLs, ARNs) a placeholder."""
    template = load_template()
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, dict) and "Fn::FindInMap" in value:
        mapping, _stage, name = value["Fn::FindInMap"]
        return str(template["Mappings"][mapping]["dev"][name])
    if isinstance(value, dict) and value.get("Ref") in template.get("Parameters", {}):
        return str(template["Parameters"][value["Ref"]].get("Default", "placeholder"))
    return f"placeholder-{key.lower().replace('_', '-')}"
