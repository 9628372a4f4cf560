"""The identity port: portal and staff logins in the Cognito user pool (custom attributes
carry the claims the JWT authorizer passes on).

A login is named by its **subject** — the immutable `sub`, which is also the pool's
username (the pool signs in by email, so Cognito makes the `sub` the username). Every call
that reads or changes a login names it by subject, never by email: an email address can
change or be someone else's, a subject cannot. Only two calls take an address: creating a
login (the address becomes its sign-in alias) and `find_login`, which says who holds an
address so a use case can refuse to touch a login that is not its own.

A login that is not there is an error (`LoginNotFound`), never a silent success."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

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

    @classmethod
    def from_attributes(cls, attributes: dict[str, str]) -> LoginClaims:
        locations = attributes.get("custom:location_ids", "")
        return cls(
            org_id=attributes.get("custom:org_id", ""),
            role=attributes.get("custom:role", ""),
            client_id=attributes.get("custom:client_id") or None,
            location_ids=tuple(x for x in locations.split(",") if x),
        )


@dataclass(frozen=True, slots=True)
class Login:
    """A login as the pool holds it."""

    subject: str
    email: str
    claims: LoginClaims
    enabled: bool = True

    def is_portal_login_of(self, org_id: str, client_id: str) -> bool:
        """The portal login of that organization's client (only our API sets these)."""
        claims = self.claims
        return (claims.org_id, claims.role, claims.client_id) == (org_id, "client", client_id)

    def is_staff_login_of(self, org_id: str) -> bool:
        """A staff user's login in that organization."""
        claims = self.claims
        return claims.org_id == org_id and claims.role != "client" and claims.client_id is None


class UsernameTaken(Exception):
    """The address already has a login (in some organization)."""


class AddressRefused(Exception):
    """The pool does not take this address as a sign-in alias (its own email check)."""


class LoginNotFound(Exception):
    """No login has this subject: the operation that named it stops."""


class Identities(Protocol):
    def create_login(self, *, email: str, claims: LoginClaims) -> str:
        """Create the login (the pool emails the temporary password); return its subject.
        UsernameTaken when the address already has a login, AddressRefused when the pool
        does not take it."""
        ...

    def find_login(self, *, email: str) -> Login | None:
        """The login whose address this is, if any (to decide whether it may be used)."""
        ...

    def get_login(self, *, subject: str) -> Login: ...

    def update_claims(self, *, subject: str, claims: LoginClaims) -> None: ...

    def set_enabled(self, *, subject: str, enabled: bool) -> None:
        """Disable (or enable again) a login without deleting it."""
        ...

    def sign_out_everywhere(self, *, subject: str) -> None:
        """Revoke every refresh token of the login: no new tokens for it."""
        ...

    def delete_login(self, *, subject: str) -> None: ...


@cache
def _client() -> CognitoIdentityProviderClient:
    import boto3

    return boto3.client("cognito-idp")


def _login(attributes: list[Any], *, username: str, enabled: bool) -> Login:
    values = {str(a["Name"]): str(a.get("Value", "")) for a in attributes}
    return Login(
        subject=values.get("sub") or username,
        email=values.get("email", ""),
        claims=LoginClaims.from_attributes(values),
        enabled=enabled,
    )


class CognitoIdentities:
    def __init__(self, user_pool_id: str) -> None:
        self.pool = user_pool_id

    def create_login(self, *, email: str, claims: LoginClaims) -> str:
        attributes = {"email": email, "email_verified": "true", **claims.attributes()}
        try:
            response = _client().admin_create_user(
                UserPoolId=self.pool,
                # The address is the new login's sign-in alias; Cognito names it by its sub.
                Username=email,
                UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
                DesiredDeliveryMediums=["EMAIL"],
            )
        except _client().exceptions.UsernameExistsException as error:
            raise UsernameTaken(email) from error
        except _client().exceptions.InvalidParameterException as error:
            raise AddressRefused(email) from error
        user = response["User"]
        login = _login(user.get("Attributes", []), username=user["Username"], enabled=True)
        return login.subject

    def find_login(self, *, email: str) -> Login | None:
        if not email or any(c in email for c in '"\\'):
            return None  # not an address a filter can name (nor one we would create)
        found = _client().list_users(UserPoolId=self.pool, Filter=f'email = "{email}"', Limit=2)
        users = found.get("Users", [])
        if len(users) != 1:
            return None
        user = users[0]
        return _login(
            user.get("Attributes", []), username=user["Username"], enabled=user["Enabled"]
        )

    def get_login(self, *, subject: str) -> Login:
        try:
            user = _client().admin_get_user(UserPoolId=self.pool, Username=subject)
        except _client().exceptions.UserNotFoundException as error:
            raise LoginNotFound(subject) from error
        return _login(user.get("UserAttributes", []), username=subject, enabled=user["Enabled"])

    def update_claims(self, *, subject: str, claims: LoginClaims) -> None:
        try:
            _client().admin_update_user_attributes(
                UserPoolId=self.pool,
                Username=subject,
                UserAttributes=[{"Name": k, "Value": v} for k, v in claims.attributes().items()],
            )
        except _client().exceptions.UserNotFoundException as error:
            raise LoginNotFound(subject) from error

    def set_enabled(self, *, subject: str, enabled: bool) -> None:
        call = _client().admin_enable_user if enabled else _client().admin_disable_user
        try:
            call(UserPoolId=self.pool, Username=subject)
        except _client().exceptions.UserNotFoundException as error:
            raise LoginNotFound(subject) from error

    def sign_out_everywhere(self, *, subject: str) -> None:
        try:
            _client().admin_user_global_sign_out(UserPoolId=self.pool, Username=subject)
        except _client().exceptions.UserNotFoundException as error:
            raise LoginNotFound(subject) from error

    def delete_login(self, *, subject: str) -> None:
        try:
            _client().admin_delete_user(UserPoolId=self.pool, Username=subject)
        except _client().exceptions.UserNotFoundException as error:
            raise LoginNotFound(subject) from error


_installed: Identities | None = None


def identities() -> Identities:
    return _installed or CognitoIdentities(get_settings().user_pool_id)


def install(fake: Identities | None) -> None:
    global _installed  # noqa: PLW0603 - the one seam for the identity provider
    _installed = fake
