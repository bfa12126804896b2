"""Shared fixtures. Every test that touches the database runs once on SQLite and, when
HUB_TEST_DATABASE_URL is set, once more on PostgreSQL. The schema comes from the Alembic migrations."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from hub.app import create_app
from hub.auth.models import Role, User
from hub.auth.service import create_user
from hub.cli import alembic_config
from hub.config import normalise_database_url
from hub.db import get_session

PG_URL = os.environ.get("HUB_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each kind, shared by the session and emptied after every test."""
    if request.param == "postgresql":
        url = normalise_database_url(PG_URL or "")
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hub.db'}"
    command.upgrade(alembic_config(url), "heads")
    return url


def _empty_all_tables(url: str) -> None:
    engine = create_engine(url)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # DELETE with foreign-key triggers off is ten times faster than TRUNCATE on small tables.
            conn.execute(text("SET session_replication_role = replica"))
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            for (sequence,) in conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")):
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
            conn.execute(text("SET session_replication_role = DEFAULT"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            # Virtual tables (FTS5) are emptied through themselves; their shadow tables must be left alone.
            shadow = {row[1] for row in conn.execute(text("PRAGMA table_list")) if row[2] == "shadow"}
            for table in (t for t in tables if t not in shadow):
                conn.execute(text(f'DELETE FROM "{table}"'))
            if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first():
                conn.execute(text("DELETE FROM sqlite_sequence"))
    engine.dispose()


def test_settings(database_url: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "BASE_URL": "http://hub.test",
    }


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app(test_settings(database_url, tmp_path))
    yield application
    application.extensions["hub.engine"].dispose()
    _empty_all_tables(database_url)


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """The session of an app context held open for the test (for arranging and checking data)."""
    with app.app_context():
        yield get_session()


class HubClient(FlaskClient):
    """A test client that behaves like a browser with forms: it sends the CSRF token of its session."""

    def csrf_token(self) -> str:
        html = self.get("/login").get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', html)
        assert match, "the layout carries the CSRF token"
        return match.group(1)

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form the way the page would, CSRF token included."""
        payload = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=payload, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> Any:
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 302, f"login of {email} failed"
        return response


@pytest.fixture
def client(app: Flask) -> HubClient:
    """A visitor whose browser asks for English (tests of other languages set their own header)."""
    app.test_client_class = HubClient
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client  # type: ignore[return-value]


@dataclass
class Users:
    admin: User
    manager: User
    partner: User


@pytest.fixture
def users(db: Session) -> Users:
    from hub.stakeholders.service import OrganisationInput, create_organisation

    org = create_organisation(db, OrganisationInput(name="Gemeente Enschede", country="NL", type="government"), actor_id=None)
    made = {
        role: create_user(db, email=f"{role.value}@hub.test", name=f"{role.value.title()} User", password=PASSWORD,
                          role=role, organisation_id=org.id if role == Role.PARTNER else None)
        for role in Role
    }
    db.commit()
    return Users(admin=made[Role.ADMIN], manager=made[Role.MANAGER], partner=made[Role.PARTNER])


def login_as(client: HubClient, users: Users, role: str | None) -> None:
    if role is not None:
        client.login(getattr(users, role).email)


# --- end-to-end tests in a real headless Chromium -------------------------------------------

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served on a free loopback port in a background thread."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the test command installs Debian's chromium package")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab (English UI unless the test switches) on the live server; a screenshot is kept."""
    context = browser.new_context(base_url=live_server, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    safe_name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{safe_name}.png"), full_page=True)
    finally:
        context.close()


def browser_login(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_load_state()
