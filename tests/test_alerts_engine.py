"""Issue 3, the engine: cliff detection (once per horizon, catch-up, re-arm, lift), the fan-out by scope
and the outbox rows it writes in the cursor's transaction."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.alerts import cliffs, consumer, service
from hub.alerts.models import (
    AlertDelivery,
    AlertItem,
    AlertSubscription,
    Channel,
    CliffMark,
    ConsumerCursor,
    DeliveryStatus,
    SubscriptionStatus,
)
from hub.alerts.service import AlertEvent, SubscriptionInput
from hub.auth.models import Role
from hub.auth.service import create_user
from hub.events import Event, record_event
from hub.funding.service import FundingInput, add_stream, remove_stream, update_stream
from hub.stakeholders.service import add_role
from tests.conftest import PASSWORD
from tests.factories import initiative, organisation, stream
from tests.test_alerts_support import Clock, fixed_clock  # noqa: F401 (fixture)

THRESHOLDS = (365, 180, 90, 30, 0)


def cliff_events(db: Session, name: str = AlertEvent.CLIFF_THRESHOLD) -> list[dict]:
    return [e.payload for e in db.scalars(select(Event).where(Event.name == name).order_by(Event.id))]


def evaluate(db: Session, today: date) -> cliffs.Evaluation:
    result = cliffs.evaluate(db, today=today, thresholds=THRESHOLDS)
    db.commit()
    return result


def move_end(db: Session, funding, end: date | None) -> None:  # type: ignore[no-untyped-def]
    update_stream(db, funding, FundingInput(funder_id=funding.funder_id, kind=funding.kind.value,
                                            start_date=funding.start_date, end_date=end, amount=funding.amount),
                  actor_id=None)
    db.commit()


def test_each_threshold_fires_once_and_a_missed_day_is_caught_up(db: Session) -> None:
    today = date(2026, 3, 1)
    target = initiative(db, "TECH.LAND")
    stream(db, target, end=today + timedelta(days=100))
    db.commit()

    assert evaluate(db, today).thresholds == 1
    assert evaluate(db, today).thresholds == 0, "a second run the same day (or after a restart) fires nothing"
    assert evaluate(db, today + timedelta(days=9)).thresholds == 0
    assert evaluate(db, today + timedelta(days=10)).thresholds == 1
    # The worker was down from day 11 to day 79: the 30-day threshold is caught up once.
    assert evaluate(db, today + timedelta(days=80)).thresholds == 1
    assert evaluate(db, today + timedelta(days=81)).thresholds == 0
    assert evaluate(db, today + timedelta(days=100)).thresholds == 1

    fired = [(p["days"], p["days_left"]) for p in cliff_events(db)]
    assert fired == [(180, 100), (90, 90), (30, 20), (0, 0)]
    marks = db.execute(select(CliffMark.days, CliffMark.announced).order_by(CliffMark.days.desc())).all()
    assert marks == [(365, False), (180, True), (90, True), (30, True), (0, True)]
    # A month after the cliff it is history: its marks are retired and nothing fires again.
    assert evaluate(db, today + timedelta(days=131)).thresholds == 0
    assert db.scalar(select(func.count()).select_from(CliffMark).where(CliffMark.closed_at.is_(None))) == 0


def test_extension_lifts_the_cliff_and_arms_the_new_horizon(db: Session) -> None:
    today = date(2026, 3, 1)
    target = initiative(db, "Grenzinfopunkt Rhein-Waal")
    funding = stream(db, target, end=today + timedelta(days=60))
    db.commit()
    evaluate(db, today)
    assert [p["days"] for p in cliff_events(db)] == [90]

    move_end(db, funding, today + timedelta(days=500))
    result = evaluate(db, today + timedelta(days=1))
    assert result.lifted == 1 and result.thresholds == 0
    assert cliff_events(db, AlertEvent.CLIFF_LIFTED) == [
        {"old_horizon": (today + timedelta(days=60)).isoformat(), "horizon": (today + timedelta(days=500)).isoformat()}]
    # Nothing more for the old horizon: its 30- and 0-day dates pass silently.
    evaluate(db, today + timedelta(days=30))
    evaluate(db, today + timedelta(days=60))
    assert [p["days"] for p in cliff_events(db)] == [90]
    # The new horizon's thresholds are armed.
    evaluate(db, today + timedelta(days=135))
    assert [(p["days"], p["horizon"]) for p in cliff_events(db)][-1] == (365, (today + timedelta(days=500)).isoformat())


def test_cut_horizon_is_not_a_lift_but_rearms_and_open_end_lifts(db: Session) -> None:
    today = date(2026, 3, 1)
    target = initiative(db, "EURES-T Rijn-Waal")
    funding = stream(db, target, end=today + timedelta(days=170))
    db.commit()
    evaluate(db, today)
    move_end(db, funding, today + timedelta(days=80))
    result = evaluate(db, today)
    assert result.lifted == 0
    assert [(p["days"], p["days_left"]) for p in cliff_events(db)] == [(180, 170), (90, 80)]

    add_stream(db, target, FundingInput(funder_id=organisation(db, "Provincie Gelderland").id, kind="structural",
                                        start_date=today, end_date=None), actor_id=None)
    db.commit()
    assert evaluate(db, today).lifted == 1
    assert cliff_events(db, AlertEvent.CLIFF_LIFTED)[-1]["horizon"] is None


def test_removing_all_funding_closes_the_horizon_without_a_lift(db: Session) -> None:
    today = date(2026, 3, 1)
    target = initiative(db, "Make it in the Euregio")
    funding = stream(db, target, end=today + timedelta(days=20))
    db.commit()
    evaluate(db, today)
    remove_stream(db, funding, actor_id=None)
    db.commit()
    assert evaluate(db, today + timedelta(days=1)).lifted == 0
    assert db.scalar(select(func.count()).select_from(CliffMark).where(CliffMark.closed_at.is_(None))) == 0


def test_stream_ending_without_structural_successor_is_announced_once(db: Session) -> None:
    today = date(2026, 3, 1)
    alone = initiative(db, "Grensoverschrijdend leren")
    stream(db, alone, start=date(2024, 1, 1), end=today - timedelta(days=2), amount="250000")
    stream(db, alone, funder="Interreg VI A", start=date(2024, 1, 1), end=today + timedelta(days=900))
    carried = initiative(db, "GrensInfoPunt Nijmegen")
    stream(db, carried, start=date(2024, 1, 1), end=today - timedelta(days=2))
    stream(db, carried, funder="Gemeente Nijmegen", kind="structural", start=today - timedelta(days=1), end=None)
    history = initiative(db, "Oud project")
    stream(db, history, start=date(2020, 1, 1), end=date(2021, 12, 31))
    stream(db, history, funder="Interreg VI A", start=date(2020, 1, 1), end=today + timedelta(days=900))
    db.commit()

    assert evaluate(db, today).streams_ended == 1
    assert evaluate(db, today + timedelta(days=1)).streams_ended == 0
    [ended] = cliff_events(db, AlertEvent.STREAM_ENDED)
    assert ended["end_date"] == (today - timedelta(days=2)).isoformat()
    assert ended["amount"] == "250000.00" and ended["funder"] == "Regio Deal Twente"
    ended_event = db.scalar(select(Event).where(Event.name == AlertEvent.STREAM_ENDED))
    assert ended_event.subject_id == alone.id


# --- fan-out ---------------------------------------------------------------------------------------------

def _subscriber(db: Session, email: str, kind: str, key: str = "", **extra: object) -> AlertSubscription:
    user = create_user(db, email=email, name=email, password=PASSWORD, role=Role.PARTNER)
    return service.subscribe_user(db, user, SubscriptionInput(scope_kind=kind, scope_key=key, **extra), actor_id=user.id)  # type: ignore[arg-type]


def _items(db: Session, event_id: int) -> set[str]:
    rows = db.scalars(select(AlertSubscription.email).join(AlertItem, AlertItem.subscription_id == AlertSubscription.id)
                      .where(AlertItem.event_id == event_id))
    return set(rows)


def test_fan_out_matches_every_kind_of_scope(db: Session, fixed_clock: Clock) -> None:
    twente = initiative(db, "TECH.LAND", advice_codes=["5a"], regions=["NL213"])
    other = initiative(db, "Grenzenlos arbeiten", advice_codes=["3b"], regions=["DEA3"])
    saxion = organisation(db, "Saxion", type_="education")
    funder = organisation(db, "Provincie Overijssel", type_="government")
    add_role(db, twente, saxion, "partner", actor_id=None)
    stream(db, twente, funder="Provincie Overijssel")
    subs = {
        "all@x.nl": ("all", ""), "one@x.nl": ("initiative", str(twente.id)), "two@x.nl": ("initiative", str(other.id)),
        "saxion@x.nl": ("organisation", str(saxion.id)), "funder@x.nl": ("organisation", str(funder.id)),
        "theme@x.nl": ("theme", "5"), "rec@x.nl": ("theme", "5a"), "theme3@x.nl": ("theme", "3"),
        "ov@x.nl": ("region", "NL21"), "twente@x.nl": ("region", "NL213"), "muenster@x.nl": ("region", "DEA3"),
    }
    for email, (kind, key) in subs.items():
        _subscriber(db, email, kind, key)
    # A scope of another domain (a lobby priority) needs no code here: kind = subject type, key = subject id.
    lobby = _subscriber(db, "lobby@x.nl", "all")
    lobby.scope_kind, lobby.scope_key = "lobby_priority", "7"
    db.commit()
    fixed_clock.advance(minutes=1)

    cliff = record_event(db, AlertEvent.CLIFF_THRESHOLD, "initiative", twente.id, actor_id=None, payload={"days": 90})
    priority = record_event(db, "lobby.priority_updated", "lobby_priority", 7, actor_id=None)
    other_priority = record_event(db, "lobby.priority_updated", "lobby_priority", 8, actor_id=None)
    news = record_event(db, "feed.link_confirmed", "feed_entry", 55, actor_id=None, payload={"initiative_id": other.id})
    org_news = record_event(db, "feed.link_confirmed", "organisation", saxion.id, actor_id=None,
                            payload={"initiative_id": None, "organisation_id": saxion.id})
    org_change = record_event(db, "organisation.updated", "organisation", saxion.id, actor_id=None)
    noise = record_event(db, "role.added", "initiative", twente.id, actor_id=None)
    db.commit()
    while consumer.follow_events(db):
        db.commit()

    assert _items(db, cliff.id) == {"all@x.nl", "one@x.nl", "saxion@x.nl", "funder@x.nl", "theme@x.nl", "rec@x.nl",
                                    "ov@x.nl", "twente@x.nl"}
    assert _items(db, priority.id) == {"lobby@x.nl"}
    assert _items(db, other_priority.id) == set()
    assert _items(db, news.id) == {"all@x.nl", "two@x.nl", "theme3@x.nl", "muenster@x.nl"}
    assert _items(db, org_news.id) == {"saxion@x.nl"}
    assert _items(db, org_change.id) == set()
    assert _items(db, noise.id) == set()


def test_fan_out_is_exactly_once_and_only_after_the_subscription(db: Session, fixed_clock: Clock) -> None:
    target = initiative(db, "Euregio Arbeitsmarkt")
    before = record_event(db, "funding.added", "initiative", target.id, actor_id=None)
    db.commit()
    fixed_clock.advance(minutes=1)
    weekly = _subscriber(db, "weekly@x.nl", "initiative", str(target.id), rhythm="weekly", webhook_url="https://example.org/hook")
    db.commit()
    fixed_clock.advance(minutes=1)
    after = record_event(db, "funding.updated", "initiative", target.id, actor_id=None)
    db.commit()

    consumer.follow_events(db)
    db.rollback()  # a crash before the commit: neither items nor the cursor move
    assert db.scalar(select(func.count()).select_from(AlertItem)) == 0
    assert db.scalar(select(ConsumerCursor.position)) in (None, 0)

    while consumer.follow_events(db):
        db.commit()
    consumer.follow_events(db)
    db.commit()
    assert _items(db, before.id) == set()
    assert _items(db, after.id) == {"weekly@x.nl"}
    deliveries = {d.channel: d for d in db.scalars(select(AlertDelivery))}
    assert set(deliveries) == {Channel.EMAIL, Channel.WEBHOOK}
    # E-mail waits for Monday 07:00 UTC (the clock says Monday 5 January 2026, 08:02); the webhook goes now.
    assert deliveries[Channel.EMAIL].due_at.isoformat() == "2026-01-12T07:00:00+00:00"
    assert deliveries[Channel.WEBHOOK].due_at == fixed_clock.now()
    assert weekly.status == SubscriptionStatus.ACTIVE


def test_paused_subscriptions_get_nothing_and_unsubscribing_drops_what_is_pending(db: Session, fixed_clock: Clock) -> None:
    target = initiative(db, "Grenzpendler-Beratung")
    paused = _subscriber(db, "paused@x.nl", "initiative", str(target.id))
    leaving = _subscriber(db, "leaving@x.nl", "initiative", str(target.id))
    service.set_paused(db, paused, True, actor_id=None)
    db.commit()
    fixed_clock.advance(minutes=1)
    event = record_event(db, "funding.added", "initiative", target.id, actor_id=None)
    db.commit()
    consumer.follow_events(db)
    db.commit()
    assert _items(db, event.id) == {"leaving@x.nl"}

    service.unsubscribe(db, leaving, actor_id=None)
    db.commit()
    [delivery] = db.scalars(select(AlertDelivery)).all()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_error == "unsubscribed"


def test_threshold_setting_is_validated() -> None:
    from hub.alerts.settings import parse_thresholds
    from hub.config import ConfigError

    assert parse_thresholds("30, 365,0,90") == (365, 90, 30, 0)
    for bad in ("", "ninety", "-5,30"):
        with pytest.raises(ConfigError, match="HUB_CLIFF_THRESHOLDS"):
            parse_thresholds(bad)
