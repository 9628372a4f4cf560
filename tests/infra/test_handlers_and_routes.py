"""Every Handler in template.yaml imports and is callable; the HTTP routes the template
deploys are exactly the routes the code serves; the sample events match the template."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from local.lambdas import LocalContext
from tests.infra.cfn import EVENTS_DIR, REPO_ROOT, events, function_property, functions

HTTP_FUNCTIONS = {"ApiFunction": "api.app", "ReportsFunction": "reports.app"}
DEFAULT_ROUTE = ("ANY", "$default")
# Routes without the JWT authorizer: the API's own documentation, and the one-click
# unsubscribe of every email (RFC 8058: a mail client POSTs it with no login; the signed
# token in the link is the only key).
PUBLIC_ROUTES = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/unsubscribe"),
    ("POST", "/unsubscribe"),
}


def _handlers() -> list[tuple[str, str]]:
    return sorted((name, function_property(name, "Handler")) for name in functions())


def _template_routes(function: str) -> set[tuple[str, str]]:
    return {
        (str(e["Properties"].get("Method", "ANY")).upper(), str(e["Properties"]["Path"]))
        for e in events(function, "HttpApi").values()
    }


def _resolver(module_name: str) -> Any:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    module = importlib.import_module(module_name)
    app = getattr(module, "app", None)
    assert isinstance(app, APIGatewayHttpResolver), (
        f"{module_name} must expose its APIGatewayHttpResolver as module-level `app`"
    )
    return app


# ---------------------------------------------------------------------------- handlers


def test_every_function_is_a_package_module_under_functions() -> None:
    for name, handler in _handlers():
        assert function_property(name, "CodeUri") == "functions/", name
        package, module, attribute = handler.split(".")
        assert (module, attribute) == ("app", "lambda_handler"), handler
        assert (REPO_ROOT / "functions" / package / "app.py").is_file(), (
            f"{name}: functions/{package}/app.py does not exist (yet)"
        )


@pytest.mark.usefixtures("lambda_env")
@pytest.mark.parametrize(("function", "handler"), _handlers(), ids=[n for n, _ in _handlers()])
def test_handler_resolves_to_a_callable(function: str, handler: str) -> None:
    module_name, _, attribute = handler.rpartition(".")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute, None)), f"{function}: {handler} is not callable"
    # Imported as Lambda does (CodeUri functions/ -> /var/task/<package>/app.py).
    assert Path(module.__file__ or "").resolve().is_relative_to(REPO_ROOT / "functions")


# ------------------------------------------------------------------------------ routes


@pytest.mark.usefixtures("lambda_env")
@pytest.mark.parametrize(("function", "module_name"), sorted(HTTP_FUNCTIONS.items()))
def test_template_routes_equal_code_routes(function: str, module_name: str) -> None:
    app = _resolver(module_name)
    served = {(r.method, r.openapi_path) for r in app._static_routes + app._dynamic_routes}
    deployed = _template_routes(function) - {DEFAULT_ROUTE}
    assert deployed == served, (
        f"only in template.yaml: {sorted(deployed - served)}; "
        f"only in {module_name}: {sorted(served - deployed)}"
    )


def test_default_route_goes_to_the_api_function_behind_the_authorizer() -> None:
    owners = [name for name in functions() if DEFAULT_ROUTE in _template_routes(name)]
    assert owners == ["ApiFunction"]
    (default,) = [
        e
        for e in events("ApiFunction", "HttpApi").values()
        if e["Properties"]["Path"] == "$default"
    ]
    assert "Auth" not in default["Properties"], "$default stays behind the JWT authorizer"


def test_only_the_documentation_and_unsubscribe_routes_are_public() -> None:
    public = {
        (str(e["Properties"]["Method"]).upper(), e["Properties"]["Path"])
        for name in functions()
        for e in events(name, "HttpApi").values()
        if (e["Properties"].get("Auth") or {}).get("Authorizer") == "NONE"
    }
    assert public == PUBLIC_ROUTES


@pytest.mark.usefixtures("lambda_env")
def test_unknown_route_reaches_the_apps_problem_json_404() -> None:
    """What the $default route is for: the app answers, not API Gateway's plain 404."""
    app = _resolver(HTTP_FUNCTIONS["ApiFunction"])
    event = json.loads((EVENTS_DIR / "api" / "not_found.json").read_text())
    assert event["routeKey"] == "$default"
    response = app.resolve(event, LocalContext(function_name="ApiFunction"))
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    assert response["statusCode"] == 404
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(response["body"])["status"] == 404


# ------------------------------------------------------------------------ sample events


def _api_samples() -> list[Path]:
    return sorted((EVENTS_DIR / "api").glob("*.json"))


@pytest.mark.parametrize("sample", _api_samples(), ids=lambda p: p.name)
def test_api_sample_event_is_a_deployed_route(sample: Path) -> None:
    event = json.loads(sample.read_text())
    assert event["version"] == "2.0"
    routes = {f"{m} {p}" if p != "$default" else p for m, p in _template_routes("ApiFunction")}
    assert event["routeKey"] in routes
    assert event["requestContext"]["routeKey"] == event["routeKey"]
    if event["routeKey"] != "$default":
        method, path = event["routeKey"].split(" ", 1)
        assert (event["requestContext"]["http"]["method"], event["rawPath"]) == (method, path)
    public = event["routeKey"] in {f"{m} {p}" for m, p in PUBLIC_ROUTES}
    claims = (event["requestContext"].get("authorizer") or {}).get("jwt", {}).get("claims")
    if public:
        assert claims is None, "public routes get no authorizer context"
    else:
        assert {"sub", "custom:org_id", "custom:role"} <= set(claims or {})


def test_nightly_sample_event_has_the_schedules_input_shape() -> None:
    (schedule,) = events("NightlyFunction", "ScheduleV2").values()
    template_input = json.loads(schedule["Properties"]["Input"])
    sample = json.loads((EVENTS_DIR / "nightly" / "scheduled.json").read_text())
    assert set(sample) == set(template_input)
    assert sample["source"] == template_input["source"] == "momentum.nightly"
    assert template_input["scheduled_time"] == "<aws.scheduler.scheduled-time>"
