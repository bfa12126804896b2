"""Issue 3, pages: role rights, my alerts, the initiative panel, double opt-in, signed links, Atom and iCal
feeds (validated with feedparser and icalendar), the cliff dashboard and the delivery log with retry."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.alerts import service
from hub.alerts.models import AlertDelivery, AlertSubscription, Channel, ChannelHealth, DeliveryStatus, SubscriptionStatus
from hub.alerts.service import AlertEvent, LinkPurpose, SubscriptionInput
from hub.events import Event, record_event
from tests.conftest import HubClient, Users, login_as
from tests.factories import initiative, stream
from tests.test_alerts_support import Clock, fixed_clock, run_jobs  # noqa: F401 (fixture)

LOGIN = "login"


def _subscriptions(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(AlertSubscription)) or 0


@pytest.mark.parametrize("role", [None, "partner", "manager", "admin"], ids=lambda r: r or "visitor")
def test_each_role_gets_exactly_its_alert_pages(client: HubClient, users: Users, db: Session, role: str | None) -> None:
    stranger = service.subscribe_user(db, users.admin, SubscriptionInput("all"), actor_id=None)
    db.commit()
    login_as(client, users, role)
    expected = {
        ("GET", "/alerts/"): {None: LOGIN, "partner": 200, "manager": 200, "admin": 200},
        ("GET", "/alerts/cliffs"): {None: LOGIN, "partner": 403, "manager": 200, "admin": 200},
        ("GET", "/alerts/deliveries"): {None: LOGIN, "partner": 403, "manager": 200, "admin": 200},
        ("POST", "/alerts/deliveries/1/retry"): {None: LOGIN, "partner": 403, "manager": 404, "admin": 404},
        ("POST", "/alerts/deliveries/retry-failed"): {None: LOGIN, "partner": 403, "manager": 302, "admin": 302},
        ("POST", f"/alerts/{stranger.id}/pause"): {None: LOGIN, "partner": 404, "manager": 404, "admin": 302},
        ("GET", "/alerts/follow"): {None: 200, "partner": 302, "manager": 302, "admin": 302},
    }
    for (method, path), by_role in expected.items():
        response = client.get(path) if method == "GET" else client.submit(path, {})
        want = by_role[role]
        if want == LOGIN:
            assert response.status_code == 302 and "/login" in response.headers["Location"], path
        else:
            assert response.status_code == want, path


def test_partner_follows_pauses_and_leaves_and_bad_input_writes_nothing(
        client: HubClient, users: Users, db: Session) -> None:
    target = initiative(db, "TECH.LAND")
    db.commit()
    client.login(users.partner.email)

    page = client.get("/alerts/").get_data(as_text=True)
    assert f'value="initiative:{target.id}"' in page and 'value="theme:5a"' in page and 'value="region:NL213"' in page

    for form, message in [
        ({"scope": "region:XX99"}, "Unknown region code: XX99."),
        ({"scope": "initiative:999999"}, "Choose an existing initiative."),
        ({"scope": "planet:mars"}, "Unknown kind of subscription: planet."),
        ({"scope": "all", "rhythm": "hourly"}, "Not a valid choice"),
        ({"scope": "all:", "webhook_url": "ftp://example.org/x", "email_enabled": "y"}, "must be an http:// or https:// URL"),
        ({"scope": "all:"}, "Choose at least one way to be alerted"),
    ]:
        response = client.submit("/alerts/", {"rhythm": "immediate", **form})
        assert response.status_code == 422 and message in response.get_data(as_text=True), form
    assert _subscriptions(db) == 0

    response = client.submit("/alerts/", {"scope": f"initiative:{target.id}", "rhythm": "weekly", "email_enabled": "y",
                                          "next": f"/initiatives/{target.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/initiatives/{target.id}"
    again = client.submit("/alerts/", {"scope": f"initiative:{target.id}", "rhythm": "weekly", "email_enabled": "y"})
    assert again.status_code == 422 and "You already follow TECH.LAND." in again.get_data(as_text=True)
    [subscription] = db.scalars(select(AlertSubscription)).all()
    assert (subscription.user_id, subscription.rhythm, subscription.email) == (users.partner.id, "weekly", users.partner.email)

    assert client.submit(f"/alerts/{subscription.id}/pause").status_code == 302
    db.refresh(subscription)
    assert subscription.status == SubscriptionStatus.PAUSED
    assert "You follow this initiative, but your alerts are paused." in client.get(f"/initiatives/{target.id}").get_data(as_text=True)
    client.submit(f"/alerts/{subscription.id}/resume")
    client.submit(f"/alerts/{subscription.id}/unsubscribe")
    db.refresh(subscription)
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    names = db.scalars(select(Event.name).where(Event.subject_type == "alert_subscription").order_by(Event.id)).all()
    assert names == ["alerts.subscribed", "alerts.subscription_changed", "alerts.subscription_changed", "alerts.unsubscribed"]


def test_anonymous_double_opt_in_through_the_mailed_link(app: Flask, client: HubClient, db: Session, fixed_clock: Clock) -> None:
    app.config["SMTP_HOST"] = ""
    target = initiative(db, "Grenzinfopunkt Rhein-Waal")
    db.commit()
    panel = client.get(f"/initiatives/{target.id}").get_data(as_text=True)
    assert "Subscribe by e-mail" in panel

    bad = client.submit("/alerts/follow", {"email": "not-an-address", "scope": f"initiative:{target.id}", "rhythm": "immediate"})
    assert bad.status_code == 422 and "Enter a valid e-mail address." in bad.get_data(as_text=True)
    answer = client.submit("/alerts/follow", {"email": "pendler@example.de", "scope": f"initiative:{target.id}", "rhythm": "immediate"})
    assert answer.status_code == 200 and "confirmation link is on its way" in answer.get_data(as_text=True)
    [subscription] = db.scalars(select(AlertSubscription)).all()
    assert subscription.status == SubscriptionStatus.PENDING

    fixed_clock.advance(minutes=1)
    record_event(db, AlertEvent.CLIFF_THRESHOLD, "initiative", target.id, actor_id=None, payload={"days": 90, "days_left": 90})
    db.commit()
    run_jobs(app, "follow_events", "dispatch")
    [mail] = list(Path(app.config["ALERTS_OUTBOX_DIR"]).glob("*.eml"))
    text = mail.read_text()
    assert "Please confirm your Grenshub alerts" in text and "ends in 90 days" not in text, "nothing but the confirmation"
    confirm = re.search(r"http://hub\.test(/alerts/confirm/\S+)", text.replace("=\n", "")).group(1)  # type: ignore[union-attr]

    assert "Yes, send me these alerts" in client.get(confirm).get_data(as_text=True)
    db.refresh(subscription)
    assert subscription.status == SubscriptionStatus.PENDING, "opening the link alone (a mail scanner) confirms nothing"
    assert client.submit(confirm).status_code == 200
    db.refresh(subscription)
    assert subscription.status == SubscriptionStatus.ACTIVE

    # Asking again for an address that already follows gives the same answer and sends nothing.
    again = client.submit("/alerts/follow", {"email": "pendler@example.de", "scope": f"initiative:{target.id}", "rhythm": "immediate"})
    assert "confirmation link is on its way" in again.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Event).where(Event.name == AlertEvent.SUBSCRIPTION_REQUESTED)) == 1
    broken = client.get(confirm[:-4] + "abcd")
    assert broken.status_code == 404 and "This link is not valid" in broken.get_data(as_text=True)


def test_atom_feed_parses_cleanly_and_holds_the_alerts(app: Flask, client: HubClient, db: Session, users: Users,
                                                       fixed_clock: Clock) -> None:
    target = initiative(db, "EUREGIO Arbeitsmarkt", name_de="EUREGIO Arbeitsmarkt (DE)")
    subscription = service.subscribe_user(db, users.partner, SubscriptionInput("initiative", str(target.id), email_enabled=False,
                                                                               webhook_url="https://example.org/x", locale="de"),
                                          actor_id=None)
    db.commit()
    fixed_clock.advance(minutes=1)
    record_event(db, AlertEvent.CLIFF_THRESHOLD, "initiative", target.id, actor_id=None,
                 payload={"days": 30, "days_left": 30, "horizon": "2026-02-04"})
    record_event(db, AlertEvent.CLIFF_LIFTED, "initiative", target.id, actor_id=None,
                 payload={"old_horizon": "2026-02-04", "horizon": None})
    db.commit()
    run_jobs(app, "follow_events")
    with app.test_request_context():
        token = service.sign(LinkPurpose.FEED, subscription.id)

    response = client.get(f"/alerts/feeds/{token}.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Finanzierungsklippe von EUREGIO Arbeitsmarkt (DE) aufgehoben",
                                               "Finanzierung von EUREGIO Arbeitsmarkt (DE) endet in 30 Tagen"]
    assert feed.entries[1].link == f"http://hub.test/initiatives/{target.id}"
    assert len({e.id for e in feed.entries}) == 2
    assert client.get(f"/alerts/feeds/{token[:-2]}xx.atom").status_code == 404
    service.unsubscribe(db, subscription, actor_id=None)
    db.commit()
    ended = client.get(f"/alerts/feeds/{token}.atom")
    assert ended.status_code == 404 and "This subscription has ended." in ended.get_data(as_text=True)


def test_ical_feeds_hold_every_end_date_renewal_decision_and_threshold(app: Flask, client: HubClient, db: Session, users: Users,
                                                      fixed_clock: Clock) -> None:
    target = initiative(db, "Grensoverschrijdende Zorg")
    stream(db, target, end=date(2026, 12, 31))
    stream(db, target, funder="Provincie Limburg", end=date(2026, 6, 30))
    ignored = initiative(db, "Niet gevolgd")
    stream(db, ignored, end=date(2026, 9, 30))
    subscription = service.subscribe_user(db, users.partner, SubscriptionInput("initiative", str(target.id)), actor_id=None)
    db.commit()
    with app.test_request_context():
        personal = service.sign(LinkPurpose.CALENDAR, users.partner.id)
        per_subscription = service.sign(LinkPurpose.FEED, subscription.id)

    for url in (f"/alerts/calendar/{personal}.ics", f"/alerts/feeds/{per_subscription}.ics"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        calendar = Calendar.from_ical(response.data)
        events = {(e.decoded("dtstart"), str(e["summary"])) for e in calendar.walk("VEVENT")}
        horizon = date(2026, 12, 31)
        assert events == {
            (date(2026, 6, 30), "Funding ends: Provincie Limburg for Grensoverschrijdende Zorg (€1,000,000)"),
            (date(2026, 12, 31), "Funding ends: Regio Deal Twente for Grensoverschrijdende Zorg (€1,000,000)"),
            (date(2026, 6, 30) - timedelta(days=90), "Renewal decision: Provincie Limburg for Grensoverschrijdende Zorg"),
            (date(2026, 12, 31) - timedelta(days=90), "Renewal decision: Regio Deal Twente for Grensoverschrijdende Zorg"),
            (horizon - timedelta(days=180), "Grensoverschrijdende Zorg: funding ends in 180 days"),
            (horizon - timedelta(days=90), "Grensoverschrijdende Zorg: funding ends in 90 days"),
            (horizon - timedelta(days=30), "Grensoverschrijdende Zorg: funding ends in 30 days"),
            (horizon, "Funding cliff: Grensoverschrijdende Zorg"),
            (horizon - timedelta(days=365), "Grensoverschrijdende Zorg: funding ends in 365 days"),
        }
        assert len({str(e["uid"]) for e in calendar.walk("VEVENT")}) == 9
    assert client.get("/alerts/calendar/999.ics").status_code == 404


def test_cliff_dashboard_groups_the_next_twelve_months_with_the_money_ending(
        client: HubClient, users: Users, db: Session, fixed_clock: Clock) -> None:
    soon = initiative(db, "Grenzlotsen")
    stream(db, soon, end=date(2026, 3, 15), amount="400000")
    stream(db, soon, funder="Provincie Overijssel", end=date(2026, 3, 31), amount="100000")
    later = initiative(db, "Pendlerberatung")
    stream(db, later, end=date(2026, 11, 30), amount="75000")
    beyond = initiative(db, "Langlopend")
    stream(db, beyond, end=date(2027, 3, 1))
    structural = initiative(db, "Structureel")
    stream(db, structural, end=None, kind="structural")
    db.commit()
    client.login(users.manager.email)

    page = client.get("/alerts/cliffs").get_data(as_text=True)
    months = re.findall(r'<h2 id="m-\d+">\s*(\w+ \d{4})', page)
    assert months[0] == "January 2026" and months[-1] == "December 2026" and len(months) == 12
    march = page[page.index("March 2026"):page.index("April 2026")]
    assert "Grenzlotsen" in march and "€500,000" in march
    assert "Pendlerberatung" in page[page.index("November 2026"):page.index("December 2026")]
    assert "Langlopend" not in page and "Structureel" not in page


def test_delivery_log_shows_failures_and_an_admin_retries(client: HubClient, users: Users, db: Session,
                                                         app: Flask, fixed_clock: Clock) -> None:
    target = initiative(db, "GrensInfoPunt Aachen-Eurode")
    subscription = service.subscribe_user(db, users.partner, SubscriptionInput(
        "initiative", str(target.id), email_enabled=False, webhook_url="https://hooks.example.org/x"), actor_id=None)
    db.commit()
    fixed_clock.advance(minutes=1)
    record_event(db, "funding.added", "initiative", target.id, actor_id=None)
    db.commit()
    run_jobs(app, "follow_events")
    delivery = db.scalar(select(AlertDelivery))
    delivery.status, delivery.attempts, delivery.last_error = DeliveryStatus.FAILED, 6, "HTTP 500 from hooks.example.org"
    subscription.webhook_disabled_at = fixed_clock.now()
    db.commit()
    client.login(users.admin.email)

    page = client.get("/alerts/deliveries?status=failed").get_data(as_text=True)
    assert "HTTP 500 from hooks.example.org" in page and "Retry" in page
    assert "Unknown delivery status: lost." in client.get("/alerts/deliveries?status=lost").get_data(as_text=True)
    assert client.submit(f"/alerts/deliveries/{delivery.id}/retry", {"status": "failed"}).status_code == 302
    db.expire_all()
    delivery = db.get(AlertDelivery, delivery.id)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.PENDING, 0, "")
    assert db.get(AlertSubscription, subscription.id).webhook_disabled_at is None
    twice = client.submit(f"/alerts/deliveries/{delivery.id}/retry")
    assert twice.status_code == 409 and "Only failed deliveries can be retried." in twice.get_data(as_text=True)


def test_a_manager_retries_every_failed_delivery_of_a_channel_at_once_and_sees_paused_channels(
        client: HubClient, users: Users, db: Session, app: Flask, fixed_clock: Clock) -> None:
    target = initiative(db, "Grenzinfopunkt Prignitz")
    for n in range(3):
        service.subscribe_user(db, users.partner if n == 0 else users.manager if n == 1 else users.admin, SubscriptionInput(
            "initiative", str(target.id), webhook_url=f"https://hooks{n}.example.org/x"), actor_id=None)
    db.commit()
    fixed_clock.advance(minutes=1)
    record_event(db, "funding.added", "initiative", target.id, actor_id=None)
    db.commit()
    run_jobs(app, "follow_events")
    for delivery in db.scalars(select(AlertDelivery)):
        delivery.status, delivery.attempts, delivery.last_error = DeliveryStatus.FAILED, 6, "refused"
    db.add(ChannelHealth(name="email", failures=3, paused_until=fixed_clock.now() + timedelta(minutes=4),
                         last_error="SMTP: [Errno 111] Connection refused"))
    db.commit()
    client.login(users.manager.email)

    page = client.get("/alerts/deliveries?status=failed").get_data(as_text=True)
    assert "Paused channels" in page and "Connection refused" in page and "after 3 failures in a row" in page
    form = client.get("/alerts/deliveries").get_data(as_text=True)
    assert 'action="/alerts/deliveries/retry-failed"' in form and 'name="csrf_token"' in form
    assert client.post("/alerts/deliveries/retry-failed", data={"channel": "webhook"}).status_code == 400, "CSRF"

    answer = client.submit("/alerts/deliveries/retry-failed", {"channel": "webhook"}, follow_redirects=True)
    assert "3 failed deliveries will be sent again." in answer.get_data(as_text=True)
    db.expire_all()
    by_channel = {(d.channel, d.status, d.attempts) for d in db.scalars(select(AlertDelivery))}
    assert by_channel == {(Channel.EMAIL, DeliveryStatus.FAILED, 6), (Channel.WEBHOOK, DeliveryStatus.PENDING, 0)}
    answer = client.submit("/alerts/deliveries/retry-failed", {"channel": ""}, follow_redirects=True)
    assert "3 failed deliveries will be sent again." in answer.get_data(as_text=True)
    db.expire_all()
    assert {d.status for d in db.scalars(select(AlertDelivery))} == {DeliveryStatus.PENDING}
