"""The pull channels: an Atom feed per subscription and an iCal calendar of funding end dates and thresholds.

Both are reached through signed links (no login: feed readers and calendar apps cannot log in).
Call them inside ``flask_babel.force_locale`` with the subscriber's language.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from icalendar import Calendar, Event as CalendarEvent
from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session, joinedload

from hub import clock
from hub.alerts.messages import describe, external_url
from hub.alerts.models import AlertItem, AlertSubscription
from hub.alerts.service import OWNER_NOTICES, LinkPurpose, initiatives_in_scope, scope_label, sign
from hub.events import Event
from hub.formatting import locale_code, money
from hub.funding.horizon import decision_date, horizons_query
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative
from hub.text import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
CALENDAR_PAST = timedelta(days=365)
CALENDAR_FUTURE = timedelta(days=5 * 365)
CALENDAR_MAX_STREAMS = 5000


def _tag(kind: str, *ids: int) -> str:
    """A stable tag: URI (RFC 4151) for Atom ids and iCal UIDs."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "grenshub"
    return f"tag:{host},2026:{kind}/" + "/".join(str(i) for i in ids)


def atom(session: Session, subscription: AlertSubscription) -> bytes:
    """The subscription's latest alerts as an Atom 1.0 document."""
    items = session.scalars(
        select(AlertItem).join(Event, Event.id == AlertItem.event_id)
        .where(AlertItem.subscription_id == subscription.id, Event.name.not_in(OWNER_NOTICES))
        .order_by(AlertItem.event_id.desc()).limit(FEED_ENTRIES)
        .options(joinedload(AlertItem.event), joinedload(AlertItem.subscription))
    ).all()
    ElementTree.register_namespace("", ATOM)

    def add(parent: ElementTree.Element, name: str, text: str | None = None, **attributes: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", {k: xml_safe(v) for k, v in attributes.items()})
        element.text = xml_safe(text) if text is not None else None  # ElementTree keeps control characters as they are
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"xml:lang": subscription.locale})
    add(feed, "id", _tag("subscription", subscription.id))
    scope = scope_label(session, subscription.scope_kind, subscription.scope_key, locale_code())
    add(feed, "title", _("Grenshub alerts: %(scope)s", scope=scope))
    updated = items[0].event.occurred_at if items else subscription.created_at
    add(feed, "updated", updated.isoformat())
    add(feed, "link", rel="self", href=external_url("alerts.atom", token=sign(LinkPurpose.FEED, subscription.id)))
    add(add(feed, "author"), "name", "Grenshub")
    for item in items:
        notice = describe(session, item)
        entry = add(feed, "entry")
        add(entry, "id", _tag("alert", item.subscription_id, item.event_id))
        add(entry, "title", notice.title)
        add(entry, "updated", item.event.occurred_at.isoformat())
        if notice.link:
            add(entry, "link", href=notice.link)
        add(entry, "content", notice.text, type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="utf-8", xml_declaration=False)


def scope_union(subscriptions: Sequence[AlertSubscription]) -> Select:
    """Ids of every initiative any of the subscriptions follows."""
    if not subscriptions:
        return select(Initiative.id).where(Initiative.id.is_(None))
    queries = [initiatives_in_scope(s.scope_kind, s.scope_key) for s in subscriptions]
    return select(union(*queries).subquery().c[0]) if len(queries) > 1 else queries[0]


def calendar(session: Session, initiative_ids: Select, *, title: str, thresholds: Sequence[int]) -> bytes:
    """Every funding end date and every cliff threshold date of the initiatives, as all-day events."""
    today = clock.today()
    stamp = clock.now()
    window = (today - CALENDAR_PAST, today + CALENDAR_FUTURE)
    cal = Calendar()
    cal.add("prodid", "-//Grenshub//Funding cliffs//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", xml_safe(title))
    lead_days = current_app.config["RENEWAL_LEAD_DAYS"]
    streams = session.scalars(
        select(FundingStream).where(FundingStream.initiative_id.in_(initiative_ids),
                                    FundingStream.effective_end.between(window[0], window[1] + timedelta(days=lead_days)))
        .order_by(FundingStream.effective_end).limit(CALENDAR_MAX_STREAMS)
        .options(joinedload(FundingStream.initiative))
    ).all()
    for stream in streams:
        name = stream.initiative.name_in(locale_code())
        funder = stream.funder.name if stream.funder else "—"
        link = external_url("initiatives.detail", initiative_id=stream.initiative_id)
        end, decision = stream.effective_end, decision_date(stream, lead_days)
        if end is not None and end <= window[1]:
            _add_day(cal, _tag("stream-end", stream.id), end, stamp,
                     _("Funding ends: %(funder)s for %(name)s (%(amount)s)", funder=funder, name=name,
                       amount=money(stream.amount, stream.currency)), link)
        if decision is not None and window[0] <= decision <= window[1] and stream.successor_id is None and not stream.extended:
            _add_day(cal, _tag("renewal", stream.id, decision.toordinal()), decision, stamp,
                     _("Renewal decision: %(funder)s for %(name)s", funder=funder, name=name), link)
    horizons = horizons_query().subquery()
    cliffs = session.execute(
        select(Initiative, horizons.c.horizon).join(horizons, horizons.c.initiative_id == Initiative.id)
        .where(Initiative.id.in_(initiative_ids), horizons.c.horizon.between(window[0], window[1] + timedelta(days=max(thresholds))))
    ).all()
    for initiative, horizon in cliffs:
        name = initiative.name_in(locale_code())
        link = external_url("initiatives.detail", initiative_id=initiative.id)
        for days in thresholds:
            when = horizon - timedelta(days=days)
            if not window[0] <= when <= window[1]:
                continue
            summary = (ngettext("%(name)s: funding ends in %(num)d day", "%(name)s: funding ends in %(num)d days", days, name=name)
                       if days else _("Funding cliff: %(name)s", name=name))
            _add_day(cal, _tag("cliff", initiative.id, horizon.toordinal(), days), when, stamp, summary, link)
    return cal.to_ical()


def _add_day(cal: Calendar, uid: str, when: date, stamp: datetime, summary: str, link: str) -> None:
    event = CalendarEvent()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", when)
    event.add("dtend", when + timedelta(days=1))
    event.add("summary", xml_safe(summary))
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    cal.add_component(event)
