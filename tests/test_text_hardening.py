"""Issue 10: no text may take the hub down — long words, line breaks in names, far dates, odd numbers,
control characters, formula cells and lookalike names, on every way in and in every output."""
from __future__ import annotations

import csv
import io
import random
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import String, func, select, update
from sqlalchemy.orm import Session

from hub.alerts import service as alerts
from hub.api.models import ApiToken
from hub.api.service import create_token
from hub.errors import ValidationFailed
from hub.feeds import service as feeds
from hub.feeds.fetch import Fetched
from hub.feeds.matching import Matcher, build_matcher
from hub.events import Event, record_event
from hub.feeds.models import FeedEntry, FeedLink, FeedSource
from hub.funding.models import FundingStream
from hub.funding.service import FundingInput, add_stream
from hub.initiatives.models import Initiative
from hub.initiatives.service import InitiativeInput, create_initiative
from hub.lobby import service as lobby
from hub.lobby.models import LobbyAction, LobbyCycle, LobbyEvidence, LobbyPriority
from hub.overlap.service import _trigrams
from hub.search import service as search
from hub.search.query import SearchQuery
from hub.search.text import key_terms, terms, words
from hub.stakeholders.models import Organisation, Person
from hub.stakeholders.service import OrganisationInput, PersonInput, add_person, create_organisation, find_organisation
from hub.text import multi_line, single_line
from hub.transfer.service import run_import
from tests import factories
from tests.conftest import HubClient, Users
from tests.test_api import per_request_state  # noqa: F401  (autouse: one language and user per request)

LONG_WORD = "a" * 50_000
# Long runs of several shapes: one letter, camel case, capitals before a small letter, joined by dots.
LONG_TEXTS = [LONG_WORD, "aB" * 25_000, "A" * 50_000 + "b", "ab." * 20_000, "x" + "-y" * 25_000 + "z"]
MEGABYTE = ("GrensInfoPunt TECH.LAND helpt grensgangers in Enschede en Gronau. " * 16_000)[:1_000_000]


@contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fails the test if the block runs longer than ``seconds``: a generous bound that only quadratic work
    (the old indexing pattern took minutes on one 50,000-letter word) can break."""
    def expired(*_: Any) -> None:
        raise TimeoutError(f"still busy after {seconds} s: the work is not linear")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class OneFeed:
    """A fetcher that answers every poll with the same bytes (no network, no files)."""

    def __init__(self, content: str) -> None:
        self.content = content.encode()

    def fetch(self, url: str, **_: Any) -> Fetched:
        return Fetched(self.content, "application/rss+xml")


def rss(*items: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            + "".join(items) + "</channel></rss>")


# --- 1. long words ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*LONG_TEXTS, MEGABYTE], ids=["word", "camel", "capitals", "dots", "hyphens", "1MB"])
def test_text_analysis_is_linear_on_long_words_and_large_texts(text: str) -> None:
    matcher = Matcher()
    matcher.add("TECH.LAND", ("initiative", 1))
    matcher.add_organisation("Centraal Bureau voor de Statistiek (" + "b" * 5000 + ")", 2)
    query = SearchQuery.parse("grensinfopunt")
    with at_most(60):
        found = terms(text)
        keys = key_terms(text)
        assert all(len(term) <= 40 for term in found | keys)
        words(text)
        _trigrams(text)
        matcher.find(text)
        query.highlight(text, width=240)
        query.highlight(text)
    if text is MEGABYTE:
        assert "grensinfopunt" in found and matcher.find(text) == {("initiative", 1): "TECH.LAND"}


def test_a_long_word_in_a_description_leaves_search_working(client: HubClient, db: Session) -> None:
    factories.initiative(db, "GrensInfoPunt Twente", description=f"Loket {LONG_WORD} voor grensgangers.")
    db.commit()
    with at_most(60):
        results = search.search(db, "grensgangers")
        page = client.get("/search?q=grensinfopunt")
    assert [r.title.striptags() for r in results.results] == ["GrensInfoPunt Twente"]
    assert page.status_code == 200 and "<mark>GrensInfoPunt</mark> Twente" in page.get_data(as_text=True)


def test_a_long_word_in_a_news_entry_is_stored_matched_and_searchable(db: Session, users: Users) -> None:
    techland = factories.initiative(db, "TECH.LAND")
    source = feeds.create_source(db, feeds.SourceInput(name="Nieuws", url="https://news.example/rss", language="nl"),
                                 actor_id=users.manager.id)
    db.commit()
    feed = OneFeed(rss(f"<item><guid>1</guid><title>TECH.LAND {'x' * 20_000}</title>"
                       f"<description>Over TECH.LAND en grensgangers: {LONG_WORD}</description></item>"))
    with at_most(60):
        outcome = feeds.poll_source(db, source, actor_id=None, fetcher=feed, matcher=build_matcher(db))  # type: ignore[arg-type]
        db.commit()
        results = search.search(db, "grensgangers", include_private=True)
    assert outcome.new == 1
    assert db.scalar(select(FeedLink.initiative_id)) == techland.id
    assert results.total == 1


# --- 2. names and titles are single-line -------------------------------------------------------

BROKEN_NAME = " Grens\r\nInfo\tPunt\u2028 Twente \x0b"
ONE_LINE = "Grens Info Punt Twente"


@pytest.mark.parametrize(("raw", "clean"), [
    (BROKEN_NAME, ONE_LINE), ("A\u00a0\u00a0B", "A B"), ("A\x00B\x1f", "AB"), ("\n\t ", ""), ("Münster", "Münster"),
])
def test_single_line_collapses_breaks_and_drops_controls(raw: str, clean: str) -> None:
    assert single_line(raw) == clean


def test_multi_line_keeps_lines_and_tabs_and_drops_controls() -> None:
    assert multi_line(" Eerste\r\nTweede\rDerde\x0bVierde\x00\tvijf\x1b ") == "Eerste\nTweede\nDerde\nVierde\tvijf"


def test_names_are_one_line_through_the_form(client: HubClient, db: Session, users: Users) -> None:
    client.login(users.manager.email)
    response = client.submit("/initiatives/new", {"kind": "partnership", "status": "active", "name_nl": BROKEN_NAME,
                                                  "aliases": "GIP\r\nGrens\tInfo \u00a0Punt", "description": "Een\r\ntwee"})
    assert response.status_code == 302
    initiative = db.scalar(select(Initiative))
    assert (initiative.name_nl, initiative.aliases, initiative.description) == (ONE_LINE, "GIP\nGrens Info Punt", "Een\ntwee")


def test_names_are_one_line_through_the_api(app: Flask, db: Session, users: Users) -> None:
    api = app.test_client()
    secret = create_token(db, users.manager, name="system\nA", scope="write", actor_id=users.manager.id).secret
    db.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    response = api.post("/api/v1/initiatives", json={"kind": "partnership", "name_nl": BROKEN_NAME}, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name_nl"] == ONE_LINE
    response = api.post("/api/v1/organisations", json={"name": "Saxion\nHogeschool", "country": "NL", "type": "education"},
                        headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "Saxion Hogeschool"
    assert db.scalar(select(ApiToken.name)) == "system A"


def test_names_are_one_line_through_the_import(db: Session) -> None:
    data = ('kind,name_nl,lead,description\r\npartnership,"Grens\nInfo\r\nPunt",'
            '"Gemeente\tEnschede (NL)","Regel een\nRegel twee"\r\n').encode()
    plan = run_import(db, data, filename="alt-enter.csv", fmt=None, dry_run=False, actor_id=None)
    db.commit()
    assert not plan.errors, plan.errors
    initiative = db.scalar(select(Initiative))
    assert (initiative.name_nl, initiative.description) == ("Grens Info Punt", "Regel een\nRegel twee")
    assert db.scalar(select(Organisation.name)) == "Gemeente Enschede"


def test_every_single_line_field_is_cleaned_by_its_service(db: Session, users: Users) -> None:
    org = create_organisation(db, OrganisationInput(name="Saxion\r\nHogeschool", country="NL", type="education",
                                                    description="Een\r\ntwee\x00"), actor_id=None)
    person = add_person(db, org, PersonInput(name="Anna\nde Vries", title="Project\tleider"), actor_id=None)
    source = feeds.create_source(db, feeds.SourceInput(name="Euregio\nnieuws", url=" https://news.example/rss\n",
                                                       language="nl"), actor_id=users.manager.id)
    cycle = lobby.create_cycle(db, lobby.CycleInput(year=2026, title_nl="Lobby\nagenda", summary_nl="a\r\nb"), actor_id=None)
    priority = lobby.add_priority(db, cycle, lobby.PriorityInput(owner_id=org.id, target_level="rijk",
                                                                  title_nl="Grens\neffecten\tmeten", advice_codes=["2e"]), actor_id=None)
    action = lobby.add_action(db, priority, lobby.ActionInput(kind="letter", title="Brief\r\naan\x0bKamer", due_on=date(2026, 3, 1),
                                                               responsible_id=org.id), actor_id=None)
    assert (org.name, org.description, person.name, person.title) == ("Saxion Hogeschool", "Een\ntwee", "Anna de Vries",
                                                                      "Project leider")
    assert (source.name, source.url) == ("Euregio nieuws", "https://news.example/rss")
    assert (cycle.title_nl, cycle.summary_nl, priority.title_nl, action.title) == (
        "Lobby agenda", "a\nb", "Grens effecten meten", "Brief aan Kamer")


# --- every page and every file the hub writes --------------------------------------------------

PAGES = [
    "/", "/initiatives", "/initiatives/{initiative}", "/initiatives/{initiative}/edit", "/initiatives/{initiative}/news.atom",
    "/stakeholders", "/stakeholders/{organisation}", "/coverage", "/coverage/export.csv", "/overlap", "/search?q=grens",
    "/feeds/events.atom", "/feeds/news", "/feeds/sources", "/alerts/", "/alerts/cliffs", "/alerts/feeds/{feed}.atom",
    "/alerts/feeds/{feed}.ics", "/alerts/calendar/{calendar}.ics", "/lobby", "/lobby/cycles/{cycle}",
    "/lobby/cycles/{cycle}/brief", "/lobby/cycles/{cycle}/brief.docx", "/lobby/cycles/{cycle}/brief.md",
    "/lobby/priorities/{priority}", "/lobby/priorities/{priority}/brief.docx", "/transfer/initiatives.xlsx",
    "/transfer/initiatives.csv", "/transfer/organisations.xlsx", "/transfer/organisations.csv", "/funding/{stream}/edit",
    "/api/v1/initiatives", "/api/v1/initiatives/{initiative}", "/api/v1/funding", "/api/v1/events",
    "/api/v1/lobby/priorities", "/api/v1/organisations",
]


def registry_with_everything(db: Session, users: Users) -> dict[str, Any]:
    """One of each thing the pages show: an initiative with funding, a lobby cycle with a priority, and an
    alert subscription for the feed and calendar links."""
    initiative = factories.initiative(db, "GrensInfoPunt Twente", description="Loket", start_date=date(2020, 1, 1))
    stream = factories.stream(db, initiative)
    cycle = lobby.create_cycle(db, lobby.CycleInput(year=2026, title_nl="Lobbyagenda"), actor_id=None)
    priority = lobby.add_priority(db, cycle, lobby.PriorityInput(owner_id=stream.funder_id, target_level="rijk",
                                                                  title_nl="Grenseffecten", advice_codes=["2e"]), actor_id=None)
    lobby.add_action(db, priority, lobby.ActionInput(kind="letter", title="Brief", due_on=date(2026, 3, 1),
                                                     responsible_id=stream.funder_id), actor_id=None)
    subscription = alerts.subscribe_user(db, users.admin, alerts.SubscriptionInput(scope_kind="all"), actor_id=None)
    source = feeds.create_source(db, feeds.SourceInput(name="Nieuws", url="https://news.example/rss", language="nl"),
                                 actor_id=users.manager.id)
    db.commit()
    feed = OneFeed(rss("<item><guid>1</guid><title>GrensInfoPunt Twente blijft</title><description>Ja</description></item>"))
    feeds.poll_source(db, source, actor_id=None, fetcher=feed, matcher=build_matcher(db))  # type: ignore[arg-type]
    feeds.confirm_link(db, db.scalars(select(FeedLink)).one(), actor_id=users.manager.id)
    db.commit()
    return {"initiative": initiative.id, "organisation": stream.funder_id, "stream": stream.id, "cycle": cycle.id,
            "priority": priority.id, "feed": alerts.sign(alerts.LinkPurpose.FEED, subscription.id),
            "calendar": alerts.sign(alerts.LinkPurpose.CALENDAR, users.admin.id)}


def read_every_output(client: HubClient, users: Users, ids: dict[str, Any]) -> dict[str, bytes]:
    """Every page answers without a server error, and every Atom feed, calendar, workbook and Word file parses."""
    client.login(users.admin.email)
    bodies = {}
    for page in PAGES:
        url = page.format(**ids)
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.get_data()
        if url.endswith(".atom"):
            ElementTree.fromstring(body)
        elif url.endswith(".ics"):
            Calendar.from_ical(body)
        elif url.endswith(".xlsx"):
            load_workbook(io.BytesIO(body))
        elif url.endswith(".docx"):
            Document(io.BytesIO(body))
        bodies[url] = body
    return bodies


# --- 4. far dates and odd numbers --------------------------------------------------------------


def test_pages_survive_far_dates_and_odd_numbers_already_stored(client: HubClient, db: Session, users: Users) -> None:
    ids = registry_with_everything(db, users)
    db.execute(update(FundingStream).values(end_date=date(9999, 12, 31), start_date=date(1, 1, 1), amount=Decimal("NaN"),
                                            cofinancing_share=Decimal("NaN")))
    db.execute(update(Initiative).values(start_date=date(1, 1, 1), end_date=date(9999, 12, 31)))
    db.commit()
    read_every_output(client, users, ids)


@pytest.mark.parametrize("change", [{"end_date": "9999-12-31"}, {"start_date": "1900-01-01"}, {"amount": "NaN"},
                                    {"amount": "inf"}, {"cofinancing_share": "-Infinity"}, {"cofinancing_share": "nan"}])
def test_the_funding_form_refuses_far_dates_and_odd_numbers(client: HubClient, db: Session, users: Users,
                                                            change: dict[str, str]) -> None:
    initiative = factories.initiative(db, "GrensInfoPunt Twente")
    funder = factories.organisation(db, "Regio Deal Twente")
    db.commit()
    client.login(users.manager.email)
    response = client.submit(f"/initiatives/{initiative.id}/funding/new", {
        "funder_id": funder.id, "kind": "temporary", "start_date": "2024-01-01", "currency": "EUR", **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field, value = next(iter(change.items()))
    assert {"end_date": "Funding end must lie between 1950 and 2100.", "start_date": "Funding start must lie between 1950 and 2100.",
            "amount": f"“{value}” is not an amount", "cofinancing_share": f"“{value}” is not a percentage."}[field] in page
    assert db.scalar(select(FundingStream.id)) is None
    assert client.get(f"/initiatives/{initiative.id}").status_code == 200


def test_the_api_refuses_far_dates(app: Flask, db: Session, users: Users) -> None:
    initiative = factories.initiative(db, "GrensInfoPunt Twente")
    funder = factories.organisation(db, "Regio Deal Twente")
    secret = create_token(db, users.manager, name="system", scope="write", actor_id=users.manager.id).secret
    db.commit()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "de"}
    response = app.test_client().post(f"/api/v1/initiatives/{initiative.id}/funding", headers=headers, json={
        "funder_id": funder.id, "kind": "temporary", "start_date": "2024-01-01", "end_date": "9999-12-31"})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "end_date"
    assert response.get_json()["error"]["message"] == "Finanzierungsende muss zwischen 1950 und 2100 liegen."
    response = app.test_client().patch(f"/api/v1/initiatives/{initiative.id}", headers=headers, json={"start_date": "0001-01-01"})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "start_date"
    assert db.scalar(select(FundingStream.id)) is None


def test_the_import_refuses_far_dates_and_odd_numbers(db: Session) -> None:
    header = "kind,name_nl,funder,funding_kind,amount,funding_start,funding_end\r\n"
    rows = ('partnership,Een,Regio Deal Twente (NL),temporary,NaN,2024-01-01,2026-12-31\r\n'
            'partnership,Twee,Regio Deal Twente (NL),temporary,1000,2024-01-01,31-12-9999\r\n'
            'partnership,Drie,Regio Deal Twente (NL),temporary,inf,2024-01-01,2026-12-31\r\n')
    plan = run_import(db, (header + rows).encode(), filename="ver.csv", fmt=None, dry_run=False, actor_id=None)
    db.commit()
    assert [(e.line, e.column) for e in plan.errors] == [(2, "amount"), (3, "funding_end"), (4, "amount")], plan.errors
    assert db.scalar(select(Initiative.id)) is None


@pytest.mark.parametrize("day", [date(1949, 12, 31), date(2101, 1, 1)])
def test_dates_outside_1950_to_2100_are_refused_by_every_service(db: Session, day: date) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_initiative(db, InitiativeInput(kind="partnership", name_nl="Een", start_date=day), actor_id=None)
    assert refused.value.errors == {"start_date": ["Start date must lie between 1950 and 2100."]}
    initiative = factories.initiative(db, "Twee")
    org = factories.organisation(db, "Regio Deal Twente")
    for locale, message in [("en", "Funding end must lie between 1950 and 2100."),
                            ("nl", "Einde financiering moet tussen 1950 en 2100 liggen."),
                            ("de", "Finanzierungsende muss zwischen 1950 und 2100 liegen.")]:
        with force_locale(locale), pytest.raises(ValidationFailed) as refused:
            add_stream(db, initiative, FundingInput(funder_id=org.id, kind="temporary", start_date=date(2024, 1, 1),
                                                    end_date=day), actor_id=None)
        assert refused.value.errors["end_date"][0] == message
    cycle = lobby.create_cycle(db, lobby.CycleInput(year=2026, title_nl="Lobbyagenda"), actor_id=None)
    priority = lobby.add_priority(db, cycle, lobby.PriorityInput(owner_id=org.id, target_level="rijk", title_nl="Grens",
                                                                  advice_codes=["2e"]), actor_id=None)
    with pytest.raises(ValidationFailed, match="between 1950 and 2100"):
        lobby.add_action(db, priority, lobby.ActionInput(kind="letter", title="Brief", due_on=day, responsible_id=org.id),
                         actor_id=None)
    with pytest.raises(ValidationFailed, match="between 1950 and 2100"):
        lobby.add_evidence(db, priority, lobby.EvidenceInput(kind="figure", text="Pendelaars", value="7900", source="CBS",
                                                             source_date=day), actor_id=None)


# --- 5. control characters ---------------------------------------------------------------------

CONTROLS = "\x01\x08\x0b\x0c\x1b\x1f\ufffe"


def test_feed_entries_lose_control_characters_also_written_as_references(db: Session, users: Users) -> None:
    source = feeds.create_source(db, feeds.SourceInput(name="Nieuws", url="https://news.example/rss", language="nl"),
                                 actor_id=users.manager.id)
    feed = OneFeed(rss("<item><guid>1</guid><title>TECH&amp;#8;LAND&amp;#x1F; groeit&amp;#11;</title>"
                       "<description>&lt;p&gt;Een&amp;#0;twee&amp;#x0C;&lt;/p&gt;</description></item>"))
    outcome = feeds.poll_source(db, source, actor_id=None, fetcher=feed, matcher=build_matcher(db))  # type: ignore[arg-type]
    assert outcome.new == 1, outcome
    entry = db.scalars(select(FeedEntry)).one()
    assert (entry.title, entry.summary_html) == ("TECHLAND groeit", "<p>Een\ufffdtwee</p>")  # &#0; is U+FFFD in HTML


def test_every_output_stays_well_formed_whatever_is_stored(client: HubClient, db: Session, users: Users) -> None:
    ids = registry_with_everything(db, users)
    bad = f"Grens{CONTROLS}Info" + ("\x00" if db.get_bind().dialect.name == "sqlite" else "")  # PostgreSQL refuses NUL
    db.execute(update(Initiative).values(name_nl=bad, description=bad, aliases=bad))
    db.execute(update(Organisation).values(name=bad + Organisation.id.cast(String), description=bad))
    db.execute(update(FundingStream).values(note=bad))
    db.execute(update(FeedEntry).values(title=bad, summary_html=f"<p>{bad}</p>"))
    db.execute(update(LobbyCycle).values(title_nl=bad, summary_nl=bad))
    db.execute(update(LobbyPriority).values(title_nl=bad, summary_nl=bad))
    db.execute(update(LobbyAction).values(title=bad, outcome=bad))
    record_event(db, "initiative.updated", "initiative", ids["initiative"], actor_id=None,
                 payload={"before": {"name_nl": "Oud"}, "after": {"name_nl": bad}})
    db.commit()
    bodies = read_every_output(client, users, ids)
    workbook = load_workbook(io.BytesIO(bodies["/transfer/initiatives.xlsx"]))
    assert "GrensInfo" in [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert b"GrensInfo" in bodies["/feeds/events.atom"] and b"GrensInfo" in bodies[f"/initiatives/{ids['initiative']}/news.atom"]


# --- 10. formulas, raw HTML and lookalike names -------------------------------------------------


def test_csv_and_xlsx_cells_never_start_a_formula_even_after_a_semicolon(client: HubClient, db: Session, users: Users) -> None:
    names = ["=1+1", "Saxion;=HYPERLINK(\"http://x\")", "Twente, @SUM(A1)", "Enschede;\t-2+3", "+31 Gronau", "Rijn-Waal"]
    for name in names:
        factories.initiative(db, name)
    db.commit()
    client.login(users.admin.email)
    rows = list(csv.reader(io.StringIO(client.get("/transfer/initiatives.csv").get_data(as_text=True).lstrip("\ufeff"))))
    column = rows[0].index("name_nl")
    exported = sorted(row[column] for row in rows[1:])
    assert exported == sorted(["'=1+1", "Saxion;'=HYPERLINK(\"http://x\")", "Twente, '@SUM(A1)", "Enschede; '-2+3",
                               "'+31 Gronau", "Rijn-Waal"])
    for cell in (part.strip() for value in exported for part in re.split("[,;\t]", value)):
        assert not cell.startswith(("=", "+", "-", "@")), cell
    workbook = load_workbook(io.BytesIO(client.get("/transfer/initiatives.xlsx").get_data()))
    values = [cell.value for row in workbook.active.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    assert "Saxion;'=HYPERLINK(\"http://x\")" in values and "'=1+1" in values


def test_the_markdown_brief_escapes_html(client: HubClient, db: Session, users: Users) -> None:
    ids = registry_with_everything(db, users)
    db.execute(update(LobbyPriority).values(title_nl='<script>alert(1)</script> & <a href="javascript:x">klik</a>'))
    db.commit()
    client.login(users.admin.email)
    brief = client.get(f"/lobby/cycles/{ids['cycle']}/brief.md?lang=nl").get_data(as_text=True)
    assert "<script>" not in brief and "<a href" not in brief
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;a href" in brief


@pytest.mark.parametrize("lookalike", ["Sаxion", "SAXION", "Sax\u200bion", "Sax\u00adion", "\u200fSaxion\u200e", "Ｓａｘｉｏｎ",
                                       "Saxion\u00a0", "S\u0430x\u0456on"])
def test_lookalike_names_are_duplicates(db: Session, lookalike: str) -> None:
    create_organisation(db, OrganisationInput(name="Saxion", country="NL", type="education"), actor_id=None)
    factories.initiative(db, "Saxion")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_organisation(db, OrganisationInput(name=lookalike, country="NL", type="education"), actor_id=None)
    with pytest.raises(ValidationFailed, match="already exists"):
        create_initiative(db, InitiativeInput(kind="partnership", name_de=lookalike), actor_id=None)
    assert find_organisation(db, lookalike) is not None


def test_the_import_sees_lookalike_names_as_the_same(db: Session) -> None:
    create_organisation(db, OrganisationInput(name="Saxion", country="NL", type="education"), actor_id=None)
    factories.initiative(db, "GrensInfoPunt")
    db.commit()
    data = "kind,name_nl,lead\r\npartnership,Grens\u200bInfoPunt Twente,S\u0430xion\r\npartnership,Gr\u0435nsInfoPunt,\r\n"
    plan = run_import(db, data.encode(), filename="lookalike.csv", fmt=None, dry_run=True, actor_id=None)
    assert plan.new_organisations == []
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (3, "name_nl", "An initiative named “GrеnsInfoPunt” already exists.")]


# --- fuzz: random text into every form and every API write --------------------------------------

# Pieces random text is made of: ordinary words, control characters (NUL too), white space of every kind,
# invisible and direction marks, lookalike letters, markup, formula starts, very long words.
PIECES = ["Grens", "Münster", " ", "\r\n", "\t", "\x00", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\u200b",
          "\u00ad", "\u200f", "\u202e", "а", "ﬁ", "<script>", "&#8;", "=1+1", ";@SUM(A1)", "'", "\"", "\\", "%s",
          "{{ 7*7 }}", "😀", "\ufffe", "x" * 300]
LONG = "y" * 50_000
EXAMPLES = 3


def fuzz_text(rng: random.Random) -> str:
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8)))
    return text + LONG if rng.random() < 0.15 else text


# (url, fixed fields, fuzzed fields, table a successful post adds a row to)
FORMS = [
    ("/initiatives/new", {"kind": "partnership", "status": "active"},
     ("name_nl", "name_de", "name_en", "acronym", "aliases", "description", "website"), Initiative),
    ("/initiatives/{initiative}/edit", {"kind": "partnership", "status": "active"},
     ("name_nl", "name_en", "aliases", "description"), None),
    ("/stakeholders/new", {"country": "NL", "type": "education"}, ("name", "website", "description"), Organisation),
    ("/stakeholders/{organisation}/edit", {"country": "NL", "type": "education"}, ("name", "description"), None),
    ("/stakeholders/{organisation}/people", {}, ("name", "title", "email", "phone"), Person),
    ("/initiatives/{initiative}/funding/new", {"funder_id": "{organisation}", "kind": "temporary", "start_date": "2024-01-01"},
     ("currency", "note", "amount", "end_date"), FundingStream),
    ("/lobby/cycles/new", {"year": "2031"}, ("title_nl", "title_de", "summary_nl"), LobbyCycle),
    ("/lobby/cycles/{cycle}/priorities/new", {"owner_id": "{organisation}", "target_level": "rijk", "status": "proposed",
                                               "advice_codes": "2e"}, ("title_nl", "title_en", "summary_de"), LobbyPriority),
    ("/lobby/priorities/{priority}/actions/new", {"kind": "letter", "due_on": "2026-03-01", "responsible_id": "{organisation}"},
     ("title", "outcome", "links"), LobbyAction),
    ("/lobby/priorities/{priority}/evidence/new", {"kind": "figure", "source_date": "2025-01-01"},
     ("text", "value", "source", "url"), LobbyEvidence),
    ("/lobby/priorities/{priority}/positions", {"organisation_id": "{organisation}", "position": "supports",
                                                "stated_on": "2025-01-01"}, ("note",), None),
    ("/feeds/sources/new", {"language": "nl", "poll_interval_minutes": "60"}, ("name", "url"), FeedSource),
    ("/account/tokens", {"scope": "read"}, ("name",), ApiToken),
    ("/search", {}, ("q",), None),
]
# (method, url, fixed fields, fuzzed fields, table)
API_WRITES = [
    ("POST", "/api/v1/initiatives", {"kind": "partnership"}, ("name_nl", "name_de", "acronym", "description", "website"),
     Initiative),
    ("PATCH", "/api/v1/initiatives/{initiative}", {}, ("name_en", "description"), None),
    ("POST", "/api/v1/organisations", {"country": "DE", "type": "employer"}, ("name", "description"), Organisation),
    ("POST", "/api/v1/organisations/{organisation}/people", {}, ("name", "title"), Person),
    ("POST", "/api/v1/initiatives/{initiative}/funding", {"funder_id": "{organisation}", "kind": "temporary",
                                                          "start_date": "2024-01-01"}, ("note",), FundingStream),
    ("POST", "/api/v1/lobby/priorities", {"cycle_id": "{cycle}", "owner_id": "{organisation}", "target_level": "eu",
                                          "advice_codes": ["2e"]}, ("title_nl", "summary_nl"), LobbyPriority),
]


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return [_fill(v, ids) for v in value] if isinstance(value, list) else value


def _counts(db: Session, table: Any) -> tuple[int, int]:
    db.expire_all()
    rows = db.scalar(select(func.count()).select_from(table)) if table is not None else 0
    return rows, db.scalar(select(func.count()).select_from(Event)) or 0


@pytest.mark.fuzz
def test_random_text_into_every_form_and_api_write(client: HubClient, db: Session, users: Users) -> None:
    rng = random.Random(10)
    written = 0
    ids = registry_with_everything(db, users)
    secret = create_token(db, users.admin, name="fuzz", scope="write", actor_id=users.admin.id).secret
    db.commit()
    client.login(users.admin.email)
    for url, fixed, fuzzed, table in FORMS:
        for _ in range(EXAMPLES):
            data = {**{k: _fill(v, ids) for k, v in fixed.items()}, **{f: fuzz_text(rng) for f in fuzzed}}
            before = _counts(db, table)
            target = url.format(**ids)
            response = client.get(target, query_string=data) if url == "/search" else client.submit(target, data)
            assert response.status_code < 500, (target, data)
            written += _assert_whole(before, _counts(db, table), target)
    api = client.application.test_client()
    for method, url, fixed, fuzzed, table in API_WRITES:
        for _ in range(EXAMPLES):
            body = {**{k: _fill(v, ids) for k, v in fixed.items()},
                    **{f: fuzz_text(rng) + rng.choice(["", "\ud800"]) for f in fuzzed}}
            before = _counts(db, table)
            target = "/api/v1" + url.format(**ids)[len("/api/v1"):]
            response = api.open(target, method=method, json=body, headers={"Authorization": f"Bearer {secret}"})
            assert response.status_code < 500, (target, body)
            written += _assert_whole(before, _counts(db, table), target)
    assert written >= 5  # the random text got through often enough to test the outputs
    read_every_output(client, users, ids)


def _assert_whole(before: tuple[int, int], after: tuple[int, int], url: str) -> int:
    """A write happened completely (its row and its event) or not at all; how many rows it added."""
    rows, events = after[0] - before[0], after[1] - before[1]
    assert rows in (0, 1) and (rows == 0 or events >= 1), (url, rows, events)
    return rows
