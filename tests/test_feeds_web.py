"""Feed pages (who may open them, forms, errors, link review, the News panel), the Atom feeds the hub
publishes, and the demo's sample sources."""
from __future__ import annotations

import re
import socket

import feedparser
import pytest
from flask import Flask
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.auth.service import create_user
from hub.events import record_event
from hub.feeds.views import events_atom
from hub.feeds.models import FeedEntry, FeedError, FeedLink, FeedProblem, FeedSource, LinkStatus
from hub.stakeholders.service import PersonInput, add_person
from tests.conftest import PASSWORD, HubClient, Users, login_as
from tests.factories import organisation
from tests.test_feeds_fetch import LOOPBACK, MAX_BYTES, TIMEOUT, FeedServer, feed_server  # noqa: F401
from tests.test_feeds_ingest import add_source, demo_registry, poll


@pytest.fixture(autouse=True)
def feed_settings(app: Flask) -> None:
    app.config.update(FEEDS_TIMEOUT=TIMEOUT, FEEDS_MAX_BYTES=MAX_BYTES, FEEDS_HOST_DELAY=0, FEEDS_PRIVATE_NETWORKS=LOOPBACK)


@pytest.fixture
def polled(db: Session, users: Users, feed_server: FeedServer) -> dict[str, int]:  # noqa: F811
    """The demo registry with the German Atom sample polled: suggested links waiting for review."""
    ids = demo_registry(db)
    source = add_source(db, users, feed_server.url("/feeds/grenzland-nachrichten.atom"), "Grenzland-Nachrichten", "de")
    poll(db, source)
    ids["source"] = source.id
    ids["techland_link"] = db.scalar(select(FeedLink.id).where(FeedLink.initiative_id == ids["techland"]))
    return ids


def page(client: HubClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


ROLE_EXPECTATIONS = [(None, 302), ("partner", 403), ("manager", 200), ("admin", 200)]


@pytest.mark.parametrize(("role", "status"), ROLE_EXPECTATIONS)
def test_source_pages_are_for_managers_and_admins(client: HubClient, users: Users, polled: dict[str, int],
                                                  role: str | None, status: int) -> None:
    login_as(client, users, role)
    source_id = polled["source"]
    for url in ("/feeds/sources", "/feeds/sources/new", f"/feeds/sources/{source_id}", f"/feeds/sources/{source_id}/edit"):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert "/login" in response.headers["Location"]
    for url in (f"/feeds/sources/{source_id}/poll", f"/feeds/links/{polled['techland_link']}/confirm",
                f"/feeds/links/{polled['techland_link']}/reject"):
        response = client.submit(url)
        assert response.status_code == (status if status != 200 else 302), url


def test_review_actions_by_others_change_nothing(client: HubClient, users: Users, db: Session, polled: dict[str, int]) -> None:
    login_as(client, users, "partner")
    assert client.submit(f"/feeds/links/{polled['techland_link']}/confirm").status_code == 403
    assert db.get(FeedLink, polled["techland_link"]).status == LinkStatus.SUGGESTED
    assert client.post(f"/feeds/links/{polled['techland_link']}/confirm").status_code in (400, 403)  # no CSRF token


@pytest.mark.parametrize(("role", "status"), ROLE_EXPECTATIONS)
def test_news_is_for_logged_in_users(client: HubClient, users: Users, polled: dict[str, int], role: str | None, status: int) -> None:
    login_as(client, users, role)
    partner_or_better = 200 if role else 302
    assert client.get("/feeds/news").status_code == partner_or_better
    assert ('href="/feeds/news"' in client.get("/initiatives").get_data(as_text=True)) == bool(role)


def test_manager_creates_a_source_and_bad_input_is_explained(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.manager.email)
    bad = client.submit("/feeds/sources/new", {"name": "Nieuws", "url": "ftp://ftp.example.org/feed", "language": "nl",
                                               "poll_interval_minutes": "60", "active": "y"})
    assert bad.status_code == 422
    assert "The address must start with http:// or https://" in bad.get_data(as_text=True)
    not_a_number = client.submit("/feeds/sources/new", {"name": "Nieuws", "url": "https://nieuws.example.org/feed",
                                                         "language": "nl", "poll_interval_minutes": "vaak"})
    assert not_a_number.status_code == 422
    assert db.scalar(select(func.count(FeedSource.id))) == 0

    created = client.submit("/feeds/sources/new", {"name": "Nieuws", "url": "https://nieuws.example.org/feed",
                                                   "language": "de", "poll_interval_minutes": "30", "active": "y"})
    assert created.status_code == 302
    source = db.scalar(select(FeedSource))
    assert (source.name, source.language, source.poll_interval_minutes, source.active, source.created_by_id) == (
        "Nieuws", "de", 30, True, users.manager.id)
    detail = page(client, created.headers["Location"])
    assert "https://nieuws.example.org/feed" in detail and "not polled yet" in detail

    edited = client.submit(f"/feeds/sources/{source.id}/edit", {"name": "Nieuws NL", "url": source.url, "language": "nl",
                                                               "poll_interval_minutes": "15"})
    assert edited.status_code == 302
    db.refresh(source)
    assert (source.name, source.active, source.poll_interval_minutes) == ("Nieuws NL", False, 15)


def test_poll_now_shows_the_recorded_problem_on_the_source_page(client: HubClient, users: Users, db: Session,
                                                                feed_server: FeedServer) -> None:  # noqa: F811
    source = add_source(db, users, feed_server.url("/status/503"), "Onderhoud")
    client.login(users.manager.email)
    response = client.submit(f"/feeds/sources/{source.id}/poll", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Polling failed: The server answered with an error status." in html
    errors = re.search(r'<table class="list" id="feed-errors">.*?</table>', html, re.S).group()
    assert 'data-problem="http_status"' in errors and "HTTP 503" in errors
    assert "failing" in html


@pytest.mark.parametrize(("locale", "warning"), [
    ("en", "The feed is not well-formed XML (for example an unknown character entity or a stray ampersand)"),
    ("nl", "De feed is geen geldige XML"),
    ("de", "Der Feed ist kein wohlgeformtes XML"),
])
def test_a_feed_read_despite_its_flaws_shows_managers_a_warning(app: Flask, client: HubClient, users: Users, db: Session,
                                                                feed_server: FeedServer, locale: str, warning: str) -> None:  # noqa: F811
    app.config["FEEDS_TIMEOUT"] = 10  # about what the feed says, not how fast it comes
    source = add_source(db, users, feed_server.url("/feeds/losse-ampersand.atom"), "Grensportaal")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
    client.login(users.manager.email)
    client.submit(f"/feeds/sources/{source.id}/poll")
    html = page(client, f"/feeds/sources/{source.id}")
    errors = re.search(r'<table class="list" id="feed-errors">.*?</table>', html, re.S).group()
    assert 'data-problem="recovered_xml"' in errors and warning in errors
    assert "SAXParseException" not in errors
    assert "Belasting &amp; sociale zekerheid" in html


@pytest.mark.parametrize(("locale", "private", "closed"), [
    ("en", "leads into a private or local network", "could not be reached"),
    ("nl", "leidt naar een privé- of lokaal netwerk", "was niet bereikbaar"),
    ("de", "führt in ein privates oder lokales Netz", "war nicht erreichbar"),
])
def test_unreachable_sources_show_a_plain_translated_reason_and_no_internals(
    app: Flask, client: HubClient, users: Users, db: Session, locale: str, private: str, closed: str,
) -> None:
    """A manager probing internal addresses learns nothing about them: no exception text, no port numbers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    internal = add_source(db, users, f"http://10.0.0.1:{port}/feed", "Intern")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
    client.login(users.manager.email)
    app.config["FEEDS_PRIVATE_NETWORKS"] = ""
    html = client.submit(f"/feeds/sources/{internal.id}/poll", follow_redirects=True).get_data(as_text=True)
    assert private in html
    app.config["FEEDS_PRIVATE_NETWORKS"] = LOOPBACK
    closed_source = add_source(db, users, f"http://127.0.0.1:{port}/feed", "Dicht")
    html = client.submit(f"/feeds/sources/{closed_source.id}/poll", follow_redirects=True).get_data(as_text=True)
    assert closed in html
    for source_id in (internal.id, closed_source.id):
        shown = page(client, f"/feeds/sources/{source_id}")
        errors = re.search(r'<table class="list" id="feed-errors">.*?</table>', shown, re.S).group()
        assert str(port) not in errors
        for internals in ("Errno", "refused", "Connection", "HTTPConnectionPool", "urllib3", "Error"):
            assert internals not in errors
    [recorded] = db.scalars(select(FeedError).where(FeedError.source_id == internal.id)).all()
    assert recorded.problem == FeedProblem.PRIVATE_ADDRESS


def test_manager_reviews_suggestions_and_the_initiative_page_shows_confirmed_news(
    client: HubClient, users: Users, db: Session, polled: dict[str, int],
) -> None:
    client.login(users.manager.email)
    news = page(client, "/feeds/news?pending=1")
    assert news.count('data-status="suggested"') == 4  # TECH.LAND, GIP Euregio, IHK, EuregioRail
    assert f'action="/feeds/links/{polled["techland_link"]}/confirm"' in news

    confirmed = client.submit(f"/feeds/links/{polled['techland_link']}/confirm", {"next": "/feeds/news?pending=1"})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/feeds/news?pending=1"
    gip_link = db.scalar(select(FeedLink.id).where(FeedLink.initiative_id == polled["gip-euregio"]))
    rejected = client.submit(f"/feeds/links/{gip_link}/reject", {"next": "https://evil.example/"})
    assert rejected.headers["Location"] == "/feeds/news?pending=1"  # only paths on this site
    again = client.submit(f"/feeds/links/{polled['techland_link']}/confirm", follow_redirects=True)
    assert "This link is already confirmed." in again.get_data(as_text=True)

    manager_view = page(client, f"/initiatives/{polled['techland']}")
    panel = re.search(r'<section aria-labelledby="news-h" id="news-panel">.*?</section>', manager_view, re.S).group()
    assert "TECH.LAND und GrensInfoPunt Euregio beraten gemeinsam Grenzpendler" in panel
    assert 'data-status="confirmed"' in panel
    gip_panel = page(client, f"/initiatives/{polled['gip-euregio']}")
    assert "No news mentions this initiative yet." in gip_panel  # rejected

    client.post("/logout", data={"csrf_token": client.csrf_token()})
    visitor_view = page(client, f"/initiatives/{polled['techland']}")
    assert "TECH.LAND und GrensInfoPunt Euregio beraten gemeinsam Grenzpendler" in visitor_view
    euregiorail = page(client, f"/initiatives/{polled['euregiorail']}")
    assert "Direktzug" not in euregiorail  # still only suggested: managers see it, visitors don't


def test_partner_sees_confirmed_links_but_no_suggestions(client: HubClient, users: Users, db: Session, polled: dict[str, int]) -> None:
    link = db.get(FeedLink, polled["techland_link"])
    link.status = LinkStatus.CONFIRMED
    db.commit()
    client.login(users.partner.email)
    news = page(client, "/feeds/news?pending=1")  # the filter is a reviewer's tool
    assert 'data-status="confirmed"' in news
    assert 'data-status="suggested"' not in news and "/confirm" not in news
    assert news.count('class="news-entry"') == 3


def test_feed_text_is_escaped_and_summaries_sanitised(client: HubClient, users: Users, db: Session, polled: dict[str, int]) -> None:
    entry = db.scalar(select(FeedEntry).where(FeedEntry.title.startswith("TECH.LAND und")))
    entry.title = "Tom & Jerry <3 TECH.LAND"
    db.commit()
    client.login(users.manager.email)
    html = page(client, "/feeds/news")
    assert "Tom &amp; Jerry &lt;3 TECH.LAND" in html
    assert "<strong>TECH.LAND</strong>" in html  # sanitised markup is kept


def test_events_atom_is_valid_public_only_and_translated(client: HubClient, users: Users, db: Session, polled: dict[str, int]) -> None:
    org = organisation(db, "Gemeente Enschede")
    add_person(db, org, PersonInput(name="Geheime Contactpersoon"), actor_id=None)  # a non-public event
    create_user(db, email="nieuw@hub.test", name="Nieuw", password=PASSWORD, role="manager")
    link = db.get(FeedLink, polled["techland_link"])
    from hub.feeds.service import confirm_link

    confirm_link(db, link, actor_id=users.manager.id)
    db.commit()

    response = client.get("/feeds/events.atom?lang=de")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.language == "de"
    titles = [e.title for e in parsed.entries]
    assert "Neue Initiative: TECH.LAND" in titles
    assert "In den Nachrichten erwähnt: TECH.LAND" in titles
    assert not any("Geheime" in t or "nieuw@hub.test" in t for t in titles)
    assert all(e.link.startswith("http://hub.test/") for e in parsed.entries if "link" in e)

    dutch = feedparser.parse(client.get("/feeds/events.atom", headers={"Accept-Language": "nl"}).data)
    assert "Nieuw initiatief: TECH.LAND" in [e.title for e in dutch.entries]
    english = feedparser.parse(client.get("/feeds/events.atom?lang=en", headers={"Accept-Language": "de"}).data)
    assert "New initiative: TECH.LAND" in [e.title for e in english.entries]


def test_events_atom_is_wholly_in_the_requested_language(app: Flask, db: Session, polled: dict[str, int]) -> None:
    """``?lang=`` wins over the browser, even after Dutch was translated earlier in the same request, and event
    kinds of other domains (a funding cliff) or without any label are named in that language, never by code."""
    record_event(db, "alerts.cliff_threshold", "initiative", polled["techland"], actor_id=None, payload={"days_left": 30})
    record_event(db, "initiative.archived", "initiative", polled["techland"], actor_id=None, payload={})
    db.commit()
    with app.test_request_context("/feeds/events.atom?lang=de", headers={"Accept-Language": "nl"}):
        assert gettext("Grenshub: changes in the registry") == "Grenshub: wijzigingen in het register"
        response = events_atom()
        assert gettext("Grenshub: changes in the registry") == "Grenshub: wijzigingen in het register"
    parsed = feedparser.parse(response.get_data())
    assert parsed.feed.language == "de" and response.headers["Content-Language"] == "de"
    assert parsed.feed.title == "Grenshub: Änderungen im Register"
    titles = [entry.title for entry in parsed.entries]
    assert titles[:2] == ["Änderung im Register: TECH.LAND", "Schwelle der Finanzierungsklippe erreicht: TECH.LAND"]
    assert not any(title.startswith(("alerts.", "initiative.", "feed.")) for title in titles)


def test_initiative_news_atom_lists_confirmed_news_only(client: HubClient, users: Users, db: Session, polled: dict[str, int]) -> None:
    empty = feedparser.parse(client.get(f"/initiatives/{polled['techland']}/news.atom?lang=en").data)
    assert not empty.bozo and empty.entries == []

    db.get(FeedLink, polled["techland_link"]).status = LinkStatus.CONFIRMED
    db.commit()
    response = client.get(f"/initiatives/{polled['techland']}/news.atom?lang=en")
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "TECH.LAND in the news"
    [entry] = parsed.entries
    assert entry.title == "TECH.LAND und GrensInfoPunt Euregio beraten gemeinsam Grenzpendler"
    assert entry.link == "https://grenzland.example.de/nachrichten/2026/techland-gip-beratung"
    assert "<strong>TECH.LAND</strong>" in entry.summary
    assert entry.published_parsed[:5] == (2026, 11, 21, 9, 0)

    cached = client.get(f"/initiatives/{polled['techland']}/news.atom?lang=en", headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304
    assert client.get("/initiatives/999999/news.atom").status_code == 404


def test_demo_registers_and_polls_the_sample_feeds_without_network(app: Flask, db: Session,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import requests

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the demo must not use the network")

    monkeypatch.setattr(requests.Session, "request", no_network)
    from hub.demo.loader import load_demo

    load_demo()
    sources = db.scalars(select(FeedSource).order_by(FeedSource.id)).all()
    assert [s.url.startswith("file://") for s in sources] == [True, True, True]
    assert [s.last_status for s in sources] == ["ok", "ok", "ok"]
    assert db.scalar(select(func.count(FeedEntry.id))) == 9
    statuses = dict(db.execute(select(FeedLink.status, func.count(FeedLink.id)).group_by(FeedLink.status)).all())
    assert statuses[LinkStatus.CONFIRMED] >= 4 and statuses[LinkStatus.SUGGESTED] >= 4
