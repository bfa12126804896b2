"""The fan-out: follows the domain events and writes alert items and outbox deliveries.

Items, deliveries and the advanced cursor commit together, so an event is turned into deliveries
exactly once whatever crashes. Matching is set-based: a few INSERT … SELECT statements per batch.

Which events reach whom:
- events about an initiative (their subject, or an integer ``payload["initiative_id"]``) named in
  ``InitiativeAlerts`` reach the subscriptions to everything, to that initiative, to an organisation
  with a role on it or funding it, to one of its SER themes or recommendations, or to a region containing
  one of its areas;
- any event about another kind of subject (say ``lobby_priority`` 7) reaches the subscriptions whose scope
  is exactly that subject (``scope_kind="lobby_priority"``, ``scope_key="7"``): new domains need no change;
- ``InitiativeAlerts`` about an organisation (news mentioning it) reach the subscriptions to that organisation;
- owner notices (opt-in confirmation, webhook switched off) reach the one subscription they are about;
- members-only events (``public=False``, such as the lobby's) reach only subscriptions of active members.
Only events from the moment a subscription was confirmed on count, however far the fan-out lags behind.
A recipient (an e-mail address, a webhook URL) whose several subscriptions match one event gets one message
per channel: the outbox row goes to one of the items (an immediate subscription before a daily one, a daily
before a weekly one, then the oldest), and the message names every subscription that matched.
Stream reminders (``REMINDERS``) reach a subscription only at its own offsets (or the central ones).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Integer, Select, String, Subquery, and_, case, cast, exists, func, insert, literal, or_, select, union, update
from sqlalchemy.orm import Session, aliased

from hub import clock
from hub.alerts.models import (
    AlertDelivery,
    AlertItem,
    AlertSubscription,
    Channel,
    ConsumerCursor,
    DeliveryStatus,
    Rhythm,
    ScopeKind,
    SubscriptionStatus,
)
from hub.alerts.service import (
    OWNER_NOTICES,
    REMINDERS,
    SUBSCRIPTION_SUBJECT,
    offsets_text,
    organisation_links,
    region_matches,
    theme_matches,
)
from hub.auth.models import User
from hub.events import Event, events_after
from hub.initiatives.models import InitiativeAdviceLink, InitiativeRegion

CURSOR = "alerts.fanout"
BATCH = 1000


class InitiativeAlerts:
    """Event names that concern the followers of an initiative: exact names and name prefixes."""

    NAMES = ("alerts.stream_ended", "feed.link_confirmed")
    PREFIXES = ("alerts.cliff_", "funding.", "initiative.")

    @classmethod
    def matches(cls, name: str) -> bool:
        return name in cls.NAMES or name.startswith(cls.PREFIXES)

    @classmethod
    def condition(cls) -> ColumnElement[bool]:
        return or_(Event.name.in_(cls.NAMES), *(func.substr(Event.name, 1, len(p)) == p for p in cls.PREFIXES))


# Daily digests go out every morning, weekly ones on Monday morning (UTC).
DIGEST_WEEKDAY = 0
DIGEST_HOUR = 7


def next_digest_at(now: datetime, rhythm: Rhythm = Rhythm.WEEKLY) -> datetime:
    """The first digest moment of ``rhythm`` strictly after ``now``."""
    moment = now.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if rhythm == Rhythm.DAILY:
        return moment if moment > now else moment + timedelta(days=1)
    moment += timedelta(days=(DIGEST_WEEKDAY - moment.weekday()) % 7)
    return moment if moment > now else moment + timedelta(days=7)


def _lock_cursor(session: Session) -> int:
    """Take the cursor row for this transaction (a second consumer waits) and return its position."""
    locked = session.execute(
        update(ConsumerCursor).where(ConsumerCursor.name == CURSOR).values(position=ConsumerCursor.position)
    ).rowcount
    if not locked:
        session.add(ConsumerCursor(name=CURSOR, position=0))
        session.flush()
    return session.scalar(select(ConsumerCursor.position).where(ConsumerCursor.name == CURSOR)) or 0


def follow_events(session: Session) -> int:
    """Fan out the next batch of events and advance the cursor; the caller commits. Returns events read."""
    cursor = _lock_cursor(session)
    batch = events_after(session, cursor, limit=BATCH)
    if not batch:
        return 0
    first, last = batch[0].id, batch[-1].id
    now = clock.now()
    created_at = literal(now, AlertItem.created_at.type)
    columns = ["subscription_id", "event_id", "created_at"]
    central = offsets_text(current_app.config["REMINDER_OFFSETS"])
    for source in _initiative_sources(batch, first, last):
        pairs = union(*_initiative_matches(source, central)).subquery()
        session.execute(insert(AlertItem).from_select(columns, select(pairs.c[0], pairs.c[1], created_at)))
    pairs = union(*_subject_matches(first, last)).subquery()
    session.execute(insert(AlertItem).from_select(columns, select(pairs.c[0], pairs.c[1], created_at)))
    _enqueue(session, first, last, now)
    session.execute(update(ConsumerCursor).where(ConsumerCursor.name == CURSOR).values(position=last))
    return len(batch)


def _initiative_sources(batch: Sequence[Event], first: int, last: int) -> list[Subquery]:
    """(event_id, initiative_id) relations: one query for events about an initiative, one row per other event naming one."""
    offset = case((Event.name.in_(REMINDERS), cast(Event.payload["offset"].as_integer(), String)), else_=None)
    sources = [
        select(Event.id.label("event_id"), Event.subject_id.label("initiative_id"), Event.occurred_at, Event.public,
               offset.label("offset"))
        .where(Event.id >= first, Event.id <= last, Event.subject_type == "initiative", InitiativeAlerts.condition())
        .subquery()
    ]
    for event in batch:
        named = event.payload.get("initiative_id") if isinstance(event.payload, dict) else None
        if event.subject_type != "initiative" and isinstance(named, int) and InitiativeAlerts.matches(event.name):
            sources.append(select(literal(event.id, Integer).label("event_id"), literal(named, Integer).label("initiative_id"),
                                  literal(event.occurred_at, Event.occurred_at.type).label("occurred_at"),
                                  literal(event.public, Event.public.type).label("public"),
                                  literal(None, String).label("offset")).subquery())
    return sources


def owner_active() -> ColumnElement[bool]:
    """Subscriptions of deactivated users get nothing; anonymous (e-mail only) subscriptions have no owner."""
    return or_(AlertSubscription.user_id.is_(None), AlertSubscription.user_id.in_(select(User.id).where(User.active)))


def may_receive(public: ColumnElement[bool]) -> ColumnElement[bool]:
    """Deactivated owners get nothing; members-only events (``public`` false) reach only subscriptions with an
    owner, who is then an active member."""
    return and_(owner_active(), or_(public, AlertSubscription.user_id.is_not(None)))


def _initiative_matches(about: Subquery, central: str) -> list[Select]:
    """(subscription_id, event_id) for the initiative-derived scopes of the events in ``about``."""
    sub = AlertSubscription
    chosen = literal(",") + func.coalesce(sub.reminder_offsets, literal(central)) + literal(",")
    at_offset = or_(about.c.offset.is_(None), chosen.like(literal("%,") + about.c.offset + literal(",%")))
    active = and_(sub.status == SubscriptionStatus.ACTIVE, sub.confirmed_at < about.c.occurred_at, at_offset,
                  may_receive(about.c.public))
    links = organisation_links()

    def scoped(kind: ScopeKind) -> ColumnElement[bool]:
        return and_(active, sub.scope_kind == kind.value)

    base = select(sub.id, about.c.event_id).select_from(about)
    return [
        base.join(sub, scoped(ScopeKind.ALL)),
        base.join(sub, and_(scoped(ScopeKind.INITIATIVE), sub.scope_key == cast(about.c.initiative_id, String))),
        base.join(links, links.c.initiative_id == about.c.initiative_id)
        .join(sub, and_(scoped(ScopeKind.ORGANISATION), sub.scope_key == cast(links.c.organisation_id, String))),
        base.join(InitiativeAdviceLink, InitiativeAdviceLink.initiative_id == about.c.initiative_id)
        .join(sub, and_(scoped(ScopeKind.THEME), theme_matches(sub.scope_key, InitiativeAdviceLink.code))),
        base.join(InitiativeRegion, InitiativeRegion.initiative_id == about.c.initiative_id)
        .join(sub, and_(scoped(ScopeKind.REGION), region_matches(sub.scope_key, InitiativeRegion.code))),
    ]


# Scopes matched through the initiative an event is about; every other scope kind matches its subject directly.
INITIATIVE_SCOPES = (ScopeKind.ALL, ScopeKind.INITIATIVE, ScopeKind.ORGANISATION, ScopeKind.THEME, ScopeKind.REGION)


def _subject_matches(first: int, last: int) -> list[Select]:
    """Subscriptions to any other kind of subject, and owner notices to their own subscription."""
    sub = AlertSubscription
    in_range = and_(Event.id >= first, Event.id <= last)
    other_subject = or_(
        Event.subject_type.not_in([kind.value for kind in INITIATIVE_SCOPES] + [SUBSCRIPTION_SUBJECT]),
        and_(Event.subject_type == ScopeKind.ORGANISATION.value, InitiativeAlerts.condition()),
    )
    return [
        select(sub.id, Event.id).select_from(Event).join(sub, and_(
            sub.status == SubscriptionStatus.ACTIVE, sub.confirmed_at < Event.occurred_at, sub.scope_kind == Event.subject_type,
            sub.scope_key == cast(Event.subject_id, String), may_receive(Event.public),
        )).where(in_range, other_subject),
        select(sub.id, Event.id).select_from(Event).join(sub, and_(sub.id == Event.subject_id, owner_active()))
        .where(in_range, Event.subject_type == SUBSCRIPTION_SUBJECT, Event.name.in_(OWNER_NOTICES)),
    ]


def _enqueue(session: Session, first: int, last: int, now: datetime) -> None:
    """Outbox rows for the new items: e-mail (daily and weekly subscribers: at their next digest) and webhook."""
    notice = Event.name.in_(OWNER_NOTICES)
    at_now = literal(now, AlertDelivery.due_at.type)

    def new_items(channel: Channel, due: ColumnElement[datetime]) -> Select:
        return (
            select(AlertItem.id, literal(channel.value), literal(DeliveryStatus.PENDING.value), due,
                   literal(0, Integer), literal(""))
            .join(AlertSubscription, AlertSubscription.id == AlertItem.subscription_id)
            .join(Event, Event.id == AlertItem.event_id)
            .where(AlertItem.event_id >= first, AlertItem.event_id <= last)
        )

    def first_for_recipient(channel: Channel) -> ColumnElement[bool]:
        """No other item of the same recipient for the event comes before this one on ``channel``."""
        other_item, other = aliased(AlertItem), aliased(AlertSubscription)
        mine = AlertSubscription
        if channel == Channel.EMAIL:
            same, eligible = other.email == mine.email, or_(other.email_enabled, notice)
            rank = {subscription: case((subscription.rhythm == Rhythm.IMMEDIATE, 0), (subscription.rhythm == Rhythm.DAILY, 1),
                                       else_=2) for subscription in (other, mine)}
            before = or_(rank[other] < rank[mine], and_(other.rhythm == mine.rhythm, other.id < mine.id))
        else:
            same, eligible, before = other.webhook_url == mine.webhook_url, other.webhook_disabled_at.is_(None), other.id < mine.id
        return ~exists().where(other_item.event_id == AlertItem.event_id, other_item.subscription_id == other.id,
                               same, eligible, before)

    digest = case(
        *((and_(AlertSubscription.rhythm == rhythm, ~notice), literal(next_digest_at(now, rhythm), AlertDelivery.due_at.type))
          for rhythm in (Rhythm.DAILY, Rhythm.WEEKLY)),
        else_=at_now,
    )
    email = new_items(Channel.EMAIL, digest).where(or_(AlertSubscription.email_enabled, notice),
                                                   first_for_recipient(Channel.EMAIL))
    webhook = new_items(Channel.WEBHOOK, at_now).where(
        AlertSubscription.webhook_url.is_not(None), AlertSubscription.webhook_disabled_at.is_(None), ~notice,
        first_for_recipient(Channel.WEBHOOK))
    columns = ["item_id", "channel", "status", "due_at", "attempts", "last_error"]
    session.execute(insert(AlertDelivery).from_select(columns, union(email, webhook)))
