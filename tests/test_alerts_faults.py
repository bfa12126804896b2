"""Issue 17, delivery that survives faults: fenced leases, total deadlines, slow and dead receivers paused on
their own, outages that do not burn retries."""
from __future__ import annotations

import threading
import time

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.alerts import dispatcher
from hub.alerts.models import AlertDelivery, ChannelHealth, DeliveryStatus
from hub.db import get_session
from tests.test_alerts_delivery import cliff, subscribe
from tests.test_alerts_support import (  # noqa: F401 (fixtures)
    Clock,
    Dripper,
    Hooks,
    Inbox,
    dripper,
    fixed_clock,
    free_port,
    header,
    run_jobs,
    smtp_inbox,
    webhooks,
)
from tests.factories import initiative


def test_two_dispatchers_with_a_lease_shorter_than_their_batch_send_nothing_twice(
        app: Flask, db: Session, smtp_inbox: Inbox) -> None:
    app.config.update(ALERTS_CLAIM_SECONDS=1, ALERTS_SENDERS=1)
    target = initiative(db, "Euregio Maas-Rhein Pendlerberatung")
    for n in range(8):
        subscribe(db, f"lease{n}@partner.test", target.id)
    db.commit()
    time.sleep(0.01)
    cliff(db, target.id)
    db.commit()
    run_jobs(app, "follow_events")
    smtp_inbox.delay = 0.4  # four sends take longer than the one-second lease
    start = threading.Barrier(2)

    def dispatch_all() -> None:
        with app.app_context():
            session = get_session()
            start.wait()
            while dispatcher.dispatch(session, limit=4).claimed:
                pass

    racers = [threading.Thread(target=dispatch_all) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(120)

    assert len(smtp_inbox.unique()) == 8
    assert smtp_inbox.duplicates() == 0, "a lease renewed while sending and checked before each send"
    db.expire_all()
    assert set(db.scalars(select(AlertDelivery.status))) == {DeliveryStatus.SENT}


def test_a_dripping_receiver_hits_the_total_deadline_and_is_paused_alone(
        app: Flask, db: Session, webhooks: Hooks, dripper: Dripper, fixed_clock: Clock) -> None:
    app.config.update(WEBHOOK_TIMEOUT=1, ALERTS_SENDERS=2)
    target = initiative(db, "Grenzinfopunkt Rhein-Waal")
    slow = [subscribe(db, f"slow{n}@partner.test", target.id, email_enabled=False, webhook_url=f"{dripper.url}/{n}")
            for n in range(4)]
    fast = [subscribe(db, f"fast{n}@partner.test", target.id, email_enabled=False, webhook_url=webhooks.url(f"f{n}"))
            for n in range(4)]
    db.commit()
    webhooks.secrets.update({f"f{n}": s.webhook_secret for n, s in enumerate(fast)})
    fixed_clock.advance(minutes=1)
    cliff(db, target.id)
    db.commit()

    run_jobs(app, "follow_events", "dispatch")

    assert sum(len(webhooks.by_key(f"f{n}")) for n in range(4)) == 4, "the other receiver got all its alerts"
    assert dripper.requests == 1, "after the first timeout the slow host is paused, its other alerts wait"
    db.expire_all()
    [health] = db.scalars(select(ChannelHealth)).all()
    assert health.name == f"webhook:127.0.0.1:{dripper.url.split(':')[2].split('/')[0]}"
    assert "no complete answer within 1 s" in health.last_error
    waiting = db.scalars(select(AlertDelivery).where(AlertDelivery.status == DeliveryStatus.PENDING)).all()
    assert len(waiting) == len(slow)
    assert all(d.attempts == 0 and d.due_at == health.paused_until and d.claim_token is None for d in waiting), \
        "a receiver timing out does not cost its messages an attempt"


def test_an_smtp_outage_pauses_mail_without_burning_attempts_and_mail_resumes(
        app: Flask, db: Session, smtp_inbox: Inbox, fixed_clock: Clock) -> None:
    app.config["SMTP_MAX_ATTEMPTS"] = 2
    working_port = app.config["SMTP_PORT"]
    target = initiative(db, "Grensinfopunt Maastricht")
    for n in range(3):
        subscribe(db, f"outage{n}@partner.test", target.id)
    db.commit()
    fixed_clock.advance(minutes=1)
    cliff(db, target.id)
    db.commit()
    run_jobs(app, "follow_events")

    app.config["SMTP_PORT"] = free_port()  # the mail server is down
    for _outage in range(3):
        run_jobs(app, "dispatch")
        fixed_clock.advance(minutes=30)
    db.expire_all()
    [health] = db.scalars(select(ChannelHealth)).all()
    assert health.name == "email" and health.failures == 3
    deliveries = db.scalars(select(AlertDelivery)).all()
    assert {(d.status, d.attempts) for d in deliveries} == {(DeliveryStatus.PENDING, 0)}
    assert all("SMTP" in d.last_error for d in deliveries)

    app.config["SMTP_PORT"] = working_port
    fixed_clock.advance(hours=2)
    run_jobs(app, "dispatch")
    assert smtp_inbox.subjects_to("outage2@partner.test") == ["Funding of Grensinfopunt Maastricht ends in 90 days"]
    assert len(smtp_inbox.unique()) == 3
    db.expire_all()
    assert db.scalars(select(ChannelHealth)).all() == []
    assert {(d.status, d.attempts) for d in db.scalars(select(AlertDelivery))} == {(DeliveryStatus.SENT, 1)}
