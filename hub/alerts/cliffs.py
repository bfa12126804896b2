"""Cliff detection: the daily evaluation of every initiative's funding horizon, in a handful of SQL statements.

Each threshold fires once per initiative per horizon: fired thresholds are marks keyed on the horizon
date, so a restart changes nothing, a missed day is caught up (the thresholds crossed meanwhile are
marked, only the tightest is announced) and a changed horizon arms the thresholds again. A horizon that
moves later (or becomes open-ended) closes the old marks and announces that the cliff is lifted.

Every stream is a cliff of its own too, with the same guarantees (``StreamMark``): reminders at signed
offsets around the end of a stream that ends before the horizon (a partial cliff: the initiative goes on
with less money) and around the renewal decision of every stream. A recorded successor or extension
lifts them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Date, Subquery, and_, case, exists, func, insert, literal, or_, select, union_all, update
from sqlalchemy.orm import Session, aliased

from hub import clock
from hub.alerts.models import AlertSubscription, CliffMark, StreamEndMark, StreamMark, StreamRule, SubscriptionStatus
from hub.alerts.service import AlertEvent
from hub.alerts.settings import parse_offsets
from hub.db import is_postgres
from hub.events import record_event
from hub.funding.horizon import funding_horizon, horizons_query, share_ending
from hub.funding.models import FundingKind, FundingStream

# Cliffs and stream ends further back than this are history, not news (e.g. on the first run).
CATCH_UP_DAYS = 30


@dataclass
class Evaluation:
    thresholds: int = 0
    lifted: int = 0
    streams_ended: int = 0
    reminders: int = 0
    streams_lifted: int = 0


DEFAULT_OFFSETS = (-365, -180, -90, -30, 0, 14)
DEFAULT_LEAD_DAYS = 90


def evaluate(session: Session, *, today: date, thresholds: Sequence[int], offsets: Sequence[int] = DEFAULT_OFFSETS,
             lead_days: int = DEFAULT_LEAD_DAYS) -> Evaluation:
    """Emit the cliff events due on ``today``; idempotent, so it may run as often as wanted.

    ``offsets`` are the central reminder offsets; those subscriptions chose for themselves fire as well.
    """
    now = clock.now()
    result = Evaluation()
    _retire_past_horizons(session, today, now)
    result.lifted = _close_moved_horizons(session, now)
    result.thresholds = _fire_thresholds(session, today, thresholds, now)
    result.streams_ended = _announce_ended_streams(session, today, now)
    in_use = offsets_in_use(session, offsets)
    _retire_past_stream_marks(session, today, in_use, now)
    result.streams_lifted = _close_moved_stream_marks(session, lead_days, now)
    result.reminders = _fire_stream_reminders(session, today, in_use, lead_days, now)
    return result


def offsets_in_use(session: Session, central: Sequence[int]) -> tuple[int, ...]:
    """The central offsets and every offset an active subscription chose instead."""
    chosen = session.scalars(select(AlertSubscription.reminder_offsets).distinct().where(
        AlertSubscription.reminder_offsets.is_not(None), AlertSubscription.status == SubscriptionStatus.ACTIVE)).all()
    return tuple(sorted({*central, *(d for raw in chosen for d in parse_offsets(raw))}))


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


def _days_before(session: Session, column: ColumnElement[date], days: int) -> ColumnElement[date]:
    if is_postgres(session):
        return column - literal(days)
    return func.date(column, f"{-days:+d} days", type_=Date)


def stream_targets(session: Session, lead_days: int) -> Subquery:
    """(stream_id, rule, target) for every stream rule in force: the end of a stream that ends before its
    initiative's horizon, and the renewal decision of a stream not (yet) extended; neither once a successor
    is recorded."""
    horizons = horizons_query().subquery()
    end = FundingStream.effective_end
    no_successor = FundingStream.successor_id.is_(None)
    ends = (
        select(FundingStream.id.label("stream_id"), literal(StreamRule.END.value).label("rule"), end.label("target"))
        .outerjoin(horizons, horizons.c.initiative_id == FundingStream.initiative_id)
        .where(end.is_not(None), no_successor, or_(horizons.c.horizon.is_(None), end < horizons.c.horizon))
    )
    decisions = (
        select(FundingStream.id, literal(StreamRule.DECISION.value),
               func.coalesce(FundingStream.renewal_decision_date, _days_before(session, end, lead_days)))
        .where(FundingStream.end_date.is_not(None), end <= FundingStream.end_date, no_successor)
    )
    return union_all(ends, decisions).subquery("stream_targets")


def _oldest_target(today: date, offsets: Sequence[int]) -> date:
    """Dates before this are history: even their latest reminder lies more than the catch-up span back."""
    return today - timedelta(days=CATCH_UP_DAYS + max(max(offsets), 0))


def _retire_past_stream_marks(session: Session, today: date, offsets: Sequence[int], now: datetime) -> None:
    session.execute(
        update(StreamMark)
        .where(StreamMark.closed_at.is_(None), StreamMark.target < _oldest_target(today, offsets))
        .values(closed_at=now)
    )


def _close_moved_stream_marks(session: Session, lead_days: int, now: datetime) -> int:
    """Close the marks of dates a stream no longer has; announce a lift when a successor or a later end came."""
    targets = stream_targets(session, lead_days)
    open_marks = (
        select(StreamMark.stream_id, StreamMark.rule, StreamMark.target,
               func.max(case((StreamMark.announced, 1), else_=0)).label("announced"))
        .where(StreamMark.closed_at.is_(None))
        .group_by(StreamMark.stream_id, StreamMark.rule, StreamMark.target)
        .subquery()
    )
    moved = session.execute(
        select(open_marks.c.stream_id, open_marks.c.rule, open_marks.c.target, open_marks.c.announced,
               targets.c.target, FundingStream)
        .join(FundingStream, FundingStream.id == open_marks.c.stream_id)
        .outerjoin(targets, and_(targets.c.stream_id == open_marks.c.stream_id, targets.c.rule == open_marks.c.rule))
        .where(or_(targets.c.target.is_(None), targets.c.target != open_marks.c.target))
    ).all()
    lifted = 0
    for stream_id, rule, old, announced, new, stream in moved:
        session.execute(
            update(StreamMark)
            .where(StreamMark.stream_id == stream_id, StreamMark.rule == rule, StreamMark.target == old,
                   StreamMark.closed_at.is_(None))
            .values(closed_at=now)
        )
        end = stream.effective_end
        later = (new is not None and new > old) or (
            (end is None or end > old) if rule == StreamRule.END else stream.extended)
        if announced and (stream.successor_id is not None or later):
            record_event(session, AlertEvent.CLIFF_STREAM_LIFTED, "initiative", stream.initiative_id, actor_id=None,
                         payload={**_stream_facts(stream, [stream]), "rule": str(rule), "old_date": old.isoformat(),
                                  "date": new.isoformat() if new else None})
            lifted += 1
    return lifted


def _fire_stream_reminders(session: Session, today: date, offsets: Sequence[int], lead_days: int, now: datetime) -> int:
    """Mark every newly passed offset; announce the latest one per stream, rule and date."""
    targets = stream_targets(session, lead_days)
    due = (
        select(targets).where(targets.c.target >= _oldest_target(today, offsets),
                              targets.c.target <= today - timedelta(days=min(offsets)))
        .cte("due")
    )
    passed = union_all(*(
        select(due.c.stream_id, due.c.rule, due.c.target, literal(offset).label("offset"))
        .where(due.c.target <= today - timedelta(days=offset))
        for offset in offsets
    )).subquery()
    new = session.execute(
        select(passed.c.stream_id, passed.c.rule, passed.c.target, passed.c.offset)
        .where(~exists().where(
            StreamMark.stream_id == passed.c.stream_id, StreamMark.rule == passed.c.rule,
            StreamMark.target == passed.c.target, StreamMark.offset == passed.c.offset,
        ))
        .order_by(passed.c.stream_id, passed.c.rule, passed.c.offset.desc())
    ).all()
    if not new:
        return 0
    latest: dict[tuple[int, str, date], int] = {}
    for stream_id, rule, target, offset in new:
        latest.setdefault((stream_id, rule, target), offset)
    session.execute(insert(StreamMark), [
        {"stream_id": i, "rule": StreamRule(r), "target": t, "offset": o, "announced": latest[(i, r, t)] == o,
         "fired_at": now, "closed_at": None}
        for i, r, t, o in new
    ])
    streams = {s.id: s for s in session.scalars(select(FundingStream).where(
        FundingStream.initiative_id.in_(select(FundingStream.initiative_id).where(
            FundingStream.id.in_({i for i, _r, _t in latest})))))}
    siblings: dict[int, list[FundingStream]] = {}
    for stream in streams.values():
        siblings.setdefault(stream.initiative_id, []).append(stream)
    for (stream_id, rule, target), offset in latest.items():
        stream = streams[stream_id]
        name = AlertEvent.CLIFF_STREAM if rule == StreamRule.END else AlertEvent.CLIFF_RENEWAL
        record_event(session, name, "initiative", stream.initiative_id, actor_id=None, payload={
            **_stream_facts(stream, siblings[stream.initiative_id]),
            "rule": rule, "date": target.isoformat(), "offset": offset, "days_left": (target - today).days,
        })
    return len(latest)


def _stream_facts(stream: FundingStream, siblings: Sequence[FundingStream]) -> dict[str, object]:
    """What a stream event says about the stream: its money, its share of the initiative's and its dates."""
    share = share_ending(siblings, stream)
    horizon = funding_horizon(siblings)
    end = stream.effective_end
    return {
        "stream_id": stream.id,
        "funder": stream.funder.name if stream.funder else None,
        "kind": stream.kind.value,
        "amount": str(stream.amount) if stream.amount is not None else None,
        "currency": stream.currency,
        "share": str(round(share, 4)) if share is not None else None,
        "end_date": end.isoformat() if end else None,
        "planned_end_date": stream.end_date.isoformat() if stream.end_date else None,
        "successor_id": stream.successor_id,
        "horizon": horizon.isoformat() if horizon else None,
    }
