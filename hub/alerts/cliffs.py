"""Cliff detection: the daily evaluation of every initiative's funding horizon, in a handful of SQL statements.

Each threshold fires once per initiative per horizon: fired thresholds are marks keyed on the horizon
date, so a restart changes nothing, a missed day is caught up (the thresholds crossed meanwhile are
marked, only the tightest is announced) and a changed horizon arms the thresholds again. A horizon that
moves later (or becomes open-ended) closes the old marks and announces that the cliff is lifted.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, case, exists, func, insert, literal, or_, select, union_all, update
from sqlalchemy.orm import Session, aliased

from hub import clock
from hub.alerts.models import CliffMark, StreamEndMark
from hub.alerts.service import AlertEvent
from hub.db import is_postgres
from hub.events import record_event
from hub.funding.horizon import horizons_query
from hub.funding.models import FundingKind, FundingStream

# Cliffs and stream ends further back than this are history, not news (e.g. on the first run).
CATCH_UP_DAYS = 30


@dataclass
class Evaluation:
    thresholds: int = 0
    lifted: int = 0
    streams_ended: int = 0


def evaluate(session: Session, *, today: date, thresholds: Sequence[int]) -> Evaluation:
    """Emit the cliff events due on ``today``; idempotent, so it may run as often as wanted."""
    now = clock.now()
    result = Evaluation()
    _retire_past_horizons(session, today, now)
    result.lifted = _close_moved_horizons(session, now)
    result.thresholds = _fire_thresholds(session, today, thresholds, now)
    result.streams_ended = _announce_ended_streams(session, today, now)
    return result


def _retire_past_horizons(session: Session, today: date, now: datetime) -> None:
    """Cliffs that are history need no watching any more; this keeps the open marks few."""
    session.execute(
        update(CliffMark)
        .where(CliffMark.closed_at.is_(None), CliffMark.horizon < today - timedelta(days=CATCH_UP_DAYS))
        .values(closed_at=now)
    )


def _close_moved_horizons(session: Session, now: datetime) -> int:
    """Close the marks of horizons an initiative no longer has; announce a lift if the money now lasts longer."""
    horizons = horizons_query().subquery()
    open_marks = (
        select(CliffMark.initiative_id, CliffMark.horizon,
               func.max(case((CliffMark.announced, 1), else_=0)).label("announced"))
        .where(CliffMark.closed_at.is_(None))
        .group_by(CliffMark.initiative_id, CliffMark.horizon)
        .subquery()
    )
    open_ended = exists().where(FundingStream.initiative_id == open_marks.c.initiative_id, FundingStream.end_date.is_(None))
    moved = session.execute(
        select(open_marks.c.initiative_id, open_marks.c.horizon, open_marks.c.announced, horizons.c.horizon, open_ended)
        .outerjoin(horizons, horizons.c.initiative_id == open_marks.c.initiative_id)
        .where(or_(horizons.c.horizon.is_(None), horizons.c.horizon != open_marks.c.horizon))
    ).all()
    lifted = 0
    for initiative_id, old_horizon, announced, new_horizon, has_open_end in moved:
        session.execute(
            update(CliffMark)
            .where(CliffMark.initiative_id == initiative_id, CliffMark.horizon == old_horizon, CliffMark.closed_at.is_(None))
            .values(closed_at=now)
        )
        if announced and ((new_horizon is not None and new_horizon > old_horizon) or (new_horizon is None and has_open_end)):
            record_event(session, AlertEvent.CLIFF_LIFTED, "initiative", initiative_id, actor_id=None, payload={
                "old_horizon": old_horizon.isoformat(),
                "horizon": new_horizon.isoformat() if new_horizon else None,
            })
            lifted += 1
    return lifted


def _fire_thresholds(session: Session, today: date, thresholds: Sequence[int], now: datetime) -> int:
    """Mark every newly crossed threshold; announce the tightest one per initiative and horizon."""
    end = func.max(FundingStream.end_date)
    horizons = (
        horizons_query()
        .having(end >= today - timedelta(days=CATCH_UP_DAYS), end <= today + timedelta(days=max(thresholds)))
        .cte("horizons")
    )
    crossed = union_all(*(
        select(horizons.c.initiative_id, horizons.c.horizon, literal(days).label("days"))
        .where(horizons.c.horizon <= today + timedelta(days=days))
        for days in thresholds
    )).subquery()
    new = session.execute(
        select(crossed.c.initiative_id, crossed.c.horizon, crossed.c.days)
        .where(~exists().where(
            CliffMark.initiative_id == crossed.c.initiative_id,
            CliffMark.horizon == crossed.c.horizon,
            CliffMark.days == crossed.c.days,
        ))
        .order_by(crossed.c.initiative_id, crossed.c.days)
    ).all()
    tightest: dict[tuple[int, date], int] = {}
    for initiative_id, horizon, days in new:
        tightest.setdefault((initiative_id, horizon), days)
    if not new:
        return 0
    session.execute(insert(CliffMark), [
        {"initiative_id": i, "horizon": h, "days": d, "announced": tightest[(i, h)] == d, "fired_at": now, "closed_at": None}
        for i, h, d in new
    ])
    for (initiative_id, horizon), days in tightest.items():
        record_event(session, AlertEvent.CLIFF_THRESHOLD, "initiative", initiative_id, actor_id=None, payload={
            "days": days, "horizon": horizon.isoformat(), "days_left": (horizon - today).days,
        })
    return len(tightest)


def _day_after(session: Session, column: ColumnElement[date]) -> ColumnElement[date]:
    if is_postgres(session):
        return column + literal(1)
    return func.date(column, "+1 day")


def _announce_ended_streams(session: Session, today: date, now: datetime) -> int:
    """Streams that ended before the horizon with no structural stream carrying on the next day."""
    successor = aliased(FundingStream)
    horizons = horizons_query().subquery()
    ended = session.execute(
        select(FundingStream)
        .outerjoin(horizons, horizons.c.initiative_id == FundingStream.initiative_id)
        .where(
            FundingStream.end_date < today,
            FundingStream.end_date >= today - timedelta(days=CATCH_UP_DAYS),
            or_(horizons.c.horizon.is_(None), FundingStream.end_date < horizons.c.horizon),
            ~exists().where(
                successor.initiative_id == FundingStream.initiative_id,
                successor.id != FundingStream.id,
                successor.kind == FundingKind.STRUCTURAL,
                successor.start_date <= _day_after(session, FundingStream.end_date),
                or_(successor.end_date.is_(None), successor.end_date > FundingStream.end_date),
            ),
            ~exists().where(StreamEndMark.stream_id == FundingStream.id, StreamEndMark.end_date == FundingStream.end_date),
        )
    ).scalars().all()
    for stream in ended:
        session.add(StreamEndMark(stream_id=stream.id, end_date=stream.end_date, fired_at=now))
        record_event(session, AlertEvent.STREAM_ENDED, "initiative", stream.initiative_id, actor_id=None, payload={
            "stream_id": stream.id,
            "funder": stream.funder.name if stream.funder else None,
            "kind": stream.kind.value,
            "end_date": stream.end_date.isoformat() if stream.end_date else None,
            "amount": str(stream.amount) if stream.amount is not None else None,
            "currency": stream.currency,
        })
    return len(ended)
