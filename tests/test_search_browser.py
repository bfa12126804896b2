"""Issue 6 end to end: searching from the header box, highlighted results, narrowing by a facet."""
from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.browser


def test_visitor_searches_from_the_header_and_narrows_by_kind(page, db) -> None:
    factories.initiative(db, "GrensInfoPunt EUREGIO", kind="grensinfopunt", description="Loket voor grensgangers in Gronau.")
    factories.initiative(db, "Grensoverstijgend leren", kind="edl_activity", description="Buurtaal op school, ook over de grens.")
    db.commit()
    page.goto("/initiatives")
    page.get_by_role("searchbox", name="Search the registry").fill("Grensinfopunten")
    page.get_by_role("search").get_by_role("button", name="Search").first.click()
    page.get_by_role("heading", name="1 result").wait_for()
    link = page.get_by_role("link", name="GrensInfoPunt EUREGIO")
    assert link.locator("mark").inner_text() == "GrensInfoPunt"

    page.goto("/search?q=grens")
    page.get_by_role("heading", name="2 results").wait_for()
    page.get_by_role("complementary", name="Narrow down").get_by_role("link", name="EDL activity").click()
    page.get_by_role("heading", name="1 result").wait_for()
    assert page.get_by_role("link", name="Grensoverstijgend leren").is_visible()
    assert "kind=edl_activity" in page.url

    page.get_by_role("searchbox", name="Search for").fill("???")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    assert "Enter at least one letter or digit" in page.get_by_role("alert").inner_text()
