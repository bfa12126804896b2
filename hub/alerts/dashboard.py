"""Read models for the managers' cliff dashboard and the admins' delivery log."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from hub.alerts.models import AlertDelivery, AlertItem, ChannelHealth, DeliveryStatus
from hub.funding.horizon import StreamCliff, stream_cliffs
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative

MONTHS = 12
LOG_PAGE = 200


@dataclass
class Cliff:
    """One stream ending in the month: money at risk of its own (``stream.last``: the initiative's last euro)."""

    initiative: Initiative
    stream: StreamCliff


@dataclass
class Month:
    first_day: date
    cliffs: list[Cliff] = field(default_factory=list)
    # Money ending without a recorded successor or extension, per currency; programme budgets left out.
    totals: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def upcoming_cliffs(session: Session, today: date, lead_days: int) -> list[Month]:
    """The next twelve calendar months (this one first), each with the streams ending in it, earliest first."""
    months = [Month(_add_months(today.replace(day=1), n)) for n in range(MONTHS)]
    end = _add_months(today.replace(day=1), MONTHS)
    ending = select(FundingStream.initiative_id).where(FundingStream.effective_end >= today, FundingStream.effective_end < end)
    initiatives = session.scalars(
        select(Initiative).where(Initiative.id.in_(ending)).options(selectinload(Initiative.funding_streams))
    ).all()
    cliffs = sorted(
        (Cliff(initiative, cliff) for initiative in initiatives
         for cliff in stream_cliffs(initiative.funding_streams, lead_days, since=today) if cliff.end < end),
        key=lambda c: (c.stream.end, c.initiative.name_key, c.stream.stream.id),
    )
    for cliff in cliffs:
        month = months[(cliff.stream.end.year - today.year) * 12 + cliff.stream.end.month - today.month]
        month.cliffs.append(cliff)
        stream = cliff.stream.stream
        if stream.amount is not None and not stream.programme_envelope and not cliff.stream.successor:
            month.totals[stream.currency] += stream.amount
    return months


def delivery_log(session: Session, status: DeliveryStatus | None) -> list[AlertDelivery]:
    """The latest deliveries (failed ones first when filtered), with what and to whom."""
    query = (
        select(AlertDelivery).order_by(AlertDelivery.id.desc()).limit(LOG_PAGE)
        .options(joinedload(AlertDelivery.item).joinedload(AlertItem.subscription),
                 joinedload(AlertDelivery.item).joinedload(AlertItem.event))
    )
    if status is not None:
        query = query.where(AlertDelivery.status == status)
    return list(session.scalars(query))


def paused_channels(session: Session, now: datetime) -> list[ChannelHealth]:
    """Channels (e-mail, webhook hosts) paused after connection-level failures, for the delivery log."""
    return list(session.scalars(select(ChannelHealth).where(ChannelHealth.paused_until > now).order_by(ChannelHealth.name)))
