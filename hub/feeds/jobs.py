"""Polling as a job: each source in its own transaction, so one broken source never blocks the others.

The worker runs :func:`poll_due` every few minutes; ``hub feeds poll`` and the "Poll now" button use
:func:`poll_sources` directly. These functions commit (services don't).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import current_app
from sqlalchemy.orm import Session

from hub.db import get_session
from hub.feeds import service
from hub.feeds.fetch import Fetcher, FetchSettings
from hub.feeds.matching import Matcher, build_matcher
from hub.feeds.models import FeedProblem
from hub.feeds.service import PollOutcome

log = logging.getLogger("hub.feeds")


def poll_due() -> None:
    """The worker's job: poll every active source whose interval has come round."""
    poll_due_sources(get_session())


def poll_due_sources(session: Session, *, fetcher: Fetcher | None = None) -> list[PollOutcome]:
    return poll_sources(session, service.due_source_ids(session), fetcher=fetcher)


def poll_sources(session: Session, source_ids: Sequence[int], *, fetcher: Fetcher | None = None,
                 actor_id: int | None = None) -> list[PollOutcome]:
    """Poll the sources one after another with one matcher, built once for the whole run."""
    if not source_ids:
        return []
    fetcher = fetcher or Fetcher(FetchSettings.from_config(current_app.config))
    matcher = build_matcher(session)
    return [_poll_one(session, source_id, fetcher, matcher, actor_id) for source_id in source_ids]


def _poll_one(session: Session, source_id: int, fetcher: Fetcher, matcher: Matcher, actor_id: int | None) -> PollOutcome:
    source = service.get_source(session, source_id)
    try:
        outcome = service.poll_source(session, source, actor_id=actor_id, fetcher=fetcher, matcher=matcher)
        session.commit()
    except Exception as error:  # noqa: BLE001 -- whatever broke, record it and go on with the next source
        session.rollback()
        log.exception("polling feed source %s failed", source_id)
        source = service.get_source(session, source_id)
        outcome = service.record_failure(session, source, FeedProblem.INTERNAL, f"{type(error).__name__}: {error}",
                                         actor_id=actor_id)
        session.commit()
    return outcome
