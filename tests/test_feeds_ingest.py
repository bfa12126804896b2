"""Polling feed sources into the database: ingest, conditional re-poll, updates, broken feeds, linking,
scheduling, and the review of suggested links."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import clock
from hub.auth.models import Role
from hub.demo import data
from hub.errors import Conflict, ValidationFailed
from hub.events import Event
from hub.feeds import jobs, service
from hub.feeds.models import FeedEntry, FeedError, FeedLink, FeedProblem, FeedSource, LinkStatus, PollStatus
from hub.feeds.service import SourceInput
from hub.initiatives.models import Initiative
from hub.initiatives.service import InitiativeInput, create_initiative
from hub.stakeholders.models import Organisation
from tests.conftest import Users
from tests.factories import organisation
from tests.test_feeds_fetch import FIXTURES, LOOPBACK, MAX_BYTES, TIMEOUT, FeedServer, feed_server  # noqa: F401

DEMO_INITIATIVES = ("techland", "techland-monitor", "gip-euregio", "euregiorail", "edl", "edl-scholenmakelaar",
                    "grenswerk-enschede-gronau", "move-certificates")
DEMO_ORGANISATIONS = ("saxion", "twente-board", "ministerie-szw", "ihk-nord-westfalen", "euregio")


@pytest.fixture(autouse=True)
def feed_settings(app: Flask) -> None:
    app.config.update(FEEDS_TIMEOUT=TIMEOUT, FEEDS_MAX_BYTES=MAX_BYTES, FEEDS_HOST_DELAY=0, FEEDS_PRIVATE_NETWORKS=LOOPBACK)


@pytest.fixture(autouse=True)
def fresh_routes(feed_server: FeedServer) -> None:  # noqa: F811
    feed_server.routes.clear()


def demo_registry(db: Session) -> dict[str, int]:
    """A few demo initiatives and organisations, with the names and aliases the demo data gives them."""
    ids = {}
    for row in data.INITIATIVES:
        if row["key"] in DEMO_INITIATIVES:
            ids[row["key"]] = create_initiative(db, InitiativeInput(
                kind=row["kind"], name_nl=row.get("name_nl"), name_de=row.get("name_de"), name_en=row.get("name_en"),
                acronym=row.get("acronym"), aliases=row.get("aliases", []),
            ), actor_id=None).id
    for row in data.ORGANISATIONS:
        if row["key"] in DEMO_ORGANISATIONS:
            ids[row["key"]] = organisation(db, row["name"], row["country"], row["type"]).id
    db.commit()
    return ids


def add_source(db: Session, users: Users, url: str, name: str = "Euregio-nieuws", language: str = "nl", **kw: Any) -> FeedSource:
    source = service.create_source(db, SourceInput(name=name, url=url, language=language, **kw), actor_id=users.manager.id)
    db.commit()
    return source


def poll(db: Session, source: FeedSource) -> service.PollOutcome:
    [outcome] = jobs.poll_sources(db, [source.id])
    return outcome


def count(db: Session, model: Any, *where: Any) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def links_of(db: Session, title: str) -> dict[str, tuple[str, LinkStatus]]:
    """The links of the entry titled ``title``: target name → (matched words, status)."""
    entry = db.scalar(select(FeedEntry).where(FeedEntry.title == title))
    assert entry is not None, title
    result = {}
    for link in db.scalars(select(FeedLink).where(FeedLink.entry_id == entry.id)):
        target = db.get(Initiative, link.initiative_id) if link.initiative_id else db.get(Organisation, link.organisation_id)
        name = target.primary_name if isinstance(target, Initiative) else target.name  # type: ignore[union-attr]
        result[name] = (link.matched, link.status)
    return result


def test_ingests_rss2_atom_and_rss1_and_links_mentions(db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    demo_registry(db)
    rss = add_source(db, users, feed_server.url("/feeds/euregio-nieuws.rss"))
    atom = add_source(db, users, feed_server.url("/feeds/grenzland-nachrichten.atom"), "Grenzland-Nachrichten", "de")
    rdf = add_source(db, users, feed_server.url("/feeds/arbeitsmarkt-grenzregion.rdf"), "Arbeitsmarkt", "de")

    outcomes = {o.source_id: o for o in jobs.poll_due_sources(db)}
    assert {s: (o.status, o.new) for s, o in outcomes.items()} == {
        rss.id: (PollStatus.OK, 4), atom.id: (PollStatus.OK, 3), rdf.id: (PollStatus.OK, 2)}
    assert count(db, FeedEntry) == 9

    german = db.scalar(select(FeedEntry).where(FeedEntry.title.startswith("TECH.LAND und GrensInfoPunt")))
    assert german.language == "de" and german.source_id == atom.id
    assert german.published_at == datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert links_of(db, german.title) == {
        "TECH.LAND": ("TECH.LAND", LinkStatus.SUGGESTED),
        "GrensInfoPunt EUREGIO": ("GrensInfoPunt Euregio", LinkStatus.SUGGESTED),
    }
    assert links_of(db, "Techlandschaft im Münsterland wächst weiter") == {
        "IHK Nord Westfalen": ("IHK Nord Westfalen", LinkStatus.SUGGESTED)}
    assert links_of(db, "Euregionale durchgängige Lernlinie: mehr Praktika im Nachbarland") == {
        "Euregionale doorlopende leerlijn": ("Euregionale durchgängige Lernlinie", LinkStatus.SUGGESTED),
        "Saxion Hogeschool": ("Saxion Hogeschool", LinkStatus.SUGGESTED),
    }
    undated = db.scalar(select(FeedEntry).where(FeedEntry.title.startswith("Grensoverschrijdende netwerkavond")))
    assert undated.published_at is None and undated.sort_at == undated.first_seen_at
    sanitised = db.scalar(select(FeedEntry).where(FeedEntry.title.startswith("EDL-Scholenmakelaar")))
    assert "<script" not in sanitised.summary_html and "onerror" not in sanitised.summary_html

    db.refresh(rss)
    assert rss.etag and rss.last_modified and rss.last_status == PollStatus.OK
    ingested = db.scalars(select(Event).where(Event.name == "feed.entries_ingested")).all()
    assert {(e.subject_id, e.payload["new"], e.public) for e in ingested} == {(rss.id, 4, False), (atom.id, 3, False), (rdf.id, 2, False)}


def test_repoll_gets_304_and_adds_nothing(db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    source = add_source(db, users, feed_server.url("/feeds/grenzland-nachrichten.atom"), language="de")
    assert poll(db, source).new == 3
    entries, events = count(db, FeedEntry), count(db, Event)

    again = poll(db, source)
    assert again.status == PollStatus.NOT_MODIFIED and again.new == again.updated == 0
    assert feed_server.headers_of_last("/feeds/grenzland-nachrichten.atom")["if-none-match"] == source.etag
    assert count(db, FeedEntry) == entries and count(db, Event) == events
    db.refresh(source)
    assert source.last_status == PollStatus.NOT_MODIFIED


def test_local_sample_file_is_polled_conditionally_too(db: Session, users: Users) -> None:
    source = add_source(db, users, (FIXTURES / "arbeitsmarkt-grenzregion.rdf").as_uri(), language="de")
    assert poll(db, source).new == 2
    assert poll(db, source).status == PollStatus.NOT_MODIFIED
    assert count(db, FeedEntry) == 2


def test_changed_entry_updates_instead_of_duplicating(db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    demo_registry(db)
    feed_server.routes["/current.rss"] = "/feeds/euregio-nieuws.rss"
    source = add_source(db, users, feed_server.url("/current.rss"))
    poll(db, source)
    gip = db.scalar(select(FeedEntry).where(FeedEntry.title.startswith("GrensInfoPunt Euregio blijft open")))
    first_seen = gip.first_seen_at
    assert set(links_of(db, gip.title)) == {"GrensInfoPunt EUREGIO", "Ministerie van Sociale Zaken en Werkgelegenheid"}
    szw = db.scalar(select(FeedLink).where(FeedLink.entry_id == gip.id, FeedLink.organisation_id.is_not(None)))
    service.confirm_link(db, szw, actor_id=users.manager.id)
    db.commit()

    feed_server.routes["/current.rss"] = "/feeds/euregio-nieuws-bijgewerkt.rss"
    outcome = poll(db, source)
    assert (outcome.new, outcome.updated) == (1, 1)
    assert count(db, FeedEntry) == 5

    db.expire_all()
    updated = db.get(FeedEntry, gip.id)
    assert updated.title == "Correctie: GrensInfoPunt Euregio blijft open tot en met 2028"
    assert "tot en met 2028" in updated.summary_html and updated.first_seen_at == first_seen
    # The initiative is now mentioned as "GIP Euregio"; the ministry is no longer named but a person
    # confirmed that link, so it stays; the EUREGIO organisation is a new suggestion.
    assert links_of(db, updated.title) == {
        "GrensInfoPunt EUREGIO": ("GrensInfoPunt Euregio", LinkStatus.SUGGESTED),
        "Ministerie van Sociale Zaken en Werkgelegenheid": ("Ministerie van Sociale Zaken en Werkgelegenheid", LinkStatus.CONFIRMED),
        "EUREGIO": ("EUREGIO", LinkStatus.SUGGESTED),
    }
    event = db.scalars(select(Event).where(Event.name == "feed.entries_ingested").order_by(Event.id.desc())).first()
    assert (event.payload["new"], event.payload["updated"]) == (1, 1)


def test_an_item_repeated_within_one_feed_is_stored_once(db: Session, users: Users, app: Flask, tmp_path: Path) -> None:
    item = "<item><guid>dubbel-1</guid><title>TECH.LAND groeit</title></item>"
    feed = tmp_path / "dubbel.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>{item}{item}</channel></rss>')
    app.config["FEEDS_FILE_ROOT"] = str(tmp_path)
    assert poll(db, add_source(db, users, feed.as_uri())).new == 1
    assert count(db, FeedEntry) == 1


BROKEN = [
    ("/status/404", FeedProblem.HTTP_STATUS, "HTTP 404"),
    ("/status/500", FeedProblem.HTTP_STATUS, "HTTP 500"),
    ("/slow", FeedProblem.TIMEOUT, "s"),
    ("/redirect/loop", FeedProblem.TOO_MANY_REDIRECTS, "/redirect/loop"),
    ("/redirect/ftp", FeedProblem.BAD_REDIRECT, "ftp://"),
    ("/feeds/geen-feed.html", FeedProblem.HTML, "text/html"),
    ("/empty", FeedProblem.EMPTY, "no content"),
    ("/feeds/abgebrochen.rss", FeedProblem.MALFORMED, "no element found"),
    ("/feeds/kaputt.xml", FeedProblem.MALFORMED, "mismatched tag"),
    ("/feeds/sitemap.xml", FeedProblem.NOT_A_FEED, "no RSS"),
    ("/big", FeedProblem.TOO_LARGE, str(MAX_BYTES)),
]


@pytest.mark.parametrize(("path", "problem", "reason"), BROKEN, ids=[b[1].value + b[0] for b in BROKEN])
def test_broken_feed_is_recorded_with_its_reason_and_earlier_entries_stay(
    db: Session, users: Users, feed_server: FeedServer, path: str, problem: FeedProblem, reason: str,  # noqa: F811
) -> None:
    demo_registry(db)
    feed_server.routes["/current.rss"] = "/feeds/euregio-nieuws.rss"
    source = add_source(db, users, feed_server.url("/current.rss"))
    poll(db, source)
    entries, links, etag = count(db, FeedEntry), count(db, FeedLink), source.etag
    assert entries == 4 and links > 0

    feed_server.routes["/current.rss"] = path
    outcome = poll(db, source)

    assert outcome.status == PollStatus.FAILED and outcome.problem == problem
    db.expire_all()
    [error] = db.scalars(select(FeedError).where(FeedError.source_id == source.id)).all()
    assert error.problem == problem and reason in error.detail
    source = db.get(FeedSource, source.id)
    assert source.last_status == PollStatus.FAILED and source.consecutive_failures == 1
    assert source.etag == etag  # the next poll is still conditional on what we have
    assert count(db, FeedEntry) == entries and count(db, FeedLink) == links
    failed = db.scalar(select(Event).where(Event.name == "feed.source_failed"))
    assert failed.subject_id == source.id and failed.payload["problem"] == problem.value and not failed.public


def test_permanent_redirect_is_noted_once_and_entries_still_come_in(db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    source = add_source(db, users, feed_server.url("/redirect/permanent"), language="de")
    assert poll(db, source).new == 3
    source.etag = source.last_modified = None  # force a full fetch again
    db.commit()
    assert poll(db, source).status == PollStatus.OK
    [notice] = db.scalars(select(FeedError).where(FeedError.source_id == source.id)).all()
    assert notice.problem == FeedProblem.MOVED
    assert notice.detail == "now at " + feed_server.url("/feeds/grenzland-nachrichten.atom")
    assert db.get(FeedSource, source.id).consecutive_failures == 0


def test_one_failing_source_never_blocks_the_others(db: Session, users: Users, feed_server: FeedServer,  # noqa: F811
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    demo_registry(db)
    missing = add_source(db, users, feed_server.url("/status/404"), "Weg")
    slow = add_source(db, users, feed_server.url("/slow"), "Traag")
    crashing = add_source(db, users, feed_server.url("/feeds/grenzland-nachrichten.atom"), "Kapot", "de")
    good = add_source(db, users, feed_server.url("/feeds/euregio-nieuws.rss"), "Goed")
    real_store = service._store

    def store_or_crash(session: Session, source: FeedSource, *args: Any) -> Any:
        if source.name == "Kapot":
            session.add(FeedEntry(source_id=source.id, key="x" * 64, fingerprint="x", title="half", summary_html="",
                                  first_seen_at=clock.now(), updated_at=clock.now(), sort_at=clock.now()))
            session.flush()
            raise RuntimeError("disk full")
        return real_store(session, source, *args)

    monkeypatch.setattr(service, "_store", store_or_crash)
    outcomes = {o.source_id: o for o in jobs.poll_due_sources(db)}

    assert outcomes[missing.id].problem == FeedProblem.HTTP_STATUS
    assert outcomes[slow.id].problem == FeedProblem.TIMEOUT
    assert outcomes[crashing.id].problem == FeedProblem.INTERNAL
    assert outcomes[good.id].status == PollStatus.OK and outcomes[good.id].new == 4
    assert count(db, FeedEntry, FeedEntry.source_id == good.id) == 4
    assert count(db, FeedEntry, FeedEntry.source_id == crashing.id) == 0  # its half-done work was rolled back
    error = db.scalar(select(FeedError).where(FeedError.source_id == crashing.id))
    assert error.detail == "RuntimeError: disk full"


def test_schedule_interval_backoff_and_inactive_sources(db: Session, users: Users, feed_server: FeedServer,  # noqa: F811
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    now = [start]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    good = add_source(db, users, feed_server.url("/feeds/euregio-nieuws.rss"), poll_interval_minutes=60)
    bad = add_source(db, users, feed_server.url("/status/500"), "Stuk", poll_interval_minutes=60)
    add_source(db, users, feed_server.url("/feeds/grenzland-nachrichten.atom"), "Uit", active=False)
    assert service.due_source_ids(db) == [good.id, bad.id]

    jobs.poll_due_sources(db)
    assert db.get(FeedSource, good.id).next_poll_at == start + timedelta(minutes=60)
    assert service.due_source_ids(db) == []
    waits = []
    for _ in range(3):
        source = db.get(FeedSource, bad.id)
        now[0] = source.next_poll_at
        jobs.poll_sources(db, [bad.id])
        db.refresh(source)
        waits.append(source.next_poll_at - now[0])
    assert waits == [timedelta(hours=2), timedelta(hours=4), timedelta(hours=8)]
    assert source.consecutive_failures == 4
    assert count(db, Event, Event.name == "feed.source_failed") == 1  # only the first failure in a row
    assert count(db, FeedError, FeedError.source_id == bad.id) == 4
    assert service.due_source_ids(db, include_not_due=True) == [good.id, bad.id]


def test_only_the_newest_problems_are_kept(db: Session, users: Users, feed_server: FeedServer,  # noqa: F811
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "ERRORS_KEPT", 3)
    source = add_source(db, users, feed_server.url("/status/500"))
    poll(db, source)
    first = db.scalar(select(FeedError.id))
    for _ in range(4):
        poll(db, source)
    kept = db.scalars(select(FeedError.id).where(FeedError.source_id == source.id).order_by(FeedError.id)).all()
    assert kept == [first + 2, first + 3, first + 4]
    assert db.get(FeedSource, source.id).consecutive_failures == 5


def test_source_validation_gives_clear_messages_and_writes_nothing(db: Session, users: Users) -> None:
    cases = {
        "ftp://ftp.example.org/feed.rss": "must start with http://",
        "javascript:alert(1)": "must start with http://",
        "http://": "no host name",
        "/etc/passwd": "must start with http://",
        "file:///etc/passwd": "HUB_FEEDS_FILE_ROOT",
    }
    for url, message in cases.items():
        with pytest.raises(ValidationFailed) as caught:
            service.create_source(db, SourceInput(name="X", url=url), actor_id=users.manager.id)
        assert message in caught.value.errors["url"][0], url
    with pytest.raises(ValidationFailed) as caught:
        service.create_source(db, SourceInput(name=" ", url="https://a.example/feed", language="xx",
                                              poll_interval_minutes=1), actor_id=users.manager.id)
    assert set(caught.value.errors) == {"name", "language", "poll_interval_minutes"}
    add_source(db, users, "https://nieuws.example.org/feed.rss", "Eerste")
    with pytest.raises(ValidationFailed, match="already registered as “Eerste”"):
        service.create_source(db, SourceInput(name="Tweede", url="https://nieuws.example.org/feed.rss"), actor_id=users.manager.id)
    db.rollback()
    assert count(db, FeedSource) == 1
    assert count(db, Event, Event.name == "feed.source_created") == 1


def test_local_files_only_for_sources_of_admins_and_managers(db: Session, users: Users) -> None:
    url = (FIXTURES / "euregio-nieuws.rss").as_uri()
    with pytest.raises(ValidationFailed, match="Only administrators and managers"):
        service.create_source(db, SourceInput(name="Lokaal", url=url), actor_id=users.partner.id)
    with pytest.raises(ValidationFailed, match="Only administrators and managers"):
        service.create_source(db, SourceInput(name="Lokaal", url=url), actor_id=None)
    source = add_source(db, users, url, "Lokaal")
    users.manager.role = Role.PARTNER  # the creator lost the right since
    db.commit()
    outcome = poll(db, source)
    assert outcome.problem == FeedProblem.REFUSED
    assert count(db, FeedEntry) == 0


def test_changing_the_address_resets_the_validators(db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    source = add_source(db, users, feed_server.url("/feeds/euregio-nieuws.rss"))
    poll(db, source)
    assert source.etag
    service.update_source(db, source, SourceInput(name="Ander", url=feed_server.url("/feeds/grenzland-nachrichten.atom")),
                          actor_id=users.manager.id)
    db.commit()
    assert source.etag is None and source.next_poll_at is None
    event = db.scalar(select(Event).where(Event.name == "feed.source_updated"))
    assert set(event.payload["after"]) == {"name", "url"}


def test_confirming_a_link_is_an_event_on_the_initiative(db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    ids = demo_registry(db)
    source = add_source(db, users, feed_server.url("/feeds/grenzland-nachrichten.atom"), language="de")
    poll(db, source)
    link = db.scalar(select(FeedLink).where(FeedLink.initiative_id == ids["techland"]))
    service.confirm_link(db, link, actor_id=users.manager.id)
    db.commit()

    event = db.scalar(select(Event).where(Event.name == "feed.link_confirmed"))
    assert (event.subject_type, event.subject_id, event.actor_id, event.public) == ("initiative", ids["techland"], users.manager.id, True)
    assert event.payload["title"] == "TECH.LAND und GrensInfoPunt Euregio beraten gemeinsam Grenzpendler"
    assert event.payload["link"] == "https://grenzland.example.de/nachrichten/2026/techland-gip-beratung"
    assert link.status == LinkStatus.CONFIRMED and link.decided_by_id == users.manager.id
    with pytest.raises(Conflict):
        service.confirm_link(db, link, actor_id=users.manager.id)

    service.reject_link(db, link, actor_id=users.manager.id)
    db.commit()
    rejected = db.scalar(select(Event).where(Event.name == "feed.link_rejected"))
    assert (rejected.subject_type, rejected.subject_id, rejected.public) == ("feed_link", link.id, False)
    assert rejected.payload["initiative_id"] == ids["techland"]
    assert [link.entry.title for link in service.initiative_news(db, ids["techland"], include_suggested=True)] == []
    assert len(service.initiative_news(db, ids["gip-euregio"], include_suggested=True)) == 1
    assert service.initiative_news(db, ids["gip-euregio"], include_suggested=False) == []


def test_cli_polls_due_or_chosen_sources(app: Flask, db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    good = add_source(db, users, feed_server.url("/feeds/euregio-nieuws.rss"), "Goed")
    add_source(db, users, feed_server.url("/status/404"), "Weg")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["feeds", "poll"])
    assert result.exit_code == 0, result.output
    assert "Goed: ok, 4 new, 0 updated" in result.output
    assert "Weg: failed (http_status) HTTP 404" in result.output
    assert "polled 2 sources, 1 failed" in result.output

    assert "polled 0 sources" in runner.invoke(args=["feeds", "poll"]).output
    again = runner.invoke(args=["feeds", "poll", "--source", str(good.id)])
    assert "Goed: not_modified" in again.output
    unknown = runner.invoke(args=["feeds", "poll", "--source", "9999"])
    assert unknown.exit_code != 0 and "no feed source with id 9999" in unknown.output


def test_worker_polls_due_sources_every_five_minutes(app: Flask, db: Session, users: Users, feed_server: FeedServer) -> None:  # noqa: F811
    from hub.worker import JOBS

    [job] = [job for job in JOBS if job.name == "feeds.poll_due"]
    assert job.every == timedelta(minutes=5)
    add_source(db, users, feed_server.url("/feeds/euregio-nieuws.rss"))
    with app.app_context():
        job.run()
    assert count(db, FeedEntry) == 4


@pytest.fixture
def patient(app: Flask) -> None:
    """A generous timeout for tests about what a feed says, so a busy machine cannot turn them into timeouts."""
    app.config["FEEDS_TIMEOUT"] = 10


def test_description_only_items_are_kept_apart_and_not_duplicated_by_the_next_poll(
    db: Session, users: Users, feed_server: FeedServer, patient: None,  # noqa: F811
) -> None:
    source = add_source(db, users, feed_server.url("/feeds/mededelingen-gemeente.rss"), "Bekendmakingen")
    assert poll(db, source).new == 3
    source.etag = source.last_modified = None  # force a full fetch: same items, same keys
    db.commit()
    again = poll(db, source)
    assert (again.new, again.updated) == (0, 0)
    assert count(db, FeedEntry, FeedEntry.source_id == source.id) == 3


def test_a_flawed_feed_read_whole_is_ingested_with_one_warning_on_the_source(
    db: Session, users: Users, feed_server: FeedServer, patient: None,  # noqa: F811
) -> None:
    source = add_source(db, users, feed_server.url("/feeds/grenzpendler-nbsp.rss"), "Grenzpendler", "de")
    outcome = poll(db, source)
    assert outcome.status == PollStatus.OK and outcome.new == 3
    source.etag = source.last_modified = None
    db.commit()
    assert poll(db, source).status == PollStatus.OK
    [notice] = db.scalars(select(FeedError).where(FeedError.source_id == source.id)).all()
    assert notice.problem == FeedProblem.RECOVERED_XML
    assert db.get(FeedSource, source.id).consecutive_failures == 0


def test_relative_links_resolve_against_where_the_feed_was_fetched(
    db: Session, users: Users, feed_server: FeedServer, patient: None,  # noqa: F811
) -> None:
    """Through a redirect, the final address is the base: /redirect/to → /feeds/relatieve-links.atom."""
    moved = add_source(db, users, feed_server.url("/redirect/to?url=/feeds/relatieve-links.atom"), "Magazin", "de")
    direct = add_source(db, users, feed_server.url("/feeds/relatieve-links.rss"), "Euregio RMN")
    poll(db, moved)
    poll(db, direct)
    [atom_entry] = db.scalars(select(FeedEntry).where(FeedEntry.source_id == moved.id)).all()
    assert atom_entry.link == feed_server.url("/feeds/artikel/buslinie-kleve-nijmegen.html")
    assert f'href="{feed_server.url("/fahrplan/58")}"' in atom_entry.summary_html
    links = set(db.scalars(select(FeedEntry.link).where(FeedEntry.source_id == direct.id)))
    assert links == {feed_server.url("/nieuws/2026/stages-zorg"), feed_server.url("/feeds/2026/fietsroute")}
