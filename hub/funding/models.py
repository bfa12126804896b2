"""Funding streams: who pays for an initiative, how much, and until when."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, str_enum


class FundingKind(enum.StrEnum):
    STRUCTURAL = "structural"
    TEMPORARY = "temporary"


class FundingStream(Base):
    __tablename__ = "funding_streams"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[FundingKind] = mapped_column(str_enum(FundingKind))
    amount: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    cofinancing_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    start_date: Mapped[date]
    # The planned end. None: open-ended (typically structural) — the stream covers the initiative indefinitely.
    end_date: Mapped[date | None] = mapped_column(index=True)
    # As IATI's activity dates: the end now expected (may run past the plan) and the end it actually had.
    expected_end_date: Mapped[date | None]
    actual_end_date: Mapped[date | None]
    # When the funder must decide on renewal; None: HUB_RENEWAL_LEAD_DAYS before the effective end.
    renewal_decision_date: Mapped[date | None]
    # The stream that carries on after this one (same or another funder): recorded, the cliff is lifted.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("funding_streams.id", ondelete="SET NULL"))
    # A programme's whole budget (say an INTERREG envelope), not money the initiative itself spends:
    # shown, but left out of totals so it does not dwarf the projects it funds.
    programme_envelope: Mapped[bool] = mapped_column(default=False)
    amount_estimated: Mapped[bool] = mapped_column(default=False)
    end_date_estimated: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    initiative = relationship("Initiative", back_populates="funding_streams")
    funder = relationship("Organisation", lazy="joined")
    successor = relationship("FundingStream", remote_side=[id], foreign_keys=[successor_id])

    @hybrid_property
    def effective_end(self) -> date | None:
        """The end that counts: actual if known, else expected, else planned."""
        return self.actual_end_date or self.expected_end_date or self.end_date

    @effective_end.inplace.expression
    @classmethod
    def _effective_end_expression(cls):  # type: ignore[no-untyped-def]
        return func.coalesce(cls.actual_end_date, cls.expected_end_date, cls.end_date)

    @property
    def extended(self) -> bool:
        """The effective end lies past the planned end: the stream was extended."""
        end = self.effective_end
        return end is not None and self.end_date is not None and end > self.end_date
