"""Issue 2, the event spine: every change is an event written in the change's own transaction."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.errors import ValidationFailed
from hub.events import Event, events_after, history_of
from hub.funding.service import FundingInput, update_stream
from hub.initiatives.service import InitiativeInput, update_initiative
from tests.conftest import HubClient, Users
from tests.factories import initiative, organisation, stream


def test_create_update_and_funding_are_recorded_with_before_and_after(db: Session, users: Users) -> None:
    target = initiative(db, "EuregioRail", start_date=date(2023, 1, 1))
    update_initiative(db, target, InitiativeInput(kind="partnership", name_nl="EuregioRail", start_date=date(2023, 1, 1),
                                                  status="ended"), actor_id=users.manager.id)
    funding = stream(db, target, end=date(2026, 12, 31))
    update_stream(db, funding, FundingInput(funder_id=funding.funder_id, kind="temporary", start_date=funding.start_date,
                                            end_date=date(2028, 6, 30), amount=funding.amount), actor_id=users.manager.id)
    db.commit()

    names = [e.name for e in history_of(db, "initiative", target.id)]
    assert names == ["funding.updated", "funding.added", "initiative.updated", "initiative.created"]
    changed = history_of(db, "initiative", target.id)[2]
    assert changed.actor_id == users.manager.id
    assert changed.payload == {"before": {"status": "active"}, "after": {"status": "ended"}}
    extended = history_of(db, "initiative", target.id)[0]
    assert extended.payload["after"] == {"end_date": "2028-06-30"}
    assert extended.payload["horizon"] == "2028-06-30"


def test_refused_change_leaves_no_event(db: Session) -> None:
    target = initiative(db, "CrossFire")
    db.commit()
    last_id = db.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    with pytest.raises(ValidationFailed):
        update_initiative(db, target, InitiativeInput(kind="partnership", name_nl="CrossFire", start_date=date(2025, 1, 1),
                                                      end_date=date(2024, 1, 1)), actor_id=None)
    db.rollback()
    assert list(events_after(db, last_id)) == []


def test_event_ids_increase_and_consumers_can_follow_them(db: Session) -> None:
    for name in ("A", "B", "C"):
        initiative(db, f"Initiative {name}")
        db.commit()
    ids = [e.id for e in events_after(db, 0)]
    assert ids == sorted(ids) and len(ids) == 3
    assert [e.id for e in events_after(db, ids[0])] == ids[1:]


def test_detail_page_shows_history_and_timeline(client: HubClient, db: Session) -> None:
    target = initiative(db, "Predictive AI", kind="interreg_project")
    stream(db, target, funder="Interreg VI A Deutschland-Nederland", start=date(2023, 3, 1), end=date(2026, 2, 28))
    db.commit()
    page = client.get(f"/initiatives/{target.id}").get_data(as_text=True)
    assert "Funding stream added" in page and "Initiative created" in page
    assert '<svg class="timeline"' in page and 'class="cliff"' in page and 'class="today"' in page
    assert "Interreg VI A Deutschland-Nederland" in page


def test_horizon_is_derived_from_streams_and_open_ended_funding_has_none(db: Session) -> None:
    from hub.funding.horizon import funding_horizon, horizons_query

    capped = initiative(db, "GrensInfoPunt Euregio")
    stream(db, capped, funder="Regio Deal Twente", end=date(2026, 6, 30))
    stream(db, capped, funder="Provincie Overijssel", end=date(2027, 12, 31))
    structural = initiative(db, "EDL")
    stream(db, structural, funder="Ministerie van SZW", end=None, kind="structural")
    db.commit()
    assert funding_horizon(capped.funding_streams) == date(2027, 12, 31)
    assert funding_horizon(structural.funding_streams) is None
    rows = dict(db.execute(horizons_query()).all())
    assert rows == {capped.id: date(2027, 12, 31)}
    assert organisation(db, "Ministerie van SZW").id  # funders became organisations
