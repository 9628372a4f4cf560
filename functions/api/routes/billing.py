"""/clients/{id}/payments, /invoices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy, respond
from momentum.api.idempotency import create_once
from momentum.api.pagination import Page, page_of
from momentum.api.params import DEFAULT_LIMIT, Cursor, IdempotencyKey, IdFilter, Limit, PathId
from momentum.api.request import principal
from momentum.schemas.billing import InvoiceCreate, InvoiceView, PaymentCreate, PaymentView

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import billing
else:
    billing = lazy.module("momentum.logic.billing")

router = APIGatewayHttpRouter()


@router.get(
    "/clients/<client_id>/payments",
    operation_id="listClientPayments",
    responses=contract.ok("A page of the client's payments, newest first."),
    summary="A client's payments",
    tags=["Payments"],
)
def list_payments(
    client_id: PathId, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[PaymentView]:
    rows, next_cursor = billing.list_payments(
        principal(router), client_id, limit=limit, cursor=cursor
    )
    return page_of(PaymentView, rows, next_cursor)


@router.post(
    "/clients/<client_id>/payments",
    operation_id="createClientPayment",
    responses=contract.ok("The payment recorded.", status=201),
    summary="Record a payment",
    tags=["Payments"],
    status_code=201,
)
def create_payment(
    client_id: PathId,
    body: Annotated[PaymentCreate, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[PaymentView]:
    caller = principal(router)
    payment = create_once(
        router,
        f"POST /clients/{client_id}/payments",
        idempotency_key,
        body,
        lambda: billing.record_payment(caller, client_id, body.model_dump()),
    )
    return respond.ok(PaymentView.model_validate(payment), status=201)


@router.get(
    "/invoices",
    operation_id="listInvoices",
    responses=contract.ok("A page of invoices, newest first."),
    summary="Invoices (by client, or all for administrators)",
    tags=["Invoices"],
)
def list_invoices(
    client_id: IdFilter = None, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[InvoiceView]:
    rows, next_cursor = billing.list_invoices(
        principal(router), client_id=client_id, limit=limit, cursor=cursor
    )
    return page_of(InvoiceView, rows, next_cursor)


@router.post(
    "/invoices",
    operation_id="createInvoice",
    responses=contract.created("The invoice made.", "Location"),
    summary="Invoice services, new packs (from a template) or use of an open pack",
    tags=["Invoices"],
    status_code=201,
)
def create_invoice(
    body: Annotated[InvoiceCreate, Body()], idempotency_key: IdempotencyKey = None
) -> Response[InvoiceView]:
    caller = principal(router)

    def create() -> dict[str, Any]:
        return billing.create_invoice(caller, body.model_dump())

    invoice = create_once(router, "POST /invoices", idempotency_key, body, create)
    return respond.created(
        InvoiceView.model_validate(invoice), location=f"/invoices/{invoice['id']}"
    )


@router.get(
    "/invoices/<invoice_id>",
    operation_id="getInvoice",
    responses=contract.ok("The invoice."),
    summary="Read an invoice",
    tags=["Invoices"],
)
def get_invoice(invoice_id: PathId) -> InvoiceView:
    return InvoiceView.model_validate(billing.get_invoice(principal(router), invoice_id))
