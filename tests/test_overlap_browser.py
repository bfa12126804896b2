"""Issue 6 end to end: a manager sees a possible duplicate on the initiative page and records a verdict;
the coverage matrix states its gaps in words."""
from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import Users, browser_login

pytestmark = pytest.mark.browser


def test_manager_marks_a_duplicate_from_the_initiative_page(page, db, users: Users) -> None:
    a = factories.initiative(db, "GrensInfoPunt Twente", kind="grensinfopunt", regions=["NL213"], advice_codes=["5a"],
                             description="Informatieloket voor grensgangers over wonen en werken over de grens.")
    factories.initiative(db, "GrenzInfoPunkt Twente", kind="grensinfopunt", regions=["NL213"], advice_codes=["5a"],
                         description="Informatieloket voor grensgangers: wonen en werken over de grens.")
    db.commit()
    browser_login(page, users.manager.email)
    page.goto(f"/initiatives/{a.id}")
    panel = page.locator("section.overlap-panel")
    assert panel.get_by_role("link", name="GrenzInfoPunkt Twente").is_visible()
    assert "Similar names" in panel.inner_text()
    panel.get_by_label("Verdict").select_option("duplicate")
    panel.get_by_label("Note (optional)").fill("Zelfde loket, twee namen")
    panel.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded").wait_for()
    assert "No overlapping initiatives found." in panel.inner_text()
    assert "Duplicate" in panel.locator(".overlap-decisions").inner_text()
    assert "Overlap decision" in page.locator("ol.history").inner_text()

    page.get_by_role("link", name="Overlaps").click()
    page.get_by_role("heading", name="Cluster 1: 2 initiatives").wait_for()
    assert "Duplicate" in page.locator("section.cluster table").inner_text()


def test_coverage_matrix_names_gaps_in_words(page, db) -> None:
    factories.initiative(db, "GIP EUREGIO", kind="grensinfopunt", advice_codes=["5a"])
    db.commit()
    page.goto("/")
    page.get_by_role("link", name="Coverage of the advice").click()
    page.get_by_role("heading", name="Coverage of the SER advice").wait_for()
    row = page.locator("#row-1a")
    assert "No active initiative" in row.inner_text()
    assert "Covered" in page.locator("#row-5a").inner_text() or "All funding ends" in page.locator("#row-5a").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith("grenshub-coverage-")
