"""User accounts."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, str_enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    PARTNER = "partner"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, length=16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id kept in the login cookie: raising it ends every session of the user (logout, new password).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime]

    organisation = relationship("Organisation", lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in
        return self.active

    def get_id(self) -> str:
        """The login cookie holds ``<id>:<generation>``, so a copied cookie dies with its generation."""
        return f"{self.id}:{self.session_generation}"

    @property
    def can_manage(self) -> bool:
        """Managers and admins create and edit initiatives, stakeholders and funding."""
        return self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
