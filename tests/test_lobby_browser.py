"""Issue 5 end to end in headless Chromium: the print-ready brief shows the three priorities and the
funding-cliff chart; a manager reorders the priorities with the buttons on the cycle page."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from hub.lobby.service import EvidenceInput, add_evidence
from tests import lobby_factories as lf
from tests.conftest import Users, browser_login
from tests.factories import initiative, stream

pytestmark = pytest.mark.browser


def test_brief_page_shows_the_three_priorities(page, users: Users, db: Session, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lf.freeze_clock(monkeypatch)
    cycle, priorities = lf.three_priorities(db)
    grenswerk = initiative(db, "GrensWerk Enschede–Gronau")
    stream(db, grenswerk, start=date(2024, 1, 1), end=date(2027, 6, 30), amount="250000")
    add_evidence(db, priorities[1], EvidenceInput(kind="initiative", initiative_id=grenswerk.id), actor_id=None)
    lf.position(db, priorities[0], "Provincie Drenthe", "endorses")
    db.commit()

    browser_login(page, users.manager.email)
    page.goto(f"/lobby/cycles/{cycle.id}")
    page.get_by_role("link", name="page").first.click()
    page.wait_for_url(f"**/lobby/cycles/{cycle.id}/brief?lang=nl")
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Lobby brief: 2026 lobby cycle").wait_for()

    for priority in priorities:
        heading = page.get_by_role("heading", name=f"{priority.rank}. {priority.title_en}", exact=True)
        assert heading.is_visible()
    assert page.locator("#brief-coalition tbody tr").count() == 3
    chart = page.locator("svg.cliff-chart")
    assert chart.is_visible()
    assert chart.locator("text", has_text="GrensWerk Enschede–Gronau").count() == 1
    assert page.get_by_role("link", name="Download as Word (DOCX)").get_attribute("href").endswith("brief.docx?lang=en")

    shot = tmp_path / "lobby-brief.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible(), "the print view drops the site's header"


def test_manager_moves_a_priority_up(page, users: Users, db: Session) -> None:
    cycle, priorities = lf.three_priorities(db)
    db.commit()
    browser_login(page, users.manager.email)
    page.goto(f"/lobby/cycles/{cycle.id}")
    page.get_by_role("button", name=f"Move up: {priorities[2].title_en}").click()
    page.get_by_text("Order of the priorities saved.").wait_for()
    titles = page.locator("#priorities > li h2 a").all_inner_texts()
    assert titles == [priorities[0].title_en, priorities[2].title_en, priorities[1].title_en]
