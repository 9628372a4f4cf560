"""`Idempotency-Key` on every create: Powertools idempotency, keyed on the caller, the route
and the header, and validated against the parsed body — a retry gets the first answer, the
same key with another body is refused (422).

The Powertools record expires after a day; a claim in the product table
(`momentum.logic.idempotency_keys`) keeps the key bound to its request's fingerprint and
first answer after that, and the ids a create makes follow from the key *and* the
fingerprint: the same key with another body is refused whenever it comes (never answered
with the old record), with the same body it gets the first answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from momentum import config
from momentum.api.request import principal
from momentum.config import get_settings
from momentum.domain.access import Principal
from momentum.domain.errors import Conflict, ServiceUnavailable

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

    from momentum.logic.idempotency_keys import KeyedRequest

EXPIRES_AFTER_SECONDS = 24 * 3600


def fingerprint(body: dict[str, Any] | None) -> str:
    """The request's fingerprint: its parsed body, canonically serialised and hashed."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


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

    from momentum.logic import idempotency_keys  # a use case: loaded by the first keyed create

    idempotency_config = IdempotencyConfig(
        event_key_jmespath="[org, user, route, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
    )
    if lambda_context is not None:
        # A Lambda that times out mid-create leaves an in-progress record that expires
        # with the invocation, so the client's retry is not locked out.
        idempotency_config.register_lambda_context(lambda_context)

    scope = "|".join((principal.org_id, principal.user_id, route, key))

    def _run(request: dict[str, Any]) -> dict[str, Any]:
        # Runs when Powertools holds no live record for the key: the first request, or one
        # after the record expired. The key's claim tells whether it is the same request.
        return idempotency_keys.run_once(
            principal.org_id, scope, fingerprint(request["body"]), create
        )

    run: Callable[..., dict[str, Any]] = idempotent_function(
        data_keyword_argument="request", persistence_store=_persistence(), config=idempotency_config
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
        raise idempotency_keys.reused() from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("A request with this Idempotency-Key is still in progress.") from None
    except IdempotencyPersistenceLayerError:
        raise ServiceUnavailable("Could not record the Idempotency-Key; please retry.") from None
    return result


def create_once(
    router: BaseRouter,
    route: str,
    key: str | None,
    body: BaseModel | None,
    create: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """`idempotent_create` for the request `router` is answering: its caller, and its
    Lambda context (an in-progress key expires with the invocation)."""
    return idempotent_create(
        principal(router), route, key, body, create, lambda_context=router.lambda_context
    )


def create_claiming(
    router: BaseRouter,
    route: str,
    key: str | None,
    body: BaseModel,
    create: Callable[[KeyedRequest | None], dict[str, Any]],
) -> dict[str, Any]:
    """As `create_once`, for a use case that writes the key's claim (fingerprint and
    answer) in its own transaction (`momentum.logic.idempotency_keys.run_claiming`): no
    Powertools record — the claim alone answers a retry with the first answer and refuses
    another body (422), within 24 hours and after, and a request refused for a caller error
    wrote nothing, so its key stays free."""
    if not key:
        return create(None)
    from momentum.logic import idempotency_keys  # a use case: loaded by the first keyed create

    caller = principal(router)
    scope = "|".join((caller.org_id, caller.user_id, route, key))
    request = idempotency_keys.KeyedRequest(
        caller.org_id, scope, fingerprint(body.model_dump(mode="json"))
    )
    return idempotency_keys.run_claiming(request, create)


@config.on_reset
def reset() -> None:
    _persistence.cache_clear()
