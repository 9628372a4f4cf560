"""/me/preferences: which kinds of email the caller receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy, respond
from momentum.api.etags import expected_version
from momentum.api.params import IfMatch
from momentum.api.request import principal
from momentum.schemas.preferences import EmailChoices, PreferencesBody, PreferencesView

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import preferences
else:
    preferences = lazy.module("momentum.logic.preferences")

router = APIGatewayHttpRouter()
TAGS = ["Preferences"]


def _view(prefs: preferences.Preferences) -> Response[PreferencesView]:
    emails = EmailChoices.model_validate(prefs.emails)
    return respond.ok(PreferencesView(emails=emails, version=prefs.version), version=prefs.version)


@router.get(
    "/me/preferences",
    operation_id="getPreferences",
    responses=contract.ok("Which kinds of email you receive.", "ETag"),
    summary="Your email preferences",
    tags=TAGS,
)
def get_preferences() -> Response[PreferencesView]:
    return _view(preferences.get_preferences(principal(router)))


@router.put(
    "/me/preferences",
    operation_id="replacePreferences",
    responses=contract.ok("Your choices as stored now.", "ETag"),
    summary="Choose which kinds of email you receive",
    tags=TAGS,
)
def put_preferences(
    body: Annotated[PreferencesBody, Body()], if_match: IfMatch = None
) -> Response[PreferencesView]:
    prefs = preferences.replace_preferences(
        principal(router), body.emails.model_dump(), expected_version(if_match)
    )
    return _view(prefs)
