"""`python -m deploy first-owner`: an organization and its first owner in a deployed stack.

Reads the stack's outputs (the table and the user pool), points the momentum package at
them, and runs momentum.logic.first_owner - the same organization and user code the API
runs, so the Cognito login (with its claims) and the user record are made together. Cognito
emails the owner a temporary password (through SES, from SenderAddress).

Idempotent: run again with the same address it says so and changes nothing. It refuses to
add a second owner to an organization unless `--another-owner` is given.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from deploy.web import DeployError, read_outputs

# Stack output -> the momentum setting it becomes (momentum.config.Settings).
OUTPUT_SETTINGS = {
    "TableName": "MOMENTUM_TABLE_NAME",
    "UserPoolId": "MOMENTUM_USER_POOL_ID",
}
# Org ids end up in keys (ORG#<id>) and in the custom:org_id claim (64 characters at most).
ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")


@dataclass(frozen=True)
class Request:
    email: str
    name: str
    org_name: str
    org_id: str
    timezone: str
    another_owner: bool = False


def default_org_id(org_name: str) -> str:
    """`org-` and the name in lower-case ASCII words: "Harbour Physio & Co" ->
    "org-harbour-physio-co". The same name gives the same id, so a second run for the same
    organization finds it (and its owner) instead of making another."""
    ascii_name = unicodedata.normalize("NFKD", org_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:58].strip("-")
    return f"org-{slug}" if slug else ""


def validate(request: Request) -> Request:
    """The request as the API would take it (UserCreate), or DeployError."""
    from pydantic import ValidationError

    from momentum.schemas.users import UserCreate

    try:
        body = UserCreate.model_validate(
            {"name": request.name, "email": request.email, "role": "owner"}
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise DeployError(f"the owner is not valid: {problems}") from None
    org_id = request.org_id or default_org_id(request.org_name)
    if not ORG_ID.match(org_id):
        raise DeployError(
            f"organization id {org_id!r}: use 2-64 lower-case letters, digits and hyphens "
            "(--org-id), or an organization name with some letters in it"
        )
    if not request.org_name.strip():
        raise DeployError("the organization needs a name (--org-name)")
    return Request(
        email=str(body.email),
        name=body.name,
        org_name=request.org_name.strip(),
        org_id=org_id,
        timezone=request.timezone,
        another_owner=request.another_owner,
    )


def momentum_environment(outputs: Mapping[str, str]) -> dict[str, str]:
    """The MOMENTUM_* settings that point the momentum package at the stack."""
    missing = [key for key in OUTPUT_SETTINGS if not outputs.get(key)]
    if missing:
        raise DeployError(
            f"the stack has no output {', '.join(missing)}: deploy the current template.yaml"
        )
    return {setting: outputs[key] for key, setting in OUTPUT_SETTINGS.items()}


def use_stack(outputs: Mapping[str, str], region: str, environ: MutableMapping[str, str]) -> None:
    """Point momentum.config (and boto3's default region) at the deployed stack."""
    from momentum.config import get_settings

    environ.update(momentum_environment(outputs))
    environ["AWS_DEFAULT_REGION"] = region
    get_settings.cache_clear()  # settings are read once; these are new


def create(
    *,
    cloudformation: Any,
    stack_name: str,
    request: Request,
    log: Callable[[str], None] = print,
    environ: MutableMapping[str, str] = os.environ,
) -> bool:
    """Create the organization and its first owner; True when something was created."""
    from momentum.domain.errors import DomainError
    from momentum.logic import first_owner

    request = validate(request)
    region = str(cloudformation.meta.region_name)
    use_stack(read_outputs(cloudformation, stack_name), region, environ)
    try:
        result = first_owner.create_first_owner(
            org_id=request.org_id,
            org_name=request.org_name,
            timezone=request.timezone,
            email=request.email,
            name=request.name,
            another_owner=request.another_owner,
        )
    except DomainError as error:
        raise DeployError(error.detail) from None
    org, owner = result.organization, result.owner
    if not result.created:
        log(
            f"{owner.email} is already an owner of organization {org.id} ({org.name}): "
            "nothing to do."
        )
        if org.id != request.org_id:
            log(f"(You asked for organization {request.org_id}; nothing was made there.)")
        return False
    log(f"Organization {org.id} ({org.name}, {org.timezone}) is ready.")
    log(
        f"Owner {owner.name} <{owner.email}> created (user {owner.id}); Cognito is emailing "
        "a temporary password from the stack's SenderAddress."
    )
    log("Next: sign in at the app (the stack's AppUrl output, /app/) and choose a password;")
    log("then run `make smoke` to check the deployment end to end.")
    return True
