"""Tenant webhook deliveries: the outbox of call and application activity (seed 003 webhooks).

One row per event and subscribed webhook. The request is fixed when the event happens (URL,
method, content type and encoded body, so a retry or a replay sends the same message); the
row also keeps the delivery log: attempts, the last answer's status and excerpt, the last
error."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, iso, new_id, utcnow


class DeliveryState(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class TenantWebhookDelivery(SQLModel, table=True):
    __tablename__ = "tenant_webhook_delivery"

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    webhook_id: str = Field(foreign_key="tenantwebhook.id", index=True)
    # The seed's triggered_event (call_activity, application_activty) and what happened.
    event: str = Field(max_length=64)
    action: str = Field(max_length=64)
    object_id: str = Field(max_length=64)
    url: str = Field(max_length=2048)
    http_method: str = Field(max_length=8)
    content_type: str = Field(max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default=DeliveryState.pending.value, max_length=16, index=True)
    attempts: int = Field(default=0)
    next_at: datetime | None = Field(default=None, sa_column=dt_column(nullable=True, index=True))
    last_status_code: int | None = None
    last_answer: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    delivered_at: datetime | None = Field(default=None, sa_column=dt_column(nullable=True))


class TenantWebhookDeliveryPublic(SQLModel):
    id: str
    webhook_id: str
    event: str
    action: str
    object_id: str
    url: str
    http_method: str
    content_type: str
    body: str
    state: str
    attempts: int
    next_at: str | None
    last_status_code: int | None
    last_answer: str | None
    last_error: str | None
    created_at: str
    delivered_at: str | None

    @classmethod
    def from_row(cls, row: TenantWebhookDelivery) -> TenantWebhookDeliveryPublic:
        values = row.model_dump()
        for name in ("next_at", "created_at", "delivered_at"):
            values[name] = iso(values[name])
        return cls(**values)
