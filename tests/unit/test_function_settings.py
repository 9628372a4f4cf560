"""Each function's settings (momentum.config): what it cannot run without is required, with
no default, and a missing or empty value is named at its cold start."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from momentum import adapters, config
from momentum.config import (
    ApiSettings,
    BouncesSettings,
    EvaluatorSettings,
    MailerSettings,
    MissingSettings,
    NightlySettings,
    ReportsSettings,
)
from momentum.domain.access import Principal, Role
from momentum.logic import callers
from momentum.store.users import UserRecord

MAILER_ENV = {
    "MOMENTUM_TABLE_NAME": "Momentum",
    "MOMENTUM_SENDER_ADDRESS": "noreply@practice.example",
    "MOMENTUM_SES_CONFIGURATION_SET": "momentum-events",
    "MOMENTUM_SIGNING_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:signing",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No MOMENTUM_* variable but those a test sets; nothing remembered from before."""
    for key in os.environ:
        if key.startswith(config.ENV_PREFIX):
            monkeypatch.delenv(key)
    config.reset()
    yield monkeypatch
    monkeypatch.undo()
    config.reset()


def set_env(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for key, value in values.items():
        monkeypatch.setenv(key, value)


def test_a_function_with_its_settings_starts(env: pytest.MonkeyPatch) -> None:
    set_env(env, MAILER_ENV)
    settings = config.require(MailerSettings)
    assert settings.sender_address == "noreply@practice.example"
    assert config.require(MailerSettings) is settings  # checked once per container


@pytest.mark.parametrize("missing", sorted(MAILER_ENV.keys() - {"MOMENTUM_SIGNING_SECRET_ARN"}))
def test_a_missing_value_is_named(env: pytest.MonkeyPatch, missing: str) -> None:
    set_env(env, {k: v for k, v in MAILER_ENV.items() if k != missing})
    with pytest.raises(MissingSettings, match=f"MailerSettings cannot start: {missing}: "):
        config.require(MailerSettings)


@pytest.mark.parametrize("empty", sorted(MAILER_ENV.keys() - {"MOMENTUM_SIGNING_SECRET_ARN"}))
def test_an_empty_value_is_missing_too(env: pytest.MonkeyPatch, empty: str) -> None:
    set_env(env, {**MAILER_ENV, empty: ""})
    with pytest.raises(MissingSettings, match=empty):
        config.require(MailerSettings)


def test_every_missing_value_is_named_at_once(env: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingSettings) as refused:
        config.require(ApiSettings)
    for name in ("TABLE_NAME", "IDEMPOTENCY_TABLE_NAME", "MAIL_QUEUE_URL", "USER_POOL_ID"):
        assert f"MOMENTUM_{name}: Field required" in str(refused.value)


@pytest.mark.parametrize(
    "secret",
    [
        {"MOMENTUM_SIGNING_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:s"},
        {"MOMENTUM_SIGNING_SECRET": "local-secret"},
    ],
)
def test_signed_links_take_the_secret_or_its_arn(
    env: pytest.MonkeyPatch, secret: dict[str, str]
) -> None:
    set_env(env, {"MOMENTUM_TABLE_NAME": "Momentum", **secret})
    assert config.require(ReportsSettings).table_name == "Momentum"


def test_signed_links_without_either_are_refused(env: pytest.MonkeyPatch) -> None:
    set_env(env, {"MOMENTUM_TABLE_NAME": "Momentum", "MOMENTUM_SIGNING_SECRET": ""})
    with pytest.raises(MissingSettings, match="set MOMENTUM_SIGNING_SECRET_ARN"):
        config.require(ReportsSettings)


@pytest.mark.parametrize(
    ("model", "needs"),
    [
        (NightlySettings, {"table_name", "evaluator_queue_url"}),
        (EvaluatorSettings, {"table_name", "mail_queue_url"}),
        (MailerSettings, {"table_name", "sender_address", "ses_configuration_set"}),
        (BouncesSettings, {"table_name"}),
        (ApiSettings, {"table_name", "idempotency_table_name", "mail_queue_url", "user_pool_id"}),
        (ReportsSettings, {"table_name"}),
    ],
)
def test_what_each_function_needs(model: type[config.FunctionSettings], needs: set[str]) -> None:
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert required == needs


def test_a_check_is_made_again_after_the_environment_changed(env: pytest.MonkeyPatch) -> None:
    set_env(env, MAILER_ENV)
    config.require(MailerSettings)
    env.delenv("MOMENTUM_SENDER_ADDRESS")
    config.reset()
    with pytest.raises(MissingSettings, match="MOMENTUM_SENDER_ADDRESS"):
        config.require(MailerSettings)


def test_resetting_the_adapters_reaches_the_caches_above_them() -> None:
    """adapters.reset (tests, the local runner) forgets the cached callers, though the
    adapters sit below the use cases: callers registered with config.on_reset."""
    claimed = Principal(org_id="org-1", user_id="u-1", role=Role.ADMIN)
    record = UserRecord(org_id="org-1", id="u-1", name="N", email="n@example.com", role="admin")
    callers.remember(claimed, record)
    assert callers.is_cached("org-1", "u-1")
    adapters.reset()
    assert not callers.is_cached("org-1", "u-1")
