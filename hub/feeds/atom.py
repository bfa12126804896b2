"""The Atom 1.0 feeds the hub publishes, so other portals can follow it: public registry events and
each initiative's confirmed news. Built with ElementTree, so every text is escaped; the titles are
translated in whatever locale is active when they are built."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from hub.events import Event
from hub.events.labels import EVENT_LABELS as HISTORY_LABELS
from hub.feeds.models import FeedLink
from hub.feeds.service import FeedEvent
from hub.formatting import locale_code
from hub.funding.service import FundingEvent
from hub.initiatives.models import Initiative
from hub.initiatives.service import InitiativeEvent
from hub.stakeholders.models import Organisation
from hub.stakeholders.service import StakeholderEvent
from hub.text import xml_safe

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_MIMETYPE = "application/atom+xml"
FEED_SIZE = 50

EVENT_LABELS = {
    InitiativeEvent.CREATED: _l("New initiative"),
    InitiativeEvent.UPDATED: _l("Initiative changed"),
    InitiativeEvent.DELETED: _l("Initiative removed"),
    FundingEvent.ADDED: _l("Funding added"),
    FundingEvent.UPDATED: _l("Funding changed"),
    FundingEvent.REMOVED: _l("Funding removed"),
    StakeholderEvent.ORGANISATION_CREATED: _l("New organisation"),
    StakeholderEvent.ORGANISATION_UPDATED: _l("Organisation changed"),
    StakeholderEvent.ROLE_ADDED: _l("Stakeholder role added"),
    StakeholderEvent.ROLE_REMOVED: _l("Stakeholder role removed"),
    FeedEvent.LINK_CONFIRMED: _l("Mentioned in the news"),
}


@dataclass(frozen=True)
class AtomEntry:
    id: str
    title: str
    updated: datetime
    link: str | None = None
    summary: str | None = None
    summary_is_html: bool = False
    published: datetime | None = None


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    element.text = xml_safe(text)  # ElementTree escapes markup but writes control characters as they are
    return element


def _link(parent: ET.Element, href: str, rel: str = "alternate", type_: str | None = None) -> None:
    attributes = {"href": xml_safe(href), "rel": rel}
    if type_:
        attributes["type"] = type_
    ET.SubElement(parent, f"{{{ATOM_NS}}}link", attributes)


def atom_document(*, feed_id: str, title: str, self_url: str, alternate_url: str, updated: datetime,
                  entries: Iterable[AtomEntry], subtitle: str | None = None) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: locale_code()})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "updated", updated.isoformat())
    _link(feed, self_url, "self", ATOM_MIMETYPE)
    _link(feed, alternate_url)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author, "name", "Grenshub")
    _text(feed, "generator", "Grenshub")
    for item in entries:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _text(entry, "updated", item.updated.isoformat())
        if item.published:
            _text(entry, "published", item.published.isoformat())
        if item.link:
            _link(entry, item.link)
        if item.summary:
            _text(entry, "summary", item.summary, type="html" if item.summary_is_html else "text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def latest_public_events(session: Session) -> Sequence[Event]:
    """The newest public events: private ones (users, contact people, feed housekeeping) never leave the hub."""
    return session.scalars(select(Event).where(Event.public.is_(True)).order_by(Event.id.desc()).limit(FEED_SIZE)).all()


def absolute(base_url: str, endpoint: str, **values: Any) -> str:
    """Feed readers need absolute links; they are built on the configured public address."""
    return base_url.rstrip("/") + url_for(endpoint, **values)


def _names(session: Session, events: Sequence[Event]) -> dict[tuple[str, int], str]:
    locale = locale_code()
    ids = {kind: {e.subject_id for e in events if e.subject_type == kind} for kind in ("initiative", "organisation")}
    names: dict[tuple[str, int], str] = {}
    if ids["initiative"]:
        for initiative in session.scalars(select(Initiative).where(Initiative.id.in_(ids["initiative"])).options(lazyload("*"))):
            names[("initiative", initiative.id)] = initiative.name_in(locale)
    if ids["organisation"]:
        for org_id, name in session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids["organisation"]))):
            names[("organisation", org_id)] = name
    return names


def _payload_name(payload: dict[str, Any]) -> str | None:
    """The subject's name as the event recorded it (for subjects deleted since)."""
    for side in ("before", "after"):
        state = payload.get(side)
        if isinstance(state, dict):
            for key in (f"name_{locale_code()}", "name_nl", "name_de", "name_en", "name"):
                if isinstance(state.get(key), str) and state[key]:
                    return state[key]
    return None


def event_entries(session: Session, events: Sequence[Event], base_url: str) -> list[AtomEntry]:
    names = _names(session, events)
    pages = {"initiative": ("initiatives.detail", "initiative_id"), "organisation": ("stakeholders.detail", "org_id")}
    entries = []
    for event in events:
        subject = (event.subject_type, event.subject_id)
        name = names.get(subject) or _payload_name(event.payload) or f"{event.subject_type} {event.subject_id}"
        label = EVENT_LABELS.get(event.name) or HISTORY_LABELS.get(event.name) or _("Registry change")  # type: ignore[call-overload]
        link = None
        if subject in names and event.subject_type in pages:
            endpoint, argument = pages[event.subject_type]
            link = absolute(base_url, endpoint, **{argument: event.subject_id})
        summary = None
        if event.name == FeedEvent.LINK_CONFIRMED:
            summary = _("“%(title)s” (%(source)s)", title=event.payload.get("title", ""), source=event.payload.get("source", ""))
        elif isinstance(event.payload.get("after"), dict) and isinstance(event.payload.get("before"), dict):
            summary = _("Changed: %(fields)s", fields=", ".join(sorted(event.payload["after"])))
        entries.append(AtomEntry(
            id=absolute(base_url, "feeds.events_atom") + f"#event-{event.id}",
            title=_("%(what)s: %(subject)s", what=str(label), subject=name),
            updated=event.occurred_at, link=link, summary=summary,
        ))
    return entries


def news_entries(links: Sequence[FeedLink], base_url: str, initiative_id: int) -> list[AtomEntry]:
    feed_url = absolute(base_url, "feeds.initiative_news_atom", initiative_id=initiative_id)
    return [
        AtomEntry(
            id=f"{feed_url}#entry-{link.entry.id}", title=link.entry.title or _("Untitled"),
            updated=link.entry.updated_at, published=link.entry.published_at, link=link.entry.link,
            summary=link.entry.summary_html or None, summary_is_html=True,
        )
        for link in links
    ]
