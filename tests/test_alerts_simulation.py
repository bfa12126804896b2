"""Issue 3, the year-long simulation: a demo initiative's funding runs towards its cliff while the clock moves
a day at a time; every subscriber receives each threshold once and nothing after the extension lifts the cliff."""
from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy.orm import Session

from hub.alerts import service
from hub.alerts.service import SubscriptionInput
from hub.auth.models import Role
from hub.auth.service import create_user
from hub.demo import data
from hub.funding.service import FundingInput, add_stream, update_stream
from hub.initiatives.service import InitiativeInput, create_initiative
from hub.stakeholders.service import OrganisationInput, create_organisation
from tests.conftest import PASSWORD, HubClient
from tests.test_alerts_support import Clock, Hooks, Inbox, fixed_clock, header, run_jobs, smtp_inbox, webhooks  # noqa: F401

DEMO_KEY = "predictive-ai"  # "Predictive AI in de glastuinbouw": one Interreg stream until 30 June 2027
FUNDER = "Interreg VI A Deutschland-Nederland (programmaorganisatie)"


def load_demo_initiative(db: Session):  # type: ignore[no-untyped-def]
    """The demo initiative and its funder, exactly as in the demo registry."""
    row = next(r for r in data.INITIATIVES if r["key"] == DEMO_KEY)
    [funding] = row["funding"]
    funder_row = next(o for o in data.ORGANISATIONS if o["key"] == funding["funder"])
    funder = create_organisation(db, OrganisationInput(name=funder_row["name"], country=funder_row["country"],
                                                       type=funder_row["type"]), actor_id=None)
    target = create_initiative(db, InitiativeInput(
        kind=row["kind"], name_nl=row["name_nl"], name_de=row["name_de"], name_en=row["name_en"],
        regions=row["regions"], advice_codes=row["advice_codes"], status=row["status"],
    ), actor_id=None)
    stream = add_stream(db, target, FundingInput(
        funder_id=funder.id, kind=funding["kind"], start_date=date.fromisoformat(funding["start_date"]),
        end_date=date.fromisoformat(funding["end_date"]), amount=Decimal(funding["amount"])), actor_id=None)
    return target, stream


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_a_year_towards_the_cliff_gives_each_subscriber_each_threshold_once(
        app: Flask, db: Session, client: HubClient, smtp_inbox: Inbox, webhooks: Hooks, fixed_clock: Clock) -> None:
    start = date(2026, 7, 1)
    fixed_clock.current = at(start - timedelta(days=1), 12)
    target, stream = load_demo_initiative(db)
    horizon = stream.end_date
    assert horizon == date(2027, 6, 30)
    db.commit()

    fixed_clock.advance(hours=1)
    partner = create_user(db, email="partner@saxion.test", name="Partner", password=PASSWORD, role=Role.PARTNER, locale="nl")
    service.subscribe_user(db, partner, SubscriptionInput("initiative", str(target.id), locale="nl"), actor_id=partner.id)
    bot = create_user(db, email="bot@gip.test", name="Bot", password=PASSWORD, role=Role.PARTNER)
    hook = service.subscribe_user(db, bot, SubscriptionInput("region", "NL", email_enabled=False,
                                                             webhook_url=webhooks.url("gip")), actor_id=bot.id)
    webhooks.secrets["gip"] = hook.webhook_secret or ""
    elsewhere = create_user(db, email="muenster@fh.test", name="FH", password=PASSWORD, role=Role.PARTNER)
    service.subscribe_user(db, elsewhere, SubscriptionInput("region", "DEA3"), actor_id=elsewhere.id)
    service.request_subscription(db, "digest@grenzpendler.test", SubscriptionInput("theme", "3", rhythm="weekly", locale="de"))
    db.commit()
    run_jobs(app, "follow_events", "dispatch")
    [confirmation] = smtp_inbox.unique().values()
    confirm_path = re.search(r"http://hub\.test(/alerts/confirm/\S+)", confirmation.get_content()).group(1)  # type: ignore[union-attr]
    assert client.submit(confirm_path).status_code == 200
    smtp_inbox.messages.clear()

    extended_on = date(2027, 6, 15)
    day = start
    while day <= start + timedelta(days=365):
        if day == extended_on:
            fixed_clock.current = at(day, 10)
            update_stream(db, stream, FundingInput(funder_id=stream.funder_id, kind="temporary", start_date=stream.start_date,
                                                   end_date=date(2029, 6, 30), amount=stream.amount), actor_id=None)
            db.commit()
        fixed_clock.current = at(day, 6)
        run_jobs(app, "evaluate_cliffs", "follow_events")
        fixed_clock.current = at(day, 8)
        run_jobs(app, "dispatch")
        day += timedelta(days=1)

    assert smtp_inbox.duplicates() == 0
    assert smtp_inbox.subjects_to("partner@saxion.test") == sorted([
        "Financiering van Predictive AI in de glastuinbouw eindigt over 364 dagen",
        "Financiering van Predictive AI in de glastuinbouw eindigt over 180 dagen",
        "Financiering van Predictive AI in de glastuinbouw eindigt over 90 dagen",
        "Financiering van Predictive AI in de glastuinbouw eindigt over 30 dagen",
        "Financiering van Predictive AI in de glastuinbouw gewijzigd",
        "Financieringsklif van Predictive AI in de glastuinbouw opgeheven",
        # The renewal decision (90 days before the end, 1 April 2027) at every reminder offset; the first one
        # caught up on the first day. Nothing was recorded in time, so it is reminded of after the date too.
        *(f"Besluit over verlenging van de financiering van Predictive AI in de glastuinbouw door {FUNDER} {when}"
          for when in ("over 274 dagen", "over 180 dagen", "over 90 dagen", "over 30 dagen", "vandaag nodig",
                       "14 dagen te laat")),
    ])
    calls = [c["body"] for c in webhooks.by_key("gip").values()]
    assert Counter((c["event"], c["payload"].get("days", c["payload"].get("offset"))) for c in calls) == Counter({
        ("alerts.cliff_threshold", 365): 1, ("alerts.cliff_threshold", 180): 1, ("alerts.cliff_threshold", 90): 1,
        ("alerts.cliff_threshold", 30): 1, ("funding.updated", None): 1, ("alerts.cliff_lifted", None): 1,
        **{("alerts.cliff_renewal", offset): 1 for offset in (-365, -180, -90, -30, 0, 14)},
    })
    lifted = next(c for c in calls if c["event"] == "alerts.cliff_lifted")
    assert lifted["payload"] == {"old_horizon": "2027-06-30", "horizon": "2029-06-30"}
    assert smtp_inbox.subjects_to("muenster@fh.test") == []

    digests = [m for m in smtp_inbox.unique().values() if header(m, "To") == "digest@grenzpendler.test"]
    assert len(digests) == 8, "the weeks of four thresholds, of six renewal reminders (two shared) and of the extension"
    lines = "\n".join(m.get_content() for m in digests)
    assert lines.count("Entscheidung über die Verlängerung der Finanzierung von Predictive AI im Gartenbau") == 6
    for days in (364, 180, 90, 30):
        assert lines.count(f"Finanzierung von Predictive AI im Gartenbau endet in {days} Tagen") == 1
    assert lines.count("Finanzierungsklippe von Predictive AI im Gartenbau aufgehoben") == 1
    assert "endet heute" not in lines and "ist ausgelaufen" not in lines
