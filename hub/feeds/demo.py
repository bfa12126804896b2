"""The demo's news: the sample feeds written for the tests, registered as local ``file://`` sources by
the demo administrator and polled once, so the News panels and the review queue have something to
show. Nothing reaches the network."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.auth.models import Role, User
from hub.feeds.fetch import Fetcher, FetchSettings
from hub.feeds.matching import build_matcher
from hub.feeds.models import FeedEntry, FeedLink
from hub.feeds.service import SourceInput, confirm_link, create_source, poll_source

DEMO_SOURCES = (
    ("Euregio-nieuws (voorbeeldfeed)", "euregio-nieuws.rss", "nl"),
    ("Grenzland-Nachrichten (Beispielfeed)", "grenzland-nachrichten.atom", "de"),
    ("Arbeitsmarkt Grenzregion (RDF-Beispielfeed)", "arbeitsmarkt-grenzregion.rdf", "de"),
)


def load_demo_feeds(session: Session) -> int:
    """Register and poll the sample feeds; the first feed's initiative links are confirmed, the rest wait
    for review. Needs the demo administrator (file sources must come from an admin or manager)."""
    admin_id = session.scalar(select(User.id).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    settings = FetchSettings.from_config(current_app.config)
    sources = [
        create_source(session, SourceInput(name=name, url=(settings.file_root / filename).as_uri(), language=language,
                                           poll_interval_minutes=60), actor_id=admin_id)
        for name, filename, language in DEMO_SOURCES
    ]
    fetcher, matcher = Fetcher(settings), build_matcher(session)
    for source in sources:
        poll_source(session, source, actor_id=admin_id, fetcher=fetcher, matcher=matcher)
    first_links = select(FeedLink).join(FeedLink.entry).where(
        FeedEntry.source_id == sources[0].id, FeedLink.initiative_id.is_not(None)
    )
    for link in session.scalars(first_links).all():
        confirm_link(session, link, actor_id=admin_id)
    return len(sources)
