"""Issue 7 end to end, in headless Chromium: a visitor switches to German, forms work from the keyboard, pages fit a
phone, a partner system gets its token from the token page, and screenshots of the main pages are kept."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from hub import clock
from tests.conftest import ARTIFACTS, Users, browser_login
from tests.factories import initiative, organisation, stream

pytestmark = pytest.mark.browser


@pytest.fixture
def registry(db: Session, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    target = initiative(db, "TECH.LAND", regions=["NL213", "DEA3"], advice_codes=["2c"], start_date=date(2024, 1, 1))
    funding = stream(db, target, funder="Regio Deal Twente", end=date(2027, 6, 30), amount="1234567")
    saxion = organisation(db, "Saxion", type_="education")
    db.commit()
    return {"initiative": target.id, "stream": funding.id, "org": saxion.id, "funder": funding.funder_id}


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_visitor_switches_to_german_and_sees_german_menu_and_dates(page: Any, registry: dict[str, int]) -> None:
    page.goto("/initiatives")
    menu = page.get_by_role("navigation", name="Main navigation")
    assert menu.get_by_role("link", name="Initiatives").is_visible()
    assert page.locator("#initiatives").get_by_text("Jun 30, 2027").is_visible()

    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_selector("html[lang=de]")

    assert page.locator("html").get_attribute("lang") == "de"
    menu = page.get_by_role("navigation", name="Hauptnavigation")
    assert menu.get_by_role("link", name="Initiativen").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Initiativen"
    assert page.locator("#initiatives").get_by_text("30.06.2027").is_visible()
    screenshot(page, "language-de-initiatives")

    page.get_by_role("link", name="TECH.LAND").click()
    assert page.locator("#horizon").inner_text().strip() == "30.06.2027"
    assert "1.234.567 €" in page.locator("#funding").inner_text().replace("\xa0", " ")
    screenshot(page, "language-de-initiative")

    page.goto("/stakeholders")
    assert page.locator("html").get_attribute("lang") == "de", "the choice stays for the rest of the visit"
    assert page.get_by_label("Sprache").input_value() == "de"


def test_login_form_works_from_the_keyboard_alone(page: Any, users: Users) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "email":
            break
    page.keyboard.type(users.partner.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "password"
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/initiatives(#main)?$"))
    assert page.get_by_role("button", name="Log out").is_visible()


def test_pages_fit_a_phone_screen(page: Any, users: Users, registry: dict[str, int]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, users.manager.email)
    for url in ["/initiatives", f"/initiatives/{registry['initiative']}", "/stakeholders", "/initiatives/new",
                "/account/tokens", "/api/v1/docs"]:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px on a phone"
    screenshot(page, "phone-api-reference")


def test_partner_creates_a_token_in_the_browser_and_a_system_uses_it(page: Any, users: Users,
                                                                    registry: dict[str, int]) -> None:
    browser_login(page, users.partner.email)
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name (which system uses it)").fill("CRM Euregio")
    page.get_by_label("Scope").select_option(label="Read only")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("ghub_")
    screenshot(page, "api-token-created")

    system = page.context.request
    response = system.get(f"/api/v1/organisations/{registry['org']}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200 and "people" in response.json()
    refused = system.post("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"},
                          data={"name": "X", "country": "NL", "type": "ngo"})
    assert refused.status == 403

    page.goto("/account/tokens")
    assert secret not in page.content(), "the secret is shown once only"
    page.get_by_role("button", name="Revoke “CRM Euregio”").click()
    page.get_by_text("Token “CRM Euregio” revoked").wait_for()
    assert system.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status == 401


@pytest.mark.parametrize("language", ["en", "de"])
def test_screenshots_of_the_main_pages(page: Any, users: Users, registry: dict[str, int], language: str,
                                       database_url: str) -> None:
    """Named screenshots in test-artifacts/ (main-<page>-<language>.png), as a manager sees them."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the pages look the same on every database: one set of screenshots suffices")
    browser_login(page, users.manager.email)
    if language != "en":
        page.get_by_label("Language").select_option(language)
        page.get_by_role("button", name="Switch").click()
        page.wait_for_selector(f"html[lang={language}]")
    menu = page.get_by_role("navigation").first.locator("a")
    links = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    pages = dict.fromkeys([*links, f"/initiatives/{registry['initiative']}", f"/stakeholders/{registry['funder']}",
                           "/initiatives/new", "/api/v1/docs"])
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert page.locator("html").get_attribute("lang") == language
        name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
        screenshot(page, f"main-{name}-{language}")
    assert len(list(ARTIFACTS.glob(f"main-*-{language}.png"))) >= len(pages)
