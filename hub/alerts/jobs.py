"""The alert jobs the worker runs (see ``hub.worker.JOBS``); each commits its own transactions."""
from __future__ import annotations

from flask import current_app

from hub import clock
from hub.alerts import cliffs, consumer, dispatcher
from hub.db import get_session


def evaluate_cliffs() -> None:
    """Emit today's cliff events (idempotent: hourly runs only catch up what is new)."""
    session = get_session()
    result = cliffs.evaluate(session, today=clock.today(), thresholds=current_app.config["CLIFF_THRESHOLDS"])
    session.commit()
    current_app.logger.info("cliffs: %s thresholds, %s lifted, %s streams ended",
                            result.thresholds, result.lifted, result.streams_ended)


def follow_events() -> None:
    """Fan new events out into the outbox, one committed batch at a time, until the stream is read."""
    session = get_session()
    while consumer.follow_events(session):
        session.commit()
    session.commit()


def dispatch() -> None:
    """Send due deliveries, batch after batch, until fewer than a full batch was due (or the worker stops)."""
    session = get_session()
    size = dispatcher.batch_size(current_app.config)
    while dispatcher.dispatch(session, limit=size).claimed == size and not dispatcher.stopping.is_set():
        pass
