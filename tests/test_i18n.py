"""Issue 7, languages: every message translated, German pages free of Dutch and English UI text, the language
chosen from profile, switcher and browser in that order, and dates and amounts in each language's own format."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy.orm import Session

from hub.catalogues import untranslated
from hub.formatting import day, money
from hub.i18n import HUB_DIR, LANGUAGE_NAMES
from hub.stakeholders.service import PersonInput, add_person, add_role
from tests.conftest import HubClient, Users
from tests.factories import initiative, organisation, stream
from tests.test_api import per_request_state  # noqa: F401  (autouse: one language and user per request)


def test_every_message_has_a_dutch_and_a_german_translation() -> None:
    missing = untranslated()
    listing = "\n".join(f"  {locale}  {where}: {msgid!r}" for locale, msgid, where in missing[:60])
    assert not missing, f"{len(missing)} messages lack a translation (run `hub i18n update`, then fill in):\n{listing}"


# --- a German session sees German on every main page ----------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
# Text that is the same on purpose in every language: the switcher offers each language in its own name.
SAME_IN_EVERY_LANGUAGE = set(LANGUAGE_NAMES.values())


@dataclass
class Leaks:
    """The Dutch and English UI texts that must not appear on a German page, from the catalogues themselves.

    A text counts only where German says something else, and never when it is also German somewhere
    (so "Partner" or "Status", the same in all three languages, are not leaks).
    """

    whole: set[str] = field(default_factory=set)
    patterns: list[str] = field(default_factory=list)
    phrases: set[str] = field(default_factory=set)

    @classmethod
    def from_catalogues(cls) -> Leaks:
        german: dict[tuple[str, str | None], str] = {}
        dutch: dict[tuple[str, str | None], str] = {}
        for locale, target in (("de", german), ("nl", dutch)):
            for path in HUB_DIR.glob(f"**/translations/{locale}/LC_MESSAGES/messages.po"):
                with path.open("rb") as handle:
                    for message in read_po(handle, locale=locale):
                        if message.id and isinstance(message.id, str) and message.string:
                            target[(message.id, message.context)] = message.string
        german_texts = set(german.values())
        leaks = cls()
        for key, de in german.items():
            for text in (key[0], dutch.get(key)):
                if not text or text == de or text in german_texts or text in SAME_IN_EVERY_LANGUAGE:
                    continue
                if PLACEHOLDER.search(text):
                    leaks.patterns.append(re.escape(text).replace("%%", "%"))
                else:
                    leaks.whole.add(text)
                    if len(text.split()) >= 3:
                        leaks.phrases.add(text)
        leaks.patterns = [PLACEHOLDER.sub(".+?", p.replace("\\%", "%")) for p in leaks.patterns]
        return leaks

    def found_in(self, page: PageText) -> list[str]:
        pattern = re.compile("|".join(f"(?:{p})" for p in self.patterns)) if self.patterns else None
        found = [s for s in page.segments if s in self.whole or (pattern is not None and pattern.fullmatch(s))]
        joined = " ".join(page.segments)
        found += [p for p in self.phrases if p in joined and p not in found]
        return found


class PageText(HTMLParser):
    """The texts a reader sees or hears: text nodes and the labelling attributes, but not code samples."""

    SKIPPED = {"script", "style", "code", "pre"}
    LABELS = ("aria-label", "title", "placeholder", "alt")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.segments: list[str] = []
        self.lang: str | None = None
        self._skipping = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag in self.SKIPPED:
            self._skipping += 1
        for name in self.LABELS:
            self._add(values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button"):
            self._add(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._add(data)

    def _add(self, text: str | None) -> None:
        text = " ".join((text or "").split())
        if len(text) > 1 and not text.replace(".", "").isdigit():
            self.segments.append(text)


@pytest.fixture
def registry(db: Session, users: Users) -> dict[str, int]:
    """A little of everything, with names that are proper names in any language."""
    parent = initiative(db, "Interreg VI A Deutschland-Nederland", kind="programme", regions=["NL", "DE"])
    target = initiative(db, "TECH.LAND", regions=["NL213", "DEA3"], advice_codes=["2c"], parent_id=parent.id,
                        start_date=date(2024, 1, 1), end_date=date(2027, 12, 31))
    funding = stream(db, target, funder="Regio Deal Twente", end=date(2027, 6, 30), amount="1234567")
    saxion = organisation(db, "Saxion", type_="education")
    add_person(db, saxion, PersonInput(name="Anna Jansen", email="anna@saxion.example"), actor_id=None)
    add_role(db, target, saxion, "lead", actor_id=None)
    db.commit()
    return {"initiative": target.id, "stream": funding.id, "org": saxion.id, "funder": funding.funder_id}


def main_pages(client: HubClient, registry: dict[str, int]) -> Iterator[str]:
    """Every page the menu leads to, plus the registry's detail and form pages."""
    start = client.get("/initiatives").get_data(as_text=True)
    nav = re.search(r'<header class="site">.*?<nav [^>]*>(.*?)</nav>', start, re.S).group(1)
    menu = [href for href in re.findall(r'href="([^"]+)"', nav) if not urlsplit(href).netloc]
    yield from dict.fromkeys([
        *menu,
        f"/initiatives/{registry['initiative']}",
        f"/stakeholders/{registry['org']}",
        f"/stakeholders/{registry['funder']}",
        "/api/v1/docs",
    ])


MANAGER_PAGES = ["/initiatives/new", "/initiatives/{initiative}/edit", "/initiatives/{initiative}/funding/new",
                 "/funding/{stream}/edit", "/stakeholders/new", "/stakeholders/{org}/edit",
                 "/account/tokens"]


def assert_german(client: HubClient, url: str, leaks: Leaks) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    page = PageText(response.get_data(as_text=True))
    assert page.lang == "de", url
    found = leaks.found_in(page)
    assert not found, f"{url} shows Dutch or English UI text to a German reader: {found}"


def test_a_german_visitor_sees_german_on_every_main_page(client: HubClient, registry: dict[str, int]) -> None:
    leaks = Leaks.from_catalogues()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE,de;q=0.9"
    for url in [*main_pages(client, registry), "/login"]:
        assert_german(client, url, leaks)


def test_an_administrator_who_switches_to_german_sees_german_everywhere(client: HubClient, users: Users,
                                                                       registry: dict[str, int]) -> None:
    """The browser asks for English; the switcher's choice wins, and is kept in the profile."""
    leaks = Leaks.from_catalogues()
    client.login(users.admin.email)
    assert client.submit("/language", {"locale": "de", "next": "/initiatives"}).status_code == 302
    assert users.admin.locale == "de"
    pages = [*main_pages(client, registry), *(p.format(**registry) for p in MANAGER_PAGES)]
    assert len(pages) >= 15
    for url in pages:
        assert_german(client, url, leaks)


def test_the_leak_check_catches_dutch_and_english(client: HubClient, registry: dict[str, int]) -> None:
    """The check itself must be able to fail: the Dutch and English versions of a page are full of leaks."""
    leaks = Leaks.from_catalogues()
    for language, expected in (("nl", "Initiatieven"), ("en", "Initiatives")):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        found = leaks.found_in(PageText(client.get("/initiatives").get_data(as_text=True)))
        assert expected in found


# --- which language: profile, then the switcher, then the browser ---------------------------------

def lang_of(client: HubClient, url: str = "/initiatives") -> str | None:
    return PageText(client.get(url).get_data(as_text=True)).lang


def test_language_comes_from_profile_then_switcher_then_browser(client: HubClient, users: Users, db: Session) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    assert lang_of(client) == "de", "the browser's Accept-Language"
    client.submit("/language", {"locale": "nl", "next": "/initiatives"})
    assert lang_of(client) == "nl", "the switcher beats the browser"
    users.partner.locale = "en"
    db.commit()
    client.login(users.partner.email)
    assert lang_of(client) == "en", "the profile beats the switcher"
    client.submit("/language", {"locale": "de", "next": "/initiatives"})
    db.refresh(users.partner)
    assert (lang_of(client), users.partner.locale) == ("de", "de"), "a logged-in user's switch is kept in the profile"


def test_unknown_languages_fall_back_to_the_default(client: HubClient, app: Flask) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"
    assert lang_of(client) == app.config["DEFAULT_LOCALE"]
    client.submit("/language", {"locale": "fr", "next": "/initiatives"})
    assert lang_of(client) == app.config["DEFAULT_LOCALE"], "the switcher offers only nl, de and en"


# --- dates and amounts in each language's format ---------------------------------------------------

@pytest.mark.parametrize(("language", "amount", "when"), [
    ("de", "1.234.567 €", "30.06.2027"),
    ("nl", "€ 1.234.567", "30 jun 2027"),
    ("en", "€1,234,567", "Jun 30, 2027"),
])
def test_dates_and_amounts_in_the_languages_format(app: Flask, client: HubClient, registry: dict[str, int],
                                                   language: str, amount: str, when: str) -> None:
    with app.test_request_context(headers={"Accept-Language": language}):
        assert money(Decimal("1234567")).replace("\xa0", " ") == amount
        assert day(date(2027, 6, 30)) == when
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(f"/initiatives/{registry['initiative']}").get_data(as_text=True).replace("\xa0", " ")
    assert amount in page and when in page
