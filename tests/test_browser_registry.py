"""Issue 2 end to end: a manager logs an initiative with funding; partners and visitors are kept out."""
from __future__ import annotations

import pytest

from tests.conftest import Users, browser_login
from tests.factories import organisation

pytestmark = pytest.mark.browser


def test_manager_creates_initiative_with_funding_and_sees_timeline(page, users: Users, db) -> None:
    organisation(db, "Regio Deal Twente")
    db.commit()
    browser_login(page, users.manager.email)
    page.goto("/initiatives/new")
    page.get_by_label("Name (Dutch)").fill("Grensoverstijgend leren Twente")
    page.get_by_label("Kind").select_option("edl_activity")
    page.get_by_label("Regions (NUTS codes or Euregio areas, comma-separated)").fill("NL213")
    page.get_by_label("Start date").fill("2024-01-01")
    page.get_by_label("End date").fill("2027-12-31")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Grensoverstijgend leren Twente").wait_for()

    page.get_by_role("link", name="Add funding stream").click()
    page.get_by_label("Funder").select_option(label="Regio Deal Twente")
    page.get_by_label("Amount", exact=True).fill("250000")
    page.get_by_label("Start date").fill("2024-01-01")
    page.get_by_label("End date (empty: open-ended)").fill("2027-06-30")
    page.get_by_role("button", name="Save").click()

    timeline = page.locator("svg.timeline")
    timeline.wait_for()
    assert timeline.locator("rect").count() == 1
    assert timeline.locator("line.cliff").count() == 1
    assert timeline.locator("line.today").count() == 1
    assert "2027" in page.locator("#horizon").inner_text()

    page.goto("/initiatives")
    assert page.get_by_role("link", name="Grensoverstijgend leren Twente").is_visible()


def test_partner_gets_403_on_edit_form_and_visitor_is_sent_to_login(page, browser, live_server, users: Users, db) -> None:
    from tests.factories import initiative

    target = initiative(db, "CrossFire")
    db.commit()
    browser_login(page, users.partner.email)
    response = page.goto(f"/initiatives/{target.id}/edit")
    assert response is not None and response.status == 403

    visitor = browser.new_context(base_url=live_server)
    try:
        tab = visitor.new_page()
        tab.goto(f"/initiatives/{target.id}/edit")
        assert "/login" in tab.url
        assert tab.get_by_role("heading", name="Log in").is_visible()
    finally:
        visitor.close()
