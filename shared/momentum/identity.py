"""The identity port: portal and staff logins in the Cognito user pool (custom attributes
carry the claims the JWT authorizer passes on). An in-memory fake serves unit tests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

from momentum.config import get_settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@dataclass(frozen=True, slots=True)
class LoginClaims:
    org_id: str
    role: str
    client_id: str | None = None
    location_ids: tuple[str, ...] = ()

    def attributes(self) -> dict[str, str]:
        return {
            "custom:org_id": self.org_id,
            "custom:role": self.role,
            "custom:client_id": self.client_id or "",
            "custom:location_ids": ",".join(self.location_ids),
        }


class UsernameTaken(Exception):
    pass


class Identities(Protocol):
    def create_login(self, *, username: str, email: str, claims: LoginClaims) -> str:
        """Create the login (the pool emails the temporary password); return its subject."""
        ...

    def update_claims(self, *, username: str, claims: LoginClaims) -> None: ...

    def delete_login(self, *, username: str) -> None:
        """Remove the login; its tokens stop being honoured by the API at once."""
        ...

    def set_enabled(self, *, username: str, enabled: bool) -> None:
        """Disable (or enable again) a login without deleting it."""
        ...


@cache
def _client() -> CognitoIdentityProviderClient:
    import boto3

    return boto3.client("cognito-idp")


class CognitoIdentities:
    def __init__(self, user_pool_id: str) -> None:
        self.pool = user_pool_id

    def create_login(self, *, username: str, email: str, claims: LoginClaims) -> str:
        attributes = {"email": email, "email_verified": "true", **claims.attributes()}
        try:
            response = _client().admin_create_user(
                UserPoolId=self.pool,
                Username=username,
                UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
                DesiredDeliveryMediums=["EMAIL"],
            )
        except _client().exceptions.UsernameExistsException as error:
            raise UsernameTaken(username) from error
        subject = next(
            (a["Value"] for a in response["User"].get("Attributes", []) if a["Name"] == "sub"),
            username,
        )
        return str(subject)

    def update_claims(self, *, username: str, claims: LoginClaims) -> None:
        _client().admin_update_user_attributes(
            UserPoolId=self.pool,
            Username=username,
            UserAttributes=[{"Name": k, "Value": v} for k, v in claims.attributes().items()],
        )

    def delete_login(self, *, username: str) -> None:
        try:
            _client().admin_delete_user(UserPoolId=self.pool, Username=username)
        except _client().exceptions.UserNotFoundException:
            return  # already gone: removing is idempotent

    def set_enabled(self, *, username: str, enabled: bool) -> None:
        call = _client().admin_enable_user if enabled else _client().admin_disable_user
        try:
            call(UserPoolId=self.pool, Username=username)
        except _client().exceptions.UserNotFoundException:
            return


class InMemoryIdentities:
    def __init__(self) -> None:
        self.logins: dict[str, tuple[str, LoginClaims]] = {}
        self.disabled: set[str] = set()

    def create_login(self, *, username: str, email: str, claims: LoginClaims) -> str:
        if username in self.logins:
            raise UsernameTaken(username)
        self.logins[username] = (email, claims)
        return f"sub-{username}"

    def update_claims(self, *, username: str, claims: LoginClaims) -> None:
        email, _ = self.logins[username]
        self.logins[username] = (email, claims)

    def delete_login(self, *, username: str) -> None:
        self.logins.pop(username, None)
        self.disabled.discard(username)

    def set_enabled(self, *, username: str, enabled: bool) -> None:
        if enabled:
            self.disabled.discard(username)
        else:
            self.disabled.add(username)


_installed: Identities | None = None


def identities() -> Identities:
    return _installed or CognitoIdentities(get_settings().user_pool_id)


def install(fake: Identities | None) -> None:
    global _installed  # noqa: PLW0603 - the one seam for the identity provider
    _installed = fake
