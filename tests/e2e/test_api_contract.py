"""The contract a web client builds on (issue 11): the document /openapi.json serves is
valid OpenAPI 3.1, openapi-typescript and openapi-python-client generate clients from it
with no error and no warning, and the generated Python client talks to the runner.

openapi-typescript comes from npm through `npx --yes` (pinned, as web/package.json pins
it), so a fresh machine needs only Node.js; openapi-python-client and
openapi-spec-validator are in requirements-dev.txt."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.e2e.conftest import REPO, Runner

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("api-contract")]

OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0"
PACKAGE = "momentum_api_client"
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")


@pytest.fixture(scope="module")
def document(runner: Runner) -> dict[str, Any]:
    response = runner.get("/openapi.json")
    assert response.status_code == 200
    served: dict[str, Any] = response.json()
    return served


@pytest.fixture(scope="module")
def document_file(document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "openapi.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


# -- the document --------------------------------------------------------------------------


def test_the_served_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation, e.g. a $ref to a schema that is not there


def test_every_operation_is_named_summarised_and_its_answers_described(
    document: dict[str, Any],
) -> None:
    ids: list[str] = []
    problems: list[str] = []
    for method, path, operation in _operations(document):
        name = f"{method.upper()} {path}"
        ids.append(operation.get("operationId", ""))
        if not CAMEL_CASE.match(operation.get("operationId", "")):
            problems.append(f"{name}: operationId {operation.get('operationId')!r}")
        if not operation.get("summary") or operation["summary"].startswith(method.upper()):
            problems.append(f"{name}: no summary of its own")
        for code, answer in operation["responses"].items():
            if answer.get("description") in ("", "Successful Response", "Validation Error"):
                problems.append(f"{name} {code}: generic description")
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "header" and parameter["schema"].get("type") != "string":
                problems.append(f"{name}: header {parameter['name']} is not a plain string")
    assert problems == []
    assert len(ids) == len(set(ids)), "operationIds are unique"
    assert {"listClients", "getClient", "createAppointment", "updateAppointment"} <= set(ids)


def test_response_headers_and_gateway_errors_are_documented(document: dict[str, Any]) -> None:
    paths = document["paths"]
    created = paths["/clients"]["post"]["responses"]["201"]["headers"]
    assert {"ETag", "Location"} <= set(created)
    assert "ETag" in paths["/clients/{client_id}"]["get"]["responses"]["200"]["headers"]
    report = paths["/reports/on-track"]["get"]["responses"]["200"]
    assert "Content-Disposition" in report["headers"]
    assert set(report["content"]) == {"application/json", "text/csv"}
    assert report["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OnTrackReport"
    }
    busy = paths["/clients"]["get"]["responses"]["503"]
    assert "Retry-After" in busy["headers"]
    unauthorized = paths["/clients"]["get"]["responses"]["401"]["content"]
    assert "GatewayError" in json.dumps(unauthorized["application/json"])
    throttled = paths["/clients"]["get"]["responses"]["429"]["content"]
    assert throttled == {
        "application/json": {"schema": {"$ref": "#/components/schemas/GatewayError"}}
    }
    assert "401" not in paths["/unsubscribe"]["get"]["responses"]  # public
    assert "412" in paths["/clients/{client_id}"]["patch"]["responses"]
    assert "412" not in paths["/clients/{client_id}"]["get"]["responses"]
    if_match = next(
        p for p in paths["/clients/{client_id}"]["patch"]["parameters"] if p["in"] == "header"
    )
    assert (if_match["name"], if_match["schema"]["type"]) == ("If-Match", "string")


def test_swagger_ui_renders_exactly_the_served_document(
    runner: Runner, document: dict[str, Any]
) -> None:
    page = runner.get("/docs")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    match = re.search(r"spec: (\{.*?\}),\n\s*presets:", page.text, re.S)
    assert match, "the document is inlined in the page"
    assert json.loads(match.group(1).replace("<\\/", "</")) == document


# -- generated clients ---------------------------------------------------------------------


def _quiet(output: str, *, allowed: tuple[str, ...]) -> list[str]:
    """The lines of a generator's output that are not its own progress lines."""
    return [line for line in output.splitlines() if line.strip() and not line.startswith(allowed)]


def test_openapi_typescript_generates_without_warnings(document_file: Path) -> None:
    npx = shutil.which("npx")
    assert npx, "Node.js (npx) is needed to check the document with openapi-typescript"
    out = document_file.parent / "schema.d.ts"
    result = subprocess.run(
        # As web/package.json's `generate` runs it.
        [npx, "--yes", OPENAPI_TYPESCRIPT, str(document_file), "-o", str(out),
         "--default-non-nullable", "false"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert _quiet(output, allowed=("✨", "🚀", "npm notice")) == [], output
    types = out.read_text()
    assert "listClients: {" in types
    assert "createAppointment: {" in types


@pytest.fixture(scope="module")
def python_client(document_file: Path) -> Iterator[ModuleType]:
    """openapi-python-client's package for the document, importable for this module."""
    target = document_file.parent / PACKAGE  # with `--meta none`, the package itself
    config = document_file.parent / "client-config.json"
    config.write_text(json.dumps({"project_name_override": "momentum-api-client",
                                  "package_name_override": PACKAGE, "post_hooks": []}))  # fmt: skip
    result = subprocess.run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate",
         "--path", str(document_file), "--output-path", str(target), "--config", str(config),
         "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output
    assert "Error" not in output, output
    assert _quiet(output, allowed=("Generating",)) == [], output
    sys.path.insert(0, str(target.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(target.parent))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_openapi_python_client_generates_without_warnings(python_client: ModuleType) -> None:
    assert python_client.AuthenticatedClient is not None


def test_the_generated_python_client_calls_the_runner(
    python_client: ModuleType, runner: Runner
) -> None:
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    clients = importlib.import_module(f"{PACKAGE}.api.clients")
    organization = importlib.import_module(f"{PACKAGE}.api.organization")
    assert api is not None
    for name in ("create_client", "get_client", "list_clients", "update_client"):
        importlib.import_module(f"{clients.__name__}.{name}")
    importlib.import_module(f"{organization.__name__}.replace_organization")
    org = f"org-{uuid.uuid4().hex[:8]}"
    token = runner.token(org=org, role="owner", sub="owner-1")
    client = python_client.AuthenticatedClient(base_url=runner.base_url, token=token)

    replaced = organization.replace_organization.sync_detailed(
        client=client,
        body=models.OrganizationBody.from_dict(
            {"name": "Harbour Physio", "timezone": "Europe/London", "locations": []}
        ),
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.parsed.name == "Harbour Physio"
    assert replaced.headers["ETag"]

    made = clients.create_client.sync_detailed(
        client=client,
        body=models.ClientCreate.from_dict({"name": "Ada Lovelace"}),
        idempotency_key=str(uuid.uuid4()),
    )
    assert made.status_code == 201, made.content
    assert isinstance(made.parsed, models.ClientView)
    assert made.headers["Location"] == f"/clients/{made.parsed.id}"

    page = clients.list_clients.sync(client=client)
    assert [c.id for c in page.items] == [made.parsed.id]

    stale = clients.update_client.sync_detailed(
        client=client,
        client_id=made.parsed.id,
        body=models.ClientPatch.from_dict({"name": "Ada King"}),
        if_match='"999"',
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.Problem)

    missing = clients.get_client.sync_detailed(client=client, client_id="cl_nobody")
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.Problem)
    assert missing.parsed.status == 404

    anonymous = python_client.Client(base_url=runner.base_url)
    refused = clients.list_clients.sync_detailed(client=anonymous)
    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.Problem | models.GatewayError)
