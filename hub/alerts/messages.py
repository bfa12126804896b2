"""What an alert says: a title and a text per event, in the subscriber's language, and the messages built from them.

Call the ``describe``/``build_*`` functions inside ``flask_babel.force_locale(subscription.locale)``.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlsplit

from babel.lists import format_list
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.alerts.models import AlertItem, AlertSubscription, Channel
from hub.alerts.service import OWNER_NOTICES, AlertEvent, LinkPurpose, offsets_text, scope_label, sign
from hub.events import Event
from hub.events.labels import EVENT_LABELS
from hub.formatting import day, locale_code, money, percent
from hub.initiatives.models import Initiative
from hub.stakeholders.models import Organisation


# Fields of members-only change records that partners do not get pushed: the deliberation behind a lobby
# position stays with the managers who record it.
INTERNAL_FIELDS = frozenset({"note"})

# Other domains' events that reach subscribers, named for an alert (the rest use the history labels).
OTHER_EVENTS = {"feed.link_confirmed": _l("In the news")}


@dataclass
class Notice:
    title: str
    text: str
    link: str | None
    about: str = ""  # what the event is about (a digest groups on it)
    reason: str = ""  # the rule that made it an alert


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link under ``BASE_URL``; works in the worker, where there is no request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def _date(value: Any) -> str:
    try:
        return day(date.fromisoformat(value))
    except (TypeError, ValueError):
        return "—"


def _amount(value: Any, currency: Any) -> str:
    try:
        return money(Decimal(str(value)), str(currency or "EUR")) if value is not None else _("amount unknown")
    except (InvalidOperation, ValueError):
        return _("amount unknown")


def _subject_name(session: Session, event: Event) -> tuple[str, str | None]:
    """The current name and page of what the event is about; a deleted initiative is named from the event."""
    initiative_id = event.subject_id if event.subject_type == "initiative" else event.payload.get("initiative_id")
    if isinstance(initiative_id, int):
        initiative = session.get(Initiative, initiative_id)
        if initiative is not None:
            return initiative.name_in(locale_code()), external_url("initiatives.detail", initiative_id=initiative.id)
        before = event.payload.get("before")
        name = (before.get("name_nl") or before.get("name_de") or before.get("name_en")) if isinstance(before, dict) else None
        return name or _("initiative %(id)s", id=initiative_id), None
    if event.subject_type == "organisation":
        organisation = session.get(Organisation, event.subject_id)
        if organisation is not None:
            return organisation.name, external_url("stakeholders.detail", org_id=organisation.id)
    return f"{event.subject_type} {event.subject_id}", None


def _horizon_line(payload: dict[str, Any]) -> str:
    if "horizon" not in payload:
        return ""
    if payload["horizon"] is None:
        return _("The initiative has no end date for its funding now, or no funding at all.")
    return _("Its funding now runs until %(date)s.", date=_date(payload["horizon"]))


def describe(session: Session, item: AlertItem) -> Notice:
    """The alert for one event, for the subscription of ``item``, with what it is about and why it was sent."""
    notice = _describe(session, item)
    if item.event.name not in OWNER_NOTICES:
        notice.about = _subject_name(session, item.event)[0]
    notice.reason = _reason(item)
    return notice


def _reason(item: AlertItem) -> str:
    """Which rule of which subscription sent the alert: every message says why it came."""
    event, subscription = item.event, item.subscription
    payload = event.payload if isinstance(event.payload, dict) else {}
    offsets = subscription.reminder_offsets or offsets_text(current_app.config["REMINDER_OFFSETS"])
    if event.name == AlertEvent.CLIFF_THRESHOLD:
        return _("Rule: the %(days)s-day threshold before an initiative's last funding ends.", days=payload.get("days"))
    if event.name == AlertEvent.CLIFF_STREAM:
        return _("Rule: reminder at %(offset)s days from the end of a funding stream (your reminder days: %(offsets)s).",
                 offset=payload.get("offset"), offsets=offsets)
    if event.name == AlertEvent.CLIFF_RENEWAL:
        return _("Rule: reminder at %(offset)s days from a renewal decision (your reminder days: %(offsets)s).",
                 offset=payload.get("offset"), offsets=offsets)
    if event.name in OWNER_NOTICES:
        return _("Rule: notices about your subscription itself.")
    return _("Rule: changes to what you follow.")


def _describe(session: Session, item: AlertItem) -> Notice:
    event, subscription = item.event, item.subscription
    payload = event.payload if isinstance(event.payload, dict) else {}
    if event.name == AlertEvent.SUBSCRIPTION_REQUESTED:
        return Notice(
            _("Please confirm your Grenshub alerts"),
            _("Someone, hopefully you, asked to receive Grenshub alerts about %(scope)s at this address. "
              "Open the link to confirm. If it was not you, ignore this message: nothing will be sent.",
              scope=scope_label(session, subscription.scope_kind, subscription.scope_key, locale_code())),
            external_url("alerts.confirm", token=sign(LinkPurpose.CONFIRM, subscription.id)),
        )
    if event.name == AlertEvent.WEBHOOK_DISABLED:
        return Notice(
            _("Your Grenshub webhook has been switched off"),
            _("Alerts could not be posted to %(url)s after repeated attempts (%(reason)s). We stopped trying. "
              "Switch the webhook on again on your alerts page once it works.",
              url=subscription.webhook_url or "—", reason=payload.get("reason", "")),
            external_url("alerts.mine"),
        )
    name, link = _subject_name(session, event)
    if event.name == AlertEvent.CLIFF_THRESHOLD:
        days_left = int(payload.get("days_left", 0))
        when = _date(payload.get("horizon"))
        if days_left > 0:
            title = ngettext("Funding of %(name)s ends in %(num)d day", "Funding of %(name)s ends in %(num)d days",
                             days_left, name=name)
            text = _("The last funding stream of %(name)s ends on %(date)s. Without new funding the initiative stops then.",
                     name=name, date=when)
        elif days_left == 0:
            title = _("Funding of %(name)s ends today", name=name)
            text = _("The last funding stream of %(name)s ends today (%(date)s).", name=name, date=when)
        else:
            title = _("Funding of %(name)s has ended", name=name)
            text = _("The last funding stream of %(name)s ended on %(date)s.", name=name, date=when)
        return Notice(title, text, link)
    if event.name == AlertEvent.CLIFF_LIFTED:
        if payload.get("horizon"):
            text = _("The funding of %(name)s now runs until %(date)s (it was to end on %(old)s).",
                     name=name, date=_date(payload["horizon"]), old=_date(payload.get("old_horizon")))
        else:
            text = _("%(name)s now has open-ended funding (it was to end on %(old)s).",
                     name=name, old=_date(payload.get("old_horizon")))
        return Notice(_("Funding cliff of %(name)s lifted", name=name), text, link)
    if event.name in (AlertEvent.CLIFF_STREAM, AlertEvent.CLIFF_RENEWAL, AlertEvent.CLIFF_STREAM_LIFTED):
        return _describe_stream(event.name, payload, name, link)
    if event.name == AlertEvent.STREAM_ENDED:
        return Notice(
            _("A funding stream of %(name)s has ended", name=name),
            _("The funding by %(funder)s (%(amount)s) ended on %(date)s and no structural funding follows it.",
              funder=payload.get("funder") or "—", amount=_amount(payload.get("amount"), payload.get("currency")),
              date=_date(payload.get("end_date"))),
            link,
        )
    if event.name.startswith("funding."):
        stream = payload.get("after") or payload.get("before") or {}
        detail = _("%(funder)s: %(amount)s until %(date)s.", funder=stream.get("funder") or "—",
                   amount=_amount(stream.get("amount"), stream.get("currency")),
                   date=_date(stream.get("end_date")) if stream.get("end_date") else _("open-ended"))
        if event.name == "funding.updated":
            detail = _changes(payload) or detail
        titles = {
            "funding.added": _("New funding for %(name)s", name=name),
            "funding.updated": _("Funding of %(name)s changed", name=name),
            "funding.removed": _("Funding of %(name)s removed", name=name),
        }
        return Notice(titles.get(event.name, name), f"{detail} {_horizon_line(payload)}".strip(), link)
    label = str(OTHER_EVENTS.get(event.name) or EVENT_LABELS.get(event.name, event.name))
    title = payload.get("title") if isinstance(payload.get("title"), str) else None
    source = payload.get("link") or payload.get("url")
    url = source if isinstance(source, str) and source.startswith(("http://", "https://")) else None
    return Notice(f"{label}: {name}", title or label, url or link)


def matched_subscriptions(session: Session, subscription: AlertSubscription, items: Sequence[AlertItem],
                          channel: Channel) -> list[AlertSubscription]:
    """The recipient's subscriptions that matched these events: the fan-out sends one message for all of them."""
    same = (AlertSubscription.email == subscription.email if channel == Channel.EMAIL
            else AlertSubscription.webhook_url == subscription.webhook_url)
    return list(session.scalars(
        select(AlertSubscription).join(AlertItem, AlertItem.subscription_id == AlertSubscription.id)
        .where(AlertItem.event_id.in_({item.event_id for item in items}), same)
        .distinct().order_by(AlertSubscription.id)
    )) or [subscription]


def _scopes(session: Session, subscriptions: Sequence[AlertSubscription], locale: str) -> str:
    return format_list([scope_label(session, s.scope_kind, s.scope_key, locale) for s in subscriptions], locale=locale)


def one_line(text: str) -> str:
    """Header values may not break lines (names and titles come from users and feeds): collapse whitespace."""
    return " ".join(text.split())


def _share(value: Any) -> str:
    try:
        return percent(Decimal(str(value))) if value is not None else _("share unknown")
    except (InvalidOperation, ValueError):
        return _("share unknown")


def _describe_stream(name_of_event: str, payload: dict[str, Any], name: str, link: str | None) -> Notice:
    """A stream's own cliff: its money, its share of the initiative's funding, its end or renewal decision."""
    funder = payload.get("funder") or "—"
    amount, share = _amount(payload.get("amount"), payload.get("currency")), _share(payload.get("share"))
    end = _date(payload.get("end_date"))
    if name_of_event == AlertEvent.CLIFF_STREAM_LIFTED:
        if payload.get("successor_id"):
            text = _("A successor is recorded for the funding by %(funder)s (%(amount)s) that was to end on %(old)s.",
                     funder=funder, amount=amount, old=_date(payload.get("old_date")))
        else:
            text = _("The funding by %(funder)s (%(amount)s) now runs until %(date)s (it was to end on %(old)s).",
                     funder=funder, amount=amount, date=end, old=_date(payload.get("old_date")))
        return Notice(_("Funding cliff of %(name)s lifted: %(funder)s", name=name, funder=funder), text, link)
    days_left = int(payload.get("days_left", 0))
    if name_of_event == AlertEvent.CLIFF_RENEWAL:
        if days_left > 0:
            title = ngettext("Renewal of the %(funder)s funding of %(name)s to be decided in %(num)d day",
                             "Renewal of the %(funder)s funding of %(name)s to be decided in %(num)d days",
                             days_left, funder=funder, name=name)
        elif days_left == 0:
            title = _("Renewal of the %(funder)s funding of %(name)s to be decided today", funder=funder, name=name)
        else:
            title = ngettext("Renewal of the %(funder)s funding of %(name)s overdue by %(num)d day",
                             "Renewal of the %(funder)s funding of %(name)s overdue by %(num)d days",
                             -days_left, funder=funder, name=name)
        text = _("The funding by %(funder)s (%(amount)s, %(share)s of the funding of %(name)s) ends on %(date)s; "
                 "renewal is to be decided by %(decision)s. No successor or extension is recorded.",
                 funder=funder, amount=amount, share=share, name=name, date=end, decision=_date(payload.get("date")))
        return Notice(title, text, link)
    if days_left > 0:
        title = ngettext("%(amount)s (%(share)s) of the funding of %(name)s ends in %(num)d day",
                         "%(amount)s (%(share)s) of the funding of %(name)s ends in %(num)d days",
                         days_left, amount=amount, share=share, name=name)
    elif days_left == 0:
        title = _("%(amount)s (%(share)s) of the funding of %(name)s ends today", amount=amount, share=share, name=name)
    else:
        title = ngettext("%(amount)s (%(share)s) of the funding of %(name)s ended %(num)d day ago",
                         "%(amount)s (%(share)s) of the funding of %(name)s ended %(num)d days ago",
                         -days_left, amount=amount, share=share, name=name)
    text = _("The funding by %(funder)s ends on %(date)s and no successor is recorded. %(name)s goes on with less money.",
             funder=funder, date=end, name=name)
    return Notice(title, text, link)


# The stream fields whose change a funding alert spells out ("end date 31-12-2026 → 30-06-2027").
CHANGED_FIELDS = {
    "amount": _l("amount"), "start_date": _l("start date"), "end_date": _l("end date"),
    "expected_end_date": _l("expected end"), "actual_end_date": _l("actual end"),
    "renewal_decision_date": _l("renewal decision"), "funder": _l("funder"),
}


def _changes(payload: dict[str, Any]) -> str:
    before, after = payload.get("before"), payload.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ""

    def shown(key: str, value: Any) -> str:
        if value is None:
            return "—"
        if key.endswith("_date"):
            return _date(value)
        if key == "amount":
            return _amount(value, after.get("currency") or before.get("currency"))
        return str(value)

    parts = [f"{label} {shown(key, before.get(key))} → {shown(key, after[key])}"
             for key, label in CHANGED_FIELDS.items() if key in after]
    return "; ".join(parts) + "." if parts else ""


def _unsubscribe_url(subscription: AlertSubscription) -> str:
    return external_url("alerts.unsubscribe", token=sign(LinkPurpose.UNSUBSCRIBE, subscription.id))


def build_email(session: Session, subscription: AlertSubscription, items: Sequence[AlertItem], key: str,
                now: datetime) -> EmailMessage:
    """One alert, or a weekly digest of several; ``key`` becomes the Message-ID receivers deduplicate on."""
    notices = [describe(session, item) for item in sorted(items, key=lambda item: item.event_id, reverse=True)]
    groups: dict[str, list[Notice]] = {}
    for notice in notices:  # newest first, grouped per initiative in the order of its newest alert
        groups.setdefault(notice.about, []).append(notice)
    unsubscribe = _unsubscribe_url(subscription)
    sender = current_app.config["SMTP_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "grenshub.example"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = subscription.email
    message["Subject"] = one_line(notices[0].title) if len(notices) == 1 else ngettext(
        "Grenshub: %(num)d alert", "Grenshub: %(num)d alerts", len(notices))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{key}@{domain}>"
    message["X-Grenshub-Idempotency-Key"] = key
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = subscription.locale
    message.set_content(render_template(
        "alerts/email.txt", groups=groups, digest=len(notices) > 1, unsubscribe_url=unsubscribe,
        scope=_scopes(session, matched_subscriptions(session, subscription, items, Channel.EMAIL), subscription.locale),
        mine_url=external_url("alerts.mine") if subscription.user_id else None,
        settings_url=external_url("alerts.subscription_settings", token=sign(LinkPurpose.SETTINGS, subscription.id)),
        feed_url=external_url("alerts.atom", token=sign(LinkPurpose.FEED, subscription.id)),
    ))
    return message


def build_webhook(session: Session, subscription: AlertSubscription, item: AlertItem, key: str) -> bytes:
    """The JSON body of a webhook call; the receiver deduplicates on ``id`` (also the Idempotency-Key header)."""
    event, notice = item.event, describe(session, item)
    matched = matched_subscriptions(session, subscription, [item], Channel.WEBHOOK)
    body = {
        "id": key,
        "event": event.name,
        "occurred_at": event.occurred_at.isoformat(),
        "subject": {"type": event.subject_type, "id": event.subject_id},
        "title": notice.title,
        "text": notice.text,
        "link": notice.link,
        "reason": notice.reason,
        "language": subscription.locale,
        "payload": payload_for(event, subscription),
        "subscription": {"id": subscription.id, "unsubscribe": _unsubscribe_url(subscription),
                         "settings": external_url("alerts.subscription_settings",
                                                  token=sign(LinkPurpose.SETTINGS, subscription.id))},
        "matched": [{"id": s.id, "scope": {"kind": s.scope_kind, "key": s.scope_key},
                     "label": scope_label(session, s.scope_kind, s.scope_key, subscription.locale)} for s in matched],
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def payload_for(event: Event, subscription: AlertSubscription) -> dict[str, Any]:
    """The change record a webhook carries: public events in full; members-only events only to active members,
    with the internal fields only for managers (who read and edit those records anyway)."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if event.public:
        return payload
    user = subscription.user
    if user is None or not user.active:
        return {}
    return payload if user.can_manage else _without(payload, INTERNAL_FIELDS)


def _without(value: Any, fields: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: _without(item, fields) for key, item in value.items() if key not in fields}
    if isinstance(value, list):
        return [_without(item, fields) for item in value]
    return value
