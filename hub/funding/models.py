"""Funding streams: who pays for an initiative, how much, and until when."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
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
    # None: open-ended (typically structural) — the stream covers the initiative indefinitely.
    end_date: Mapped[date | None] = mapped_column(index=True)
    amount_estimated: Mapped[bool] = mapped_column(default=False)
    end_date_estimated: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    initiative = relationship("Initiative", back_populates="funding_streams")
    funder = relationship("Organisation", lazy="joined")
