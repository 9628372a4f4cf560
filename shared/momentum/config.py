"""Settings read once from the environment and validated at cold start."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ENV_PREFIX = "MOMENTUM_"


class Settings(BaseModel):
    """Everything a function needs to know about its deployment; all names come from
    template.yaml (Globals.Function.Environment) or, locally, from the local runner.
    Read from `MOMENTUM_*` variables (plain pydantic: pydantic-settings would add ~0.2 s
    to every cold start for no feature we use)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    stage: Literal["dev", "prod", "local", "test"] = "dev"
    table_name: str = Field(min_length=1)
    idempotency_table_name: str = "MomentumIdempotency"
    evaluator_queue_url: str = ""
    mail_queue_url: str = ""
    sender_address: str = "noreply@example.com"
    ses_configuration_set: str = ""
    user_pool_id: str = ""
    signing_secret_arn: str = ""
    # Only the local runner and tests set the secret directly; deployed functions read it
    # from Secrets Manager by ARN.
    signing_secret: str = ""
    public_base_url: str = "http://127.0.0.1:3000"
    # The web app's origin: emails link to its pages (a client's record, an engagement, the
    # portal). In AWS the CloudFront distribution, another URL than the API's; locally the
    # runner serves both on one origin.
    app_base_url: str = "http://127.0.0.1:3000"
    # Sends a second per mailer container: times the mapping's MaximumConcurrency it stays
    # within the account's SES rate (template.yaml, MailQueueMapping).
    mailer_sends_per_second: float = Field(default=7.0, gt=0, le=1000)
    # Number of partitions of the sparse due index; spreads the nightly's writes and reads.
    due_shards: int = Field(default=8, ge=1, le=64)


def _environment() -> dict[str, str]:
    return {
        key.removeprefix(ENV_PREFIX).lower(): value
        for key, value in os.environ.items()
        if key.startswith(ENV_PREFIX)
    }


@cache
def get_settings() -> Settings:
    """The settings of this process, read on first use (not at import, so tests can set env)."""
    return Settings.model_validate(_environment())


# -- what each function cannot run without ---------------------------------------------------
#
# Settings gives every field a default so that any process can read it; these models say
# which values a function needs, with no default, checked once at its cold start (the
# background functions at import, the HTTP functions on their first request: their app
# object is also imported without a deployment, to write the OpenAPI document). Every
# name here is in template.yaml's Globals, so the local runner and the tests set it too.

Required = Annotated[str, Field(min_length=1)]


class FunctionSettings(BaseModel):
    """Every function reads and writes the product table."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    table_name: Required


class SignedLinks(FunctionSettings):
    """Signs cursors or unsubscribe links: the secret itself (locally) or its ARN (AWS)."""

    signing_secret: str = ""
    signing_secret_arn: str = ""

    @model_validator(mode="after")
    def _has_a_secret(self) -> Self:
        if not (self.signing_secret or self.signing_secret_arn):
            raise ValueError(
                f"set {ENV_PREFIX}SIGNING_SECRET_ARN (or, locally, {ENV_PREFIX}SIGNING_SECRET)"
            )
        return self


class ApiSettings(SignedLinks):
    idempotency_table_name: Required
    mail_queue_url: Required  # the welcome email
    user_pool_id: Required  # portal and staff logins


class ReportsSettings(SignedLinks):
    pass


class NightlySettings(FunctionSettings):
    evaluator_queue_url: Required


class EvaluatorSettings(FunctionSettings):
    mail_queue_url: Required  # reminders, off-track notices and digests, re-queued intents


class MailerSettings(SignedLinks):
    sender_address: Required
    # SES's events of each send come back through it: without them an unknown outcome
    # could never be settled (docs/architecture.md, Email exactly once).
    ses_configuration_set: Required


class BouncesSettings(FunctionSettings):
    pass


class MissingSettings(RuntimeError):
    """A function started without a value it needs (its deployment is incomplete)."""


_required: dict[type[FunctionSettings], FunctionSettings] = {}


def require[S: FunctionSettings](model: type[S]) -> S:
    """The function's settings, read from the environment once; MissingSettings names every
    variable that is missing, empty or invalid."""
    known = _required.get(model)
    if isinstance(known, model):
        return known
    try:
        checked = _required[model] = model.model_validate(_environment())
        return checked
    except ValidationError as error:
        problems = []
        for e in error.errors():
            where = ".".join(str(part) for part in e["loc"])
            name = f"{ENV_PREFIX}{where.upper()}" if where else model.__name__
            problems.append(f"{name}: {e['msg']}")
        raise MissingSettings(f"{model.__name__} cannot start: " + "; ".join(problems)) from None


# -- forgetting what was derived from the settings --------------------------------------------

_forgetters: list[Callable[[], None]] = []


def on_reset[F: Callable[[], None]](forget: F) -> F:
    """Register how a module forgets state it derived from the deployment (a cache of
    records, a persistence client). `reset` calls it, so `momentum.adapters.reset` reaches
    modules above it (the use cases, the HTTP edge) without importing them."""
    _forgetters.append(forget)
    return forget


def reset() -> None:
    """The environment changed (tests, the local runner): read the settings again and make
    every registered module forget what it derived from the old ones."""
    get_settings.cache_clear()
    _required.clear()
    for forget in _forgetters:
        forget()
