"""The alert jobs the worker runs (see ``hub.worker.JOBS``); each commits its own transactions."""
from __future__ import annotations

from flask import current_app

from hub import clock
from hub.alerts import cliffs, consumer, dispatcher
from hub.db import get_session

DISPATCH_BATCH = 100


def evaluate_cliffs() -> None:
    """Emit today's cliff events (idempotent: hourly runs only catch up what is new)."""
    session = get_session()
    config = current_app.config
    result = cliffs.evaluate(session, today=clock.today(), thresholds=config["CLIFF_THRESHOLDS"],
                             offsets=config["REMINDER_OFFSETS"], lead_days=config["RENEWAL_LEAD_DAYS"])
    session.commit()
    current_app.logger.info("cliffs: %s thresholds, %s lifted, %s streams ended, %s stream reminders, %s stream cliffs lifted",
                            result.thresholds, result.lifted, result.streams_ended, result.reminders, result.streams_lifted)


def follow_events() -> None:
    """Fan new events out into the outbox, one committed batch at a time, until the stream is read."""
    session = get_session()
    while consumer.follow_events(session):
        session.commit()
    session.commit()


def dispatch() -> None:
    """Send due deliveries, batch after batch, until fewer than a full batch was due."""
    session = get_session()
    while dispatcher.dispatch(session, limit=DISPATCH_BATCH).claimed == DISPATCH_BATCH:
        pass
