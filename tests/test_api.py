"""Issue 7, API: personal tokens, each role's rights per endpoint, error bodies, filters, paging and the event stream."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from werkzeug.test import TestResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import clock
from hub.api import service
from hub.api.models import ApiToken
from hub.errors import ValidationFailed
from hub.alerts.service import SubscriptionInput, subscribe_user
from hub.events.models import Event
from hub.lobby.service import CycleInput, PriorityInput, add_priority, create_cycle
from hub.initiatives.models import Initiative
from hub.stakeholders.service import PersonInput, add_person, add_role
from tests.conftest import HubClient, Users
from tests.factories import initiative, organisation, stream

ROLES = ["visitor", "partner", "manager", "admin"]


@pytest.fixture(autouse=True)
def per_request_state(app: Flask) -> None:
    """The ``db`` fixture keeps one app context (and so one ``g``) open across a test's requests; in production each
    request has its own. Forget the per-request user and language after each request, as production does."""

    @app.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        g.pop("_flask_babel", None)
        g.pop("_login_user", None)


@dataclass
class Tokens:
    """Secrets of write-scope tokens per role, and a read-scope token per role."""

    write: dict[str, str]
    read: dict[str, str]

    def headers(self, role: str, scope: str = "write") -> dict[str, str]:
        if role == "visitor":
            return {}
        return {"Authorization": f"Bearer {getattr(self, scope)[role]}"}


@pytest.fixture
def tokens(db: Session, users: Users) -> Tokens:
    made = Tokens({}, {})
    for role in ROLES[1:]:
        user = getattr(users, role)
        made.write[role] = service.create_token(db, user, name=f"{role} system", scope="write", actor_id=user.id).secret
        made.read[role] = service.create_token(db, user, name=f"{role} reader", scope="read", actor_id=user.id).secret
    db.commit()
    return made


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    """A partner system: no cookies of a browser session, English messages unless a test asks otherwise."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def registry(db: Session, users: Users) -> dict[str, dict[str, int | str]]:
    """One set of records per role, so that each role's writes in the matrix find their own records untouched."""
    ids: dict[str, dict[str, int | str]] = {}
    subscriptions = {role: subscribe_user(db, getattr(users, role), SubscriptionInput(scope_kind="all"),
                                          actor_id=None).id for role in ROLES[1:]}
    others = {"visitor": "partner", "partner": "manager", "manager": "admin", "admin": "partner"}
    for year, role in enumerate(ROLES, start=2030):
        target = initiative(db, f"TECH.LAND {role}", regions=["NL213"], advice_codes=["2c"])
        funding = stream(db, target)
        other = organisation(db, f"Saxion Hogeschool {role}", type_="education")
        person = add_person(db, other, PersonInput(name="Anna Jansen", email=f"anna.{role}@saxion.example"), actor_id=None)
        own_person = add_person(db, users.partner.organisation, PersonInput(name=f"Piet Post {role}"), actor_id=None)
        link = add_role(db, target, other, "partner", actor_id=None)
        cycle = create_cycle(db, CycleInput(year=year, title_nl=f"Lobby {year}"), actor_id=None)
        priority = add_priority(db, cycle, PriorityInput(owner_id=other.id, target_level="rijk", title_nl="Grenseffecten",
                                                         advice_codes=["2e"]), actor_id=None)
        ids[role] = {"role": role, "initiative": target.id, "stream": funding.id, "own_org": users.partner.organisation_id,
                     "other_org": other.id, "person": person.id, "own_person": own_person.id, "role_link": link.id,
                     "funder": funding.funder_id, "cycle": cycle.id, "priority": priority.id,
                     "own_subscription": subscriptions.get(role, subscriptions["admin"]),
                     "other_subscription": subscriptions[others[role]]}
    db.commit()
    return ids


@pytest.fixture
def records(registry: dict[str, dict[str, int | str]]) -> dict[str, int | str]:
    """One role's set, for tests that need a single initiative, stream, organisation..."""
    return registry["admin"]


# --- tokens: made in the UI, shown once, stored hashed, revocable -------------------------------

def test_token_is_shown_once_stored_hashed_and_opens_the_api(client: HubClient, api: FlaskClient, users: Users,
                                                              db: Session) -> None:
    client.login(users.partner.email)
    page = client.submit("/account/tokens", {"name": "CRM Euregio", "scope": "read"})
    assert (page.status_code, page.mimetype) == (201, "text/html")
    assert page.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="new-token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert secret.startswith("ghub_") and len(secret) > 40

    token = db.scalar(select(ApiToken).where(ApiToken.name == "CRM Euregio"))
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.secret_hash, token.prefix, token.name} and secret.startswith(token.prefix)
    assert token.last_used_at is None
    assert secret not in client.get("/account/tokens").get_data(as_text=True)

    response = api.get(f"/api/v1/organisations/{users.partner.organisation_id}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and "people" in response.get_json()
    db.expire_all()
    assert db.get(ApiToken, token.id).last_used_at is not None

    events = db.scalars(select(Event).where(Event.subject_type == "api_token")).all()
    assert [(e.name, e.public, e.actor_id) for e in events] == [("api_token.created", False, users.partner.id)]
    assert secret not in str(events[0].payload) and token.secret_hash not in str(events[0].payload)


def test_revoked_token_no_longer_opens_the_api(client: HubClient, api: FlaskClient, users: Users, tokens: Tokens,
                                               db: Session) -> None:
    token = db.scalar(select(ApiToken).where(ApiToken.name == "manager system"))
    assert api.get("/api/v1/events", headers=tokens.headers("manager")).status_code == 200
    client.login(users.manager.email)
    assert client.submit(f"/account/tokens/{token.id}/revoke").status_code == 302
    response = api.get("/api/v1/events", headers=tokens.headers("manager"))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "revoked on" in client.get("/account/tokens").get_data(as_text=True)


def test_nobody_revokes_another_users_token(client: HubClient, api: FlaskClient, users: Users, tokens: Tokens,
                                            db: Session) -> None:
    managers = db.scalar(select(ApiToken).where(ApiToken.name == "manager system"))
    client.login(users.admin.email)
    assert client.submit(f"/account/tokens/{managers.id}/revoke").status_code == 404
    assert api.get("/api/v1/events", headers=tokens.headers("manager")).status_code == 200


def test_token_page_needs_login_and_a_valid_form(client: HubClient, users: Users, db: Session) -> None:
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    client.login(users.partner.email)
    assert client.submit("/account/tokens", {"name": "", "scope": "read"}).status_code == 422
    assert client.submit("/account/tokens", {"name": "x", "scope": "root"}).status_code == 422
    assert client.post("/account/tokens", data={"name": "no csrf", "scope": "read"}).status_code == 400
    assert db.scalar(select(func.count(ApiToken.id))) == 0


def test_a_user_has_at_most_twenty_active_tokens(db: Session, users: Users) -> None:
    for n in range(service.MAX_ACTIVE_TOKENS):
        service.create_token(db, users.partner, name=f"t{n}", scope="read", actor_id=users.partner.id)
    with pytest.raises(ValidationFailed):
        service.create_token(db, users.partner, name="one too many", scope="read", actor_id=users.partner.id)


@pytest.mark.parametrize("header", ["Bearer ghub_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "ghub_x"])
def test_bad_authorization_header_is_401_even_for_public_reads(api: FlaskClient, header: str) -> None:
    response = api.get("/api/v1/initiatives", headers={"Authorization": header})
    assert response.status_code == 401
    assert set(response.get_json()["error"]) == {"code", "message", "field"}


def test_deactivated_users_tokens_stop_working(api: FlaskClient, users: Users, tokens: Tokens, db: Session) -> None:
    users.partner.active = False
    db.commit()
    assert api.get("/api/v1/events", headers=tokens.headers("partner")).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(api: FlaskClient, tokens: Tokens, db: Session,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: start)
    api.get("/api/v1/events", headers=tokens.headers("partner"))
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=30))
    api.get("/api/v1/events", headers=tokens.headers("partner"))
    token = db.scalar(select(ApiToken).where(ApiToken.name == "partner system"))
    db.refresh(token)
    assert token.last_used_at == start
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=2))
    api.get("/api/v1/events", headers=tokens.headers("partner"))
    db.refresh(token)
    assert token.last_used_at == start + timedelta(minutes=2)


# --- the role matrix: each role's rights per endpoint -------------------------------------------

def expect(visitor: int, partner: int, manager: int, admin: int) -> dict[str, int]:
    return {"visitor": visitor, "partner": partner, "manager": manager, "admin": admin}


NEW_INITIATIVE = {"kind": "partnership", "name_nl": "Grensmakelaars Twente {role}"}
MATRIX = [
    ("GET", "/initiatives", None, expect(200, 200, 200, 200)),
    ("GET", "/initiatives/{initiative}", None, expect(200, 200, 200, 200)),
    ("POST", "/initiatives", NEW_INITIATIVE, expect(401, 403, 201, 201)),
    ("PATCH", "/initiatives/{initiative}", {"status": "ended"}, expect(401, 403, 200, 200)),
    ("DELETE", "/initiatives/{initiative}", None, expect(401, 403, 204, 204)),
    ("GET", "/funding", None, expect(200, 200, 200, 200)),
    ("GET", "/funding/{stream}", None, expect(200, 200, 200, 200)),
    ("GET", "/initiatives/{initiative}/funding", None, expect(200, 200, 200, 200)),
    ("POST", "/initiatives/{initiative}/funding", {"funder_id": "{funder}", "kind": "structural", "start_date": "2025-01-01"},
     expect(401, 403, 201, 201)),
    ("PATCH", "/funding/{stream}", {"amount": 5}, expect(401, 403, 200, 200)),
    ("DELETE", "/funding/{stream}", None, expect(401, 403, 204, 204)),
    ("GET", "/organisations", None, expect(200, 200, 200, 200)),
    ("GET", "/organisations/{other_org}", None, expect(200, 200, 200, 200)),
    ("POST", "/organisations", {"name": "Euregio Rhein-Waal {role}", "country": "EU", "type": "euregio"}, expect(401, 403, 201, 201)),
    ("PATCH", "/organisations/{own_org}", {"description": "Grensgemeente ({role})"}, expect(401, 200, 200, 200)),
    ("PATCH", "/organisations/{other_org}", {"description": "Hogeschool ({role})"}, expect(401, 403, 200, 200)),
    ("POST", "/organisations/{own_org}/people", {"name": "Jan Smit"}, expect(401, 201, 201, 201)),
    ("POST", "/organisations/{other_org}/people", {"name": "Jan Smit"}, expect(401, 403, 201, 201)),
    ("DELETE", "/people/{own_person}", None, expect(401, 204, 204, 204)),
    ("DELETE", "/people/{person}", None, expect(401, 403, 204, 204)),
    ("POST", "/initiatives/{initiative}/roles", {"organisation_id": "{own_org}", "role": "lead"}, expect(401, 403, 201, 201)),
    ("DELETE", "/roles/{role_link}", None, expect(401, 403, 204, 204)),
    ("GET", "/events", None, expect(200, 200, 200, 200)),
    ("GET", "/subscriptions", None, expect(401, 200, 200, 200)),
    ("POST", "/subscriptions", {"scope_kind": "region", "scope_key": "NL213"}, expect(401, 201, 201, 201)),
    ("DELETE", "/subscriptions/{own_subscription}", None, expect(401, 204, 204, 204)),
    ("DELETE", "/subscriptions/{other_subscription}", None, expect(401, 404, 404, 404)),
    ("GET", "/lobby/priorities", None, expect(401, 200, 200, 200)),
    ("GET", "/lobby/priorities/{priority}", None, expect(401, 200, 200, 200)),
    ("POST", "/lobby/priorities", {"cycle_id": "{cycle}", "target_level": "eu", "owner_id": "{other_org}",
                                   "title_nl": "Grensarbeid {role}", "advice_codes": ["2e"]}, expect(401, 403, 201, 201)),
    ("PATCH", "/lobby/priorities/{priority}", {"status": "agreed"}, expect(401, 403, 200, 200)),
    ("DELETE", "/lobby/priorities/{priority}", None, expect(401, 403, 204, 204)),
]


def _fill(value: object, ids: dict[str, int | str]) -> object:
    """Put the role's record ids into a body: "{funder}" becomes the id, other strings get "{role}" filled in."""
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str):
        return ids[value[1:-1]] if re.fullmatch(r"{\w+}", value) else value.format(**ids)
    return value


def _call(api: FlaskClient, method: str, path: str, body: dict | None, ids: dict[str, int | str],
          headers: dict[str, str]) -> TestResponse:
    return api.open("/api/v1" + path.format(**ids), method=method, json=_fill(body, ids) if body is not None else None,
                    headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _b, _e in MATRIX])
def test_role_matrix(api: FlaskClient, tokens: Tokens, registry: dict[str, dict[str, int | str]], db: Session,
                     method: str, path: str, body: dict | None, expected: dict[str, int]) -> None:
    """Each role with a write token (visitors without one) against every endpoint; refusals write nothing,
    every accepted change records its event."""
    got: dict[str, int] = {}
    for role in ROLES:
        events_before = db.scalar(select(func.count(Event.id)))
        response = _call(api, method, path, body, registry[role], tokens.headers(role))
        got[role] = response.status_code
        if response.status_code >= 400:
            assert set(response.get_json()["error"]) == {"code", "message", "field"}
        db.expire_all()
        wrote = db.scalar(select(func.count(Event.id))) > events_before
        assert wrote == (method != "GET" and response.status_code < 300), f"{role}: {response.get_data(as_text=True)}"
    assert got == expected


def test_a_read_scope_token_cannot_write(api: FlaskClient, tokens: Tokens, registry: dict[str, dict[str, int | str]],
                                         db: Session) -> None:
    events_before = db.scalar(select(func.count(Event.id)))
    for method, path, body, _expected in MATRIX:
        if method == "GET":
            continue
        response = _call(api, method, path, body, registry["admin"], tokens.headers("admin", scope="read"))
        assert response.status_code == 403, f"{method} {path}"
        error = response.get_json()["error"]
        assert error["code"] == "forbidden" and "write scope" in error["message"]
    assert db.scalar(select(func.count(Event.id))) == events_before


def test_a_read_scope_token_reads_what_its_user_may_see(api: FlaskClient, tokens: Tokens,
                                                        registry: dict[str, dict[str, int | str]]) -> None:
    response = api.get(f"/api/v1/organisations/{registry['partner']['other_org']}",
                       headers=tokens.headers("partner", scope="read"))
    assert [p["name"] for p in response.get_json()["people"]] == ["Anna Jansen"]


def test_browser_session_cookie_never_authenticates_the_api(client: HubClient, users: Users,
                                                            registry: dict[str, dict[str, int | str]], db: Session) -> None:
    """A logged-in manager's browser, tricked into posting to the API, gets 401: without a token there is no user,
    so the API's exemption from CSRF protection opens nothing."""
    client.login(users.manager.email)
    initiatives_before = db.scalar(select(func.count(Initiative.id)))
    assert client.post("/api/v1/initiatives", json=NEW_INITIATIVE).status_code == 401
    assert client.delete(f"/api/v1/initiatives/{registry['manager']['initiative']}").status_code == 401
    org = client.get(f"/api/v1/organisations/{registry['manager']['other_org']}").get_json()
    assert "people" not in org, "the cookie does not reveal contact people either"
    assert db.scalar(select(func.count(Initiative.id))) == initiatives_before


def test_token_calls_need_no_csrf_token(api: FlaskClient, tokens: Tokens) -> None:
    response = api.post("/api/v1/initiatives", json=NEW_INITIATIVE, headers=tokens.headers("manager"))
    assert response.status_code == 201


# --- writes go through the services: events, actor, validation ----------------------------------

def test_created_initiative_is_recorded_with_the_tokens_user(api: FlaskClient, tokens: Tokens, users: Users,
                                                             db: Session) -> None:
    body = {**NEW_INITIATIVE, "regions": ["NL213", "DEA3"], "advice_codes": ["5a"], "start_date": "2024-01-01",
            "aliases": ["Grensmakelaar"], "website": "https://example.org"}
    response = api.post("/api/v1/initiatives", json=body, headers=tokens.headers("manager"))
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/initiatives/{created['id']}")
    assert created["regions"] == ["DEA3", "NL213"] and created["start_date"] == "2024-01-01"
    event = db.scalars(select(Event).where(Event.name == "initiative.created")).one()
    assert (event.subject_id, event.actor_id) == (created["id"], users.manager.id)
    assert api.get(f"/api/v1/initiatives/{created['id']}").get_json()["aliases"] == ["Grensmakelaar"]


def test_patch_changes_only_the_fields_it_sends(api: FlaskClient, tokens: Tokens, records: dict[str, int | str],
                                                db: Session) -> None:
    url = f"/api/v1/initiatives/{records['initiative']}"
    before = api.get(url).get_json()
    after = api.patch(url, json={"status": "ended", "end_date": "2026-12-31"}, headers=tokens.headers("admin")).get_json()
    assert (after["status"], after["end_date"]) == ("ended", "2026-12-31")
    unchanged = {k: v for k, v in before.items() if k not in ("status", "end_date", "updated_at")}
    assert {k: after[k] for k in unchanged} == unchanged
    event = db.scalars(select(Event).where(Event.name == "initiative.updated")).one()
    assert event.payload["after"] == {"status": "ended", "end_date": "2026-12-31"}


def test_funding_written_through_the_api_moves_the_horizon(api: FlaskClient, tokens: Tokens,
                                                           records: dict[str, int | str]) -> None:
    url = f"/api/v1/funding/{records['stream']}"
    response = api.patch(url, json={"end_date": "2028-03-31", "amount": 1234567.891, "cofinancing_share": 50},
                         headers=tokens.headers("manager"))
    assert response.status_code == 200
    assert (response.get_json()["amount"], response.get_json()["cofinancing_share"]) == (1234567.89, 50.0)
    detail = api.get(f"/api/v1/initiatives/{records['initiative']}").get_json()
    assert detail["funding_horizon"] == "2028-03-31"
    assert [s["id"] for s in detail["funding_streams"]] == [records["stream"]]
    assert [(r["organisation"], r["role"]) for r in detail["roles"]] == [("Saxion Hogeschool admin", "partner")]


BAD_BODIES = [
    # (body or raw text, status, code, field)
    ("{\"kind\": ", 400, "malformed_json", None),
    ("[1, 2]", 400, "invalid_body", None),
    ("{\"kind\": \"partnership\", \"name_nl\": NaN}", 400, "malformed_json", None),
    ("[" * 100_000, 400, "malformed_json", None),
    ({"name_nl": "No kind"}, 422, "required", "kind"),
    ({"kind": "castle", "name_nl": "X"}, 422, "invalid_choice", "kind"),
    ({"kind": "partnership", "name_nl": 7}, 422, "invalid_type", "name_nl"),
    ({"kind": "partnership", "name_nl": "X", "dates_estimated": "yes"}, 422, "invalid_type", "dates_estimated"),
    ({"kind": "partnership", "name_nl": "X", "parent_id": True}, 422, "invalid_type", "parent_id"),
    ({"kind": "partnership", "name_nl": "X", "regions": "NL213"}, 422, "invalid_type", "regions"),
    ({"kind": "partnership", "name_nl": "X", "regions": ["NOWHERE"]}, 422, "invalid_choice", "regions"),
    ({"kind": "partnership", "name_nl": "X", "start_date": "1 May 2024"}, 422, "invalid_date", "start_date"),
    ({"kind": "partnership", "name_nl": "X", "start_date": "2024-02-30"}, 422, "invalid_date", "start_date"),
    ({"kind": "partnership", "name_nl": "X", "start_date": "20240201"}, 422, "invalid_date", "start_date"),
    ({"kind": "partnership", "name_nl": "X" * 251}, 422, "too_long", "name_nl"),
    ({"kind": "partnership", "name_nl": "X\u0000Y"}, 422, "invalid_value", "name_nl"),
    ({"kind": "partnership", "name_nl": "X", "owner": "me"}, 422, "unknown_field", "owner"),
    ({"kind": "partnership", "name_nl": "X", "kind_": None}, 422, "unknown_field", "kind_"),
    ({"kind": "partnership", "status": None}, 422, "invalid_type", "status"),
    ({"kind": "partnership"}, 422, "validation_failed", "name_nl"),
    ({"kind": "partnership", "name_nl": "tech.land admin"}, 422, "validation_failed", "name_nl"),
    ({"kind": "partnership", "name_nl": "X", "start_date": "2025-01-01", "end_date": "2024-01-01"}, 422,
     "validation_failed", "end_date"),
    ({"kind": "partnership", "name_nl": "X", "parent_id": 2147483647}, 422, "validation_failed", "parent_id"),
    ({"kind": "partnership", "name_nl": "X", "website": "ftp://example.org"}, 422, "invalid_value", "website"),
]


def test_bad_input_gets_a_clear_error_and_writes_nothing(api: FlaskClient, tokens: Tokens, records: dict[str, int | str],
                                                         db: Session) -> None:
    events_before = db.scalar(select(func.count(Event.id)))
    initiatives_before = db.scalar(select(func.count(Initiative.id)))
    for body, status, code, field in BAD_BODIES:
        if isinstance(body, str):
            headers = {**tokens.headers("manager"), "Content-Type": "application/json"}
            response = api.post("/api/v1/initiatives", data=body, headers=headers)
        else:
            response = api.post("/api/v1/initiatives", json=body, headers=tokens.headers("manager"))
        assert response.status_code == status, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == (code, field), body
        assert error["message"] and (field is None or code == "validation_failed" or field in error["message"])
    assert db.scalar(select(func.count(Event.id))) == events_before
    assert db.scalar(select(func.count(Initiative.id))) == initiatives_before


def test_body_must_be_sent_as_json(api: FlaskClient, tokens: Tokens) -> None:
    response = api.post("/api/v1/initiatives", data={"kind": "partnership"}, headers=tokens.headers("manager"))
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


BAD_QUERIES = ["kind=castle", "limit=0", "limit=101", "offset=-1", "horizon_months=x", "theme=9z", "region=NOWHERE",
               "funder=0", "sort=random", "knid=partnership", "limit=", "horizon_months=١٢"]


def test_bad_query_parameters_are_400(api: FlaskClient) -> None:
    for query in BAD_QUERIES:
        response = api.get(f"/api/v1/initiatives?{query}")
        assert response.status_code == 400, query
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == ("invalid_parameter", query.split("=")[0])


def test_errors_come_in_the_callers_language(api: FlaskClient, tokens: Tokens, users: Users, db: Session) -> None:
    response = api.post("/api/v1/initiatives", json={"kind": "partnership"}, headers={
        **tokens.headers("manager"), "Accept-Language": "de"})
    assert response.get_json()["error"]["message"].startswith("Geben Sie der Initiative")
    users.manager.locale = "nl"
    db.commit()
    response = api.post("/api/v1/initiatives", json={"kind": "partnership"}, headers={
        **tokens.headers("manager"), "Accept-Language": "de"})
    assert response.get_json()["error"]["message"].startswith("Geef het initiatief"), "the token user's profile wins"


def test_missing_records_are_404_with_the_error_body(api: FlaskClient) -> None:
    for path in ["/initiatives/999", "/funding/999", "/organisations/999", "/initiatives/99999999999999", "/nothing"]:
        response = api.get("/api/v1" + path)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"


def test_a_method_the_path_lacks_is_405_naming_the_allowed_ones(api: FlaskClient) -> None:
    response = api.put("/api/v1/initiatives")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_role_for_a_missing_organisation_is_422(api: FlaskClient, tokens: Tokens, records: dict[str, int | str]) -> None:
    response = api.post(f"/api/v1/initiatives/{records['initiative']}/roles", json={"organisation_id": 999, "role": "lead"},
                        headers=tokens.headers("manager"))
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "organisation_id"


# --- reads: filters, paging, personal data ------------------------------------------------------

@pytest.fixture
def listed(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    techland = initiative(db, "TECH.LAND", regions=["NL213", "DEA3"], advice_codes=["2c"])
    stream(db, techland, funder="Regio Deal Twente", end=date(2027, 6, 30))
    gip = initiative(db, "GrensInfoPunt Euregio", kind="grensinfopunt", regions=["EUREGIO"], advice_codes=["5a"])
    stream(db, gip, funder="Ministerie van SZW", end=None, kind="structural")
    edl = initiative(db, "EDL", kind="edl_activity", regions=["NL213"], advice_codes=["3a"])
    stream(db, edl, funder="Interreg VI A Deutschland-Nederland", end=date(2026, 12, 31))
    db.commit()


INITIATIVE_QUERIES = [
    ("", ["EDL", "GrensInfoPunt Euregio", "TECH.LAND"]),
    ("?kind=grensinfopunt", ["GrensInfoPunt Euregio"]),
    ("?theme=2", ["TECH.LAND"]),
    ("?region=NL213&sort=horizon", ["EDL", "TECH.LAND"]),
    ("?horizon_months=3", ["EDL"]),
    ("?sort=horizon", ["EDL", "TECH.LAND", "GrensInfoPunt Euregio"]),
]


def test_initiative_filters(api: FlaskClient, listed: None) -> None:
    for query, names in INITIATIVE_QUERIES:
        response = api.get("/api/v1/initiatives" + query)
        assert [i["name"] for i in response.get_json()["items"]] == names, query


def test_initiatives_are_paged(api: FlaskClient, listed: None) -> None:
    first = api.get("/api/v1/initiatives?limit=2").get_json()
    assert ([i["name"] for i in first["items"]], first["next_offset"]) == (["EDL", "GrensInfoPunt Euregio"], 2)
    second = api.get(f"/api/v1/initiatives?limit=2&offset={first['next_offset']}").get_json()
    assert ([i["name"] for i in second["items"]], second["next_offset"]) == (["TECH.LAND"], None)


def test_funding_is_listed_by_end_date_with_filters(api: FlaskClient, listed: None, db: Session) -> None:
    everything = api.get("/api/v1/funding").get_json()["items"]
    assert [s["end_date"] for s in everything] == ["2026-12-31", "2027-06-30", None]
    soon = api.get("/api/v1/funding?ends_before=2027-01-31&limit=1").get_json()
    assert [s["funder"] for s in soon["items"]] == ["Interreg VI A Deutschland-Nederland"] and soon["next_offset"] is None
    funder = organisation(db, "Regio Deal Twente").id
    assert [s["funder_id"] for s in api.get(f"/api/v1/funding?funder={funder}").get_json()["items"]] == [funder]


def test_contact_people_only_for_callers_with_a_token(api: FlaskClient, tokens: Tokens, records: dict[str, int | str]) -> None:
    anonymous = api.get(f"/api/v1/organisations/{records['other_org']}").get_json()
    assert "people" not in anonymous
    assert "saxion.example" not in api.get("/api/v1/organisations").get_data(as_text=True)
    member = api.get(f"/api/v1/organisations/{records['other_org']}", headers=tokens.headers("partner")).get_json()
    assert member["people"][0]["email"] == "anna.admin@saxion.example"


def test_organisations_filter_and_page(api: FlaskClient, registry: dict[str, dict[str, int | str]]) -> None:
    page = api.get("/api/v1/organisations?type=education&limit=3").get_json()
    assert [o["name"] for o in page["items"]] == [f"Saxion Hogeschool {role}" for role in sorted(ROLES)[:3]]
    assert page["next_offset"] == 3
    first = api.get("/api/v1/organisations?limit=1").get_json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1


# --- subscriptions and lobby priorities ---------------------------------------------------------

def test_partner_subscribes_through_the_api_and_sees_only_their_own(api: FlaskClient, tokens: Tokens, users: Users,
                                                                     records: dict[str, int | str], db: Session) -> None:
    body = {"scope_kind": "initiative", "scope_key": str(records["initiative"]), "webhook_url": "https://crm.example/hook"}
    response = api.post("/api/v1/subscriptions", json=body, headers=tokens.headers("partner"))
    assert response.status_code == 201
    made = response.get_json()
    assert (made["scope"], made["status"], made["locale"]) == ("TECH.LAND admin", "active", "en")
    assert made["webhook_secret"] and len(made["webhook_secret"]) == 64
    event = db.scalars(select(Event).where(Event.name == "alerts.subscribed", Event.subject_id == made["id"])).one()
    assert (event.actor_id, event.public) == (users.partner.id, False)

    again = api.post("/api/v1/subscriptions", json=body, headers=tokens.headers("partner"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    wrong = api.post("/api/v1/subscriptions", json={"scope_kind": "initiative", "scope_key": "999999"},
                     headers=tokens.headers("partner"))
    assert (wrong.status_code, wrong.get_json()["error"]["field"]) == (422, "scope_key")

    mine = api.get("/api/v1/subscriptions", headers=tokens.headers("partner", scope="read")).get_json()["items"]
    assert sorted(s["scope_kind"] for s in mine) == ["all", "initiative"]
    theirs = api.get("/api/v1/subscriptions", headers=tokens.headers("manager")).get_json()["items"]
    assert [s["scope_kind"] for s in theirs] == ["all"]

    assert api.delete(f"/api/v1/subscriptions/{made['id']}", headers=tokens.headers("partner")).status_code == 204
    mine = api.get("/api/v1/subscriptions", headers=tokens.headers("partner")).get_json()["items"]
    assert [s["scope_kind"] for s in mine] == ["all"]


def test_lobby_priorities_through_the_api_keep_the_lobby_rules(api: FlaskClient, tokens: Tokens,
                                                               records: dict[str, int | str]) -> None:
    listed = api.get(f"/api/v1/lobby/priorities?cycle={records['cycle']}", headers=tokens.headers("partner")).get_json()
    assert [(p["rank"], p["title"], p["year"]) for p in listed["items"]] == [(1, "Grenseffecten", 2033)]
    new = {"cycle_id": records["cycle"], "target_level": "eu", "owner_id": records["other_org"], "advice_codes": ["2e"]}
    for n in (2, 3):
        response = api.post("/api/v1/lobby/priorities", json={**new, "title_nl": f"Prioriteit {n}"},
                            headers=tokens.headers("manager"))
        assert (response.status_code, response.get_json()["rank"]) == (201, n)
    fourth = api.post("/api/v1/lobby/priorities", json={**new, "title_nl": "Te veel"}, headers=tokens.headers("manager"))
    assert (fourth.status_code, fourth.get_json()["error"]["field"]) == (422, "cycle")
    no_cycle = api.post("/api/v1/lobby/priorities", json={**new, "cycle_id": 999, "title_nl": "X"},
                        headers=tokens.headers("manager"))
    assert (no_cycle.status_code, no_cycle.get_json()["error"]["field"]) == (422, "cycle_id")
    all_cycles = api.get("/api/v1/lobby/priorities", headers=tokens.headers("partner")).get_json()["items"]
    assert [p["year"] for p in all_cycles][:3] == [2033, 2033, 2033], "newest cycle first"


# --- the event stream ---------------------------------------------------------------------------

def test_events_are_followed_with_a_cursor(api: FlaskClient, tokens: Tokens, registry: dict[str, dict[str, int | str]], db: Session) -> None:
    all_ids = list(db.scalars(select(Event.id).order_by(Event.id)))
    seen: list[int] = []
    cursor = 0
    for _ in range(len(all_ids) + 1):
        page = api.get(f"/api/v1/events?after={cursor}&limit=2", headers=tokens.headers("admin")).get_json()
        seen += [e["id"] for e in page["items"]]
        assert page["next"] >= cursor
        cursor = page["next"]
        if not page["has_more"]:
            break
    assert seen == all_ids
    # A follower that comes back later continues where it stopped.
    initiative(db, "Nieuw")
    db.commit()
    later = api.get(f"/api/v1/events?after={cursor}", headers=tokens.headers("admin")).get_json()
    assert [e["name"] for e in later["items"]] == ["initiative.created"] and later["next"] > cursor


def test_visitors_see_public_events_only_and_members_no_admin_events(api: FlaskClient, tokens: Tokens,
                                                                     registry: dict[str, dict[str, int | str]], db: Session) -> None:
    def names(headers: dict[str, str]) -> set[str]:
        page = api.get("/api/v1/events?limit=500", headers=headers).get_json()
        return {e["name"] for e in page["items"]}

    visitor, partner, admin = names({}), names(tokens.headers("partner")), names(tokens.headers("admin"))
    assert "person.added" not in visitor and "user.created" not in visitor and "api_token.created" not in visitor
    assert "initiative.created" in visitor
    assert "lobby.priority_added" not in visitor, "the lobby is for members, on the site and in the API"
    assert "lobby.priority_added" in partner and "alerts.subscribed" not in partner
    assert "person.added" in partner, "members see contact-person changes, as they see contact people"
    assert "user.created" not in partner and "api_token.created" not in partner
    assert {"user.created", "api_token.created", "person.added"} <= admin
    anonymous_page = api.get("/api/v1/events").get_json()
    assert all(e["actor_id"] is None for e in anonymous_page["items"]), "visitors do not learn user ids"


# --- the document and the reference page --------------------------------------------------------

def test_document_describes_exactly_the_api_routes(app: Flask, api: FlaskClient) -> None:
    doc = api.get("/api/v1/openapi.json").get_json()
    documented = {(method.upper(), path) for path, item in doc["paths"].items() for method in item}
    routed = {
        (method, re.sub(r"<[^:>]+:(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routed
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert "401" in op["responses"], f"{method} {path}"
            if "requestBody" in op:
                assert {"400", "415", "422"} <= set(op["responses"])
            if op["x-access"] != "public":
                assert op["security"] == [{"bearer": []}]


def test_document_is_valid_openapi(app: Flask) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(item) for item in schema.raw_schema["paths"].values())


def test_reference_page_renders_every_operation_in_the_readers_language(client: HubClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    html = client.get("/api/v1/docs").get_data(as_text=True)
    for path, item in doc["paths"].items():
        for method in item:
            assert f'<span class="method">{method.upper()}</span> <code>{path}</code>' in html
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    german = client.get("/api/v1/docs", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "<h1>API-Referenz</h1>" in german
    assert "Dem Strom der Änderungen folgen, älteste zuerst" in german, "summaries come from the catalogues too"
