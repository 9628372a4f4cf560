"""Payments and invoices (SPEC §2, §4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from momentum.schemas.common import ApiDate, ApiModel, IsoDate, RecordId, ShortText

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Amount = Annotated[Decimal, Field(gt=0, le=Decimal("1000000"), max_digits=12, decimal_places=2)]


class PaymentCreate(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"amount": "60.00", "currency": "GBP", "date": "2026-05-01",
                          "reference": "Card 4242"}]
        },
    )  # fmt: skip

    amount: Amount
    currency: Currency
    date: ApiDate
    reference: ShortText = ""


class PaymentView(ApiModel):
    id: str
    client_id: str
    amount: Decimal
    currency: str
    date: IsoDate
    reference: str
    created_at: str


class InvoiceLine(ApiModel):
    """A service, a new pack from a template, or use of one of the client's open packs."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["service", "new_pack", "use_pack"]
    description: ShortText = ""
    amount: Annotated[Decimal, Field(ge=0, le=Decimal("1000000"), max_digits=12, decimal_places=2)]
    template_id: RecordId | None = Field(default=None, description="new_pack: the template")
    package_id: RecordId | None = Field(default=None, description="use_pack: an open package")


class InvoiceCreate(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "client_id": "cl_Q1E2JZS00T5C4RS9AXADT762MV",
                    "date": "2026-05-01",
                    "currency": "GBP",
                    "lines": [
                        {"kind": "new_pack", "template_id": "tpl_D6N64DHAKBS9E3DSQAQSTSF2Y6",
                         "amount": "450.00", "description": "10-session pack"}
                    ],
                }
            ]
        },
    )  # fmt: skip

    client_id: RecordId
    date: ApiDate
    currency: Currency
    lines: list[InvoiceLine] = Field(min_length=1, max_length=50)


class InvoiceLineView(ApiModel):
    kind: str
    description: str
    amount: Decimal
    template_id: str | None = None
    package_id: str | None = None


class InvoiceView(ApiModel):
    id: str
    client_id: str
    date: IsoDate
    currency: str
    lines: list[InvoiceLineView]
    total: Decimal
    created_at: str
