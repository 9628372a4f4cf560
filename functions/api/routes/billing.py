"""/clients/{id}/payments, /invoices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy
from momentum.api.idempotency import idempotent_create
from momentum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from momentum.api.resolver import principal
from momentum.schemas.billing import InvoiceCreate, InvoiceView, PaymentCreate, PaymentView
from momentum.schemas.common import RecordId

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
    client_id: Annotated[RecordId, Path()],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[PaymentView]:
    rows, next_cursor = billing.list_payments(
        principal(router.current_event), client_id, limit=limit, cursor=cursor
    )
    return Page[PaymentView](
        items=[PaymentView.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "/clients/<client_id>/payments",
    operation_id="createClientPayment",
    responses=contract.ok("The payment recorded.", status=201),
    summary="Record a payment",
    tags=["Payments"],
    status_code=201,
)
def create_payment(
    client_id: Annotated[RecordId, Path()],
    body: Annotated[PaymentCreate, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Response[PaymentView]:
    caller = principal(router.current_event)
    payment = idempotent_create(
        caller,
        f"POST /clients/{client_id}/payments",
        idempotency_key,
        body,
        lambda: billing.record_payment(caller, client_id, body.model_dump()),
        lambda_context=router.lambda_context,
    )
    return Response(
        status_code=201, content_type="application/json", body=PaymentView.model_validate(payment)
    )


@router.get(
    "/invoices",
    operation_id="listInvoices",
    responses=contract.ok("A page of invoices, newest first."),
    summary="Invoices (by client, or all for administrators)",
    tags=["Invoices"],
)
def list_invoices(
    client_id: Annotated[RecordId | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
) -> Page[InvoiceView]:
    rows, next_cursor = billing.list_invoices(
        principal(router.current_event), client_id=client_id, limit=limit, cursor=cursor
    )
    return Page[InvoiceView](
        items=[InvoiceView.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.post(
    "/invoices",
    operation_id="createInvoice",
    responses=contract.created("The invoice made.", "Location"),
    summary="Invoice services, new packs (from a template) or use of an open pack",
    tags=["Invoices"],
    status_code=201,
)
def create_invoice(
    body: Annotated[InvoiceCreate, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Response[InvoiceView]:
    caller = principal(router.current_event)

    def create() -> dict[str, Any]:
        return billing.create_invoice(caller, body.model_dump())

    invoice = idempotent_create(
        caller, "POST /invoices", idempotency_key, body, create,
        lambda_context=router.lambda_context,
    )  # fmt: skip
    return Response(
        status_code=201,
        content_type="application/json",
        body=InvoiceView.model_validate(invoice),
        headers={"Location": f"/invoices/{invoice['id']}"},
    )


@router.get(
    "/invoices/<invoice_id>",
    operation_id="getInvoice",
    responses=contract.ok("The invoice."),
    summary="Read an invoice",
    tags=["Invoices"],
)
def get_invoice(invoice_id: Annotated[RecordId, Path()]) -> InvoiceView:
    return InvoiceView.model_validate(
        billing.get_invoice(principal(router.current_event), invoice_id)
    )
