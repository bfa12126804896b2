"""Issue 10 item 9: the lobby is for members. Its events stay out of every public output, its priorities cannot
be followed without an account, and webhooks carry its change records only as far as the subscriber may read."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import clock
from hub.alerts.consumer import follow_events
from hub.alerts.messages import build_webhook
from hub.alerts.models import AlertItem, AlertSubscription, Rhythm, SubscriptionStatus
from hub.alerts.service import SubscriptionInput, subscribe_user
from hub.auth.models import User
from hub.events import Event
from tests.conftest import HubClient, Users
from tests.lobby_factories import TITLES, position, three_priorities

NOTE = "Gedeputeerde twijfelt nog, pas na de verkiezingen"


def test_the_public_event_feed_and_api_show_no_lobby_activity(client: HubClient, db: Session) -> None:
    _cycle, priorities = three_priorities(db)
    position(db, priorities[0], "Provincie Limburg", "endorses", note=NOTE)
    db.commit()
    lobby_events = db.scalars(select(Event).where(Event.name.like("lobby.%"))).all()
    assert lobby_events and not any(event.public for event in lobby_events)

    feed_response, api_response = client.get("/feeds/events.atom"), client.get("/api/v1/events")
    assert feed_response.status_code == api_response.status_code == 200
    feed, api = feed_response.get_data(as_text=True), api_response.get_data(as_text=True)
    for public_output in (feed, api):
        assert "lobby" not in public_output.lower()
        assert NOTE not in public_output
        for title in TITLES:
            assert title not in public_output


def test_a_lobby_priority_cannot_be_followed_without_an_account(client: HubClient, db: Session) -> None:
    _cycle, priorities = three_priorities(db)
    db.commit()
    for scope in (f"lobby_priority:{priorities[0].id}", "lobby_priority:99999"):
        response = client.submit("/alerts/follow", {"email": "curious@example.org", "scope": scope, "rhythm": "immediate"})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Log in to follow a lobby priority" in html
        assert priorities[0].title_en not in html and priorities[0].title_nl not in html
    assert db.scalar(select(AlertSubscription)) is None
    assert db.scalar(select(Event).where(Event.name == "alerts.subscription_requested")) is None


def _subscription(db: Session, user: User | None, email: str, priority_id: int, webhook: str | None = None) -> AlertSubscription:
    if user is not None:
        return subscribe_user(db, user, SubscriptionInput("lobby_priority", str(priority_id), webhook_url=webhook), actor_id=None)
    # A confirmed anonymous subscription, as the hub accepted them before it refused members-only scopes.
    now = clock.now()
    subscription = AlertSubscription(email=email, locale="en", scope_kind="lobby_priority", scope_key=str(priority_id),
                                     rhythm=Rhythm.IMMEDIATE, status=SubscriptionStatus.ACTIVE, email_enabled=True,
                                     created_at=now, confirmed_at=now, updated_at=now)
    db.add(subscription)
    db.flush()
    return subscription


def test_members_only_events_reach_only_active_members(db: Session, users: Users) -> None:
    _cycle, priorities = three_priorities(db)
    target = priorities[0].id
    anonymous = _subscription(db, None, "outsider@example.org", target)
    partner = _subscription(db, users.partner, "", target)
    users.admin.active = False  # left the partnership after subscribing
    former = _subscription(db, users.admin, "", target)
    db.commit()
    follow_events(db)
    db.commit()

    position(db, priorities[0], "Provincie Limburg", "endorses", note=NOTE)
    db.commit()
    follow_events(db)
    db.commit()

    def items_of(subscription: AlertSubscription) -> list[int]:
        return list(db.scalars(select(AlertItem.event_id).where(AlertItem.subscription_id == subscription.id)))

    assert len(items_of(partner)) == 1
    assert items_of(anonymous) == [] and items_of(former) == []


def test_webhook_payloads_of_lobby_events_hold_only_what_the_role_may_read(db: Session, users: Users) -> None:
    _cycle, priorities = three_priorities(db)
    target = priorities[0].id
    partner = _subscription(db, users.partner, "", target, webhook="https://partner.example.org/hook")
    manager = _subscription(db, users.manager, "", target, webhook="https://manager.example.org/hook")
    db.commit()
    follow_events(db)
    db.commit()
    position(db, priorities[0], "Provincie Limburg", "endorses", note=NOTE)
    db.commit()
    follow_events(db)
    db.commit()

    def body_for(subscription: AlertSubscription) -> dict:
        item = db.scalar(select(AlertItem).where(AlertItem.subscription_id == subscription.id))
        return json.loads(build_webhook(db, subscription, item, "key"))

    partner_body, manager_body = body_for(partner), body_for(manager)
    assert NOTE not in json.dumps(partner_body, ensure_ascii=False)
    assert partner_body["payload"]["after"]["position"] == "endorses"
    assert manager_body["payload"]["after"]["note"] == NOTE

    users.partner.active = False  # deactivated before the delivery went out
    db.commit()
    assert body_for(partner)["payload"] == {}
