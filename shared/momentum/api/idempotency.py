"""`Idempotency-Key` on every create: Powertools idempotency, keyed on the caller, the route
and the header, and validated against the parsed body — a retry gets the first answer, the
same key with another body is refused."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel

from momentum import ids
from momentum.config import get_settings
from momentum.domain.access import Principal
from momentum.domain.errors import Conflict, FieldError, InvalidInput, ServiceUnavailable

EXPIRES_AFTER_SECONDS = 24 * 3600


@cache
def _persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table_name)


def idempotent_create(
    principal: Principal,
    route: str,
    key: str | None,
    body: BaseModel | None,
    create: Callable[[], dict[str, Any]],
    *,
    lambda_context: Any = None,
) -> dict[str, Any]:
    """Run `create` once per (caller, route, key); without a key, just run it."""
    if not key:
        return create()
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[org, user, route, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
    )
    if lambda_context is not None:
        # A Lambda that times out mid-create leaves an in-progress record that expires
        # with the invocation, so the client's retry is not locked out.
        config.register_lambda_context(lambda_context)

    def _run(request: dict[str, Any]) -> dict[str, Any]:
        # Ids made inside follow from the key: a retry after a timeout mid-create rewrites
        # (and finds) the same records instead of making new ones.
        seed = "|".join((principal.org_id, principal.user_id, route, key))
        with ids.seeded(seed):
            return create()

    run: Callable[..., dict[str, Any]] = idempotent_function(
        data_keyword_argument="request", persistence_store=_persistence(), config=config
    )(_run)

    request = {
        "org": principal.org_id,
        "user": principal.user_id,
        "route": route,
        "key": key,
        "body": body.model_dump(mode="json") if body is not None else None,
    }
    try:
        result: dict[str, Any] = run(request=request)
    except IdempotencyValidationError:
        raise InvalidInput(
            "This Idempotency-Key was already used with a different body.",
            errors=[FieldError(("header", "Idempotency-Key"), "reused with a different body")],
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("A request with this Idempotency-Key is still in progress.") from None
    except IdempotencyPersistenceLayerError:
        raise ServiceUnavailable("Could not record the Idempotency-Key; please retry.") from None
    return result


def reset() -> None:
    _persistence.cache_clear()
