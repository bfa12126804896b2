"""Personal API tokens: the only way a partner system authenticates to the JSON API."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, str_enum


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class ApiToken(Base):
    """A token acts for its user with that user's role, limited to its scope.

    Only the SHA-256 digest of the secret is stored: the secret is shown once, when it is made.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the secret, so its owner can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(str_enum(TokenScope, length=8))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined")

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE
