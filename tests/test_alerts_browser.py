"""Issue 3 end to end: a partner follows an initiative from its page and finds it under "My alerts"."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.alerts.models import AlertSubscription
from tests.conftest import Users, browser_login
from tests.factories import initiative, stream

pytestmark = pytest.mark.browser


def test_partner_follows_an_initiative_from_its_page(page, users: Users, db) -> None:  # type: ignore[no-untyped-def]
    target = initiative(db, "Grenzinfopunkt EUREGIO", advice_codes=["1a"])
    stream(db, target)
    db.commit()
    browser_login(page, users.partner.email)

    page.goto(f"/initiatives/{target.id}")
    panel = page.locator("section.alerts-panel")
    panel.get_by_label("How often").select_option("weekly")
    panel.get_by_role("button", name="Follow this initiative").click()

    page.get_by_text("You now follow Grenzinfopunkt EUREGIO.").wait_for()
    assert page.url.endswith(f"/initiatives/{target.id}")
    assert page.locator("section.alerts-panel").get_by_text("You follow this initiative.").is_visible()

    page.get_by_role("link", name="My alerts", exact=True).click()
    row = page.locator("#subscriptions tbody tr").first
    assert "Grenzinfopunkt EUREGIO" in row.inner_text() and "Weekly digest" in row.inner_text()
    assert page.get_by_role("link", name="Atom").get_attribute("href").endswith(".atom")  # type: ignore[union-attr]
    db.expire_all()
    [subscription] = db.scalars(select(AlertSubscription)).all()
    assert (subscription.user_id, subscription.scope_kind, subscription.rhythm) == (users.partner.id, "initiative", "weekly")
