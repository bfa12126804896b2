"""Writing and reading domain events."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hub import clock
from hub.db import bulk_insert, is_postgres
from hub.events.models import Event

# Any constant works; it only has to be the same for every writer of events.
EVENT_WRITE_LOCK = 0x6875625F657674  # "hub_evt"


def record_event(
    session: Session,
    name: str,
    subject_type: str,
    subject_id: int,
    *,
    actor_id: int | None,
    payload: dict[str, Any] | None = None,
    public: bool = True,
) -> Event:
    """Add an event to the caller's transaction; it commits (or rolls back) with the change it describes.

    On PostgreSQL, writers take a transaction-scoped advisory lock first so that event ids become
    visible in id order: a consumer's cursor can never skip an event committed late with a lower id.
    """
    _lock_event_stream(session)
    event = Event(
        name=str(name),
        occurred_at=clock.now(),
        actor_id=actor_id,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=payload or {},
        public=public,
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class EventDraft:
    """An event for :func:`record_events`; the actor and the time are shared by the whole batch."""

    name: str
    subject_type: str
    subject_id: int
    payload: dict[str, Any]
    public: bool = True


def record_events(session: Session, drafts: Sequence[EventDraft], *, actor_id: int | None) -> None:
    """``record_event`` for many changes at once (imports): one lock and one multi-row insert, ids in draft order."""
    if not drafts:
        return
    _lock_event_stream(session)
    occurred_at = clock.now()
    bulk_insert(session, Event.__table__, [
        {"name": str(d.name), "occurred_at": occurred_at, "actor_id": actor_id, "subject_type": d.subject_type,
         "subject_id": d.subject_id, "payload": d.payload, "public": d.public}
        for d in drafts
    ])


def _lock_event_stream(session: Session) -> None:
    """On PostgreSQL, serialise event writers so ids become visible in id order (see ``record_event``)."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_WRITE_LOCK})


def events_after(session: Session, cursor: int, limit: int = 500, *, public_only: bool = False) -> Sequence[Event]:
    """Events with an id above ``cursor``, oldest first: the read side for every consumer."""
    query = select(Event).where(Event.id > cursor).order_by(Event.id).limit(limit)
    if public_only:
        query = query.where(Event.public.is_(True))
    return session.scalars(query).all()


def history_of(session: Session, subject_type: str, subject_id: int, limit: int = 200) -> Sequence[Event]:
    """A subject's events, newest first, for the history panel on detail pages."""
    query = (
        select(Event)
        .where(Event.subject_type == subject_type, Event.subject_id == subject_id)
        .order_by(Event.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()
