"""The coverage matrix: for each SER theme and recommendation, the active initiatives serving it,
the money of their running funding streams, and until when that funding lasts.

Two situations stand out: a recommendation no active initiative serves (a gap), and one where no
serving initiative is funded beyond the next 12 months (at risk: every one of them loses its
funding within a year, or has none recorded).
"""
from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import advice, clock
from hub.coverage.horizon import one_year_after
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative, InitiativeAdviceLink, InitiativeStatus


class CoverageStatus(enum.StrEnum):
    GAP = "gap"
    AT_RISK = "at_risk"
    COVERED = "covered"


STATUS_LABELS = {
    CoverageStatus.GAP: _l("No active initiative"),
    CoverageStatus.AT_RISK: _l("All funding ends within 12 months"),
    CoverageStatus.COVERED: _l("Covered"),
}


@dataclass
class Funding:
    """One initiative's funding as the matrix needs it."""

    open_ended: bool = False
    horizon: date | None = None  # last end date when every stream ends
    running: dict[str, Decimal] = field(default_factory=dict)  # per currency, streams not yet ended
    ending: dict[str, Decimal] = field(default_factory=dict)  # the part of it ending by the cutoff, no successor


@dataclass
class CoverageRow:
    code: str  # "3" for a theme, "3a" for a recommendation
    is_theme: bool
    initiative_ids: list[int]
    money: dict[str, Decimal]  # per currency
    ending: dict[str, Decimal]  # per currency: the money ending by the cutoff with no successor recorded
    open_ended: bool  # at least one serving initiative has open-ended funding
    until: date | None  # otherwise: the latest funding horizon among them
    status: CoverageStatus

    @property
    def count(self) -> int:
        return len(self.initiative_ids)

    @property
    def heat(self) -> int:
        """0 (none) to 3 (four or more): the shade of the cell, always shown with the number itself."""
        return 0 if self.count == 0 else 1 if self.count == 1 else 2 if self.count <= 3 else 3


@dataclass
class CoverageMatrix:
    today: date
    cutoff: date  # funding that ends before this is "within 12 months"
    rows: list[CoverageRow]  # each theme followed by its recommendations
    currencies: list[str]

    @property
    def gaps(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.is_theme and r.status == CoverageStatus.GAP]

    @property
    def at_risk(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.is_theme and r.status == CoverageStatus.AT_RISK]


def _funding_of(session: Session, today: date, cutoff: date) -> dict[int, Funding]:
    """Programme envelopes count for the horizon but not in the money (a programme budget would dwarf the rest)."""
    active = select(Initiative.id).where(Initiative.status == InitiativeStatus.ACTIVE)
    funding: dict[int, Funding] = defaultdict(Funding)
    ends: dict[int, list[date | None]] = defaultdict(list)
    for owner, currency, amount, end, envelope, successor in session.execute(
        select(FundingStream.initiative_id, FundingStream.currency, FundingStream.amount, FundingStream.effective_end,
               FundingStream.programme_envelope, FundingStream.successor_id)
        .where(FundingStream.initiative_id.in_(active))
    ):
        ends[owner].append(end)
        if amount is not None and not envelope and (end is None or end >= today):
            funding[owner].running[currency] = funding[owner].running.get(currency, Decimal(0)) + amount
            if end is not None and end <= cutoff and successor is None:
                funding[owner].ending[currency] = funding[owner].ending.get(currency, Decimal(0)) + amount
    for owner, dates in ends.items():
        if any(d is None for d in dates):
            funding[owner].open_ended = True
        else:
            funding[owner].horizon = max(d for d in dates if d is not None)
    return funding


def _row(code: str, serving: set[int], funding: dict[int, Funding], cutoff: date) -> CoverageRow:
    money: dict[str, Decimal] = {}
    ending: dict[str, Decimal] = {}
    for initiative_id in serving:
        for currency, amount in funding[initiative_id].running.items():
            money[currency] = money.get(currency, Decimal(0)) + amount
        for currency, amount in funding[initiative_id].ending.items():
            ending[currency] = ending.get(currency, Decimal(0)) + amount
    open_ended = any(funding[i].open_ended for i in serving)
    horizons = [funding[i].horizon for i in serving if funding[i].horizon is not None]
    lasting = any(funding[i].open_ended or (funding[i].horizon or date.min) > cutoff for i in serving)
    status = CoverageStatus.GAP if not serving else CoverageStatus.COVERED if lasting else CoverageStatus.AT_RISK
    return CoverageRow(code=code, is_theme=code.isdigit(), initiative_ids=sorted(serving), money=money, ending=ending,
                       open_ended=open_ended, until=None if open_ended else max(horizons, default=None), status=status)


def coverage_matrix(session: Session) -> CoverageMatrix:
    """The matrix as of today (``hub.clock``); active means status "active"."""
    today = clock.today()
    cutoff = one_year_after(today)
    serving: dict[str, set[int]] = defaultdict(set)
    for initiative_id, code in session.execute(
        select(InitiativeAdviceLink.initiative_id, InitiativeAdviceLink.code).join(Initiative)
        .where(Initiative.status == InitiativeStatus.ACTIVE)
    ):
        serving[code].add(initiative_id)
        serving[str(advice.theme_of(code))].add(initiative_id)
    funding = _funding_of(session, today, cutoff)
    rows = []
    for theme in advice.THEMES:
        rows.append(_row(str(theme.number), serving[str(theme.number)], funding, cutoff))
        rows.extend(_row(rec.code, serving[rec.code], funding, cutoff) for rec in theme.recommendations)
    currencies = sorted({c for row in rows for c in row.money} | {"EUR"}, key=lambda c: (c != "EUR", c))
    return CoverageMatrix(today=today, cutoff=cutoff, rows=rows, currencies=currencies)
