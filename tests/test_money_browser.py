"""Issue 12, entering money, in a Dutch browser: amounts typed the Dutch way are stored as meant, previewed live,
and an ambiguous one is asked back with both readings to choose from."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import ARTIFACTS, PASSWORD, Users
from tests.factories import initiative, organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def dutch_page(browser, live_server: str, users: Users, db):
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto("/login")
    tab.locator("input[name=email]").fill(users.manager.email)
    tab.locator("input[name=password]").fill(PASSWORD)
    tab.locator("main button[type=submit]").last.click()
    tab.wait_for_load_state()
    yield tab
    context.close()


def test_dutch_amounts_are_stored_as_meant_and_an_ambiguous_one_is_asked(dutch_page, db) -> None:
    from hub.funding.models import FundingStream

    target = initiative(db, "Grensinfopunt Rijn-Waal", kind="grensinfopunt")
    funder = organisation(db, "Regio Deal Twente")
    db.commit()
    page = dutch_page

    def add(typed: str) -> None:
        page.goto(f"/initiatives/{target.id}/funding/new")
        assert page.locator("html").get_attribute("lang") == "nl"
        page.locator("select[name=funder_id]").select_option(str(funder.id))
        page.locator("input[name=start_date]").fill("2024-01-01")
        page.locator("input[name=amount]").fill(typed)

    add("1.200.000")
    page.locator("#amount-preview").filter(has_text="€\u00a01.200.000").wait_for()
    page.locator("form.form-grid button[type=submit]").click()
    page.wait_for_url(f"**/initiatives/{target.id}")

    add("1.200.000,50")
    page.locator("#amount-preview").filter(has_text="€\u00a01.200.000,50").wait_for()
    page.locator("form.form-grid button[type=submit]").click()
    page.wait_for_url(f"**/initiatives/{target.id}")
    db.expire_all()
    assert sorted(db.scalars(select(FundingStream.amount))) == [Decimal("1200000.00"), Decimal("1200000.50")]

    add("1.200")
    page.locator("#amount-preview").filter(has_text="Bedoelt u").wait_for()
    page.locator("form.form-grid button[type=submit]").click()
    page.locator("#amount-error").filter(has_text="Bedoelt u €\u00a01.200 of €\u00a01,20?").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "money_asks_back_nl.png"), full_page=True)
    db.expire_all()
    assert len(db.scalars(select(FundingStream)).all()) == 2, "nothing saved while the amount is in doubt"
    page.get_by_role("button", name="€\u00a01.200", exact=True).click()
    assert page.locator("input[name=amount]").input_value() == "1200"
    page.locator("form.form-grid button[type=submit]").click()
    page.wait_for_url(f"**/initiatives/{target.id}")
    db.expire_all()
    assert Decimal("1200.00") in set(db.scalars(select(FundingStream.amount)))
