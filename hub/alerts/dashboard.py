"""Read models for the managers' cliff dashboard and the admins' delivery log."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload

from hub.alerts.models import AlertDelivery, AlertItem, ChannelHealth, DeliveryStatus
from hub.funding.horizon import horizons_query
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative

MONTHS = 12
LOG_PAGE = 200


@dataclass
class Cliff:
    initiative: Initiative
    horizon: date
    # The money of the streams still running that stop by the cliff, per currency.
    ending: dict[str, Decimal]
    estimated: bool


@dataclass
class Month:
    first_day: date
    cliffs: list[Cliff] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def upcoming_cliffs(session: Session, today: date) -> list[Month]:
    """The next twelve calendar months (this one first), each with the cliffs falling in it."""
    months = [Month(_add_months(today.replace(day=1), n)) for n in range(MONTHS)]
    end = _add_months(today.replace(day=1), MONTHS)
    horizons = horizons_query().subquery()
    rows = session.execute(
        select(Initiative, horizons.c.horizon, FundingStream.currency, func.sum(FundingStream.amount),
               func.max(case((FundingStream.amount_estimated, 1), else_=0)))
        .join(horizons, horizons.c.initiative_id == Initiative.id)
        .join(FundingStream, FundingStream.initiative_id == Initiative.id)
        .where(horizons.c.horizon >= today, horizons.c.horizon < end, FundingStream.end_date >= today)
        .group_by(Initiative.id, horizons.c.horizon, FundingStream.currency)
        .order_by(horizons.c.horizon, Initiative.name_key)
    ).all()
    cliffs: dict[int, Cliff] = {}
    for initiative, horizon, currency, amount, estimated in rows:
        cliff = cliffs.get(initiative.id)
        if cliff is None:
            cliff = cliffs[initiative.id] = Cliff(initiative, horizon, {}, False)
            months[(horizon.year - today.year) * 12 + horizon.month - today.month].cliffs.append(cliff)
        cliff.ending[currency] = Decimal(amount or 0)
        cliff.estimated = cliff.estimated or bool(estimated)
    for month in months:
        for cliff in month.cliffs:
            for currency, amount in cliff.ending.items():
                month.totals[currency] += amount
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
