"""The dispatcher: claims due outbox rows, sends them under their idempotency key, marks them sent.

Claiming is a conditional UPDATE that commits before anything is sent; on PostgreSQL the candidate rows
are first locked ``FOR UPDATE SKIP LOCKED``, so two dispatchers never claim the same row. A claim is a
lease: if the dispatcher dies between sending and marking, the lease runs out, the row is claimed again
and sent again under the same key — the receiver (Message-ID, Idempotency-Key) absorbs the repeat.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from hub import clock
from hub.alerts import channels, messages
from hub.alerts.models import AlertDelivery, AlertItem, AlertSubscription, Channel, DeliveryStatus, Rhythm, SubscriptionStatus
from hub.alerts.service import OWNER_NOTICES, disable_webhook
from hub.db import is_postgres
from hub.events import Event

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass
class Dispatch:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def claim(session: Session, *, limit: int) -> list[AlertDelivery]:
    """Claim up to ``limit`` due deliveries for this dispatcher and give each its message key; commits."""
    now = clock.now()
    token = secrets.token_hex(16)
    claimable = or_(AlertDelivery.claimed_until.is_(None), AlertDelivery.claimed_until < now)
    candidates = (
        select(AlertDelivery.id)
        .join(AlertItem, AlertItem.id == AlertDelivery.item_id)
        .join(AlertSubscription, AlertSubscription.id == AlertItem.subscription_id)
        .join(Event, Event.id == AlertItem.event_id)
        .where(
            AlertDelivery.status == DeliveryStatus.PENDING, AlertDelivery.due_at <= now, claimable,
            or_(AlertSubscription.status == SubscriptionStatus.ACTIVE, Event.name.in_(OWNER_NOTICES)),
            or_(AlertDelivery.channel == Channel.EMAIL, AlertSubscription.webhook_disabled_at.is_(None)),
        )
        .order_by(AlertDelivery.id)
        .limit(limit)
    )
    if is_postgres(session):
        # Lock the candidates first (skipping rows another dispatcher is claiming), then claim exactly those.
        chosen = AlertDelivery.id.in_(session.scalars(candidates.with_for_update(of=AlertDelivery, skip_locked=True)).all())
    else:
        # One statement: SQLite runs it under its single write lock.
        chosen = AlertDelivery.id.in_(candidates)
    session.execute(
        update(AlertDelivery)
        .where(chosen, AlertDelivery.status == DeliveryStatus.PENDING, claimable)
        .values(claim_token=token, claimed_until=now + timedelta(seconds=current_app.config["ALERTS_CLAIM_SECONDS"]))
        .execution_options(synchronize_session=False)
    )
    claimed = list(session.scalars(
        select(AlertDelivery).where(AlertDelivery.claim_token == token).order_by(AlertDelivery.id)
        .options(joinedload(AlertDelivery.item).joinedload(AlertItem.subscription),
                 joinedload(AlertDelivery.item).joinedload(AlertItem.event))
    ))
    _assign_message_keys(claimed)
    session.commit()
    return claimed


def _is_digest(delivery: AlertDelivery) -> bool:
    item = delivery.item
    return (delivery.channel == Channel.EMAIL and item.subscription.rhythm != Rhythm.IMMEDIATE
            and item.event.name not in OWNER_NOTICES)


def _assign_message_keys(claimed: list[AlertDelivery]) -> None:
    """Keys are set once: a digest resent after a crash keeps its key and its content."""
    digests: dict[int, list[AlertDelivery]] = defaultdict(list)
    for delivery in claimed:
        if delivery.message_key:
            continue
        if _is_digest(delivery):
            digests[delivery.item.subscription_id].append(delivery)
        else:
            delivery.message_key = delivery.item.idempotency_key
    for subscription_id, group in digests.items():
        key = f"grenshub-digest-{subscription_id}-{group[0].id}"
        for delivery in group:
            delivery.message_key = key


def dispatch(session: Session, *, limit: int = 100) -> Dispatch:
    """Send one claimed batch; each message is marked (and committed) right after it went out."""
    result = Dispatch()
    claimed = claim(session, limit=limit)
    result.claimed = len(claimed)
    messages_by_key: dict[tuple[Channel, str], list[AlertDelivery]] = defaultdict(list)
    for delivery in claimed:
        messages_by_key[(delivery.channel, delivery.message_key or "")].append(delivery)
    config = current_app.config
    with channels.Mailer(config) as mailer:
        for (channel, key), group in messages_by_key.items():
            subscription = group[0].item.subscription
            try:
                with force_locale(subscription.locale):
                    _send(session, mailer, channel, key, group, config)
            except channels.DeliveryError as error:
                _failed(session, channel, group, str(error), result)
            else:
                _mark(session, group, status=DeliveryStatus.SENT, sent_at=clock.now(),
                      attempts=group[0].attempts + 1, last_error="")
                result.sent += len(group)
            session.commit()
    return result


def _send(session: Session, mailer: channels.Mailer, channel: Channel, key: str, group: list[AlertDelivery],
          config: Mapping[str, Any]) -> None:
    subscription = group[0].item.subscription
    if channel == Channel.EMAIL:
        items = [delivery.item for delivery in group]
        mailer.send(messages.build_email(session, subscription, items, key, clock.now()), key)
        return
    item = group[0].item
    if not subscription.webhook_url or not subscription.webhook_secret:
        raise channels.DeliveryError("the subscription has no webhook any more")
    channels.post_webhook(
        subscription.webhook_url, subscription.webhook_secret, messages.build_webhook(session, subscription, item, key),
        key=key, event=item.event.name, timeout=config["WEBHOOK_TIMEOUT"], allow_private=config["WEBHOOK_ALLOW_PRIVATE"],
    )


def _mark(session: Session, group: list[AlertDelivery], **values: Any) -> None:
    """Update the group's rows, but only while the claim is still ours."""
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id.in_([d.id for d in group]), AlertDelivery.claim_token == group[0].claim_token)
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )


def _failed(session: Session, channel: Channel, group: list[AlertDelivery], error: str, result: Dispatch) -> None:
    """Retry later with backoff; after the last attempt give up (and switch off a failing webhook)."""
    attempts = group[0].attempts + 1
    limit = current_app.config["WEBHOOK_MAX_ATTEMPTS" if channel == Channel.WEBHOOK else "SMTP_MAX_ATTEMPTS"]
    if attempts < limit:
        _mark(session, group, attempts=attempts, due_at=clock.now() + backoff(attempts), last_error=error[:2000])
        result.retrying += len(group)
        return
    _mark(session, group, attempts=attempts, status=DeliveryStatus.FAILED, last_error=error[:2000])
    result.failed += len(group)
    subscription = group[0].item.subscription
    if channel == Channel.WEBHOOK and subscription.webhook_disabled_at is None:
        disable_webhook(session, subscription, error)
