"""Issue 6 end to end: a manager imports a CSV through the upload page and finds the initiative in the list."""
from __future__ import annotations

import pytest

from tests.conftest import Users, browser_login
from tests.test_transfer_support import FIXTURES

pytestmark = pytest.mark.browser


def test_manager_imports_a_csv_and_sees_the_initiative_in_the_list(page, users: Users, db) -> None:
    browser_login(page, users.manager.email)
    page.goto("/initiatives")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(FIXTURES / "registry.csv"))
    page.get_by_role("button", name="Check file").click()

    changes = page.locator("#import-changes")
    changes.wait_for()
    assert "GrensInfoPunt Twente" in changes.inner_text()
    assert "New initiatives: 4" in page.locator("#import-summary").inner_text()

    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/initiatives")
    assert "Import done. New initiatives: 4;" in page.locator(".flash-success").inner_text()
    assert page.get_by_role("link", name="GrensInfoPunt Twente").is_visible()
    assert page.get_by_role("link", name="Grenzeloos Leren").is_visible()
