"""Subscribing, confirming, pausing and unsubscribing; the outbox's admin actions; signed links.

Every change records its ``alerts.*`` event in the caller's transaction. Subscription events are not
public (they concern one subscriber) and never carry the e-mail address.
"""
from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, Select, String, Subquery, cast, func, literal, or_, select, union
from sqlalchemy.orm import Session

from hub import advice, clock, regions
from hub.alerts.models import (
    AlertDelivery,
    AlertItem,
    AlertSubscription,
    Channel,
    DeliveryStatus,
    Rhythm,
    ScopeKind,
    SubscriptionStatus,
)
from hub.auth.addresses import normalise_email
from hub.alerts.settings import parse_offsets
from hub.auth.models import User
from hub.config import ConfigError
from hub.db import is_value_of
from hub.errors import Conflict, NotFound, ValidationFailed
from hub.events import record_event
from hub.events.labels import EVENT_LABELS
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative, InitiativeAdviceLink, InitiativeRegion
from hub.lobby.models import LobbyPriority
from hub.stakeholders.models import InitiativeRole, Organisation

CONFIRM_MAX_AGE = 7 * 24 * 3600


class AlertEvent(enum.StrEnum):
    CLIFF_THRESHOLD = "alerts.cliff_threshold"
    CLIFF_LIFTED = "alerts.cliff_lifted"
    STREAM_ENDED = "alerts.stream_ended"
    # Per stream (names under "alerts.cliff_", so they reach the initiative's followers).
    CLIFF_STREAM = "alerts.cliff_stream"
    CLIFF_RENEWAL = "alerts.cliff_renewal"
    CLIFF_STREAM_LIFTED = "alerts.cliff_stream_lifted"
    SUBSCRIPTION_REQUESTED = "alerts.subscription_requested"
    SUBSCRIBED = "alerts.subscribed"
    SUBSCRIPTION_CHANGED = "alerts.subscription_changed"
    UNSUBSCRIBED = "alerts.unsubscribed"
    WEBHOOK_DISABLED = "alerts.webhook_disabled"
    DELIVERY_RETRIED = "alerts.delivery_retried"


# The cliff events appear in initiatives' history panels.
EVENT_LABELS.setdefault(AlertEvent.CLIFF_THRESHOLD.value, _l("Funding cliff threshold reached"))
EVENT_LABELS.setdefault(AlertEvent.CLIFF_LIFTED.value, _l("Funding cliff lifted"))
EVENT_LABELS.setdefault(AlertEvent.STREAM_ENDED.value, _l("Funding stream ended without structural successor"))
EVENT_LABELS.setdefault(AlertEvent.CLIFF_STREAM.value, _l("Funding stream ending"))
EVENT_LABELS.setdefault(AlertEvent.CLIFF_RENEWAL.value, _l("Renewal decision due"))
EVENT_LABELS.setdefault(AlertEvent.CLIFF_STREAM_LIFTED.value, _l("Funding stream cliff lifted"))

# Subject type of subscription events; the owner notices among them are mailed to the subscriber.
SUBSCRIPTION_SUBJECT = "alert_subscription"
OWNER_NOTICES = (AlertEvent.SUBSCRIPTION_REQUESTED.value, AlertEvent.WEBHOOK_DISABLED.value)
# Reminders at an offset from a stream's date: each subscription hears only those at its offsets.
REMINDERS = (AlertEvent.CLIFF_STREAM.value, AlertEvent.CLIFF_RENEWAL.value)


def offsets_text(offsets: Sequence[int]) -> str:
    """The stored form of reminder offsets, "-90,0,14": the fan-out matches ",<offset>," inside it."""
    return ",".join(str(d) for d in sorted(set(offsets)))


# Subjects only members may see: following one needs an account, and their (members-only) events only
# reach subscriptions of active members (see ``consumer``).
MEMBERS_ONLY_SCOPES = (ScopeKind.LOBBY_PRIORITY.value,)


@dataclass
class SubscriptionInput:
    scope_kind: str
    scope_key: str = ""
    rhythm: str = Rhythm.IMMEDIATE.value
    email_enabled: bool = True
    webhook_url: str | None = None
    locale: str = "en"
    # "-90,0,14": days around stream ends and renewal decisions; empty: the central HUB_REMINDER_OFFSETS.
    reminder_offsets: str = ""


# --- scope rules: the same SQL for fan-out (per event) and feeds (per subscription) ---------------------

def theme_matches(key: ColumnElement[str], code: ColumnElement[str]) -> ColumnElement[bool]:
    """A theme ("5") covers its recommendations ("5a"); a recommendation covers only itself."""
    return or_(code == key, func.substr(code, 1, 1) == key)


def region_matches(key: ColumnElement[str], code: ColumnElement[str]) -> ColumnElement[bool]:
    """A NUTS area covers the areas inside it ("NL21" covers "NL213"); no Euregio code prefixes another."""
    return code.like(key + literal("%"))


def organisation_links() -> Subquery:
    """(initiative_id, organisation_id) for every role on an initiative and every stream it funds."""
    return union(
        select(InitiativeRole.initiative_id, InitiativeRole.organisation_id),
        select(FundingStream.initiative_id, FundingStream.funder_id.label("organisation_id")),
    ).subquery()


def initiatives_in_scope(kind: str, key: str) -> Select:
    """Ids of the initiatives a subscription of ``kind``/``key`` follows (empty for non-initiative kinds)."""
    if kind == ScopeKind.ALL:
        return select(Initiative.id)
    if kind == ScopeKind.INITIATIVE:
        return select(Initiative.id).where(cast(Initiative.id, String) == key)
    if kind == ScopeKind.ORGANISATION:
        links = organisation_links()
        return select(links.c.initiative_id).where(cast(links.c.organisation_id, String) == key).distinct()
    if kind == ScopeKind.THEME:
        return select(InitiativeAdviceLink.initiative_id).where(
            theme_matches(literal(key), InitiativeAdviceLink.code)).distinct()
    if kind == ScopeKind.REGION:
        return select(InitiativeRegion.initiative_id).where(
            region_matches(literal(key), InitiativeRegion.code)).distinct()
    return select(Initiative.id).where(literal(False))


def scope_label(session: Session, kind: str, key: str, locale: str) -> str:
    """What a subscription follows, in words (the subject may have been deleted since)."""
    if kind == ScopeKind.ALL:
        return _("all initiatives")
    if kind == ScopeKind.INITIATIVE:
        initiative = session.get(Initiative, int(key)) if key.isdigit() else None
        return initiative.name_in(locale) if initiative else _("a removed initiative")
    if kind == ScopeKind.ORGANISATION:
        organisation = session.get(Organisation, int(key)) if key.isdigit() else None
        return _("initiatives of %(name)s", name=organisation.name if organisation else "?")
    if kind == ScopeKind.THEME:
        return _("SER advice %(code)s: %(title)s", code=key, title=advice.title(key, locale))
    if kind == ScopeKind.REGION:
        region = regions.REGIONS.get(key)
        return _("region %(name)s", name=f"{region.name} ({key})" if region else key)
    if kind == ScopeKind.LOBBY_PRIORITY:
        priority = session.get(LobbyPriority, int(key)) if key.isdigit() else None
        return _("lobby priority %(title)s", title=priority.title_in(locale) if priority else "?")
    return f"{kind} {key}"


def _clean_scope(session: Session, kind: str, key: str) -> tuple[str, str, str | None]:
    """The normalised (kind, key) and an error message naming what is wrong, if anything."""
    key = (key or "").strip()
    if kind == ScopeKind.ALL:
        return kind, "", None
    if kind == ScopeKind.INITIATIVE:
        found = key.isdigit() and session.get(Initiative, int(key)) is not None
        return kind, key, None if found else _("Choose an existing initiative.")
    if kind == ScopeKind.ORGANISATION:
        found = key.isdigit() and session.get(Organisation, int(key)) is not None
        return kind, key, None if found else _("Choose an existing organisation.")
    if kind == ScopeKind.THEME:
        key = key.lower()
        return kind, key, None if advice.is_valid_code(key) else _("Unknown SER theme or recommendation: %(code)s.", code=key)
    if kind == ScopeKind.REGION:
        key = regions.normalise(key)
        return kind, key, None if regions.is_known(key) else _("Unknown region code: %(code)s.", code=key)
    if kind == ScopeKind.LOBBY_PRIORITY:
        found = key.isdigit() and session.get(LobbyPriority, int(key)) is not None
        return kind, key, None if found else _("Choose an existing lobby priority.")
    return kind, key, _("Unknown kind of subscription: %(value)s.", value=kind)


def _validate(session: Session, data: SubscriptionInput) -> tuple[str, str, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    kind, key, scope_error = _clean_scope(session, data.scope_kind, data.scope_key)
    if scope_error:
        errors["scope_key"] = [scope_error]
    if not is_value_of(Rhythm, data.rhythm):
        errors["rhythm"] = [_("Unknown rhythm: %(value)s.", value=data.rhythm)]
    if data.webhook_url:
        parts = urlsplit(data.webhook_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or len(data.webhook_url) > 500:
            errors["webhook_url"] = [_("The webhook address must be an http:// or https:// URL.")]
    try:
        if data.reminder_offsets.strip():
            data.reminder_offsets = offsets_text(parse_offsets(data.reminder_offsets))
    except ConfigError:
        errors["reminder_offsets"] = [_("Give reminder days as whole numbers separated by commas, such as -90,-30,0,14.")]
    if not data.email_enabled and not data.webhook_url:
        errors["email_enabled"] = [_("Choose at least one way to be alerted: e-mail or a webhook.")]
    return kind, key, errors


def _snapshot(subscription: AlertSubscription) -> dict[str, Any]:
    return {
        "scope_kind": subscription.scope_kind,
        "scope_key": subscription.scope_key,
        "rhythm": subscription.rhythm.value,
        "reminder_offsets": subscription.reminder_offsets,
        "status": subscription.status.value,
        "email": subscription.email_enabled,
        "webhook": bool(subscription.webhook_url),
        "user_id": subscription.user_id,
    }


def _record(session: Session, name: AlertEvent, subscription: AlertSubscription, actor_id: int | None,
            **payload: Any) -> None:
    session.flush()
    record_event(session, name, SUBSCRIPTION_SUBJECT, subscription.id, actor_id=actor_id,
                 payload={**_snapshot(subscription), **payload}, public=False)


def _existing(session: Session, email: str, kind: str, key: str) -> AlertSubscription | None:
    return session.scalar(select(AlertSubscription).where(
        func.lower(AlertSubscription.email) == email.lower(),
        AlertSubscription.scope_kind == kind, AlertSubscription.scope_key == key,
    ))


def _apply(subscription: AlertSubscription, data: SubscriptionInput) -> None:
    subscription.rhythm = Rhythm(data.rhythm)
    subscription.reminder_offsets = data.reminder_offsets.strip() or None
    subscription.email_enabled = data.email_enabled
    if (data.webhook_url or None) != subscription.webhook_url:
        subscription.webhook_url = data.webhook_url or None
        subscription.webhook_secret = secrets.token_hex(32) if data.webhook_url else None
        subscription.webhook_disabled_at = None
    subscription.locale = data.locale if data.locale in ("nl", "de", "en") else "en"
    subscription.updated_at = clock.now()


def subscribe_user(session: Session, user: User, data: SubscriptionInput, *, actor_id: int | None) -> AlertSubscription:
    """A logged-in partner's subscription is active at once (their address is known)."""
    kind, key, errors = _validate(session, data)
    if errors:
        raise ValidationFailed(errors)
    subscription = _existing(session, user.email, kind, key)
    if subscription is not None and subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED):
        raise Conflict(_("You already follow %(what)s.", what=scope_label(session, kind, key, data.locale)))
    now = clock.now()
    if subscription is None:
        subscription = AlertSubscription(email=user.email, scope_kind=kind, scope_key=key, created_at=now)
        session.add(subscription)
    subscription.user_id = user.id
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.confirmed_at = now
    _apply(subscription, data)
    _record(session, AlertEvent.SUBSCRIBED, subscription, actor_id)
    return subscription


def request_subscription(session: Session, email: str, data: SubscriptionInput) -> AlertSubscription | None:
    """An anonymous e-mail subscription, pending until the address confirms (double opt-in).

    Returns None when the address already follows this scope: the visitor sees the same answer either
    way, so the form does not reveal who subscribes to what.
    """
    data.webhook_url = None
    data.email_enabled = True
    if data.scope_kind in MEMBERS_ONLY_SCOPES:
        # Checked before the scope itself, so the answer does not tell whether such a priority exists.
        raise ValidationFailed({"scope": [_("Log in to follow a lobby priority: the lobby is for members only.")]})
    kind, key, errors = _validate(session, data)
    try:
        email = normalise_email(email or "")
    except ValueError as error:
        errors["email"] = [str(error)]
    if errors:
        raise ValidationFailed(errors)
    subscription = _existing(session, email, kind, key)
    if subscription is not None and subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED):
        return None
    if subscription is None:
        subscription = AlertSubscription(email=email, scope_kind=kind, scope_key=key, created_at=clock.now())
        session.add(subscription)
    subscription.status = SubscriptionStatus.PENDING
    _apply(subscription, data)
    _record(session, AlertEvent.SUBSCRIPTION_REQUESTED, subscription, None)
    return subscription


def confirm_subscription(session: Session, subscription: AlertSubscription) -> bool:
    """Activate a pending subscription; False when it was no longer pending (already confirmed or left)."""
    if subscription.status != SubscriptionStatus.PENDING:
        return False
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.confirmed_at = subscription.updated_at = clock.now()
    _record(session, AlertEvent.SUBSCRIBED, subscription, None)
    return True


def set_paused(session: Session, subscription: AlertSubscription, paused: bool, *, actor_id: int | None) -> None:
    """Paused subscriptions receive nothing; alerts of the pause are not sent afterwards."""
    wanted = SubscriptionStatus.PAUSED if paused else SubscriptionStatus.ACTIVE
    if subscription.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED):
        raise Conflict(_("Only active subscriptions can be paused or resumed."))
    if subscription.status != wanted:
        subscription.status = wanted
        subscription.updated_at = clock.now()
        _record(session, AlertEvent.SUBSCRIPTION_CHANGED, subscription, actor_id)


def change_settings(session: Session, subscription: AlertSubscription, rhythm: str, reminder_offsets: str, *,
                    actor_id: int | None) -> None:
    """How often and on which reminder days a subscription hears (from the one-click settings link)."""
    errors: dict[str, list[str]] = {}
    if not is_value_of(Rhythm, rhythm):
        errors["rhythm"] = [_("Unknown rhythm: %(value)s.", value=rhythm)]
    try:
        offsets = offsets_text(parse_offsets(reminder_offsets)) if reminder_offsets.strip() else None
    except ConfigError:
        errors["reminder_offsets"] = [_("Give reminder days as whole numbers separated by commas, such as -90,-30,0,14.")]
    if errors:
        raise ValidationFailed(errors)
    if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        raise Conflict(_("This subscription has ended."))
    if (subscription.rhythm, subscription.reminder_offsets) != (Rhythm(rhythm), offsets):
        subscription.rhythm, subscription.reminder_offsets = Rhythm(rhythm), offsets
        subscription.updated_at = clock.now()
        _record(session, AlertEvent.SUBSCRIPTION_CHANGED, subscription, actor_id)


def unsubscribe(session: Session, subscription: AlertSubscription, *, actor_id: int | None) -> bool:
    """Stop all alerts of the subscription; pending deliveries are dropped. False if already done."""
    if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        return False
    subscription.status = SubscriptionStatus.UNSUBSCRIBED
    subscription.updated_at = clock.now()
    _drop_pending(session, AlertItem.subscription_id == subscription.id, "unsubscribed")
    _record(session, AlertEvent.UNSUBSCRIBED, subscription, actor_id)
    return True


def drop_pending_of_user(session: Session, user_id: int, reason: str) -> None:
    """A deactivated user's deliveries that are still waiting are not sent (the fan-out adds no new ones)."""
    owned = select(AlertSubscription.id).where(AlertSubscription.user_id == user_id)
    _drop_pending(session, AlertItem.subscription_id.in_(owned), reason)


def _drop_pending(session: Session, items: ColumnElement[bool], reason: str) -> None:
    session.execute(
        AlertDelivery.__table__.update()
        .where(AlertDelivery.status == DeliveryStatus.PENDING,
               AlertDelivery.item_id.in_(select(AlertItem.id).where(items)))
        .values(status=DeliveryStatus.FAILED, last_error=reason, claim_token=None, claimed_until=None)
    )


def disable_webhook(session: Session, subscription: AlertSubscription, reason: str) -> None:
    """After repeated failures: stop posting and tell the owner (the notice goes out by e-mail)."""
    subscription.webhook_disabled_at = subscription.updated_at = clock.now()
    _record(session, AlertEvent.WEBHOOK_DISABLED, subscription, None, reason=reason[:300])


def enable_webhook(session: Session, subscription: AlertSubscription, *, actor_id: int | None) -> None:
    if subscription.webhook_url and subscription.webhook_disabled_at is not None:
        subscription.webhook_disabled_at = None
        subscription.updated_at = clock.now()
        _record(session, AlertEvent.SUBSCRIPTION_CHANGED, subscription, actor_id)


def retry_delivery(session: Session, delivery: AlertDelivery, *, actor_id: int | None) -> None:
    """A manager sends a failed delivery again (re-enabling a webhook that failure switched off)."""
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict(_("Only failed deliveries can be retried."))
    subscription = delivery.item.subscription
    if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        raise Conflict(_("The subscriber has unsubscribed; nothing will be sent."))
    if delivery.channel == Channel.WEBHOOK:
        enable_webhook(session, subscription, actor_id=actor_id)
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.due_at = clock.now()
    delivery.claim_token = None
    delivery.claimed_until = None
    delivery.last_error = ""
    _record(session, AlertEvent.DELIVERY_RETRIED, subscription, actor_id, delivery_id=delivery.id)


def retry_failed(session: Session, *, channel: Channel | None, actor_id: int | None) -> int:
    """Send every failed delivery (of one channel) again, say after an outage; the unsubscribed stay out."""
    failed = session.scalars(
        select(AlertDelivery).join(AlertItem, AlertItem.id == AlertDelivery.item_id)
        .join(AlertSubscription, AlertSubscription.id == AlertItem.subscription_id)
        .where(AlertDelivery.status == DeliveryStatus.FAILED, AlertSubscription.status != SubscriptionStatus.UNSUBSCRIBED,
               *([AlertDelivery.channel == channel] if channel else []))
        .order_by(AlertDelivery.id)
    ).all()
    for delivery in failed:
        retry_delivery(session, delivery, actor_id=actor_id)
    return len(failed)


def get_subscription(session: Session, subscription_id: int) -> AlertSubscription:
    subscription = session.get(AlertSubscription, subscription_id)
    if subscription is None:
        raise NotFound(_("No subscription with id %(id)s.", id=subscription_id))
    return subscription


def own_subscription(session: Session, subscription_id: int, user: User) -> AlertSubscription:
    """The user's own subscription; someone else's is reported as missing, not as forbidden."""
    subscription = get_subscription(session, subscription_id)
    if subscription.user_id != user.id:
        raise NotFound(_("No subscription with id %(id)s.", id=subscription_id))
    return subscription


def subscriptions_of(session: Session, user: User) -> list[AlertSubscription]:
    return list(session.scalars(
        select(AlertSubscription)
        .where(AlertSubscription.user_id == user.id, AlertSubscription.status != SubscriptionStatus.UNSUBSCRIBED)
        .order_by(AlertSubscription.created_at)
    ))


def user_follows(session: Session, user: User, kind: str, key: str) -> AlertSubscription | None:
    subscription = _existing(session, user.email, kind, key)
    if subscription is None or subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        return None
    return subscription


# --- signed links: they work without login, so the signature is the authorisation -----------------

class LinkPurpose(enum.StrEnum):
    UNSUBSCRIBE = "alerts-unsubscribe"
    CONFIRM = "alerts-confirm"
    FEED = "alerts-feed"
    CALENDAR = "alerts-calendar"
    SETTINGS = "alerts-settings"


def sign(purpose: LinkPurpose, value: int) -> str:
    if purpose == LinkPurpose.CONFIRM:
        return URLSafeTimedSerializer(current_app.secret_key, salt=purpose.value).dumps(value)
    return URLSafeSerializer(current_app.secret_key, salt=purpose.value).dumps(value)


def unsign(purpose: LinkPurpose, token: str) -> int:
    """The signed id, or NotFound with a message that says whether the link expired or is broken."""
    try:
        if purpose == LinkPurpose.CONFIRM:
            value = URLSafeTimedSerializer(current_app.secret_key, salt=purpose.value).loads(token, max_age=CONFIRM_MAX_AGE)
        else:
            value = URLSafeSerializer(current_app.secret_key, salt=purpose.value).loads(token)
    except SignatureExpired:
        raise NotFound(_("This confirmation link has expired. Please subscribe again.")) from None
    except BadSignature:
        raise NotFound(_("This link is not valid. Please copy the complete link from the message.")) from None
    if not isinstance(value, int):
        raise NotFound(_("This link is not valid. Please copy the complete link from the message."))
    return value


def subscription_for(session: Session, purpose: LinkPurpose, token: str) -> AlertSubscription:
    return get_subscription(session, unsign(purpose, token))
