"""Organisations, the people who work there, and their roles on initiatives."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, str_enum


class OrganisationType(enum.StrEnum):
    GOVERNMENT = "government"
    EDUCATION = "education"
    EMPLOYER = "employer"
    UNION = "union"
    KNOWLEDGE = "knowledge"
    EUREGIO = "euregio"
    FUNDER = "funder"
    NGO = "ngo"
    OTHER = "other"


class InitiativeRoleKind(enum.StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    FUNDER = "funder"
    AMBASSADOR = "ambassador"


COUNTRIES = ("NL", "DE", "BE", "EU")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    type: Mapped[OrganisationType] = mapped_column(str_enum(OrganisationType))
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    people: Mapped[list[Person]] = relationship(back_populates="organisation", order_by="Person.name", cascade="all, delete-orphan")
    roles: Mapped[list[InitiativeRole]] = relationship(back_populates="organisation", cascade="all, delete-orphan")


class Person(Base):
    """A contact person. Their contact details are personal data: only logged-in users see them."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))

    organisation: Mapped[Organisation] = relationship(back_populates="people")


class InitiativeRole(Base):
    """An organisation's (or a person's) role on an initiative: lead, partner, funder or ambassador."""

    __tablename__ = "initiative_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    role: Mapped[InitiativeRoleKind] = mapped_column(str_enum(InitiativeRoleKind))

    organisation: Mapped[Organisation] = relationship(back_populates="roles", lazy="joined")
    person: Mapped[Person | None] = relationship()
    initiative = relationship("Initiative", back_populates="roles")

    __table_args__ = (UniqueConstraint("initiative_id", "organisation_id", "role"),)
