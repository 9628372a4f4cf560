"""A client's appointments as the summaries count them, for rebuilding a trimmed summary
(`momentum.logic.summaries`). Read only on the rare write that needs history a summary no
longer lists: one paginated, strongly consistent Query of the client's `A#` block."""

from __future__ import annotations

from momentum.domain.appointments import AppointmentFacts
from momentum.domain.dates import Timezone
from momentum.store import dynamo
from momentum.store.appointments import PREFIX, from_item
from momentum.store.keys import client_pk


def appointment_facts(org_id: str, client_id: str, tz: Timezone) -> list[AppointmentFacts]:
    """Every appointment of the client, as stored now, as the summaries count it."""
    items = dynamo.query_all(client_pk(org_id, client_id), sk_prefix=PREFIX, consistent=True)
    return [from_item(item).facts(tz) for item in items]
