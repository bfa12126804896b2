"""Read models that follow the event stream: a cursor per projection, and the catch-up loop.

A projection names the subjects an event touches and knows how to refresh them; the registry never
calls it (no model hooks). Readers call :func:`catch_up` first, so a query right after a change
sees it. The caller's transaction holds the refreshed rows and the advanced cursor together.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hub.db import is_postgres
from hub.events.models import Event
from hub.events.service import events_after
from hub.search.models import ProjectionCursor

EVENT_BATCH = 1000
# After taking in this many events (a bulk import) the planner statistics are out of date.
ANALYZE_AFTER = 5000


@dataclass(frozen=True)
class Projection:
    name: str
    # The keys (e.g. ("initiative", 7)) an event makes stale; empty for events the projection ignores.
    keys_of: Callable[[Event], Iterable[tuple[str, int]]]
    # Rebuild the rows of these keys from the registry (a key whose subject is gone loses its rows).
    refresh: Callable[[Session, Collection[tuple[str, int]]], None]
    # Drop every row, before a rebuild from scratch.
    clear: Callable[[Session], None]
    # The tables it writes: their planner statistics are refreshed after large changes.
    tables: tuple[str, ...] = ()


def latest_event_id(session: Session) -> int:
    return session.scalar(select(func.max(Event.id))) or 0


def position(session: Session, projection: Projection) -> int | None:
    """The last event the projection has taken in; None when it has never run (or was reset)."""
    return session.scalar(select(ProjectionCursor.position).where(ProjectionCursor.name == projection.name))


def _lock(session: Session, projection: Projection) -> int:
    """Serialise catch-ups: the first writer to touch the cursor row holds it until commit, and the
    others then read the position it left. A missing row means an empty read model: start over."""
    values = {"name": projection.name, "position": 0}
    insert = pg_insert if is_postgres(session) else sqlite_insert
    created = session.execute(
        insert(ProjectionCursor).values(values).on_conflict_do_nothing().returning(ProjectionCursor.name)).first()
    if created is not None:
        projection.clear(session)
    session.execute(
        update(ProjectionCursor).where(ProjectionCursor.name == projection.name).values(position=ProjectionCursor.position)
    )
    return session.scalar(select(ProjectionCursor.position).where(ProjectionCursor.name == projection.name)) or 0


def pending(session: Session, projection: Projection) -> int:
    """How many events the projection has not taken in yet."""
    done = position(session, projection) or 0
    return session.scalar(select(func.count()).select_from(Event).where(Event.id > done)) or 0


def catch_up(session: Session, projection: Projection, *, max_events: int | None = None) -> int:
    """Take in the events after the cursor (at most ``max_events``); returns how many were read."""
    done = position(session, projection)
    if done is not None and latest_event_id(session) <= done:
        return 0
    done = _lock(session, projection)
    seen = 0
    while max_events is None or seen < max_events:
        batch = EVENT_BATCH if max_events is None else min(EVENT_BATCH, max_events - seen)
        events = events_after(session, done, limit=batch)
        if not events:
            break
        stale = {key for event in events for key in projection.keys_of(event)}
        if stale:
            projection.refresh(session, stale)
        done = events[-1].id
        seen += len(events)
    _save(session, projection, done)
    if seen >= ANALYZE_AFTER:
        _analyze(session, projection)
    return seen


def rebuild(session: Session, projection: Projection, keys: Iterable[tuple[str, int]], *, batch: int = 1000) -> int:
    """Empty the read model and refresh every key from scratch (after bulk loads or a lost index)."""
    _lock(session, projection)
    upto = latest_event_id(session)
    projection.clear(session)
    done, chunk = 0, []
    for key in keys:
        chunk.append(key)
        if len(chunk) >= batch:
            projection.refresh(session, chunk)
            done, chunk = done + len(chunk), []
    if chunk:
        projection.refresh(session, chunk)
        done += len(chunk)
    _save(session, projection, upto)
    _analyze(session, projection)
    return done


def _analyze(session: Session, projection: Projection) -> None:
    """Refresh the planner statistics of the projection's tables: query plans chosen on the statistics
    of an empty index are disastrous on a full one (and servers may run without autovacuum)."""
    for name in projection.tables:
        session.execute(text(f"ANALYZE {name}"))


def _save(session: Session, projection: Projection, done: int) -> None:
    session.execute(update(ProjectionCursor).where(ProjectionCursor.name == projection.name).values(position=done))
    session.flush()
