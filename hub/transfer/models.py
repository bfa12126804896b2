"""Identifiers other systems give an initiative, so re-importing their files updates instead of duplicating."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base


class InitiativeExternalId(Base):
    """One external id of an initiative: ``source`` names the system ("import", "keep.eu"), unique per source."""

    __tablename__ = "initiative_external_ids"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
