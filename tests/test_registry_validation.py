"""Issue 2, bad input: every validation rule is posted through the form, shows its message, and writes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.events import Event
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative
from hub.stakeholders.models import Organisation
from tests.conftest import HubClient, Users
from tests.factories import initiative, organisation


def count(db: Session, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


VALID_INITIATIVE = {"kind": "partnership", "status": "active", "name_nl": "EuregioRail"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": "2025-01-01", "end_date": "2024-12-31"}, "The end date lies before the start date."),
        ({"regions": "NL213, XX999"}, "Unknown region code(s): XX999."),
        ({"name_nl": ""}, "Give the initiative a name in at least one language."),
        ({"advice_codes": ["9z"]}, "Unknown SER theme or recommendation: 9z."),
        ({"website": "javascript:alert(1)"}, "The website must start with http:// or https://."),
        ({"kind": "lottery"}, "Not a valid choice."),
        ({"start_date": "31-02-2025"}, "Not a valid date value."),
    ],
)
def test_bad_initiative_is_refused_with_message_and_nothing_written(
    client: HubClient, users: Users, db: Session, change: dict, message: str
) -> None:
    events_before = count(db, Event)
    client.login(users.manager.email)
    response = client.submit("/initiatives/new", {**VALID_INITIATIVE, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, Initiative) == 0
    assert count(db, Event) == events_before


def test_duplicate_name_is_refused_whatever_the_case(client: HubClient, users: Users, db: Session) -> None:
    initiative(db, "TECH.LAND")
    db.commit()
    client.login(users.manager.email)
    response = client.submit("/initiatives/new", {**VALID_INITIATIVE, "name_nl": "tech.land"})
    assert response.status_code == 422
    assert "An initiative named “tech.land” already exists." in response.get_data(as_text=True)
    assert count(db, Initiative) == 1


def test_edit_with_end_before_start_keeps_the_stored_values(client: HubClient, users: Users, db: Session) -> None:
    from datetime import date

    target = initiative(db, "CrossFire", start_date=date(2024, 1, 1), end_date=date(2026, 1, 1))
    db.commit()
    events_before = count(db, Event)
    client.login(users.manager.email)
    response = client.submit(f"/initiatives/{target.id}/edit",
                             {**VALID_INITIATIVE, "name_nl": "CrossFire", "start_date": "2024-01-01", "end_date": "2023-01-01"})
    assert response.status_code == 422
    assert "The end date lies before the start date." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Initiative, target.id).end_date == date(2026, 1, 1)
    assert count(db, Event) == events_before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "-5"}, "An amount cannot be negative."),
        ({"end_date": "2023-12-31"}, "The end date lies before the start date."),
        ({"cofinancing_share": "150"}, "“150” is more than 100 %."),
        ({"currency": "E"}, "Use a three-letter currency code such as EUR."),
        ({"funder_id": "999999"}, "Choose an existing funder."),
        ({"amount": "lots"}, "“lots” is not an amount; write for example 1.200.000,50 or 1,2 mln."),
        ({"start_date": ""}, "This field is required."),
    ],
)
def test_bad_funding_stream_is_refused_with_message_and_nothing_written(
    client: HubClient, users: Users, db: Session, change: dict, message: str
) -> None:
    target = initiative(db, "GrensInfoPunt Euregio", kind="grensinfopunt")
    funder = organisation(db, "Ministerie van SZW", type_="government")
    db.commit()
    events_before = count(db, Event)
    client.login(users.manager.email)
    form = {"funder_id": str(funder.id), "kind": "temporary", "amount": "100000", "currency": "EUR",
            "start_date": "2024-01-01", "end_date": "2026-12-31"}
    response = client.submit(f"/initiatives/{target.id}/funding/new", {**form, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, FundingStream) == 0
    assert count(db, Event) == events_before


def test_duplicate_organisation_is_refused(client: HubClient, users: Users, db: Session) -> None:
    organisation(db, "Saxion Hogeschool", type_="education")
    db.commit()
    client.login(users.manager.email)
    response = client.submit("/stakeholders/new", {"name": "saxion hogeschool", "country": "NL", "type": "education"})
    assert response.status_code == 422
    assert "An organisation named “saxion hogeschool” already exists." in response.get_data(as_text=True)
    assert count(db, Organisation) == 2  # Saxion and the users fixture's municipality


def test_unknown_country_is_refused(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.manager.email)
    response = client.submit("/stakeholders/new", {"name": "Landkreis Grafschaft Bentheim", "country": "XX", "type": "government"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert count(db, Organisation) == 1
