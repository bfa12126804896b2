"""Issue 7 end to end, in headless Chromium: a programme manager opens the funding-cliff dashboard from the menu,
finds each coming cliff under its month with the days left and the money that stops, and follows it to the
initiative's funding timeline. Visitors and partners do not get the dashboard."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from hub import clock
from tests.conftest import ARTIFACTS, Users, browser_login
from tests.factories import initiative, stream

pytestmark = pytest.mark.browser


@pytest.fixture
def cliffs(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    soon = initiative(db, "GrensInfoPunt Twente")
    stream(db, soon, funder="Provincie Overijssel", end=date(2027, 1, 15), amount="250000")
    stream(db, soon, funder="Regio Deal Twente", end=date(2026, 12, 31), amount="100000")
    later = initiative(db, "TECH.LAND")
    stream(db, later, funder="Regio Deal Twente", end=date(2027, 6, 30), amount="1234567")
    structural = initiative(db, "EURES Grensoverschrijdend Partnerschap")
    stream(db, structural, funder="Ministerie van SZW", end=None, kind="structural")
    far = initiative(db, "Interreg VI A")
    stream(db, far, funder="Interreg VI A Deutschland-Nederland", end=date(2029, 12, 31))
    db.commit()


def test_manager_follows_a_cliff_from_the_dashboard_to_the_timeline(page: Any, users: Users, cliffs: None) -> None:
    browser_login(page, users.manager.email)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Funding cliffs").click()
    page.get_by_role("heading", level=1, name="Upcoming funding cliffs").wait_for()
    months = page.locator("section.cliff-month")
    assert months.count() == 12
    assert months.first.get_by_role("heading").inner_text().startswith("November 2026")

    january = page.locator("section.cliff-month", has=page.get_by_role("heading", name="January 2027"))
    row = january.get_by_role("row", name="GrensInfoPunt Twente")
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells == ["GrensInfoPunt Twente", "Provincie Overijssel", "Jan 15, 2027 (last funding)", "53", "€250,000",
                     "100%", "none recorded"], "the last stream: all the money left on its last day"
    assert "cliff-soon" in (row.locator("td").nth(3).get_attribute("class") or "")
    december = page.locator("section.cliff-month", has=page.get_by_role("heading", name="December 2026"))
    cells = [c.strip() for c in december.get_by_role("row", name="GrensInfoPunt Twente").locator("td").all_inner_texts()]
    assert cells[1:] == ["Regio Deal Twente", "Dec 31, 2026", "38", "€100,000", "29%", "none recorded"], "a stream of its own"

    june = page.locator("section.cliff-month", has=page.get_by_role("heading", name="June 2027"))
    assert june.get_by_role("link", name="TECH.LAND").is_visible()
    text = page.locator("main").inner_text()
    assert "EURES Grensoverschrijdend Partnerschap" not in text, "open-ended funding has no cliff"
    assert "Interreg VI A" not in text, "cliffs beyond twelve months are not listed"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cliff-dashboard.png"), full_page=True)

    january.get_by_role("link", name="GrensInfoPunt Twente").click()
    assert page.locator("#horizon").inner_text().strip() == "Jan 15, 2027"
    timeline = page.locator("svg.timeline")
    assert timeline.locator("line.cliff").count() == 1
    assert timeline.locator("rect").count() == 2


def test_partners_and_visitors_do_not_get_the_dashboard(page: Any, browser: Any, live_server: str, users: Users) -> None:
    browser_login(page, users.partner.email)
    assert page.get_by_role("link", name="Funding cliffs").count() == 0
    response = page.goto("/alerts/cliffs")
    assert response is not None and response.status == 403

    visitor = browser.new_context(base_url=live_server)
    try:
        tab = visitor.new_page()
        tab.goto("/alerts/cliffs")
        assert "/login" in tab.url
    finally:
        visitor.close()
