"""Overlap detection: analysed terms per initiative, the managers' decisions on pairs, and the
scored pairs behind the cluster report."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, BigId, str_enum


class TermField(enum.StrEnum):
    NAME = "name"  # names in every language, acronym, aliases
    TEXT = "text"  # description


class Verdict(enum.StrEnum):
    DUPLICATE = "duplicate"
    COMPLEMENTARY = "complementary"
    UNRELATED = "unrelated"


class OverlapTerm(Base):
    """One analysed term of an initiative (see ``hub.search.text``); the primary key doubles as the
    term -> initiatives index the candidate pre-filter reads."""

    __tablename__ = "overlap_terms"

    term: Mapped[str] = mapped_column(String(40), primary_key=True)
    field: Mapped[TermField] = mapped_column(str_enum(TermField, length=8), primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_overlap_terms_initiative_id", "initiative_id"), {"sqlite_with_rowid": False})


class OverlapDecision(Base):
    """A manager's verdict on a pair of initiatives (stored once, lower id first)."""

    __tablename__ = "overlap_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    high_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict, length=16))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime]

    low = relationship("Initiative", foreign_keys=[low_id])
    high = relationship("Initiative", foreign_keys=[high_id])
    decided_by = relationship("User")

    __table_args__ = (UniqueConstraint("low_id", "high_id"), CheckConstraint("low_id < high_id", name="ordered"))


class OverlapPair(Base):
    """A scored pair above the storage threshold, kept up to date from the events for the cluster report."""

    __tablename__ = "overlap_pairs"

    low_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    high_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON)  # reason codes: "purpose", "partner", ...

    __table_args__ = (CheckConstraint("low_id < high_id", name="ordered"),)
