"""The dispatcher: claims due outbox rows, sends them under their idempotency key, marks them sent.

Claiming is a conditional UPDATE that commits before anything is sent; on PostgreSQL the candidate rows
are first locked ``FOR UPDATE SKIP LOCKED``, so any number of dispatchers (every worker runs one) divide
the work without a leader. A claim is a fenced lease:

- a heartbeat renews the batch's lease while it is being sent;
- right before each send the claim is renewed once more, compared on the claim token: a row another
  dispatcher took over after this one stalled is not sent again;
- marking a row compares the token too.

So without faults every message goes out once. If a dispatcher dies (or stalls past its lease) between
sending and marking, the row is claimed again and sent again under the same key, which the receiver
(Message-ID, Idempotency-Key) absorbs.

Messages go out in parallel: ``ALERTS_SENDERS`` threads per channel, and each webhook host gets at most
half of them, so a slow receiver only delays its own deliveries. Every exchange has a total deadline.
A channel failing at the connection level (SMTP down, a receiver timing out) is paused with backoff
(``ChannelHealth``) and its messages wait without losing an attempt; only a refusal of one message
counts against that message.
"""
from __future__ import annotations

import itertools
import secrets
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from hub import clock
from hub.alerts import channels, messages
from hub.alerts.models import (
    AlertDelivery,
    AlertItem,
    AlertSubscription,
    Channel,
    ChannelHealth,
    DeliveryStatus,
    Rhythm,
    SubscriptionStatus,
)
from hub.alerts.service import OWNER_NOTICES, disable_webhook
from hub.db import get_session, is_postgres
from hub.events import Event

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
PAUSE_MAX = timedelta(hours=1)
MAX_BATCH = 100

# Set by the worker on SIGTERM: senders hand back what they have not started, batches stop.
stopping = threading.Event()
# Claim tokens of the batches this process is sending, for ``hand_back`` at shutdown.
_held: set[str] = set()


@dataclass
class Dispatch:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0  # handed back unsent: channel paused, claim lost or shutting down

    def add(self, other: Dispatch) -> None:
        for name in ("claimed", "sent", "retrying", "failed", "released"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def batch_size(config: Mapping[str, Any]) -> int:
    """As many messages as the senders get through within one lease even if every send hits its deadline
    (the heartbeat normally renews the lease; this keeps a stalled heartbeat from costing duplicates)."""
    deadline = max(config["WEBHOOK_TIMEOUT"], config["SMTP_TIMEOUT"])
    return max(1, min(MAX_BATCH, config["ALERTS_CLAIM_SECONDS"] * config["ALERTS_SENDERS"] // deadline))


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["ALERTS_CLAIM_SECONDS"])


def claim(session: Session, *, limit: int, skip_email: bool = False) -> list[AlertDelivery]:
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
    if skip_email:
        candidates = candidates.where(AlertDelivery.channel != Channel.EMAIL)
    if is_postgres(session):
        # Lock the candidates first (skipping rows another dispatcher is claiming), then claim exactly those.
        chosen = AlertDelivery.id.in_(session.scalars(candidates.with_for_update(of=AlertDelivery, skip_locked=True)).all())
    else:
        # One statement: SQLite runs it under its single write lock.
        chosen = AlertDelivery.id.in_(candidates)
    session.execute(
        update(AlertDelivery)
        .where(chosen, AlertDelivery.status == DeliveryStatus.PENDING, claimable)
        .values(claim_token=token, claimed_until=now + _lease())
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


@dataclass(frozen=True)
class Message:
    """One message to send: the claimed rows it covers and the channel (``email`` or ``webhook:<host>``) it uses."""

    channel: Channel
    key: str
    ids: tuple[int, ...]
    token: str
    route: str


class Health:
    """The paused channels, shared by the sender threads of one batch and kept in ``ChannelHealth``."""

    def __init__(self, session: Session) -> None:
        self._rows = {row.name: (row.failures, row.paused_until) for row in session.scalars(select(ChannelHealth))}
        self._lock = threading.Lock()

    def paused_until(self, route: str) -> datetime | None:
        with self._lock:
            failures_until = self._rows.get(route)
        if failures_until is None or failures_until[1] <= clock.now():
            return None
        return failures_until[1]

    def pause(self, session: Session, route: str, error: str) -> datetime:
        """Pause the channel (doubling the pause on every failure in a row); the caller commits."""
        with self._lock:
            failures, until = self._rows.get(route, (0, None))
            if until is not None and until > clock.now():
                return until  # another sender of this batch saw the same outage
            failures += 1
            until = clock.now() + min(
                timedelta(seconds=current_app.config["ALERTS_PAUSE_SECONDS"]) * 2 ** (failures - 1), PAUSE_MAX)
            self._rows[route] = (failures, until)
        insert = pg_insert if is_postgres(session) else sqlite_insert
        session.execute(insert(ChannelHealth).values(name=route, failures=failures, paused_until=until, last_error=error[:2000])
                        .on_conflict_do_update(index_elements=["name"], set_={
                            "failures": failures, "paused_until": until, "last_error": error[:2000]}))
        current_app.logger.warning("channel %s paused until %s: %s", route, until.isoformat(), error)
        return until

    def recovered(self, session: Session, route: str) -> None:
        with self._lock:
            known = self._rows.pop(route, None)
        if known is not None:
            session.execute(delete(ChannelHealth).where(ChannelHealth.name == route))


def _route(delivery: AlertDelivery) -> str:
    subscription = delivery.item.subscription
    return channels.receiver(subscription.webhook_url or "") if delivery.channel == Channel.WEBHOOK else Channel.EMAIL.value


@contextmanager
def _heartbeat(app: Flask, token: str) -> Iterator[None]:
    """Renew the batch's lease every third of it while the batch is being sent."""
    done = threading.Event()
    lease = timedelta(seconds=app.config["ALERTS_CLAIM_SECONDS"])

    def beat() -> None:
        while not done.wait(lease.total_seconds() / 3):
            try:
                with app.app_context():
                    session = get_session()
                    session.execute(update(AlertDelivery).where(
                        AlertDelivery.claim_token == token, AlertDelivery.status == DeliveryStatus.PENDING,
                    ).values(claimed_until=clock.now() + lease).execution_options(synchronize_session=False))
                    session.commit()
            except Exception:  # noqa: BLE001 (a missed beat only shortens the lease; the fencing still holds)
                app.logger.exception("lease heartbeat failed")

    thread = threading.Thread(target=beat, name=f"lease-{token[:6]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def dispatch(session: Session, *, limit: int | None = None) -> Dispatch:
    """Claim one batch and send it in parallel; each message is marked (and committed) right after it went out."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    health = Health(session)
    claimed = claim(session, limit=limit or batch_size(config), skip_email=health.paused_until(Channel.EMAIL.value) is not None)
    result = Dispatch(claimed=len(claimed))
    if not claimed:
        return result
    grouped: dict[tuple[Channel, str], list[AlertDelivery]] = defaultdict(list)
    for delivery in claimed:
        grouped[(delivery.channel, delivery.message_key or "")].append(delivery)
    token = claimed[0].claim_token or ""
    lanes = _lanes([Message(channel, key, tuple(d.id for d in group), token, _route(group[0]))
                    for (channel, key), group in grouped.items()], config["ALERTS_SENDERS"])
    _held.add(token)
    try:
        with _heartbeat(app, token), \
                ThreadPoolExecutor(config["ALERTS_SENDERS"], thread_name_prefix="mail") as mail, \
                ThreadPoolExecutor(config["ALERTS_SENDERS"], thread_name_prefix="hook") as hooks:
            futures = [(mail if lane[0].channel == Channel.EMAIL else hooks).submit(_send_lane, app, lane, health)
                       for lane in lanes]
            for future in futures:
                result.add(future.result())
    finally:
        _held.discard(token)
    return result


def hand_back() -> None:
    """At shutdown: release the rows of the batches still in flight, so another worker sends them now
    rather than when the lease runs out (a message already on the wire may then go out twice, same key)."""
    session = get_session()
    for token in list(_held):
        session.execute(update(AlertDelivery).where(
            AlertDelivery.claim_token == token, AlertDelivery.status == DeliveryStatus.PENDING,
        ).values(claim_token=None, claimed_until=None).execution_options(synchronize_session=False))
    session.commit()


def _lanes(batch: Sequence[Message], senders: int) -> list[list[Message]]:
    """Split the batch into sequential lanes: e-mail over all senders, each webhook host over at most half."""
    by_route: dict[str, list[Message]] = defaultdict(list)
    for message in batch:
        by_route[message.route].append(message)
    lanes: list[list[Message]] = []
    for route, queue in by_route.items():
        width = senders if route == Channel.EMAIL.value else max(1, senders // 2)
        split: list[list[Message]] = [[] for _ in range(min(width, len(queue)))]
        for lane, message in zip(itertools.cycle(split), queue):
            lane.append(message)
        lanes.extend(split)
    return lanes


def _send_lane(app: Flask, lane: list[Message], health: Health) -> Dispatch:
    """Send a lane's messages one after the other, in an app context (and session) of its own."""
    result = Dispatch()
    with app.app_context(), channels.Mailer(app.config) as mailer:
        session = get_session()
        for message in lane:
            paused = health.paused_until(message.route)
            if stopping.is_set() or paused is not None:
                result.released += _release(session, message, due=paused, error="")
            else:
                _send_one(session, mailer, message, health, result)
            session.commit()
    return result


def _renew(session: Session, message: Message) -> list[AlertDelivery]:
    """Extend the lease of the message's rows if they are still ours (the fencing check before a send)."""
    renewed = session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id.in_(message.ids), AlertDelivery.claim_token == message.token,
               AlertDelivery.status == DeliveryStatus.PENDING)
        .values(claimed_until=clock.now() + _lease())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if renewed != len(message.ids):
        return []
    return list(session.scalars(
        select(AlertDelivery).where(AlertDelivery.id.in_(message.ids)).order_by(AlertDelivery.id)
        .options(joinedload(AlertDelivery.item).joinedload(AlertItem.subscription),
                 joinedload(AlertDelivery.item).joinedload(AlertItem.event))
    ))


def _send_one(session: Session, mailer: channels.Mailer, message: Message, health: Health, result: Dispatch) -> None:
    group = _renew(session, message)
    if not group:
        current_app.logger.warning("message %s: claim lost to another dispatcher, not sent", message.key)
        return
    try:
        with force_locale(group[0].item.subscription.locale):
            _send(session, mailer, message.channel, message.key, group, current_app.config)
    except channels.ChannelDown as error:
        result.released += _release(session, message, due=health.pause(session, message.route, str(error)), error=str(error))
    except channels.DeliveryError as error:
        _failed(session, message.channel, group, str(error), result)
    except Exception as error:  # noqa: BLE001 (one message that cannot be built or sent must not stop the batch)
        session.rollback()
        current_app.logger.exception("delivery %s failed", message.key)
        _failed(session, message.channel, group, f"{type(error).__name__}: {error}", result)
    else:
        if not _mark(session, group, status=DeliveryStatus.SENT, sent_at=clock.now(),
                     attempts=group[0].attempts + 1, last_error=""):
            current_app.logger.warning("message %s sent, but its claim had passed to another dispatcher", message.key)
        health.recovered(session, message.route)
        result.sent += len(group)


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


def _release(session: Session, message: Message, *, due: datetime | None, error: str) -> int:
    """Hand the rows back unsent, without counting an attempt (due again at ``due``, or now)."""
    values: dict[str, Any] = {"claim_token": None, "claimed_until": None}
    if due is not None:
        values["due_at"] = due
    if error:
        values["last_error"] = error[:2000]
    return session.execute(
        update(AlertDelivery).where(AlertDelivery.id.in_(message.ids), AlertDelivery.claim_token == message.token)
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount


def _mark(session: Session, group: list[AlertDelivery], **values: Any) -> bool:
    """Update the group's rows, but only while the claim is still ours; False when it was not."""
    return bool(session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id.in_([d.id for d in group]), AlertDelivery.claim_token == group[0].claim_token)
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount)


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
