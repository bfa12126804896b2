"""Lobby cycles, their three ranked priorities, partner positions, actions and evidence."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, str_enum


class TargetLevel(enum.StrEnum):
    RIJK = "rijk"
    EU = "eu"
    LAND = "land"


class PriorityStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_LOBBY = "in_lobby"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class Position(enum.StrEnum):
    """A partner's stance on a priority, strongest support first (the coalition table's column order)."""

    ENDORSES = "endorses"
    SUPPORTS_WITH_RESERVATIONS = "supports_with_reservations"
    UNDECIDED = "undecided"
    OPPOSES = "opposes"


class ActionKind(enum.StrEnum):
    CONFERENCE = "conference"
    POSITION_PAPER = "position_paper"
    LETTER = "letter"
    MINISTRY_MEETING = "ministry_meeting"
    EU_NETWORK = "eu_network"


class EvidenceKind(enum.StrEnum):
    INITIATIVE = "initiative"
    FIGURE = "figure"
    QUOTE = "quote"
    NEWS = "news"


MAX_PRIORITIES = 3


class LobbyCycle(Base):
    """One year's joint lobby; only an active cycle takes new priorities or a new order."""

    __tablename__ = "lobby_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title_nl: Mapped[str | None] = mapped_column(String(250))
    title_de: Mapped[str | None] = mapped_column(String(250))
    title_en: Mapped[str | None] = mapped_column(String(250))
    summary_nl: Mapped[str] = mapped_column(Text, default="")
    summary_de: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    priorities: Mapped[list[LobbyPriority]] = relationship(
        back_populates="cycle", order_by="LobbyPriority.rank", cascade="all, delete-orphan"
    )

    def title_in(self, locale: str) -> str:
        return _in(locale, self.title_nl, self.title_de, self.title_en) or str(self.year)

    def summary_in(self, locale: str) -> str:
        return _in(locale, self.summary_nl, self.summary_de, self.summary_en) or ""


class LobbyPriority(Base):
    """One of a cycle's three priorities; ``rank`` 1–3 is unique within the cycle."""

    __tablename__ = "lobby_priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("lobby_cycles.id", ondelete="CASCADE"))
    rank: Mapped[int]
    title_nl: Mapped[str | None] = mapped_column(String(250))
    title_de: Mapped[str | None] = mapped_column(String(250))
    title_en: Mapped[str | None] = mapped_column(String(250))
    summary_nl: Mapped[str] = mapped_column(Text, default="")
    summary_de: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    target_level: Mapped[TargetLevel] = mapped_column(str_enum(TargetLevel))
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    status: Mapped[PriorityStatus] = mapped_column(str_enum(PriorityStatus))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    cycle: Mapped[LobbyCycle] = relationship(back_populates="priorities")
    owner = relationship("Organisation", lazy="joined")
    advice_links: Mapped[list[LobbyPriorityAdviceLink]] = relationship(
        cascade="all, delete-orphan", order_by="LobbyPriorityAdviceLink.code", lazy="selectin"
    )
    positions: Mapped[list[PartnerPosition]] = relationship(back_populates="priority", cascade="all, delete-orphan")
    actions: Mapped[list[LobbyAction]] = relationship(
        back_populates="priority", cascade="all, delete-orphan", order_by=lambda: (LobbyAction.due_on, LobbyAction.id)
    )
    evidence: Mapped[list[LobbyEvidence]] = relationship(
        back_populates="priority", cascade="all, delete-orphan", order_by="LobbyEvidence.id"
    )

    __table_args__ = (UniqueConstraint("cycle_id", "rank"),)

    def title_in(self, locale: str) -> str:
        return _in(locale, self.title_nl, self.title_de, self.title_en) or f"#{self.rank}"

    def summary_in(self, locale: str) -> str:
        return _in(locale, self.summary_nl, self.summary_de, self.summary_en) or ""

    @property
    def advice_codes(self) -> list[str]:
        return [link.code for link in self.advice_links]


class LobbyPriorityAdviceLink(Base):
    """A SER recommendation ("3b", see ``hub.advice``) a priority comes from."""

    __tablename__ = "lobby_priority_advice_links"

    priority_id: Mapped[int] = mapped_column(ForeignKey("lobby_priorities.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(4), primary_key=True)


class PartnerPosition(Base):
    """A partner's current position on a priority; earlier positions live in the priority's events."""

    __tablename__ = "lobby_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("lobby_priorities.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    position: Mapped[Position] = mapped_column(str_enum(Position))
    stated_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]

    priority: Mapped[LobbyPriority] = relationship(back_populates="positions")
    organisation = relationship("Organisation", lazy="joined")

    __table_args__ = (UniqueConstraint("priority_id", "organisation_id"),)


class LobbyAction(Base):
    """A conference, paper, letter, meeting or EU-network item; open until its outcome is recorded."""

    __tablename__ = "lobby_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("lobby_priorities.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ActionKind] = mapped_column(str_enum(ActionKind))
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date]
    responsible_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Documents and links, one URL per line.
    links: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    priority: Mapped[LobbyPriority] = relationship(back_populates="actions")
    responsible = relationship("Organisation", lazy="joined")

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def is_open(self) -> bool:
        return not self.outcome

    def is_overdue(self, today: date) -> bool:
        return self.is_open() and self.due_on < today


class LobbyEvidence(Base):
    """Support for a priority: a registry initiative (with its funding cliff), a figure, a quote or a news item.

    Figures carry ``value``, ``source`` and ``source_date``; quotes ``text`` and ``source``; news items a
    headline in ``text``, the outlet in ``source``, a date and a ``url``.
    """

    __tablename__ = "lobby_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("lobby_priorities.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(str_enum(EvidenceKind))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    source_date: Mapped[date | None]
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]

    priority: Mapped[LobbyPriority] = relationship(back_populates="evidence")
    initiative = relationship("Initiative", lazy="joined")


def _in(locale: str, nl: str | None, de: str | None, en: str | None) -> str | None:
    """The text in ``locale``, falling back through nl, de and en (like initiative names)."""
    return {"nl": nl, "de": de, "en": en}.get(locale) or nl or de or en
