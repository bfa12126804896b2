"""Issue 2, security: each role gets exactly its rights, on every registry route."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from hub.auth.models import User
from tests.conftest import PASSWORD, HubClient, Users, login_as
from tests.factories import initiative, organisation, stream

ROLES = [None, "partner", "manager", "admin"]
LOGIN = "login"  # visitors are redirected to the login page


def expect(visitor: int | str, partner: int, manager: int, admin: int) -> dict:
    return {None: visitor, "partner": partner, "manager": manager, "admin": admin}


@pytest.fixture
def registry(db: Session, users: Users) -> dict[str, int]:
    target = initiative(db, "TECH.LAND")
    funding = stream(db, target)
    other_org = organisation(db, "Saxion Hogeschool", type_="education")
    db.commit()
    return {"initiative": target.id, "stream": funding.id, "own_org": users.partner.organisation_id, "other_org": other_org.id}


MATRIX = [
    ("GET", "/initiatives", expect(200, 200, 200, 200)),
    ("GET", "/initiatives/{initiative}", expect(200, 200, 200, 200)),
    ("GET", "/initiatives/new", expect(LOGIN, 403, 200, 200)),
    ("GET", "/initiatives/{initiative}/edit", expect(LOGIN, 403, 200, 200)),
    ("POST", "/initiatives/{initiative}/delete", expect(LOGIN, 403, 302, 302)),
    ("GET", "/initiatives/{initiative}/funding/new", expect(LOGIN, 403, 200, 200)),
    ("GET", "/funding/{stream}/edit", expect(LOGIN, 403, 200, 200)),
    ("POST", "/funding/{stream}/delete", expect(LOGIN, 403, 302, 302)),
    ("GET", "/stakeholders", expect(200, 200, 200, 200)),
    ("GET", "/stakeholders/{other_org}", expect(200, 200, 200, 200)),
    ("GET", "/stakeholders/new", expect(LOGIN, 403, 200, 200)),
    ("GET", "/stakeholders/{own_org}/edit", expect(LOGIN, 200, 200, 200)),
    ("GET", "/stakeholders/{other_org}/edit", expect(LOGIN, 403, 200, 200)),
    ("POST", "/stakeholders/roles/for/{initiative}", expect(LOGIN, 403, 302, 302)),
    ("GET", "/admin/users", expect(LOGIN, 403, 403, 200)),
    ("POST", "/admin/users", expect(LOGIN, 403, 403, 422)),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "visitor")
@pytest.mark.parametrize(("method", "path", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
def test_role_matrix(client: HubClient, users: Users, registry: dict[str, int], role: str | None,
                     method: str, path: str, expected: dict) -> None:
    login_as(client, users, role)
    url = path.format(**registry)
    response = client.get(url) if method == "GET" else client.submit(url, {})
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == want


def test_contact_details_are_only_shown_to_logged_in_users(client: HubClient, users: Users, db: Session) -> None:
    from hub.stakeholders.service import PersonInput, add_person

    org = organisation(db, "GrensInfoPunt Euregio", type_="euregio")
    add_person(db, org, PersonInput(name="Team GIP", email="gip@example.org", phone="+31 53 000 0000"), actor_id=None)
    db.commit()
    anonymous = client.get(f"/stakeholders/{org.id}").get_data(as_text=True)
    assert "gip@example.org" not in anonymous and "+31 53 000 0000" not in anonymous
    client.login(users.partner.email)
    assert "gip@example.org" in client.get(f"/stakeholders/{org.id}").get_data(as_text=True)


def test_partner_edits_own_organisation(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.partner.email)
    response = client.submit(f"/stakeholders/{users.partner.organisation_id}/edit",
                             {"name": "Gemeente Enschede", "country": "NL", "type": "government", "website": "https://www.enschede.nl"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, users.partner.id).organisation.website == "https://www.enschede.nl"


def test_passwords_are_hashed(users: Users, db: Session) -> None:
    stored = db.get(User, users.manager.id).password_hash
    assert PASSWORD not in stored and stored.startswith("pbkdf2:")


def test_form_without_csrf_token_is_refused(client: HubClient, users: Users, db: Session) -> None:
    from hub.initiatives.models import Initiative

    client.login(users.manager.email)
    response = client.post("/initiatives/new", data={"kind": "partnership", "status": "active", "name_nl": "EuregioRail"})
    assert response.status_code == 400
    assert "The form expired or was not sent from this site." in response.get_data(as_text=True)
    assert db.query(Initiative).count() == 0


def test_login_is_rate_limited(client: HubClient, users: Users, app) -> None:
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for n in range(limit):  # other accounts each time: the per-account limit stays out of the way
        assert client.submit("/login", {"email": f"guess{n}@hub.test", "password": "wrong"}).status_code == 401
    blocked = client.submit("/login", {"email": users.manager.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_wrong_password_does_not_say_which_part_was_wrong(client: HubClient, users: Users) -> None:
    unknown = client.submit("/login", {"email": "nobody@hub.test", "password": "x"}).get_data(as_text=True)
    wrong = client.submit("/login", {"email": users.manager.email, "password": "x"}).get_data(as_text=True)
    assert "Unknown e-mail address or wrong password." in unknown and "Unknown e-mail address or wrong password." in wrong


def test_login_never_redirects_to_another_site(client: HubClient, users: Users) -> None:
    response = client.submit("/login", {"email": users.manager.email, "password": PASSWORD, "next": "//evil.example/x"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_production_cookies_are_secure_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.config import from_environment

    monkeypatch.delenv("HUB_SECURE_COOKIES", raising=False)
    settings = from_environment()
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["REMEMBER_COOKIE_SECURE"] is True


def test_app_refuses_to_start_without_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.app import create_app
    from hub.config import ConfigError

    monkeypatch.delenv("HUB_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="HUB_SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})
