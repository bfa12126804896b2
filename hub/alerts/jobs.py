"""The alert jobs the worker runs (see ``hub.worker.JOBS``); each commits its own transactions."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hub import clock
from hub.alerts import cliffs, consumer, dispatcher
from hub.db import get_session, is_postgres

# Every worker fans out; the cursor row serialises them. A worker stuck inside a batch must not hold the
# others up for long: they give up waiting for the cursor, and the server ends the stuck transaction.
CURSOR_WAIT = "5s"
STUCK_TRANSACTION = "20s"


def evaluate_cliffs() -> None:
    """Emit today's cliff events (idempotent: hourly runs only catch up what is new)."""
    session = get_session()
    config = current_app.config
    result = cliffs.evaluate(session, today=clock.today(), thresholds=config["CLIFF_THRESHOLDS"],
                             offsets=config["REMINDER_OFFSETS"], lead_days=config["RENEWAL_LEAD_DAYS"])
    session.commit()
    current_app.logger.info("cliffs: %s thresholds, %s lifted, %s streams ended, %s stream reminders, %s stream cliffs lifted",
                            result.thresholds, result.lifted, result.streams_ended, result.reminders, result.streams_lifted)


def _bounded(session: Session) -> None:
    if is_postgres(session):
        session.execute(text(f"SET LOCAL lock_timeout = '{CURSOR_WAIT}'"))
        session.execute(text(f"SET LOCAL idle_in_transaction_session_timeout = '{STUCK_TRANSACTION}'"))


def follow_events() -> None:
    """Fan new events out into the outbox, one committed batch at a time, until the stream is read."""
    session = get_session()
    try:
        _bounded(session)
        while consumer.follow_events(session):
            session.commit()
            _bounded(session)
        session.commit()
    except OperationalError as error:  # the cursor stayed locked (another worker is stuck in a batch)
        session.rollback()
        current_app.logger.warning("fan-out skipped this round: %s", error.orig)


def dispatch() -> None:
    """Send due deliveries, batch after batch, until fewer than a full batch was due (or the worker stops)."""
    session = get_session()
    size = dispatcher.batch_size(current_app.config)
    while dispatcher.dispatch(session, limit=size).claimed == size and not dispatcher.stopping.is_set():
        pass
