"""Issue 4 end to end: a manager adds a feed, polls it, confirms a suggested mention, and the initiative
page shows the news to everyone."""
from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import Users, browser_login
from tests.test_feeds_fetch import FeedServer, feed_server  # noqa: F401
from tests.test_feeds_ingest import demo_registry

pytestmark = pytest.mark.browser


def test_manager_adds_feed_confirms_mention_and_visitors_see_the_news(
    page, browser, live_server: str, app: Flask, db, users: Users, feed_server: FeedServer,  # noqa: F811
) -> None:
    app.config.update(FEEDS_HOST_DELAY=0, FEEDS_TIMEOUT=2, FEEDS_PRIVATE_NETWORKS="127.0.0.0/8")
    ids = demo_registry(db)
    browser_login(page, users.manager.email)

    page.goto("/feeds/sources/new")
    page.get_by_label("Name").fill("Grenzland-Nachrichten")
    page.get_by_label("Feed address (URL)").fill("gopher://grenzland.example.de/feed")
    page.get_by_label("Language of the feed").select_option("de")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The address must start with http:// or https://").is_visible()

    page.get_by_label("Feed address (URL)").fill(feed_server.url("/feeds/grenzland-nachrichten.atom"))
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Grenzland-Nachrichten").wait_for()
    page.get_by_role("button", name="Poll now").click()
    assert page.get_by_text("Polled: 3 new, 0 updated entries, 4 suggested links.").is_visible()

    page.get_by_role("link", name="News", exact=True).click()
    page.get_by_label("Only news with links to review").check()
    page.get_by_role("button", name="Filter").click()
    entry = page.locator("li.news-entry", has_text="TECH.LAND und GrensInfoPunt Euregio")
    entry.get_by_role("button", name="Confirm link to TECH.LAND").click()
    assert page.get_by_text("Link confirmed:").is_visible()
    assert "pending=1" in page.url

    visitor = browser.new_context(base_url=live_server, locale="de-DE")
    try:
        tab = visitor.new_page()
        tab.goto(f"/initiatives/{ids['techland']}")
        panel = tab.locator("#news-panel")
        assert panel.get_by_role("heading", name="Nachrichten").is_visible()
        assert panel.get_by_role("link", name="TECH.LAND und GrensInfoPunt Euregio beraten gemeinsam Grenzpendler").is_visible()
        assert panel.get_by_role("button").count() == 0
    finally:
        visitor.close()
