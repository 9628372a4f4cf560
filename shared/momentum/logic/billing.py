"""Payments and invoices. Both are linked to a client: they block deleting it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role
from momentum.domain.dates import today_in
from momentum.domain.errors import ChangedMeanwhile, FieldError, Forbidden, InvalidInput, NotFound
from momentum.domain.packages import can_take_appointments, ensure_can_take_appointment
from momentum.logic.access import load_client
from momentum.logic.organizations import organization_settings
from momentum.logic.packages import new_package_record
from momentum.logic.tracking import refresh_package
from momentum.store import billing as billing_store
from momentum.store import package_templates as template_store
from momentum.store import packages as package_store
from momentum.store import transactions
from momentum.store.clients import ClientRecord
from momentum.store.cursors import page_of
from momentum.store.due import instant_text
from momentum.store.packages import PackageRecord
from momentum.store.transactions import Op


def _ensure_practice(principal: Principal) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Only the practice records payments and invoices.")


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
    try:
        transactions.commit(billing_store.create_payment_ops(principal.org_id, payment))
    except ChangedMeanwhile:
        # A create retried after its first attempt wrote (same Idempotency-Key, same id).
        existing = billing_store.get_payment(principal.org_id, client.id, payment["id"])
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
    client = load_client(principal, client_id)
    items = billing_store.client_payments(principal.org_id, client.id)
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


@dataclass(frozen=True)
class _Sale:
    """What an invoice's lines are read against."""

    principal: Principal
    client: ClientRecord
    today: date
    timezone: str
    packages: dict[str, PackageRecord]  # the client's, by id


def create_invoice(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """Lines are services, new packs (made from a template now, in the same transaction)
    or use of an open pack (409 if it is not open)."""
    _ensure_practice(principal)
    client = load_client(principal, str(body["client_id"]))
    tz = organization_settings(principal.org_id).timezone
    sale = _Sale(
        principal,
        client,
        today_in(tz, clock.current().now()),
        tz,
        {p.id: p for p in package_store.list_for_client(principal.org_id, client.id)},
    )
    lines: list[dict[str, Any]] = []
    new_packs: list[Op] = []
    for index, line in enumerate(body["lines"]):
        out, made = _invoice_line(sale, index, line)
        lines.append(out)
        new_packs += made
    invoice = {
        "id": ids.new_owned_id("inv", client.id),
        "client_id": client.id,
        "date": body["date"].isoformat(),
        "currency": body["currency"],
        "lines": lines,
        "total": str(sum((Decimal(line["amount"]) for line in lines), Decimal(0))),
        "created_at": instant_text(clock.current().now()),
    }
    transactions.commit([*billing_store.create_invoice_ops(principal.org_id, invoice), *new_packs])
    return invoice


def _invoice_line(sale: _Sale, index: int, line: dict[str, Any]) -> tuple[dict[str, Any], list[Op]]:
    """One line as the invoice keeps it, and the write of the pack a `new_pack` line makes."""
    out: dict[str, Any] = {
        "kind": line["kind"],
        "description": line.get("description") or "",
        "amount": str(Decimal(line["amount"])),
        "template_id": None,
        "package_id": None,
    }
    if line["kind"] == "new_pack":
        template, record = _new_pack(sale, index, line.get("template_id") or "")
        out |= {"template_id": template["id"], "package_id": record.id}
        out["description"] = out["description"] or str(template["name"])
        return out, [package_store.write_op(record, expected_version=0, expected_state_version=0)]
    if line["kind"] == "use_pack":
        out["package_id"] = _open_pack(sale, index, line.get("package_id") or "").id
    return out, []


def _new_pack(sale: _Sale, index: int, template_id: str) -> tuple[dict[str, Any], PackageRecord]:
    template = template_store.get(sale.principal.org_id, template_id)
    if template is None:
        raise _line_error(index, "template_id", "a new pack needs a template of yours")
    made = new_package_record(sale.principal, sale.client, {}, today=sale.today, template=template)
    return template, refresh_package(made, sale.today, sale.timezone)


def _open_pack(sale: _Sale, index: int, package_id: str) -> PackageRecord:
    package = sale.packages.get(package_id)
    if package is None:
        raise _line_error(index, "package_id", "no such package for this client")
    summary = package.package_summary()
    if not can_take_appointments(package.package, summary, sale.today):
        # Says why: used up, expired, cancelled, or this period's allowance (409).
        ensure_can_take_appointment(package.package, summary, sale.today, sale.today)
    return package


def _line_error(index: int, field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(("body", "lines", index, field), message)])


def get_invoice(principal: Principal, invoice_id: str) -> dict[str, Any]:
    client_id = ids.owner_client(invoice_id, "inv")
    if client_id is None:
        raise NotFound("No such invoice.")
    item = billing_store.get_invoice(principal.org_id, client_id, invoice_id)
    if item is None:
        raise NotFound("No such invoice.")
    load_client(principal, client_id)
    return item


def list_invoices(
    principal: Principal, *, client_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    now = clock.current().now()
    if principal.role is Role.CLIENT:
        # Another client's id is refused by load_client (404), never answered with their own.
        client_id = client_id or principal.client_id
    if client_id is not None:
        load_client(principal, client_id)
        return billing_store.client_invoice_page(
            principal.org_id, client_id, limit=limit, cursor=cursor, now=now
        )
    if not principal.is_org_admin:
        raise Forbidden("List invoices by client (client_id) unless you are an administrator.")
    return billing_store.org_invoice_page(principal.org_id, limit=limit, cursor=cursor, now=now)
