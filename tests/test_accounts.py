"""Issue 10 (hardening), accounts: server-side logout, passwords, reset and invitation links, deactivation,
roles, the login rate limit per client address, e-mail validation and uncached logged-in pages."""
from __future__ import annotations

import re
import uuid
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from flask import Flask, g
from flask_babel import refresh
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.auth import service
from hub.auth.models import Role, User
from hub.events import Event
from tests.conftest import PASSWORD, HubClient, Users, login_as

NEW_PASSWORD = "lantern orchard velvet"
ACCOUNT_PAGE = "/account/password"


@pytest.fixture(autouse=True)
def fresh_request_state(app: Flask) -> None:
    """The ``db`` fixture keeps one app context open, so it would carry one request's user, CSRF token and language
    into the next; several clients (devices) in one test need each request to start from its own cookie."""

    @app.before_request
    def forget() -> None:
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        refresh()


def device(app: Flask) -> HubClient:
    """Another browser (of the same or another person), asking for English like the ``client`` fixture."""
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return other  # type: ignore[return-value]


def logged_in(client: HubClient) -> bool:
    return client.get(ACCOUNT_PAGE).status_code == 200


def events(db: Session, prefix: str = "auth.") -> list[Event]:
    db.expire_all()
    return list(db.scalars(select(Event).where(Event.name.startswith(prefix)).order_by(Event.id)))


def outbox(app: Flask) -> list[Message]:
    folder = Path(app.config["ALERTS_OUTBOX_DIR"])
    return [message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime)]


def link_in(message: Message) -> str:
    body = message.get_payload(decode=True).decode()
    match = re.search(r"http://hub\.test(/\S+)", body)
    assert match, body
    return match.group(1)


def assert_no_secrets(found: list[Event], *secrets: str) -> None:
    for event in found:
        text = repr(event.payload)
        for secret in secrets:
            assert secret not in text
        assert "hash" not in text and "token" not in text


# --- sessions -------------------------------------------------------------------------------------------------


def test_logout_ends_the_session_on_the_server(app: Flask, client: HubClient, users: Users, db: Session) -> None:
    client.login(users.manager.email)
    copied = client.get_cookie("session").value
    client.submit("/logout")
    thief = device(app)
    thief.set_cookie("session", copied)
    response = thief.get(ACCOUNT_PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert [e.name for e in events(db)] == ["auth.logged_out"]


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app: Flask, client: HubClient, users: Users,
                                                                       db: Session) -> None:
    other = device(app)  # the same user on another device
    other.login(users.partner.email)
    client.login(users.partner.email)
    response = client.submit(ACCOUNT_PAGE, {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                            "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(client) and not logged_in(other)
    assert client.submit("/logout").status_code == 302
    assert client.submit("/login", {"email": users.partner.email, "password": PASSWORD}).status_code == 401
    client.login(users.partner.email, NEW_PASSWORD)
    changed = events(db, "auth.password_changed")
    assert len(changed) == 1 and changed[0].actor_id == users.partner.id
    assert_no_secrets(changed, PASSWORD, NEW_PASSWORD)


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("wrong password!", NEW_PASSWORD, NEW_PASSWORD, "The current password is not correct."),
    (PASSWORD, "short", "short", "at least 12 characters"),
    (PASSWORD, "password1234", "password1234", "too easy to guess"),
    (PASSWORD, "qwertyuiopasdf", "qwertyuiopasdf", "too easy to guess"),
    (PASSWORD, "partner@hub.test", "partner@hub.test", "too easy to guess"),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords differ."),
])
def test_password_change_is_checked(client: HubClient, users: Users, db: Session, current: str, new: str,
                                    confirm: str, message: str) -> None:
    client.login(users.partner.email)
    response = client.submit(ACCOUNT_PAGE, {"current_password": current, "new_password": new, "confirm": confirm})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert logged_in(client) and events(db) == []


def test_logged_in_pages_are_not_cached(client: HubClient, users: Users) -> None:
    assert "no-store" not in client.get("/initiatives").headers.get("Cache-Control", "")
    client.login(users.partner.email)
    assert client.get("/initiatives").headers["Cache-Control"] == "no-store"
    assert client.get(ACCOUNT_PAGE).headers["Cache-Control"] == "no-store"


# --- password reset and invitation by e-mail ------------------------------------------------------------------


def test_password_reset_by_email_link_is_single_use(app: Flask, client: HubClient, users: Users, db: Session) -> None:
    unknown = client.submit("/password/forgot", {"email": "nobody@hub.test"}, follow_redirects=True)
    known = client.submit("/password/forgot", {"email": users.manager.email.upper()}, follow_redirects=True)
    same = "If this address belongs to an account, we have sent it a link to set a new password."
    assert same in unknown.get_data(as_text=True) and same in known.get_data(as_text=True)
    [mail] = outbox(app)
    assert mail["To"] == users.manager.email
    link = link_in(mail)
    assert client.get(link).status_code == 200
    assert client.submit(link, {"password": "short", "confirm": "short"}).status_code == 422
    assert client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    client.login(users.manager.email, NEW_PASSWORD)
    again = client.get(link)
    assert again.status_code == 404 and "already been used" in again.get_data(as_text=True)
    found = events(db)
    assert [e.name for e in found] == ["auth.password_reset_requested", "auth.password_reset"]
    assert_no_secrets(found, NEW_PASSWORD, link.rsplit("/", 1)[1])


def test_reset_link_expires_and_breaks(app: Flask, client: HubClient, users: Users, db: Session,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    client.submit("/password/forgot", {"email": users.partner.email})
    link = link_in(outbox(app)[0])
    assert client.get(link[:-3] + "xyz").status_code == 404
    assert client.get(link.replace("/password/reset/", "/invitation/")).status_code == 404  # other purpose, other salt
    monkeypatch.setitem(service.LINK_MAX_AGE, service.LinkPurpose.RESET, -1)
    expired = client.get(link)
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)


def test_admin_invites_a_user_who_sets_a_password(app: Flask, client: HubClient, users: Users, db: Session) -> None:
    client.login(users.admin.email)
    response = client.submit("/admin/users", {"email": "Nieuw@Saxion.NL", "name": "Nieuwe Partner", "role": "partner",
                                              "organisation_id": str(users.partner.organisation_id), "password": ""})
    assert response.status_code == 302
    invited = service.find_by_email(db, "nieuw@saxion.nl")
    assert invited is not None and invited.email == "Nieuw@saxion.nl" and not service.has_password(invited)
    [mail] = outbox(app)
    visitor = device(app)
    assert visitor.submit("/login", {"email": invited.email, "password": "!"}).status_code == 401  # no password yet
    page = visitor.get(link_in(mail))
    assert page.status_code == 200 and "Welcome to Grenshub, Nieuwe Partner" in page.get_data(as_text=True)
    assert visitor.submit(link_in(mail), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    visitor.login(invited.email, NEW_PASSWORD)
    assert visitor.get(link_in(mail)).status_code == 404
    assert [e.name for e in events(db)] == ["auth.user_invited", "auth.invitation_accepted"]


def test_failed_invitation_mail_creates_no_user(app: Flask, client: HubClient, users: Users, db: Session) -> None:
    app.config["SMTP_HOST"] = "127.0.0.1"
    app.config["SMTP_PORT"] = 9  # nothing listens on the discard port
    client.login(users.admin.email)
    response = client.submit("/admin/users", {"email": "nieuw@saxion.nl", "name": "N", "role": "partner", "password": ""})
    assert response.status_code == 422 and "could not be sent" in response.get_data(as_text=True)
    db.expire_all()
    assert service.find_by_email(db, "nieuw@saxion.nl") is None


# --- administration -------------------------------------------------------------------------------------------

ADMIN_ACTIONS = ["/admin/users/{id}/role", "/admin/users/{id}/deactivate", "/admin/users/{id}/reactivate"]


@pytest.mark.parametrize("role", [None, "partner", "manager"], ids=lambda r: r or "visitor")
@pytest.mark.parametrize("path", ADMIN_ACTIONS)
def test_only_admins_manage_users(client: HubClient, users: Users, db: Session, role: str | None, path: str) -> None:
    login_as(client, users, role)
    response = client.submit(path.format(id=users.partner.id), {"role": "admin"})
    if role is None:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    db.expire_all()
    assert db.get(User, users.partner.id).role == Role.PARTNER and db.get(User, users.partner.id).active


def test_admin_changes_a_role_but_not_their_own(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.admin.email)
    assert client.submit("/admin/users/99999999999/role", {"role": "manager"}).status_code == 404
    assert client.submit(f"/admin/users/{users.partner.id}/role", {"role": "manager"}).status_code == 302
    own = client.submit(f"/admin/users/{users.admin.id}/role", {"role": "partner"}, follow_redirects=True)
    assert "You cannot change your own role." in own.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, users.partner.id).role == Role.MANAGER and db.get(User, users.admin.id).role == Role.ADMIN
    [changed] = events(db)
    assert changed.name == "auth.role_changed" and changed.payload == {"before": {"role": "partner"}, "after": {"role": "manager"}}


def test_deactivated_user_is_logged_out_and_stopped_everywhere(app: Flask, client: HubClient, users: Users,
                                                               db: Session) -> None:
    from hub.alerts import consumer
    from hub.alerts import service as alerts
    from hub.alerts.models import AlertDelivery, AlertItem, DeliveryStatus
    from hub.alerts.service import LinkPurpose, SubscriptionInput
    from hub.api.service import create_token
    from hub.events import record_event
    from tests.factories import initiative

    target = initiative(db, "TECH.LAND")
    partner = db.get(User, users.partner.id)
    subscription = alerts.subscribe_user(db, partner, SubscriptionInput(scope_kind="initiative", scope_key=str(target.id)),
                                         actor_id=partner.id)
    secret = create_token(db, partner, name="ci", scope="read", actor_id=partner.id).secret
    db.commit()
    feed = f"/alerts/feeds/{alerts.sign(LinkPurpose.FEED, subscription.id)}.atom"
    calendar = f"/alerts/calendar/{alerts.sign(LinkPurpose.CALENDAR, partner.id)}.ics"
    bearer = {"Authorization": f"Bearer {secret}"}
    waiting = record_event(db, "funding.added", "initiative", target.id, actor_id=None)
    db.commit()
    consumer.follow_events(db)
    db.commit()
    [pending] = db.scalars(select(AlertDelivery).join(AlertItem).where(AlertItem.event_id == waiting.id)).all()
    partner_client = device(app)
    partner_client.login(partner.email)
    assert client.get(feed).status_code == 200 and client.get(calendar).status_code == 200
    assert client.get("/api/v1/subscriptions", headers=bearer).status_code == 200

    client.login(users.admin.email)
    assert client.submit(f"/admin/users/{partner.id}/deactivate").status_code == 302
    assert not logged_in(partner_client)
    assert partner_client.submit("/login", {"email": partner.email, "password": PASSWORD}).status_code == 401
    assert client.get(feed).status_code == 404 and client.get(calendar).status_code == 404
    assert client.get("/api/v1/subscriptions", headers=bearer).status_code == 401
    event = record_event(db, "funding.added", "initiative", target.id, actor_id=None)
    db.commit()
    consumer.follow_events(db)
    db.commit()
    assert db.scalars(select(AlertItem).where(AlertItem.event_id == event.id)).all() == []
    db.refresh(pending)
    assert (pending.status, pending.last_error) == (DeliveryStatus.FAILED, "user deactivated")
    own = client.submit(f"/admin/users/{users.admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in own.get_data(as_text=True)

    assert client.submit(f"/admin/users/{partner.id}/reactivate").status_code == 302
    partner_client.login(partner.email)
    assert client.get(feed).status_code == 200
    assert [e.name for e in events(db)] == ["auth.user_deactivated", "auth.user_reactivated"]


@pytest.mark.parametrize(("email", "organisation"), [
    ("x@", ""), ("a@saxion.nl\r\nBcc: victim@example.org", ""), ("no-at-sign", ""),
    ("ok@saxion.nl", "abc"), ("ok@saxion.nl", "999999"), ("ok@saxion.nl", "99999999999"),
])
def test_user_form_refuses_bad_addresses_and_organisations(client: HubClient, users: Users, db: Session, email: str,
                                                           organisation: str) -> None:
    client.login(users.admin.email)
    response = client.submit("/admin/users", {"email": email, "name": "X", "role": "partner", "password": NEW_PASSWORD,
                                              "organisation_id": organisation})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Enter a valid e-mail address." in text or "Unknown organisation." in text
    db.expire_all()
    assert len(service.list_users(db)) == 3


@pytest.mark.parametrize("email", ["pendler@example..de", "pendler,ceo@example.de", "x@", "a@example.de\nBcc: b@example.de"])
def test_alert_subscription_refuses_bad_addresses(client: HubClient, db: Session, email: str) -> None:
    from hub.alerts.models import AlertSubscription
    from tests.factories import initiative

    target = initiative(db, "Grenzinfopunkt Rhein-Waal")
    db.commit()
    response = client.submit("/alerts/follow", {"email": email, "scope": f"initiative:{target.id}", "rhythm": "immediate"})
    assert response.status_code == 422 and "Enter a valid e-mail address." in response.get_data(as_text=True)
    assert db.scalars(select(AlertSubscription)).all() == []


def test_contact_person_addresses_are_checked(db: Session) -> None:
    from hub.errors import ValidationFailed
    from hub.stakeholders.service import PersonInput, add_person
    from tests.factories import organisation

    org = organisation(db, "Saxion Hogeschool", type_="education")
    for bad in ("x@", "info@saxion.nl\r\nBcc: all@example.org"):
        with pytest.raises(ValidationFailed):
            add_person(db, org, PersonInput(name="Team", email=bad), actor_id=None)
    assert add_person(db, org, PersonInput(name="Team", email=" Team@Saxion.NL "), actor_id=None).email == "Team@saxion.nl"


# --- the login rate limit -------------------------------------------------------------------------------------

A, B, PROXY = "203.0.113.7", "198.51.100.9", "127.0.0.1"


def attempt(client: HubClient, email: str, password: str, address: str = PROXY, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.submit("/login", {"email": email, "password": password}, headers=headers,
                         environ_overrides={"REMOTE_ADDR": address}).status_code


def hammer(client: HubClient, until_limited: int, **where: str) -> None:
    """Wrong passwords for ever new (unknown) addresses until the client address is refused."""
    for n in range(until_limited):
        status = attempt(client, f"nobody{n}@hub.test", "wrong", **where)
        if status == 429:
            return
        assert status == 401
    raise AssertionError("never limited")


@pytest.fixture
def limited_app(app: Flask) -> Flask:
    app.config.update(LOGIN_RATE_LIMIT="5 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    return app


def test_failed_logins_per_account_do_not_lock_out_its_owner(limited_app: Flask, client: HubClient, users: Users) -> None:
    for _ in range(3):
        assert attempt(client, users.manager.email, "wrong", address=A) == 401
    assert attempt(client, users.manager.email, PASSWORD, address=A) == 429  # this account, from here: slowed down
    assert attempt(client, users.partner.email, PASSWORD, address=A) == 302  # another account from here: fine
    assert attempt(client, users.manager.email, PASSWORD, address=B) == 302  # the owner elsewhere: fine


def test_behind_one_proxy_each_forwarded_address_counts_apart(database_url: str, tmp_path: Path, users: Users) -> None:
    from hub.app import create_app
    from tests.conftest import test_settings

    app = create_app({**test_settings(database_url, tmp_path), "PROXY_HOPS": 1, "LOGIN_RATE_LIMIT": "5 per minute"})
    app.test_client_class = HubClient
    client = app.test_client()
    hammer(client, 10, forwarded=A)
    assert attempt(client, users.manager.email, PASSWORD, forwarded=A) == 429
    assert attempt(client, users.manager.email, PASSWORD, forwarded=B) == 302  # same proxy, another client
    assert attempt(client, users.manager.email, PASSWORD, forwarded=f"{A}, {B}") == 302  # the nearest hop counts
    app.extensions["hub.engine"].dispose()


def test_without_proxy_hops_the_forwarded_header_is_ignored(limited_app: Flask, client: HubClient, users: Users) -> None:
    for n in range(5):
        assert attempt(client, f"nobody{n}@hub.test", "wrong", forwarded=f"192.0.2.{n}") == 401
    assert attempt(client, users.manager.email, PASSWORD, forwarded=B) == 429


def test_proxy_hops_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.config import ConfigError, from_environment

    monkeypatch.setenv("HUB_PROXY_HOPS", "1")
    assert from_environment()["PROXY_HOPS"] == 1
    monkeypatch.setenv("HUB_PROXY_HOPS", "one")
    with pytest.raises(ConfigError, match="HUB_PROXY_HOPS"):
        from_environment()


def test_counts_are_shared_by_workers_through_redis(database_url: str, tmp_path: Path, users: Users) -> None:
    """Two app instances (two gunicorn workers) see the same counts in Redis; with memory:// they would not."""
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from hub.app import create_app
    from tests.conftest import test_settings

    prefix = f"test-accounts-{uuid.uuid4().hex}"
    settings = {**test_settings(database_url, tmp_path), "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                "RATELIMIT_REDIS_PREFIX": prefix, "LOGIN_RATE_LIMIT": "5 per minute"}
    try:
        first = create_app(settings)
        first.test_client_class = HubClient
        hammer(first.test_client(), 10, address=A)
        assert server.keys(f"{prefix}:*")
        second = create_app(settings)  # a fresh worker: nothing in its memory
        second.test_client_class = HubClient
        client = second.test_client()
        assert attempt(client, users.manager.email, PASSWORD, address=A) == 429
        assert attempt(client, users.manager.email, PASSWORD, address=B) == 302
        for app in (first, second):
            app.extensions["hub.engine"].dispose()
    finally:
        keys = server.keys(f"{prefix}:*")
        if keys:
            server.delete(*keys)


# --- the command line -----------------------------------------------------------------------------------------


def test_users_commands(app: Flask, client: HubClient, users: Users, db: Session) -> None:
    runner = app.test_cli_runner()

    def run(*args: str) -> str:
        result = runner.invoke(args=["users", *args])
        assert result.exit_code == 0, result.output
        return result.output

    client.login(users.partner.email)
    assert "partner@hub.test\tpartner\tactive" in run("list")
    weak = runner.invoke(args=["users", "password", users.partner.email, "--password", "password1234"])
    assert weak.exit_code != 0 and "too easy to guess" in weak.output
    run("password", users.partner.email, "--password", NEW_PASSWORD)
    assert not logged_in(client)
    client.login(users.partner.email, NEW_PASSWORD)
    run("role", users.partner.email, "manager")
    run("deactivate", users.partner.email)
    assert not logged_in(client)
    assert "partner@hub.test\tmanager\tdeactivated" in run("list")
    assert client.submit("/login", {"email": users.partner.email, "password": NEW_PASSWORD}).status_code == 401
    run("reactivate", users.partner.email)
    client.login(users.partner.email, NEW_PASSWORD)
    unknown = runner.invoke(args=["users", "deactivate", "nobody@hub.test"])
    assert unknown.exit_code != 0 and "no user" in unknown.output
    assert [e.name for e in events(db)] == ["auth.password_changed", "auth.role_changed", "auth.user_deactivated",
                                            "auth.user_reactivated"]
