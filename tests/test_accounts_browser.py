"""Issue 10 end to end: an administrator invites a partner, who sets a password through the mailed link and logs in."""
from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

import pytest

from tests.conftest import Users, browser_login

pytestmark = pytest.mark.browser


def test_invitation_set_password_login(page, app, users: Users) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, users.admin.email)
    page.goto("/admin/users")
    page.get_by_label("E-mail").fill("lotte@saxion.nl")
    page.get_by_label("Name").fill("Lotte Brink")
    page.get_by_label("Role", exact=True).select_option("partner")
    page.get_by_role("button", name="Create user").click()
    page.get_by_text("User invited: we have sent them a link to set a password.").wait_for()
    assert "Invited" in page.locator("#users tr", has_text="lotte@saxion.nl").inner_text()
    page.get_by_role("button", name="Log out").click()

    [mail] = [message_from_bytes(p.read_bytes()) for p in Path(app.config["ALERTS_OUTBOX_DIR"]).glob("*.eml")]
    body = mail.get_payload(decode=True).decode()
    link = next(word for word in body.split() if word.startswith("http://hub.test/invitation/"))
    page.goto(link.removeprefix("http://hub.test"))
    page.get_by_text("Welcome to Grenshub, Lotte Brink.").wait_for()
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("short")
    page.get_by_role("button", name="Set password").click()
    page.get_by_text("The password must be at least 12 characters long.").wait_for()
    page.get_by_label("New password", exact=True).fill("tulip harbour granite")
    page.get_by_label("Repeat the new password").fill("tulip harbour granite")
    page.get_by_role("button", name="Set password").click()
    page.get_by_text("Your password has been set. You can log in now.").wait_for()

    browser_login(page, "lotte@saxion.nl", "tulip harbour granite")
    assert page.locator("header").get_by_role("link", name="Lotte Brink").is_visible()
