"""Creating a login in the user pool, for a staff user (logic.users) or a client's portal
(logic.client_logins): the pool refuses some addresses, and an address may have a login
already, whose owner each use case judges by its own rule."""

from __future__ import annotations

from momentum.domain.errors import FieldError, InvalidInput
from momentum.identity import AddressRefused, LoginClaims, UsernameTaken, identities


def new_login(email: str, claims: LoginClaims) -> str | None:
    """The subject of a login created now for `email` with `claims`; None when the address
    has a login already. An address the pool does not take is a 422."""
    try:
        return identities().create_login(email=email, claims=claims)
    except AddressRefused:
        raise InvalidInput(
            "The sign-in does not take this email address.",
            errors=[FieldError(("body", "email"), "not an address a login can have")],
        ) from None
    except UsernameTaken:
        return None
