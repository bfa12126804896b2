"""Initiatives: Interreg projects, GrensInfoPunten, EDL activities, partnerships and programmes."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, str_enum


class InitiativeKind(enum.StrEnum):
    INTERREG_PROJECT = "interreg_project"
    GRENSINFOPUNT = "grensinfopunt"
    EDL_ACTIVITY = "edl_activity"
    PARTNERSHIP = "partnership"
    PROGRAMME = "programme"
    OTHER = "other"


class InitiativeStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ENDED = "ended"


class Initiative(Base):
    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[InitiativeKind] = mapped_column(str_enum(InitiativeKind), index=True)
    name_nl: Mapped[str | None] = mapped_column(String(250))
    name_de: Mapped[str | None] = mapped_column(String(250))
    name_en: Mapped[str | None] = mapped_column(String(250))
    # Lower-cased primary name, unique: "duplicate names" are refused on it whatever the case.
    name_key: Mapped[str] = mapped_column(String(250), unique=True)
    acronym: Mapped[str | None] = mapped_column(String(60))
    # Alternative spellings and names (one per line) used to recognise mentions in news.
    aliases: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InitiativeStatus] = mapped_column(str_enum(InitiativeStatus), index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    dates_estimated: Mapped[bool] = mapped_column(default=False)
    website: Mapped[str | None] = mapped_column(String(500))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    parent: Mapped[Initiative | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Initiative]] = relationship(back_populates="parent", order_by="Initiative.name_key")
    regions: Mapped[list[InitiativeRegion]] = relationship(
        cascade="all, delete-orphan", order_by="InitiativeRegion.code", lazy="selectin"
    )
    advice_links: Mapped[list[InitiativeAdviceLink]] = relationship(
        cascade="all, delete-orphan", order_by="InitiativeAdviceLink.code", lazy="selectin"
    )
    funding_streams = relationship(
        "FundingStream", back_populates="initiative", cascade="all, delete-orphan",
        order_by="FundingStream.start_date", lazy="selectin",
    )
    roles = relationship("InitiativeRole", back_populates="initiative", cascade="all, delete-orphan")

    def name_in(self, locale: str) -> str:
        """The name in ``locale``, falling back through nl, de and en."""
        by_locale = {"nl": self.name_nl, "de": self.name_de, "en": self.name_en}
        return by_locale.get(locale) or self.name_nl or self.name_de or self.name_en or self.slug

    @property
    def primary_name(self) -> str:
        return self.name_nl or self.name_de or self.name_en or self.slug

    @property
    def region_codes(self) -> list[str]:
        return [r.code for r in self.regions]

    @property
    def advice_codes(self) -> list[str]:
        return [a.code for a in self.advice_links]

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class InitiativeRegion(Base):
    """A NUTS code or named Euregio area (see ``hub.regions``) an initiative works in."""

    __tablename__ = "initiative_regions"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class InitiativeAdviceLink(Base):
    """A SER advice theme ("5") or recommendation ("5a", see ``hub.advice``) an initiative serves."""

    __tablename__ = "initiative_advice_links"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)
