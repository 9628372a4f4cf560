"""Payments (`sk = U#PAY#<id>`) and invoices (`sk = U#INV#<id>`) in their client's
partition `ORG#<org>#CL#<client>`; the organization's invoices on `gsi1`
(`ORG#<org>#INVS`, by date).

Both are linked to their client: writing one counts it on the client (`payments`), whose
delete needs that count at 0, so none is ever left without its client."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from momentum.store import dynamo
from momentum.store.clients import CLIENT_SK
from momentum.store.keys import client_pk
from momentum.store.pages import query_page
from momentum.store.transactions import Op

PAYMENT_PREFIX = "U#PAY#"
INVOICE_PREFIX = "U#INV#"


def invoices_list_pk(org_id: str) -> str:
    return f"ORG#{org_id}#INVS"


def _linked_op(org_id: str, client_id: str) -> Op:
    """Count the new link on the client in the same transaction: a delete racing this write
    sees it (its condition is `payments = 0`)."""
    return dynamo.update_op(
        client_pk(org_id, client_id),
        CLIENT_SK,
        update="ADD payments :one",
        condition="attribute_exists(pk)",
        values={":one": 1},
    )


def _linked_create_ops(
    org_id: str, sk: str, item_type: str, record: dict[str, Any], **lists: str
) -> list[Op]:
    client_id = str(record["client_id"])
    item = {
        "pk": client_pk(org_id, client_id),
        "sk": sk,
        "type": item_type,
        "org_id": org_id,
        **lists,
        **record,
    }
    return [
        dynamo.put_op(item, condition="attribute_not_exists(pk)"),
        _linked_op(org_id, client_id),
    ]


def create_payment_ops(org_id: str, payment: dict[str, Any]) -> list[Op]:
    """A new payment, linked to its client: fails (ChangedMeanwhile) when its id is taken
    (an earlier attempt wrote it) or the client is gone."""
    return _linked_create_ops(org_id, PAYMENT_PREFIX + str(payment["id"]), "payment", payment)


def get_payment(org_id: str, client_id: str, payment_id: str) -> dict[str, Any] | None:
    return dynamo.get_item(client_pk(org_id, client_id), PAYMENT_PREFIX + payment_id)


def client_payments(org_id: str, client_id: str) -> list[dict[str, Any]]:
    """All of a client's payments (a client has a handful: one Query)."""
    return dynamo.query_all(client_pk(org_id, client_id), sk_prefix=PAYMENT_PREFIX)


def create_invoice_ops(org_id: str, invoice: dict[str, Any]) -> list[Op]:
    """A new invoice, linked to its client and listed for the organization by date: fails
    (ChangedMeanwhile) when the client is gone."""
    return _linked_create_ops(
        org_id,
        INVOICE_PREFIX + str(invoice["id"]),
        "invoice",
        invoice,
        gsi1pk=invoices_list_pk(org_id),
        gsi1sk=f"{invoice['date']}#{invoice['id']}",
    )


def get_invoice(org_id: str, client_id: str, invoice_id: str) -> dict[str, Any] | None:
    return dynamo.get_item(client_pk(org_id, client_id), INVOICE_PREFIX + invoice_id)


def client_invoice_page(
    org_id: str, client_id: str, *, limit: int, cursor: str | None, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a client's invoices, by id."""
    return query_page(
        client_pk(org_id, client_id),
        org_id=org_id,
        scope=f"invoices|{client_id}",
        limit=limit,
        cursor=cursor,
        now=now,
        sk_prefix=INVOICE_PREFIX,
    )


def org_invoice_page(
    org_id: str, *, limit: int, cursor: str | None, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the organization's invoices, newest first."""
    return query_page(
        invoices_list_pk(org_id),
        org_id=org_id,
        scope="invoices|None",  # the list without a client_id (as its cursors were bound)
        limit=limit,
        cursor=cursor,
        now=now,
        index="gsi1",
        forward=False,
    )
