"""Settings read once from the environment and validated at cold start."""

from __future__ import annotations

import os
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


@cache
def get_settings() -> Settings:
    """The settings of this process, read on first use (not at import, so tests can set env)."""
    values = {
        key.removeprefix(ENV_PREFIX).lower(): value
        for key, value in os.environ.items()
        if key.startswith(ENV_PREFIX)
    }
    return Settings.model_validate(values)
