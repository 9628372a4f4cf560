"""Payments and invoices. Both are linked to a client: they block deleting it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role
from momentum.domain.dates import today_in
from momentum.domain.errors import FieldError, Forbidden, InvalidInput, NotFound
from momentum.domain.packages import can_take_appointments, ensure_can_take_appointment
from momentum.logic.access import load_client
from momentum.logic.organizations import organization_settings
from momentum.logic.packages import new_package_record
from momentum.logic.tracking import refresh_package
from momentum.store import dynamo
from momentum.store import package_templates as template_store
from momentum.store import packages as package_store
from momentum.store.clients import CLIENT_SK, ClientRecord
from momentum.store.due import instant_text
from momentum.store.keys import client_pk

PAYMENT_PREFIX = "U#PAY#"
INVOICE_PREFIX = "U#INV#"


def invoices_list_pk(org_id: str) -> str:
    return f"ORG#{org_id}#INVS"


def _ensure_practice(principal: Principal) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Only the practice records payments and invoices.")


def _linked_op(client: ClientRecord) -> dict[str, Any]:
    """Count the new link on the client in the same transaction: a delete racing this write
    sees it (its condition is `payments = 0`), so no payment is ever left without a client."""
    return dynamo.update_op(
        client_pk(client.org_id, client.id),
        CLIENT_SK,
        update="ADD payments :one",
        condition="attribute_exists(pk)",
        values={":one": 1},
    )


def record_payment(principal: Principal, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
    client = load_client(principal, client_id)
    _ensure_practice(principal)
    payment = {
        "id": ids.new_owned_id("pay", client.id),
        "client_id": client.id,
        "amount": str(Decimal(body["amount"])),
        "currency": body["currency"],
        "date": body["date"].isoformat(),
        "reference": body.get("reference") or "",
        "created_at": instant_text(clock.current().now()),
    }
    item = {
        "pk": client_pk(principal.org_id, client.id),
        "sk": PAYMENT_PREFIX + payment["id"],
        "type": "payment",
        "org_id": principal.org_id,
        **payment,
    }
    try:
        dynamo.transact_write(
            [dynamo.put_op(item, condition="attribute_not_exists(pk)"), _linked_op(client)]
        )
    except dynamo.ConditionFailed:
        # A create retried after its first attempt wrote (same Idempotency-Key, same id).
        existing = dynamo.get_item(item["pk"], item["sk"])
        if existing is not None:
            return {k: existing[k] for k in payment}
        raise NotFound("No such client.") from None
    return payment


def _by_date(payment: dict[str, Any]) -> tuple[str, str]:
    return str(payment["date"]), str(payment["id"])


def list_payments(
    principal: Principal, client_id: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A client's payments, newest first, one page."""
    from momentum.store.cursors import page_of

    client = load_client(principal, client_id)
    items = dynamo.query_all(client_pk(principal.org_id, client.id), sk_prefix=PAYMENT_PREFIX)
    return page_of(
        sorted(items, key=_by_date, reverse=True),
        _by_date,
        limit=limit,
        cursor=cursor,
        org_id=principal.org_id,
        scope=f"payments|{client.id}",
        now=clock.current().now(),
        descending=True,
    )


def create_invoice(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """Lines are services, new packs (made from a template now, in the same transaction)
    or use of an open pack (409 if it is not open)."""
    _ensure_practice(principal)
    client = load_client(principal, str(body["client_id"]))
    tz = organization_settings(principal.org_id).timezone
    today = today_in(tz, clock.current().now())
    ops: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    packages = {p.id: p for p in package_store.list_for_client(principal.org_id, client.id)}
    for index, line in enumerate(body["lines"]):
        out = {
            "kind": line["kind"],
            "description": line.get("description") or "",
            "amount": str(Decimal(line["amount"])),
            "template_id": None,
            "package_id": None,
        }
        if line["kind"] == "new_pack":
            template = template_store.get(principal.org_id, line.get("template_id") or "")
            if template is None:
                raise _line_error(index, "template_id", "a new pack needs a template of yours")
            record = refresh_package(
                new_package_record(principal, client, {}, today=today, template=template), today, tz
            )
            ops.append(package_store.write_op(record, expected_version=0, expected_state_version=0))
            out |= {"template_id": template["id"], "package_id": record.id}
            out["description"] = out["description"] or str(template["name"])
        elif line["kind"] == "use_pack":
            package = packages.get(line.get("package_id") or "")
            if package is None:
                raise _line_error(index, "package_id", "no such package for this client")
            if not can_take_appointments(package.package, package.package_summary(), today):
                # Says why: used up, expired, cancelled, or this period's allowance (409).
                ensure_can_take_appointment(
                    package.package, package.package_summary(), today, today
                )
            out["package_id"] = package.id
        lines.append(out)
    invoice = {
        "id": ids.new_owned_id("inv", client.id),
        "client_id": client.id,
        "date": body["date"].isoformat(),
        "currency": body["currency"],
        "lines": lines,
        "total": str(sum((Decimal(line["amount"]) for line in lines), Decimal(0))),
        "created_at": instant_text(clock.current().now()),
    }
    item = {
        "pk": client_pk(principal.org_id, client.id),
        "sk": INVOICE_PREFIX + invoice["id"],
        "type": "invoice",
        "org_id": principal.org_id,
        "gsi1pk": invoices_list_pk(principal.org_id),
        "gsi1sk": f"{invoice['date']}#{invoice['id']}",
        **invoice,
    }
    ops = [dynamo.put_op(item, condition="attribute_not_exists(pk)"), _linked_op(client), *ops]
    dynamo.transact_write(ops)
    return invoice


def _line_error(index: int, field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(("body", "lines", index, field), message)])


def get_invoice(principal: Principal, invoice_id: str) -> dict[str, Any]:
    client_id = ids.owner_client(invoice_id, "inv")
    if client_id is None:
        raise NotFound("No such invoice.")
    item = dynamo.get_item(client_pk(principal.org_id, client_id), INVOICE_PREFIX + invoice_id)
    if item is None:
        raise NotFound("No such invoice.")
    load_client(principal, client_id)
    return item


def list_invoices(
    principal: Principal, *, client_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    from momentum.store.cursors import decode_cursor, encode_cursor

    now = clock.current().now()
    if principal.role is Role.CLIENT:
        # Another client's id is refused by load_client (404), never answered with their own.
        client_id = client_id or principal.client_id
    scope = f"invoices|{client_id}"
    start = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=now)
    if client_id is not None:
        load_client(principal, client_id)
        items, last = dynamo.query(
            client_pk(principal.org_id, client_id),
            sk_prefix=INVOICE_PREFIX,
            limit=limit,
            start_key=start,
        )
    else:
        if not principal.is_org_admin:
            raise Forbidden("List invoices by client (client_id) unless you are an administrator.")
        items, last = dynamo.query(
            invoices_list_pk(principal.org_id), index="gsi1", limit=limit, start_key=start,
            forward=False,
        )  # fmt: skip
    return items, encode_cursor(last, org_id=principal.org_id, scope=scope, now=now)
