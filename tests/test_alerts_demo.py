"""Issue 3 in the demo: the demo users follow initiatives, and the worker's jobs alert them into the outbox."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.alerts.models import AlertSubscription
from hub.funding.horizon import funding_horizon
from hub.initiatives.models import Initiative
from tests.test_alerts_support import Clock, fixed_clock, header, run_jobs  # noqa: F401 (fixture)


def test_demo_partner_is_alerted_about_the_initiative_it_follows(app: Flask, db: Session, fixed_clock: Clock) -> None:
    app.config["SMTP_HOST"] = ""
    fixed_clock.current = datetime.now(UTC)  # the demo's lobby positions may not lie in the future
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    follows = {(s.email, s.scope_kind, s.rhythm.value) for s in db.scalars(select(AlertSubscription))}
    assert ("manager@grenshub.example", "all", "weekly") in follows
    partner = [s for s in db.scalars(select(AlertSubscription)) if s.email == "partner@grenshub.example"]
    followed = db.get(Initiative, int(partner[0].scope_key))
    horizon = funding_horizon(followed.funding_streams)
    assert horizon is not None and horizon - timedelta(days=100) > fixed_clock.today(), "its funding ends after a while"

    fixed_clock.current = datetime(horizon.year, horizon.month, horizon.day, 6, tzinfo=UTC) - timedelta(days=100)
    run_jobs(app)
    subjects = [header(message_from_bytes(p.read_bytes(), policy=policy.default), "Subject")
                for p in Path(app.config["ALERTS_OUTBOX_DIR"]).glob("*.eml")]
    assert f"Financiering van {followed.name_in('nl')} eindigt over 100 dagen" in subjects
