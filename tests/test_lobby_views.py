"""Lobby pages over HTTP: who may read and change what, and forms refusing bad input without writing."""
from __future__ import annotations

import html
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.events import Event
from hub.lobby.models import LobbyAction, LobbyCycle, LobbyEvidence, LobbyPriority, PartnerPosition
from tests import lobby_factories as lf
from tests.conftest import HubClient, Users, login_as
from tests.factories import initiative


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch, client: HubClient) -> None:
    lf.freeze_clock(monkeypatch)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def lobby(db: Session) -> tuple[LobbyCycle, list[LobbyPriority]]:
    made = lf.three_priorities(db)
    db.commit()
    return made


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def _priority_form(db: Session, title: str = "Bereikbaarheid van de grensstreek", **fields: str) -> dict[str, object]:
    return {"title_nl": title, "advice_codes": ["2e", "5b"], "target_level": "rijk",
            "owner_id": str(lf.province(db, "Provincie Zeeland")), "status": "proposed", **fields}


# --- rights -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [(None, 302), ("partner", 200), ("manager", 200), ("admin", 200)])
def test_members_read_priorities_visitors_are_sent_to_login(client: HubClient, users: Users, lobby, role, status) -> None:
    cycle, (first, _b, _c) = lobby
    login_as(client, users, role)
    for url in ("/lobby", f"/lobby/cycles/{cycle.id}", f"/lobby/priorities/{first.id}"):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert "/login" in response.headers["Location"]
    if status == 200:
        page = _text(client.get(f"/lobby/cycles/{cycle.id}"))
        assert all(title in page for title in lf.TITLES)


@pytest.mark.parametrize("fmt", ["", ".docx", ".md"])
def test_briefs_are_for_managers_and_admins_only(client: HubClient, users: Users, lobby, fmt: str) -> None:
    cycle, (first, _b, _c) = lobby
    login_as(client, users, "partner")
    assert client.get(f"/lobby/cycles/{cycle.id}/brief{fmt}").status_code == 403
    assert client.get(f"/lobby/priorities/{first.id}/brief{fmt}").status_code == 403
    client.login(users.manager.email)
    assert client.get(f"/lobby/cycles/{cycle.id}/brief{fmt}").status_code == 200
    assert client.get(f"/lobby/priorities/{first.id}/brief{fmt}").status_code == 200


def test_partner_sees_no_edit_controls_and_cannot_change_anything(client: HubClient, users: Users, db: Session, lobby) -> None:
    cycle, (first, second, _c) = lobby
    login_as(client, users, "partner")
    page = _text(client.get(f"/lobby/priorities/{first.id}"))
    assert "Record a position" not in page and "Add action" not in page and "/brief" not in page
    org_id = str(lf.province(db, "Provincie Drenthe"))
    new_priority, changed_priority = _priority_form(db), _priority_form(db, "Gekaapt")
    db.commit()
    before = _count(db, Event)
    attempts = [
        (f"/lobby/cycles/{cycle.id}/priorities/new", new_priority),
        (f"/lobby/priorities/{first.id}/edit", changed_priority),
        (f"/lobby/priorities/{second.id}/move", {"direction": "up"}),
        (f"/lobby/priorities/{first.id}/positions", {"organisation_id": org_id, "position": "opposes", "stated_on": "2026-05-01"}),
        (f"/lobby/priorities/{first.id}/actions/new", {"kind": "letter", "title": "x", "due_on": "2026-12-01", "responsible_id": org_id}),
        (f"/lobby/priorities/{first.id}/evidence/new", {"kind": "quote", "text": "x", "source": "y"}),
        (f"/lobby/priorities/{first.id}/delete", {}),
        ("/lobby/cycles/new", {"year": "2027", "title_nl": "Lobbycyclus 2027"}),
    ]
    for url, data in attempts:
        assert client.submit(url, data).status_code == 403, url
    assert _count(db, Event) == before


# --- forms with bad input ---------------------------------------------------------------------

def test_fourth_priority_via_the_form_is_refused_with_the_message(client: HubClient, users: Users, db: Session, lobby) -> None:
    cycle, _priorities = lobby
    login_as(client, users, "manager")
    form_page = _text(client.get(f"/lobby/cycles/{cycle.id}/priorities/new"))
    assert "This cycle has its three priorities" in form_page
    response = client.submit(f"/lobby/cycles/{cycle.id}/priorities/new", _priority_form(db))
    assert response.status_code == 422
    assert "The 2026 cycle already has its three priorities" in _text(response)
    assert _count(db, LobbyPriority) == 3


def test_priority_form_creates_and_reports_field_errors(client: HubClient, users: Users, db: Session) -> None:
    cycle = lf.cycle(db)
    db.commit()
    login_as(client, users, "admin")
    bad = client.submit(f"/lobby/cycles/{cycle.id}/priorities/new", _priority_form(db, "", advice_codes=["7x"], owner_id="987"))
    text = _text(bad)
    assert bad.status_code == 422
    assert "Give the priority a title in at least one language." in text
    assert "Unknown SER recommendation: 7x." in text
    assert "Choose an existing organisation as owner." in text
    assert _count(db, LobbyPriority) == 0
    good = client.submit(f"/lobby/cycles/{cycle.id}/priorities/new", _priority_form(db))
    assert good.status_code == 302
    assert _count(db, LobbyPriority) == 1


def test_move_buttons_reorder_and_bad_direction_is_refused(client: HubClient, users: Users, db: Session, lobby) -> None:
    cycle, (first, second, _c) = lobby
    login_as(client, users, "manager")
    assert client.submit(f"/lobby/priorities/{second.id}/move", {"direction": "up"}).status_code == 302
    db.expire_all()
    assert (first.rank, second.rank) == (2, 1)
    refused = client.submit(f"/lobby/priorities/{second.id}/move", {"direction": "up"})
    assert refused.status_code == 422
    assert "already first" in _text(refused)
    assert client.submit(f"/lobby/priorities/{second.id}/move", {"direction": "left"}).status_code == 422


def test_position_form_refuses_unknown_organisation_and_history_shows_changes(
        client: HubClient, users: Users, db: Session, lobby) -> None:
    _cycle, (first, _b, _c) = lobby
    zeeland = str(lf.province(db, "Provincie Zeeland"))
    db.commit()
    login_as(client, users, "manager")
    url = f"/lobby/priorities/{first.id}/positions"
    unknown = client.submit(url, {"organisation_id": "99999", "position": "endorses", "stated_on": "2026-04-02"})
    assert unknown.status_code == 422
    assert "Choose an existing organisation." in _text(unknown)
    not_a_number = client.submit(url, {"organisation_id": "Zeeland", "position": "endorses", "stated_on": "2026-04-02"})
    assert not_a_number.status_code == 422
    no_date = client.submit(url, {"organisation_id": zeeland, "position": "endorses", "stated_on": "2. April"})
    assert no_date.status_code == 422 and "Not a valid date value." in _text(no_date)
    assert _count(db, PartnerPosition) == 0

    assert client.submit(url, {"organisation_id": zeeland, "position": "undecided", "stated_on": "2026-04-02"}).status_code == 302
    assert client.submit(url, {"organisation_id": zeeland, "position": "opposes", "stated_on": "2026-06-01",
                               "note": "Liever bereikbaarheid"}).status_code == 302
    page = _text(client.get(f"/lobby/priorities/{first.id}"))
    assert "Provincie Zeeland: Not yet decided → Opposes (stated Jun 1, 2026) — Liever bereikbaarheid" in page
    assert "Provincie Zeeland: Not yet decided (stated Apr 2, 2026)" in page
    prefilled = _text(client.get(f"{url}?organisation_id={zeeland}"))
    assert '<option selected value="opposes">' in prefilled


def test_action_form_date_and_outcome_rules(client: HubClient, users: Users, db: Session, lobby) -> None:
    _cycle, (first, _b, _c) = lobby
    gelderland = str(lf.province(db, "Provincie Gelderland"))
    db.commit()
    login_as(client, users, "manager")
    url = f"/lobby/priorities/{first.id}/actions/new"
    base = {"kind": "conference", "title": "Grensconferentie 'Mbo zonder grenzen'", "responsible_id": gelderland}
    future_outcome = client.submit(url, {**base, "due_on": "2027-03-11", "outcome": "Druk bezocht"})
    assert future_outcome.status_code == 422
    assert "An outcome can only be recorded once the action has taken place" in _text(future_outcome)
    missing_date = client.submit(url, {**base, "due_on": ""})
    assert missing_date.status_code == 422
    bad_link = client.submit(url, {**base, "due_on": "2027-03-11", "links": "https://move-certificate.eu/\njavascript:alert(1)"})
    assert bad_link.status_code == 422 and "javascript:alert(1)" in _text(bad_link)
    assert _count(db, LobbyAction) == 0

    assert client.submit(url, {**base, "kind": "letter", "due_on": "2026-09-30"}).status_code == 302
    page = _text(client.get(f"/lobby/priorities/{first.id}"))
    assert 'class="overdue"' in page
    action = db.scalar(select(LobbyAction))
    assert client.submit(f"/lobby/actions/{action.id}/edit", {**base, "kind": "letter", "due_on": "2026-09-30",
                                                              "outcome": "Ontvangst bevestigd"}).status_code == 302
    assert 'class="overdue"' not in _text(client.get(f"/lobby/priorities/{first.id}"))


def test_evidence_form_per_kind(client: HubClient, users: Users, db: Session, lobby) -> None:
    _cycle, (first, _b, _c) = lobby
    linked = initiative(db, "GrensWerk Enschede–Gronau")
    db.commit()
    login_as(client, users, "manager")
    url = f"/lobby/priorities/{first.id}/evidence/new"
    assert client.get(f"{url}?kind=rumour").status_code == 422
    figure = client.submit(url, {"kind": "figure", "text": "Pendelaars uit Duitsland", "value": "bijna 44.000"})
    assert figure.status_code == 422
    assert "Give the source." in _text(figure)
    assert client.submit(url, {"kind": "initiative", "initiative_id": "31337"}).status_code == 422
    assert _count(db, LobbyEvidence) == 0
    assert client.submit(url, {"kind": "initiative", "initiative_id": str(linked.id)}).status_code == 302
    assert client.submit(url, {"kind": "figure", "text": "Pendelaars uit Duitsland", "value": "bijna 44.000",
                               "source": "CBS", "source_date": "2021-12-31"}).status_code == 302
    page = _text(client.get(f"/lobby/priorities/{first.id}"))
    assert "GrensWerk Enschede–Gronau" in page and "bijna 44.000" in page


def test_brief_refuses_unknown_language(client: HubClient, users: Users, lobby) -> None:
    cycle, _priorities = lobby
    login_as(client, users, "admin")
    response = client.get(f"/lobby/cycles/{cycle.id}/brief.docx?lang=fr")
    assert response.status_code == 422
    assert "Unknown language “fr”" in _text(response)
    assert client.get("/lobby/cycles/999/brief").status_code == 404
