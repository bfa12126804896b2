"""The funding horizon: the date after which no stream covers an initiative. Always derived, never stored.

Every rule here uses a stream's effective end (actual, else expected, else planned)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, case, func, or_, select

from hub.funding.models import FundingStream


def funding_horizon(streams: Iterable[FundingStream]) -> date | None:
    """Last end date over the streams; None when there are none or one is open-ended."""
    end_dates = [s.effective_end for s in streams]
    if not end_dates or any(d is None for d in end_dates):
        return None
    return max(end_dates)  # type: ignore[type-var]


def horizons_query() -> Select:
    """(initiative_id, horizon) for every initiative whose streams all end — the same rule in SQL."""
    end = FundingStream.effective_end
    return (
        select(FundingStream.initiative_id, func.max(end).label("horizon"))
        .group_by(FundingStream.initiative_id)
        .having(func.count() == func.count(end))
    )


def money_ending_query(today: date, until: date) -> Select:
    """(initiative_id, ending, running): the money running today, and the part of it that ends by ``until``
    with no successor recorded. Programme envelopes and streams without an amount count in neither."""
    end = FundingStream.effective_end
    running = and_(FundingStream.amount.is_not(None), FundingStream.programme_envelope.is_(False),
                   FundingStream.start_date <= today, or_(end.is_(None), end >= today))
    ending = and_(running, end <= until, FundingStream.successor_id.is_(None))
    return (
        select(FundingStream.initiative_id,
               func.sum(case((ending, FundingStream.amount), else_=0)).label("ending"),
               func.sum(case((running, FundingStream.amount), else_=0)).label("running"))
        .group_by(FundingStream.initiative_id)
    )


def share_ending(streams: Iterable[FundingStream], stream: FundingStream) -> Decimal | None:
    """The part (0–1) of the money running on ``stream``'s last day that stops with it.

    Programme envelopes and streams without an amount count in neither part; None when nothing can be said.
    """
    end = stream.effective_end
    if end is None or stream.amount is None or stream.programme_envelope:
        return None
    running = sum((s.amount for s in streams if s.amount is not None and not s.programme_envelope
                   and s.start_date <= end and (s.effective_end is None or s.effective_end >= end)), Decimal(0))
    return stream.amount / running if running else None


def decision_date(stream: FundingStream, lead_days: int) -> date | None:
    """When renewal must be decided: the date set on the stream, else ``lead_days`` before its effective end."""
    if stream.renewal_decision_date is not None:
        return stream.renewal_decision_date
    end = stream.effective_end
    return end - timedelta(days=lead_days) if end is not None else None


@dataclass
class StreamCliff:
    """One stream that ends: money at risk of its own, beside the initiative's horizon."""

    stream: FundingStream
    end: date
    share: Decimal | None  # of the money running on its last day
    decision: date | None
    successor: bool  # a successor or an extension is recorded: the cliff is lifted
    last: bool  # it ends on the horizon (the last euro)


def stream_cliffs(streams: Sequence[FundingStream], lead_days: int, since: date | None = None) -> list[StreamCliff]:
    """Every stream that ends (on or after ``since``), earliest first."""
    horizon = funding_horizon(streams)
    cliffs = [
        StreamCliff(s, end, share_ending(streams, s), decision_date(s, lead_days),
                    s.successor_id is not None or s.extended, end == horizon)
        for s in streams if (end := s.effective_end) is not None and (since is None or end >= since)
    ]
    return sorted(cliffs, key=lambda c: (c.end, c.stream.id))
