"""The funding horizon: the date after which no stream covers an initiative. Always derived, never stored."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, func, select

from hub.funding.models import FundingStream


def funding_horizon(streams: Iterable[FundingStream]) -> date | None:
    """Last end date over the streams; None when there are none or one is open-ended."""
    end_dates = [s.end_date for s in streams]
    if not end_dates or any(d is None for d in end_dates):
        return None
    return max(end_dates)  # type: ignore[type-var]


def horizons_query() -> Select:
    """(initiative_id, horizon) for every initiative whose streams all end — the same rule in SQL."""
    return (
        select(FundingStream.initiative_id, func.max(FundingStream.end_date).label("horizon"))
        .group_by(FundingStream.initiative_id)
        .having(func.count() == func.count(FundingStream.end_date))
    )
