"""What every engagement use case needs: the organization's today, and refusing nulls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from momentum import clock
from momentum.domain.dates import today_in
from momentum.domain.errors import FieldError, InvalidInput
from momentum.logic.organizations import organization_settings

ENGAGEMENT = "engagement"  # the thing written (messages) and the kind of history item
TEMPLATE = "template"


def now() -> datetime:
    return clock.current().now()


def today_for(org_id: str) -> tuple[date, str]:
    """Today in the organization, and its timezone."""
    tz = organization_settings(org_id).timezone
    return today_in(tz, now()), tz


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(("body", field), message)])


def refuse_nulls(changes: Mapping[str, Any], names: Iterable[str]) -> None:
    """A PATCH may leave these fields out, never set them to null (422)."""
    for name in names:
        if name in changes and changes[name] is None:
            raise invalid(name, "cannot be null")
