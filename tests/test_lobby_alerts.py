"""Issue 5: managers of other provinces subscribe to a lobby priority and hear of its position changes."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.alerts.consumer import follow_events
from hub.alerts.models import AlertItem, AlertSubscription
from hub.events import Event
from tests.conftest import HubClient, Users
from tests.lobby_factories import position, three_priorities


def test_manager_follows_a_priority_and_gets_its_position_changes(client: HubClient, users: Users, db: Session) -> None:
    _cycle, priorities = three_priorities(db)
    db.commit()
    target = priorities[0]
    client.login(users.manager.email)
    page = client.get(f"/lobby/priorities/{target.id}").get_data(as_text=True)
    assert 'id="priority-follow"' in page

    response = client.submit("/alerts/", {"scope": f"lobby_priority:{target.id}", "rhythm": "immediate",
                                                   "email_enabled": "y", "next": f"/lobby/priorities/{target.id}"})
    assert response.status_code == 302
    subscription = db.scalar(select(AlertSubscription).where(AlertSubscription.user_id == users.manager.id))
    assert (subscription.scope_kind, subscription.scope_key) == ("lobby_priority", str(target.id))

    follow_events(db)  # events before the subscription was confirmed are not sent
    db.commit()
    position(db, target, "Provincie Limburg", "endorses")
    position(db, priorities[1], "Provincie Limburg", "opposes")
    db.commit()
    follow_events(db)
    db.commit()
    items = db.scalars(select(AlertItem).where(AlertItem.subscription_id == subscription.id)).all()
    assert [db.get(Event, item.event_id).subject_id for item in items] == [target.id]


def test_unknown_priority_cannot_be_followed(client: HubClient, users: Users, db: Session) -> None:
    client.login(users.manager.email)
    response = client.submit("/alerts/", {"scope": "lobby_priority:99999", "rhythm": "immediate", "email_enabled": "y"})
    assert response.status_code == 422
    assert "Choose an existing lobby priority." in response.get_data(as_text=True)
    assert db.scalar(select(AlertSubscription)) is None
