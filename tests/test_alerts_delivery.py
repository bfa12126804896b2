"""Issue 3, delivery: a real SMTP server and a real webhook receiver on loopback, retries and switching off,
the .eml outbox, a dispatcher killed mid-batch, and two dispatchers racing on PostgreSQL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.alerts import dispatcher, service
from hub.alerts.models import AlertDelivery, AlertSubscription, Channel, DeliveryStatus
from hub.alerts.service import AlertEvent, SubscriptionInput
from hub.auth.models import Role
from hub.auth.service import create_user
from hub.config import ROOT
from hub.db import get_session
from hub.events import Event, record_event
from tests.conftest import PASSWORD, HubClient
from tests.factories import initiative
from tests.test_alerts_support import (  # noqa: F401 (fixtures)
    Clock,
    Hooks,
    Inbox,
    fixed_clock,
    free_port,
    header,
    run_jobs,
    smtp_inbox,
    webhooks,
)


def subscribe(db: Session, email: str, target_id: int, locale: str = "en", **extra: object) -> AlertSubscription:
    user = create_user(db, email=email, name=email, password=PASSWORD, role=Role.PARTNER, locale=locale)
    data = SubscriptionInput(scope_kind="initiative", scope_key=str(target_id), locale=locale, **extra)  # type: ignore[arg-type]
    return service.subscribe_user(db, user, data, actor_id=user.id)


def cliff(db: Session, target_id: int, days_left: int = 90) -> Event:
    return record_event(db, AlertEvent.CLIFF_THRESHOLD, "initiative", target_id, actor_id=None,
                        payload={"days": 90, "days_left": days_left, "horizon": "2026-04-05"})


def test_mail_arrives_over_smtp_in_the_subscribers_language_with_one_click_unsubscribe(
        app: Flask, db: Session, smtp_inbox: Inbox, fixed_clock: Clock, client: HubClient) -> None:
    target = initiative(db, "TECH.LAND")
    dutch = subscribe(db, "nl@partner.test", target.id, locale="nl")
    subscribe(db, "de@partner.test", target.id, locale="de")
    subscribe(db, "en@partner.test", target.id, locale="en")
    db.commit()
    fixed_clock.advance(minutes=5)
    event = cliff(db, target.id)
    db.commit()

    run_jobs(app, "follow_events", "dispatch")

    mails = {header(m, "To"): m for m in smtp_inbox.unique().values()}
    assert header(mails["nl@partner.test"], "Subject") == "Financiering van TECH.LAND eindigt over 90 dagen"
    assert header(mails["de@partner.test"], "Subject") == "Finanzierung von TECH.LAND endet in 90 Tagen"
    assert header(mails["en@partner.test"], "Subject") == "Funding of TECH.LAND ends in 90 days"
    body = mails["nl@partner.test"].get_content()
    assert "5 apr 2026" in body and "Afmelden met één klik" in body
    assert "05.04.2026" in mails["de@partner.test"].get_content()

    message = mails["nl@partner.test"]
    assert message["Message-ID"] == f"<grenshub-alert-{dutch.id}-{event.id}@grenshub.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = header(message, "List-Unsubscribe").strip("<>")
    assert unsubscribe_url.startswith("http://hub.test/alerts/unsubscribe/")

    # RFC 8058: the mail client POSTs to the link, without a session or CSRF token.
    answer = client.post(unsubscribe_url.removeprefix("http://hub.test"), data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    db.expire_all()
    assert db.get(AlertSubscription, dutch.id).status == "unsubscribed"
    tampered = client.post(unsubscribe_url.removeprefix("http://hub.test")[:-3] + "xyz")
    assert tampered.status_code == 404 and "not valid" in tampered.get_data(as_text=True)


def test_without_smtp_host_mail_is_written_to_the_outbox_folder(app: Flask, db: Session, fixed_clock: Clock) -> None:
    app.config["SMTP_HOST"] = ""
    target = initiative(db, "Grenzinfopunkt EUREGIO")
    subscription = subscribe(db, "outbox@partner.test", target.id)
    db.commit()
    fixed_clock.advance(minutes=1)
    event = cliff(db, target.id)
    news = record_event(db, "feed.link_confirmed", "feed_entry", 7, actor_id=None, payload={
        "initiative_id": target.id, "title": "Grenzpendler finden schneller Arbeit", "link": "https://news.example/1"})
    db.commit()
    run_jobs(app, "follow_events", "dispatch")

    outbox = Path(app.config["ALERTS_OUTBOX_DIR"])
    cliff_mail = message_from_bytes((outbox / f"grenshub-alert-{subscription.id}-{event.id}.eml").read_bytes(), policy=policy.default)
    assert header(cliff_mail, "Subject") == "Funding of Grenzinfopunkt EUREGIO ends in 90 days"
    news_mail = message_from_bytes((outbox / f"grenshub-alert-{subscription.id}-{news.id}.eml").read_bytes(), policy=policy.default)
    assert header(news_mail, "Subject") == "In the news: Grenzinfopunkt EUREGIO"
    assert "Grenzpendler finden schneller Arbeit" in news_mail.get_content()
    assert "https://news.example/1" in news_mail.get_content()


def test_webhooks_are_signed_retried_with_backoff_and_switched_off_with_a_notice(
        app: Flask, db: Session, smtp_inbox: Inbox, webhooks: Hooks, fixed_clock: Clock) -> None:
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 3
    target = initiative(db, "EURES-T Beneluxmiddengebied")
    good = subscribe(db, "good@partner.test", target.id, email_enabled=False, webhook_url=webhooks.url("good"))
    flaky = subscribe(db, "flaky@partner.test", target.id, email_enabled=False, webhook_url=webhooks.url("flaky"))
    forged = subscribe(db, "forged@partner.test", target.id, email_enabled=False, webhook_url=webhooks.url("forged"))
    db.commit()
    webhooks.secrets.update(good=good.webhook_secret, flaky=flaky.webhook_secret, forged="not-the-secret")
    webhooks.failures_left["flaky"] = 1
    fixed_clock.advance(minutes=1)
    event = cliff(db, target.id)
    db.commit()

    run_jobs(app, "follow_events", "dispatch")
    [call] = webhooks.by_key("good").values()
    assert call["key"] == f"grenshub-alert-{good.id}-{event.id}"
    assert call["body"]["event"] == "alerts.cliff_threshold" and call["body"]["title"].startswith("Funding of EURES-T")
    assert webhooks.by_key("flaky") == {}

    fixed_clock.advance(seconds=61)  # first backoff: one minute
    run_jobs(app, "dispatch")
    assert list(webhooks.by_key("flaky")) == [f"grenshub-alert-{flaky.id}-{event.id}"]
    assert len(webhooks.rejected) == 2, "the receiver refused the forged signature twice"

    fixed_clock.advance(seconds=121)  # second backoff: two minutes, then the third and last attempt
    run_jobs(app, "dispatch", "follow_events", "dispatch")
    db.expire_all()
    assert db.get(AlertSubscription, forged.id).webhook_disabled_at is not None
    failed = db.scalars(select(AlertDelivery).where(AlertDelivery.status == DeliveryStatus.FAILED)).all()
    assert [(d.channel, d.attempts) for d in failed] == [(Channel.WEBHOOK, 3)]
    assert "HTTP 401" in failed[0].last_error
    # The owner hears about it by e-mail although the subscription itself only had the webhook.
    assert smtp_inbox.subjects_to("forged@partner.test") == ["Your Grenshub webhook has been switched off"]
    assert smtp_inbox.subjects_to("good@partner.test") == []


def test_weekly_digest_bundles_the_alerts_into_one_mail_on_monday(
        app: Flask, db: Session, smtp_inbox: Inbox, fixed_clock: Clock) -> None:
    target = initiative(db, "Grensoverschrijdend Stage Portaal")
    subscribe(db, "digest@partner.test", target.id, rhythm="weekly")
    db.commit()
    fixed_clock.advance(minutes=1)
    cliff(db, target.id)
    record_event(db, "funding.added", "initiative", target.id, actor_id=None,
                 payload={"after": {"funder": "Interreg VI A", "amount": "50000", "currency": "EUR", "end_date": "2027-12-31"}})
    db.commit()
    run_jobs(app, "follow_events", "dispatch")
    assert smtp_inbox.messages == []

    fixed_clock.advance(days=7)
    run_jobs(app, "dispatch")
    [digest] = smtp_inbox.unique().values()
    assert header(digest, "Subject") == "Grenshub: 2 alerts"
    assert "New funding for Grensoverschrijdend Stage Portaal" in digest.get_content()
    assert str(digest["Message-ID"]).startswith("<grenshub-digest-")


def _dispatcher_process(database_url: str, smtp_port: int, instance: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_SECRET_KEY": "test-secret-key",
           "HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_PORT": str(smtp_port), "HUB_ALERTS_CLAIM_SECONDS": "1",
           "HUB_ALERTS_SENDERS": "1",  # one message at a time: the kill lands on exactly one in flight
           "HUB_INSTANCE_PATH": str(instance), "HUB_BASE_URL": "http://hub.test"}
    return subprocess.Popen([sys.executable, "-m", "hub.worker", "--once", "--job", "alerts.dispatch"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_dispatcher_killed_mid_batch_delivers_every_alert_exactly_once(
        app: Flask, db: Session, smtp_inbox: Inbox, fixed_clock: Clock, database_url: str, tmp_path: Path) -> None:
    target = initiative(db, "Grenzlandpendler")
    people = [subscribe(db, f"p{n}@partner.test", target.id) for n in range(6)]
    db.commit()
    fixed_clock.advance(minutes=1)
    cliff(db, target.id)
    record_event(db, AlertEvent.CLIFF_LIFTED, "initiative", target.id, actor_id=None,
                 payload={"old_horizon": "2026-04-05", "horizon": "2028-12-31"})
    db.commit()
    run_jobs(app, "follow_events")
    expected = {(p.email, kind) for p in people for kind in ("ends in 90 days", "lifted")}

    smtp_inbox.hold_at = 5  # the 5th mail is stored by the server, but the dispatcher never hears "250"
    first = _dispatcher_process(database_url, app.config["SMTP_PORT"], tmp_path)
    assert smtp_inbox.held.wait(60), first.stderr.read() if first.poll() is not None else "dispatcher did not start"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    sent_before = db.scalars(select(AlertDelivery.status)).all()
    assert sent_before.count(DeliveryStatus.SENT) == 4, "killed mid-batch: four marked sent, the rest still claimed"

    smtp_inbox.hold_at = None
    time.sleep(1.2)  # the dead dispatcher's claims expire (HUB_ALERTS_CLAIM_SECONDS=1)
    for _attempt in range(20):
        second = _dispatcher_process(database_url, app.config["SMTP_PORT"], tmp_path)
        out, err = second.communicate(timeout=60)
        if second.returncode == 0 or "holds the scheduler lock" not in err:
            break
        time.sleep(0.25)  # PostgreSQL has not yet noticed that the killed worker's connection is gone
    assert second.returncode == 0, err

    received = {(header(m, "To"), "lifted" if "lifted" in header(m, "Subject") else "ends in 90 days")
                for m in smtp_inbox.unique().values()}
    assert received == expected
    assert len(smtp_inbox.unique()) == 12
    assert smtp_inbox.duplicates() == 1, "only the mail in flight at the kill came twice, under the same Message-ID"
    db.expire_all()
    assert set(db.scalars(select(AlertDelivery.status))) == {DeliveryStatus.SENT}


@pytest.mark.postgres_only
def test_two_dispatchers_on_postgresql_never_send_the_same_delivery(
        app: Flask, db: Session, smtp_inbox: Inbox, fixed_clock: Clock, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED claiming is PostgreSQL's; SQLite serialises writers anyway")
    target = initiative(db, "Euregio Rhein-Maas-Nord Arbeitsmarkt")
    for n in range(30):
        subscribe(db, f"r{n}@partner.test", target.id)
    db.commit()
    fixed_clock.advance(minutes=1)
    cliff(db, target.id)
    db.commit()
    run_jobs(app, "follow_events")
    smtp_inbox.delay = 0.01
    start = threading.Barrier(2)
    totals: list[int] = []

    def dispatch_all() -> None:
        with app.app_context():
            session = get_session()
            start.wait()
            sent = 0
            while (batch := dispatcher.dispatch(session, limit=4)).claimed:
                sent += batch.sent
            totals.append(sent)

    racers = [threading.Thread(target=dispatch_all) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)

    assert sum(totals) == 30 and min(totals) > 0, f"both dispatchers worked: {totals}"
    assert len(smtp_inbox.messages) == 30 and smtp_inbox.duplicates() == 0


def test_webhooks_to_private_or_dead_addresses_fail_with_a_clear_reason() -> None:
    from hub.alerts.channels import DeliveryError, post_webhook

    with pytest.raises(DeliveryError, match="non-public address"):
        post_webhook("http://127.0.0.1:9/hook", "secret", b"{}", key="k", event="e", timeout=1, allow_private=False)
    with pytest.raises(DeliveryError, match="webhook"):
        post_webhook(f"http://127.0.0.1:{free_port()}/hook", "secret", b"{}", key="k", event="e", timeout=1,
                     allow_private=True)


def test_a_poisoned_delivery_is_marked_failed_with_its_error_and_the_others_are_sent(
        app: Flask, db: Session, smtp_inbox: Inbox, fixed_clock: Clock) -> None:
    target = initiative(db, "Grenzgänger\nService  Aachen")
    people = [subscribe(db, f"v{n}@partner.test", target.id) for n in range(3)]
    poisoned = people[1]
    db.commit()
    # An address stored before validation existed: a line break in the To header makes the message unbuildable.
    poisoned.email = "v1@partner.test\nBcc: stranger@else.test"
    db.commit()
    fixed_clock.advance(minutes=1)
    cliff(db, target.id)
    db.commit()

    run_jobs(app, "follow_events", "dispatch")

    assert sorted(header(m, "To") for m in smtp_inbox.unique().values()) == ["v0@partner.test", "v2@partner.test"]
    assert {header(m, "Subject") for m in smtp_inbox.unique().values()} == {"Funding of Grenzgänger Service Aachen ends in 90 days"}
    db.expire_all()
    [stuck] = db.scalars(select(AlertDelivery).join(AlertDelivery.item).where(
        AlertDelivery.status != DeliveryStatus.SENT)).all()
    assert stuck.item.subscription_id == poisoned.id
    assert stuck.status == DeliveryStatus.PENDING and stuck.attempts == 1, "retried later with backoff"
    assert "linefeed" in stuck.last_error
    assert stuck.due_at > fixed_clock.now()


def test_overlapping_subscriptions_bring_one_alert_per_channel_naming_every_match(
        app: Flask, db: Session, smtp_inbox: Inbox, webhooks: Hooks, fixed_clock: Clock) -> None:
    target = initiative(db, "Grenzinfopunkt Euregio Rhein-Waal", advice_codes=["5a"])
    person = create_user(db, email="twice@partner.test", name="Twice", password=PASSWORD, role=Role.PARTNER, locale="en")
    hook = webhooks.url("twice")
    by_theme = service.subscribe_user(db, person, SubscriptionInput("theme", "5", locale="en", webhook_url=hook), actor_id=None)
    by_initiative = service.subscribe_user(
        db, person, SubscriptionInput("initiative", str(target.id), locale="en", webhook_url=hook), actor_id=None)
    service.subscribe_user(db, person, SubscriptionInput("all", "", locale="en", rhythm="weekly"), actor_id=None)
    subscribe(db, "other@partner.test", target.id)
    db.commit()
    webhooks.secrets["twice"] = by_theme.webhook_secret or ""
    fixed_clock.advance(minutes=1)
    event = cliff(db, target.id)
    db.commit()

    run_jobs(app, "follow_events", "dispatch")
    fixed_clock.advance(days=8)
    run_jobs(app, "dispatch")  # the weekly digest has nothing new: the alert went out immediately

    assert smtp_inbox.duplicates() == 0
    [mail] = [m for m in smtp_inbox.unique().values() if header(m, "To") == "twice@partner.test"]
    assert mail["Message-ID"] == f"<grenshub-alert-{by_theme.id}-{event.id}@grenshub.example>"
    footer = " ".join(mail.get_content().split())
    assert ("because you follow SER advice 5: Knowledge infrastructure and mobility, Grenzinfopunkt Euregio Rhein-Waal, "
            "and all initiatives on Grenshub") in footer
    assert smtp_inbox.subjects_to("other@partner.test") == ["Funding of Grenzinfopunkt Euregio Rhein-Waal ends in 90 days"]
    [call] = webhooks.by_key("twice").values()
    assert [m["id"] for m in call["body"]["matched"]] == [by_theme.id, by_initiative.id]
    assert len(webhooks.received) == 1
