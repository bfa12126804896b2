"""Lobby rules in the service layer: three priorities, explicit reordering, positions with history,
action and evidence rules, and the demo cycle."""
from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.errors import ValidationFailed
from hub.events import Event, history_of
from hub.lobby import service
from hub.lobby.history import history_entries
from hub.lobby.models import LobbyAction, LobbyCycle, LobbyEvidence, LobbyPriority, Position
from hub.lobby.service import ActionInput, EvidenceInput, PositionInput
from tests import lobby_factories as lf
from tests.factories import initiative


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    lf.freeze_clock(monkeypatch)


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_fourth_priority_is_refused_with_a_clear_message(db: Session) -> None:
    cycle, priorities = lf.three_priorities(db)
    assert [p.rank for p in priorities] == [1, 2, 3]
    with pytest.raises(ValidationFailed) as refused:
        service.add_priority(db, cycle, lf.priority_input(db, "Bereikbaarheid van de grensstreek"), actor_id=None)
    assert "already has its three priorities" in refused.value.message
    assert "2026" in refused.value.message
    assert _count(db, LobbyPriority) == 3


def test_fourth_priority_message_is_translated(app: Flask, db: Session) -> None:
    cycle, _priorities = lf.three_priorities(db)
    with force_locale("de"), pytest.raises(ValidationFailed) as refused:
        service.add_priority(db, cycle, lf.priority_input(db, "Vierte"), actor_id=None)
    assert "drei Prioritäten" in refused.value.message


def test_closed_cycle_takes_no_priorities(db: Session) -> None:
    closed = lf.cycle(db, 2025, active=False)
    with pytest.raises(ValidationFailed) as refused:
        service.add_priority(db, closed, lf.priority_input(db, "Te laat"), actor_id=None)
    assert "closed" in refused.value.message


def test_priority_input_is_validated(db: Session) -> None:
    cycle = lf.cycle(db)
    data = lf.priority_input(db, "", title_de="", title_en="", advice_codes=["9z"], target_level="moon", owner_id=99999)
    with pytest.raises(ValidationFailed) as refused:
        service.add_priority(db, cycle, data, actor_id=None)
    assert set(refused.value.errors) == {"title_nl", "advice_codes", "target_level", "owner_id"}
    assert "9z" in refused.value.errors["advice_codes"][0]
    assert _count(db, LobbyPriority) == 0


def test_moving_a_priority_swaps_ranks_and_records_both_moves(db: Session) -> None:
    cycle, (first, second, third) = lf.three_priorities(db)
    db.commit()
    service.move_priority(db, third, "up", actor_id=None)
    db.commit()
    db.expire_all()
    assert [p.title_nl for p in cycle.priorities] == [lf.TITLES[0], lf.TITLES[2], lf.TITLES[1]]
    moved = history_of(db, service.PRIORITY_SUBJECT, third.id)[0]
    assert moved.name == service.LobbyEvent.PRIORITY_MOVED
    assert moved.payload == {"before": {"rank": 3}, "after": {"rank": 2}}
    assert history_of(db, service.PRIORITY_SUBJECT, second.id)[0].payload["after"] == {"rank": 3}

    with pytest.raises(ValidationFailed, match="already first"):
        service.move_priority(db, first, "up", actor_id=None)
    with pytest.raises(ValidationFailed, match="Unknown direction"):
        service.move_priority(db, first, "sideways", actor_id=None)


def test_removing_a_priority_moves_the_ones_below_up(db: Session) -> None:
    cycle, (first, second, third) = lf.three_priorities(db)
    lf.position(db, first, "Provincie Drenthe", "endorses")
    db.commit()
    service.remove_priority(db, first, actor_id=None)
    db.commit()
    db.expire_all()
    assert [(p.rank, p.title_nl) for p in cycle.priorities] == [(1, lf.TITLES[1]), (2, lf.TITLES[2])]
    assert service.partners_of(db, cycle) == []
    service.add_priority(db, cycle, lf.priority_input(db, "Nieuw derde punt"), actor_id=None)
    assert [p.rank for p in cycle.priorities] == [1, 2, 3]


def test_position_changes_are_kept_in_the_priority_history(app: Flask, db: Session) -> None:
    _cycle, (target, _b, _c) = lf.three_priorities(db)
    lf.position(db, target, "Provincie Zeeland", "undecided", date(2026, 4, 2), note="Na afstemming Scheldemond")
    lf.position(db, target, "Provincie Zeeland", "opposes", date(2026, 6, 1), note="Liever bereikbaarheid")
    db.commit()

    current = db.scalars(select(service.PartnerPosition)).all()
    assert [(p.position, p.stated_on) for p in current] == [(Position.OPPOSES, date(2026, 6, 1))]
    events = [e for e in history_of(db, service.PRIORITY_SUBJECT, target.id) if e.name == service.LobbyEvent.POSITION_SET]
    assert [e.payload["after"]["position"] for e in events] == ["opposes", "undecided"]
    assert events[0].payload["before"]["position"] == "undecided"
    with app.test_request_context(), force_locale("en"):
        texts = [entry.text for entry in history_entries(events)]
    assert texts[0].startswith("Provincie Zeeland: Not yet decided → Opposes (stated Jun 1, 2026)")
    assert "Liever bereikbaarheid" in texts[0]


def test_restating_the_same_position_records_nothing(db: Session) -> None:
    _cycle, (target, _b, _c) = lf.three_priorities(db)
    lf.position(db, target, "Provincie Drenthe", "endorses")
    before = _count(db, Event)
    lf.position(db, target, "Provincie Drenthe", "endorses")
    assert _count(db, Event) == before


def test_position_refuses_unknown_organisation_value_and_future_date(db: Session) -> None:
    _cycle, (target, _b, _c) = lf.three_priorities(db)
    with pytest.raises(ValidationFailed) as refused:
        service.set_position(db, target, PositionInput(organisation_id=424242, position="loves",
                                                       stated_on=date(2027, 1, 1)), actor_id=None)
    assert set(refused.value.errors) == {"organisation_id", "position", "stated_on"}
    assert "future" in refused.value.errors["stated_on"][0]


def test_coalition_counts_partners_per_position(db: Session) -> None:
    cycle, (first, second, _third) = lf.three_priorities(db)
    lf.position(db, first, "Provincie Drenthe", "endorses")
    lf.position(db, first, "Land Niedersachsen", "endorses", country="DE")
    lf.position(db, first, "Provincie Zeeland", "opposes")
    lf.position(db, second, "Vlaamse overheid", "supports_with_reservations", country="BE")
    partners = service.partners_of(db, cycle)
    assert [o.name for o in partners] == ["Land Niedersachsen", "Provincie Drenthe", "Provincie Zeeland", "Vlaamse overheid"]
    counts = service.coalition_counts(first, partners)
    assert counts == {Position.ENDORSES: 2, Position.SUPPORTS_WITH_RESERVATIONS: 0, Position.UNDECIDED: 0,
                      Position.OPPOSES: 1, None: 1}


def _action(db: Session, **fields: object) -> ActionInput:
    values: dict = {"kind": "letter", "title": "Brief aan de minister van OCW", "due_on": date(2026, 9, 30),
                    "responsible_id": lf.province(db, "Provincie Gelderland"), **fields}
    return ActionInput(**values)


def test_action_outcome_only_after_it_took_place(db: Session) -> None:
    _cycle, (target, _b, _c) = lf.three_priorities(db)
    with pytest.raises(ValidationFailed) as refused:
        service.add_action(db, target, _action(db, due_on=date(2027, 3, 11), outcome="Goed ontvangen"), actor_id=None)
    assert list(refused.value.errors) == ["outcome"]
    assert _count(db, LobbyAction) == 0

    action = service.add_action(db, target, _action(db), actor_id=None)
    assert action.is_overdue(lf.TODAY)
    service.update_action(db, action, _action(db, outcome="Ontvangst bevestigd"), actor_id=None)
    assert not action.is_overdue(lf.TODAY)
    updated = history_of(db, service.PRIORITY_SUBJECT, target.id)[0]
    assert updated.name == service.LobbyEvent.ACTION_UPDATED
    assert updated.payload["after"] == {"outcome": "Ontvangst bevestigd"}


def test_action_refuses_unknown_responsible_bad_links_and_missing_fields(db: Session) -> None:
    _cycle, (target, _b, _c) = lf.three_priorities(db)
    data = _action(db, kind="dinner", title=" ", due_on=None, responsible_id=999, links=["ftp://x.example/a.pdf"])
    with pytest.raises(ValidationFailed) as refused:
        service.add_action(db, target, data, actor_id=None)
    assert set(refused.value.errors) == {"kind", "title", "due_on", "responsible_id", "links"}
    assert "ftp://x.example/a.pdf" in refused.value.errors["links"][0]


def test_evidence_rules_per_kind(db: Session) -> None:
    _cycle, (target, _b, _c) = lf.three_priorities(db)
    linked = initiative(db, "GrensInfoPunt Scheldemond")
    service.add_evidence(db, target, EvidenceInput(kind="initiative", initiative_id=linked.id), actor_id=None)
    with pytest.raises(ValidationFailed, match="already evidence"):
        service.add_evidence(db, target, EvidenceInput(kind="initiative", initiative_id=linked.id), actor_id=None)
    with pytest.raises(ValidationFailed) as refused:
        service.add_evidence(db, target, EvidenceInput(kind="figure", text="Nederlanders die in Duitsland werken"),
                             actor_id=None)
    assert set(refused.value.errors) == {"value", "source", "source_date"}
    with pytest.raises(ValidationFailed) as refused:
        service.add_evidence(db, target, EvidenceInput(kind="news", text="Kop", source="Tubantia",
                                                       source_date=date(2026, 5, 1), url="tubantia.nl"), actor_id=None)
    assert list(refused.value.errors) == ["url"]
    service.add_evidence(db, target, EvidenceInput(kind="figure", text="Nederlanders die in Duitsland werkten",
                                                   value="7.900", source="CBS", source_date=date(2021, 12, 31)), actor_id=None)
    assert [(e.kind.value, e.value) for e in db.scalars(select(LobbyEvidence).order_by(LobbyEvidence.id))] == [
        ("initiative", ""), ("figure", "7.900")]
    names = [e.name for e in history_of(db, service.PRIORITY_SUBJECT, target.id)]
    assert names.count(service.LobbyEvent.EVIDENCE_ADDED) == 2


def test_demo_has_the_2026_cycle_with_three_priorities(app: Flask, db: Session) -> None:
    from hub.demo.loader import load_demo

    load_demo()
    cycle = db.scalar(select(LobbyCycle).where(LobbyCycle.year == 2026))
    assert cycle is not None and cycle.active
    assert [p.rank for p in cycle.priorities] == [1, 2, 3]
    assert "mbo" in cycle.priorities[0].title_nl
    assert len(service.partners_of(db, cycle)) == 10
    assert all(len(p.positions) == 10 and p.actions and p.evidence for p in cycle.priorities)
    overdue = [a for p in cycle.priorities for a in p.actions if a.is_overdue(lf.TODAY)]
    assert overdue, "the demo shows overdue actions"
