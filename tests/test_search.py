"""Issue 6: full-text search over the registry — accents, case, plurals and compounds, facets,
highlighted snippets, the index following the events, and bad input answered with a message."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.errors import ValidationFailed
from hub.initiatives.service import InitiativeInput, delete_initiative, update_initiative
from hub.search import service
from hub.search.models import SearchDocument
from hub.stakeholders.service import OrganisationInput, create_organisation
from tests import factories
from tests.conftest import HubClient, Users


@pytest.fixture(autouse=True)
def spring_2025(monkeypatch: pytest.MonkeyPatch) -> None:
    """Horizon buckets depend on today: pin it."""
    monkeypatch.setattr("hub.clock.now", lambda: datetime(2025, 6, 1, 12, tzinfo=UTC))


def titles(results: service.SearchResults) -> list[str]:
    return [r.title.striptags() for r in results.results]


@pytest.fixture
def registry(db: Session) -> dict[str, int]:
    gip = factories.initiative(
        db, "GrensInfoPunt EUREGIO", kind="grensinfopunt", name_de="GrenzInfoPunkt EUREGIO", acronym="GIP",
        description="Informatie- en adviesloket voor grensgangers in Gronau en Enschede.",
        regions=["NL213", "EUREGIO"], advice_codes=["5a"])
    factories.stream(db, gip, funder="Ministerie van SZW", end=date(2026, 12, 31))
    muenster = factories.initiative(
        db, "Fietscorridor Zwolle–Enschede–Münster", kind="other", regions=["DEA33"], advice_codes=["5b"],
        description="Snelfietsroute tot in Münster, voor forenzen over de grens.")
    edl = factories.initiative(
        db, "Euregionale Doorlopende Leerlijn", kind="edl_activity", acronym="EDL", regions=["NL21"],
        description="Buurtaal Duits en Nederlands van basisschool tot beroep.", advice_codes=["3a"])
    create_organisation(db, OrganisationInput(name="FH Münster", country="DE", type="education",
                                              description="Fachhochschule; partner van Saxion."), actor_id=None)
    db.commit()
    return {"gip": gip.id, "muenster": muenster.id, "edl": edl.id}


def test_plural_and_compound_finds_grensinfopunt(db: Session, registry: dict[str, int]) -> None:
    found = service.search(db, "grensinfopunten")
    assert titles(found) == ["GrensInfoPunt EUREGIO"]
    assert found.results[0].id == registry["gip"]
    assert found.results[0].url == f"/initiatives/{registry['gip']}"
    assert str(found.results[0].title) == "<mark>GrensInfoPunt</mark> EUREGIO"
    # German plural of the German name, and a part of the camel-case compound.
    assert titles(service.search(db, "Grenzinfopunkte")) == ["GrensInfoPunt EUREGIO"]
    assert titles(service.search(db, "infopunt")) == []  # not a word boundary: no substring search
    assert titles(service.search(db, "punt euregio")) == ["GrensInfoPunt EUREGIO"]


def test_munster_finds_muenster_both_ways(db: Session, registry: dict[str, int]) -> None:
    for query in ("munster", "MÜNSTER", "Muenster"[:0] + "münster"):
        found = service.search(db, query)
        assert set(titles(found)) == {"Fietscorridor Zwolle–Enschede–Münster", "FH Münster"}, query
    corridor = next(r for r in service.search(db, "munster").results if r.type == "initiative")
    assert "<mark>Münster</mark>" in str(corridor.snippet)


def test_edl_acronym_and_alias_words_are_found(db: Session, registry: dict[str, int]) -> None:
    assert titles(service.search(db, "EDL")) == ["Euregionale Doorlopende Leerlijn"]
    # "TECH.LAND" is indexed as "tech", "land" and "techland".
    factories.initiative(db, "TECH.LAND", description="Duits-Nederlands innovatie-ecosysteem.")
    db.commit()
    assert titles(service.search(db, "techland")) == ["TECH.LAND"]
    assert titles(service.search(db, "Tech.Land")) == ["TECH.LAND"]


def test_every_word_must_match(db: Session, registry: dict[str, int]) -> None:
    assert titles(service.search(db, "munster fietscorridor")) == ["Fietscorridor Zwolle–Enschede–Münster"]
    assert service.search(db, "munster grensinfopunt").total == 0
    # Stop words are left out of the query, so they do not exclude anything.
    assert titles(service.search(db, "de grensinfopunten van")) == ["GrensInfoPunt EUREGIO"]


def test_index_follows_changes_without_a_rebuild(db: Session, registry: dict[str, int]) -> None:
    assert service.search(db, "grensinfopunt").total == 1
    edl = db.get(factories.Initiative, registry["edl"])
    update_initiative(db, edl, InitiativeInput(kind="edl_activity", name_nl="Grensoverstijgende leerlijn Twente",
                                               description="Buurtaal Duits."), actor_id=None)
    db.commit()
    assert titles(service.search(db, "leerlijn")) == ["Grensoverstijgende leerlijn Twente"]
    assert service.search(db, "doorlopende").total == 0
    delete_initiative(db, db.get(factories.Initiative, registry["gip"]), actor_id=None)
    # Not even committed yet: the search in the same transaction already sees the event.
    assert service.search(db, "grensinfopunt").total == 0
    db.commit()
    assert db.scalar(select(func.count()).select_from(SearchDocument).where(SearchDocument.doc_type == "initiative")) == 2


def test_rebuild_indexes_rows_written_without_events(db: Session, registry: dict[str, int]) -> None:
    service.search(db, "munster")
    db.execute(factories.Initiative.__table__.update()
               .where(factories.Initiative.id == registry["edl"]).values(description="Nu ook over Zweeds."))
    db.commit()
    assert service.search(db, "zweeds").total == 0  # no event: the index cannot know
    assert service.rebuild(db) == 5  # three initiatives, FH Münster and the funder
    db.commit()
    assert titles(service.search(db, "zweeds")) == ["Euregionale Doorlopende Leerlijn"]
    assert service.search(db, "munster").total == 2


def test_facets_count_and_filter(db: Session, registry: dict[str, int]) -> None:
    found = service.search(db, "grens")  # prefix: grensgangers, grensinfopunt, grens
    assert found.total == 2
    counts = {name: {f.value: f.count for f in values} for name, values in found.facets.items()}
    assert counts["type"] == {"initiative": 2}
    assert counts["kind"] == {"grensinfopunt": 1, "other": 1}
    assert counts["theme"] == {"5": 2}
    assert counts["region"]["NL21"] == 1 and counts["region"]["DEA3"] == 1  # NUTS parents count too
    assert counts["horizon"] == {"later": 1, "unfunded": 1}
    funder = next(f for f in found.facets["funder"])
    assert (funder.label, funder.count) == ("Ministerie van SZW", 1)

    assert titles(service.search(db, "grens", facets={"kind": "grensinfopunt"})) == ["GrensInfoPunt EUREGIO"]
    assert titles(service.search(db, "grens", facets={"region": "dea3"})) == ["Fietscorridor Zwolle–Enschede–Münster"]
    assert titles(service.search(db, "grens", facets={"funder": funder.value})) == ["GrensInfoPunt EUREGIO"]
    assert titles(service.search(db, "grens", facets={"horizon": "unfunded"})) == ["Fietscorridor Zwolle–Enschede–Münster"]
    assert titles(service.search(db, "munster", facets={"type": "organisation"})) == ["FH Münster"]
    assert service.search(db, "grens", facets={"theme": "3"}).total == 0
    selected = service.search(db, "grens", facets={"kind": "grensinfopunt"}).facets["kind"]
    assert [(f.value, f.selected) for f in selected] == [("grensinfopunt", True)]


def test_horizon_bucket_moves_with_the_clock(db: Session, registry: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hub.clock.now", lambda: datetime(2026, 3, 1, tzinfo=UTC))
    assert service.search(db, "grensinfopunt", facets={"horizon": "within_12_months"}).total == 1
    monkeypatch.setattr("hub.clock.now", lambda: datetime(2027, 3, 1, tzinfo=UTC))
    assert service.search(db, "grensinfopunt", facets={"horizon": "ended"}).total == 1


def test_snippets_escape_everything_but_the_marks(db: Session) -> None:
    factories.initiative(db, "Grensloket <script>", description=(
        "Een heel lang verhaal. " * 30 + "Het <b>grensloket</b> & de <script>alert(1)</script> helpen. " + "Slot. " * 30))
    db.commit()
    result = service.search(db, "grensloket").results[0]
    assert str(result.title) == "<mark>Grensloket</mark> &lt;script&gt;"
    snippet = str(result.snippet)
    assert "&lt;b&gt;<mark>grensloket</mark>&lt;/b&gt; &amp; de &lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "<script>" not in snippet and "<b>" not in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …") and len(result.snippet.striptags()) < 300


@pytest.mark.parametrize(("query", "facets", "message"), [
    ("", None, "Enter a word or name to search for."),
    ("   ", None, "Enter a word or name to search for."),
    ("x" * 201, None, "The search text is too long: use at most 200 characters."),
    ("!!! ???", None, "Enter at least one letter or digit to search for."),
    ("x" * 41, None, "Words of more than 40 letters cannot be searched for."),
    ("de het van", None, "These words are too common to search for: add a name or a more specific word."),
    ("a b c d e f g h i j k l m", None, "Use at most 12 words."),
    ("grens", {"theme": "9"}, "Unknown value for the filter “theme”: 9."),
    ("grens", {"funder": "999"}, "Unknown value for the filter “funder”: 999."),
    ("grens", {"horizon": "soon"}, "Unknown value for the filter “horizon”: soon."),
    ("grens", {"colour": "red"}, "Unknown filter: colour."),
])
def test_bad_input_is_refused_with_a_message(db: Session, registry: dict[str, int], query: str,
                                             facets: dict[str, str] | None, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        service.search(db, query, facets=facets)
    assert message in [m for ms in refused.value.errors.values() for m in ms]


def test_search_page_is_public_with_marks_and_facet_links(client: HubClient, db: Session, registry: dict[str, int]) -> None:
    response = client.get("/search?q=grensinfopunten")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "1 result" in html
    assert f'href="/initiatives/{registry["gip"]}"><mark>GrensInfoPunt</mark> EUREGIO</a>' in html
    assert "/search?q=grensinfopunten&amp;kind=grensinfopunt" in html
    filtered = client.get("/search?q=grens&kind=other").get_data(as_text=True)
    assert "Fietscorridor" in filtered and "GrensInfoPunt EUREGIO" not in filtered
    # The header of every page carries the search box.
    assert 'role="search"' in client.get("/initiatives").get_data(as_text=True)


@pytest.mark.parametrize(("url", "message"), [
    ("/search?q=", "Enter a word or name to search for."),
    ("/search?q=" + "x" * 500, "The search text is too long"),
    ("/search?q=grens&theme=99", "Unknown value for the filter “theme”: 99."),
    ("/search?q=grens&region=XX9", "Unknown value for the filter “region”: XX9."),
    ("/search?q=grens&page=abc", "That page of results does not exist."),
    ("/search?q=grens&page=99999", "That page of results does not exist."),
])
def test_search_page_answers_bad_input_with_a_message(client: HubClient, registry: dict[str, int], url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_search_page_without_query_shows_the_form(client: HubClient) -> None:
    response = client.get("/search")
    assert response.status_code == 200
    assert 'id="search-q"' in response.get_data(as_text=True)


def test_search_page_in_dutch(client: HubClient, registry: dict[str, int], users: Users) -> None:
    html = client.get("/search?q=munster", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "2 resultaten" in html


@pytest.fixture
def news_and_lobby(db: Session) -> None:
    """A polled news item and a lobby priority: both for members only."""
    from hub import clock
    from hub.events import record_event
    from hub.feeds.models import FeedEntry
    from hub.feeds.service import FeedEvent, SourceInput, create_source
    from tests.lobby_factories import three_priorities

    feed = create_source(db, SourceInput(name="Grenzinfo news", url="https://grenzinfo.example/feed.xml"), actor_id=None)
    now = clock.now()
    db.add(FeedEntry(source_id=feed.id, key="k1", fingerprint="f1", title="Neue Regeln für Grenzpendler",
                     summary_html="<p>Die <b>Grenzpendler</b> in Münster bekommen ein neues Steuerabkommen.</p>",
                     link="https://grenzinfo.example/news/1", first_seen_at=now, updated_at=now, sort_at=now))
    record_event(db, FeedEvent.ENTRIES_INGESTED, "feed_source", feed.id, actor_id=None, payload={"new": 1}, public=False)
    three_priorities(db)
    db.commit()


def test_news_and_lobby_items_are_found_by_members_only(db: Session, news_and_lobby: None) -> None:
    assert service.search(db, "grenzpendler").total == 0
    found = service.search(db, "grenzpendler", include_private=True)
    assert [(r.type, r.url) for r in found.results] == [("feed_entry", "https://grenzinfo.example/news/1")]
    assert "<mark>Grenzpendler</mark> in Münster" in str(found.results[0].snippet)
    lobby = service.search(db, "mbo diploma", include_private=True)
    # Outside a request the locale is English: the English title.
    assert [(r.type, r.title.striptags()) for r in lobby.results] == [("lobby_priority", "Erkenning van mbo-diploma's (EN)")]
    assert lobby.results[0].url == f"/lobby/priorities/{lobby.results[0].id}"
    assert {f.value for f in lobby.facets["theme"]} == {"2"}


def test_search_page_shows_private_items_after_login(client: HubClient, news_and_lobby: None, users: Users) -> None:
    assert "Neue Regeln" not in client.get("/search?q=grenzpendler").get_data(as_text=True)
    client.login(users.partner.email)
    assert "Neue Regeln" in client.get("/search?q=grenzpendler").get_data(as_text=True)


def test_discovery_commands_rebuild_and_refresh(app, db: Session, registry: dict[str, int]) -> None:
    runner = app.test_cli_runner()
    rebuilt = runner.invoke(args=["discovery", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "search index: 5 documents" in rebuilt.output and "overlap: 3 initiatives" in rebuilt.output
    factories.initiative(db, "Grenspendelaars Achterhoek")
    db.commit()
    refreshed = runner.invoke(args=["discovery", "refresh"])
    assert refreshed.exit_code == 0 and "search index: 1 events" in refreshed.output
    assert titles(service.search(db, "grenspendelaar")) == ["Grenspendelaars Achterhoek"]


def test_large_results_rank_title_matches_first_and_cap_the_count(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past RANKED matches only the title tier is ranked by score; the body-only tier follows, newest first."""
    for n in range(6):
        factories.initiative(db, f"Project {n}", description="Samenwerking over de grens.")
    factories.initiative(db, "Grens in beeld", description="Een fotoproject.")
    db.commit()
    monkeypatch.setattr(service, "RANKED", 3)
    monkeypatch.setattr(service, "COUNT_CAP", 5)
    monkeypatch.setattr(service, "FACET_WINDOW", 4)
    found = service.search(db, "grens", limit=3)
    assert (found.total, found.total_capped, found.facets_partial) == (5, True, True)
    assert titles(found) == ["Grens in beeld", "Project 5", "Project 4"]
    assert titles(service.search(db, "grens", limit=3, offset=3)) == ["Project 3", "Project 2", "Project 1"]
    assert sum(f.count for f in found.facets["type"]) == 4
