"""SES bounce and complaint events: stop further email to that address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from momentum.observability import logger
from momentum.store import preferences


def record_email_event(event: dict[str, Any], now: datetime) -> list[str]:
    """Suppress the addresses a permanent bounce or a complaint names, in the organization
    the message was sent for (its `org_id` tag). Returns the suppressed addresses."""
    event_type = str(event.get("eventType") or event.get("notificationType") or "")
    tags = (event.get("mail") or {}).get("tags") or {}
    org_ids = tags.get("org_id") or []
    if not org_ids:
        logger.warning("email event without an org_id tag", extra={"event_type": event_type})
        return []
    org_id = str(org_ids[0])
    addresses: list[str] = []
    if event_type == "Bounce":
        bounce = event.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []  # a transient bounce may deliver next time
        addresses = [str(r["emailAddress"]) for r in bounce.get("bouncedRecipients", [])]
    elif event_type == "Complaint":
        complaint = event.get("complaint") or {}
        addresses = [str(r["emailAddress"]) for r in complaint.get("complainedRecipients", [])]
    for address in addresses:
        preferences.suppress(org_id, address, event_type.lower(), now)
    return addresses
