"""Subscriptions, the marks that make cliff thresholds fire once, and the transactional outbox."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, BigId, str_enum


class ScopeKind(enum.StrEnum):
    """What a subscription follows. Stored as text, so a new kind (a lobby priority) needs no migration.

    Events whose subject is an initiative (or that name one in ``payload["initiative_id"]``) match the
    initiative-derived kinds; any other event matches subscriptions whose kind equals its subject type
    and whose key equals its subject id.
    """

    ALL = "all"
    INITIATIVE = "initiative"
    ORGANISATION = "organisation"
    THEME = "theme"
    REGION = "region"
    LOBBY_PRIORITY = "lobby_priority"


class Rhythm(enum.StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


class SubscriptionStatus(enum.StrEnum):
    PENDING = "pending"  # anonymous, waiting for the double opt-in
    ACTIVE = "active"
    PAUSED = "paused"
    UNSUBSCRIBED = "unsubscribed"


class Channel(enum.StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class AlertSubscription(Base):
    """Who wants to hear about what, how and how often. ``email`` is set for every subscriber."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    scope_kind: Mapped[str] = mapped_column(String(32))
    scope_key: Mapped[str] = mapped_column(String(64))
    rhythm: Mapped[Rhythm] = mapped_column(str_enum(Rhythm, length=16))
    status: Mapped[SubscriptionStatus] = mapped_column(str_enum(SubscriptionStatus, length=16), index=True)
    email_enabled: Mapped[bool] = mapped_column(default=True)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(64))
    webhook_disabled_at: Mapped[datetime | None]
    # Reminder offsets in days around stream ends and renewal decisions ("-90,0,14"); None: HUB_REMINDER_OFFSETS.
    reminder_offsets: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    user = relationship("User")

    __table_args__ = (
        UniqueConstraint("email", "scope_kind", "scope_key"),
        Index("ix_alert_subscriptions_scope", "scope_kind", "scope_key"),
    )

    @property
    def webhook_active(self) -> bool:
        return bool(self.webhook_url) and self.webhook_disabled_at is None


class AlertItem(Base):
    """One event that concerns one subscription: the unit of exactly-once (its id is the idempotency key)."""

    __tablename__ = "alert_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]

    subscription: Mapped[AlertSubscription] = relationship()
    event = relationship("Event")

    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),)

    @property
    def idempotency_key(self) -> str:
        return f"grenshub-alert-{self.subscription_id}-{self.event_id}"


class AlertDelivery(Base):
    """The transactional outbox: one push of one item over one channel, written with the consumer's cursor.

    A dispatcher claims due rows (``claim_token``/``claimed_until``), sends, then marks them sent; a crash
    in between leaves the claim to expire and the row is sent again under the same ``message_key``.
    """

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("alert_items.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, length=16))
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus, length=16))
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_until: Mapped[datetime | None]
    # Set for good at the first claim: a retried digest is resent as the same message.
    message_key: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[AlertItem] = relationship()

    __table_args__ = (
        UniqueConstraint("item_id", "channel"),
        Index("ix_alert_deliveries_due", "status", "due_at"),
    )


class CliffMark(Base):
    """A threshold that has fired (or was passed over) for one initiative's funding horizon.

    Keyed on the horizon date: a changed horizon has no marks, so its thresholds are armed again.
    ``closed_at`` is set once the horizon is no longer the initiative's (lifted or moved).
    """

    __tablename__ = "alert_cliff_marks"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    horizon: Mapped[date] = mapped_column(primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True)
    announced: Mapped[bool]
    fired_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class StreamEndMark(Base):
    """A funding stream whose end without a structural successor has been announced."""

    __tablename__ = "alert_stream_end_marks"

    stream_id: Mapped[int] = mapped_column(ForeignKey("funding_streams.id", ondelete="CASCADE"), primary_key=True)
    end_date: Mapped[date] = mapped_column(primary_key=True)
    fired_at: Mapped[datetime]


class StreamRule(enum.StrEnum):
    """The dates of a stream that reminders are set on."""

    END = "end"  # the stream's effective end, while a later stream keeps the initiative going (a partial cliff)
    DECISION = "decision"  # the renewal decision date, while no successor or extension is recorded


class StreamMark(Base):
    """A reminder offset that has fired (or was passed over) for one stream, rule and date.

    Keyed on the date as CliffMark is on the horizon: a moved date has no marks, so its reminders arm again.
    """

    __tablename__ = "alert_stream_marks"

    stream_id: Mapped[int] = mapped_column(ForeignKey("funding_streams.id", ondelete="CASCADE"), primary_key=True)
    rule: Mapped[StreamRule] = mapped_column(str_enum(StreamRule, length=16), primary_key=True)
    target: Mapped[date] = mapped_column(primary_key=True)
    offset: Mapped[int] = mapped_column(primary_key=True)
    announced: Mapped[bool]
    fired_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class ConsumerCursor(Base):
    """How far a consumer has read the event stream; advanced in the transaction that acts on the events."""

    __tablename__ = "alert_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(BigId, default=0)


class ChannelHealth(Base):
    """A channel that failed at the connection level, paused with backoff: ``email`` or ``webhook:<host>``.

    Such an outage says nothing about the messages, so it does not count against their attempts.
    The row goes away with the first message the channel accepts again.
    """

    __tablename__ = "alert_channel_health"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int]
    paused_until: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text)
