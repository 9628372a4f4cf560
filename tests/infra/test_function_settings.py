"""Each function checks its settings at cold start (momentum.config): the background
functions at import, the HTTP functions on their first request. What they require is given
to every function by template.yaml's Globals, so a deployment, the local runner and the
tests all set it; without it, the function fails naming the variable."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator

import pytest

from local.lambdas import LocalContext
from momentum import config
from momentum.config import (
    ApiSettings,
    BouncesSettings,
    EvaluatorSettings,
    FunctionSettings,
    MailerSettings,
    MissingSettings,
    NightlySettings,
    ReportsSettings,
)
from tests.infra.cfn import EVENTS_DIR, function_property, functions, globals_function

SETTINGS: dict[str, type[FunctionSettings]] = {
    "ApiFunction": ApiSettings,
    "ReportsFunction": ReportsSettings,
    "NightlyFunction": NightlySettings,
    "EvaluatorFunction": EvaluatorSettings,
    "MailerFunction": MailerSettings,
    "BouncesFunction": BouncesSettings,
}
HTTP = frozenset({"ApiFunction", "ReportsFunction"})


def required(model: type[FunctionSettings]) -> list[str]:
    return sorted(
        f"{config.ENV_PREFIX}{name.upper()}"
        for name, field in model.model_fields.items()
        if field.is_required()
    )


def module_of(function: str) -> str:
    return str(function_property(function, "Handler")).rpartition(".")[0]


def cases(http: bool) -> list[tuple[str, str]]:
    return [
        (function, variable)
        for function, model in SETTINGS.items()
        if (function in HTTP) == http
        for variable in required(model)
    ]


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    config.reset()
    yield
    config.reset()


def test_every_function_has_its_settings() -> None:
    assert set(SETTINGS) == set(functions())


@pytest.mark.parametrize("function", sorted(SETTINGS))
def test_what_a_function_requires_every_function_is_given(function: str) -> None:
    given = set(globals_function()["Environment"]["Variables"])
    assert set(required(SETTINGS[function])) <= given


@pytest.mark.usefixtures("lambda_env", "fresh_settings")
@pytest.mark.parametrize(("function", "variable"), cases(http=False))
def test_a_background_function_without_a_setting_fails_its_import_naming_it(
    function: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = module_of(function)
    monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setenv(variable, "")
    with pytest.raises(MissingSettings, match=f"{variable}: "):
        importlib.import_module(module)


@pytest.mark.usefixtures("lambda_env", "fresh_settings")
@pytest.mark.parametrize("function", sorted(SETTINGS.keys() - HTTP))
def test_a_background_function_with_its_settings_imports(
    function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = module_of(function)
    monkeypatch.delitem(sys.modules, module, raising=False)
    assert callable(importlib.import_module(module).lambda_handler)


@pytest.mark.usefixtures("lambda_env", "fresh_settings")
@pytest.mark.parametrize(("function", "variable"), cases(http=True))
def test_an_http_function_without_a_setting_refuses_its_first_request(
    function: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(variable)
    handler = importlib.import_module(module_of(function)).lambda_handler  # imports without it
    event = json.loads((EVENTS_DIR / "api" / "get_org.json").read_text())
    with pytest.raises(MissingSettings, match=f"{variable}: "):
        handler(event, LocalContext(function_name=function))
