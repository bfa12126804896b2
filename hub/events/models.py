"""The append-only ``events`` table."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, BigId


class Event(Base):
    """One recorded change: who did what to which subject, with before/after in the payload.

    Ids increase monotonically in commit order (writers serialise on a lock, see ``record_event``),
    so consumers can follow the stream with a simple "id greater than my cursor" query.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    payload: Mapped[dict[str, Any]]
    public: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id", "id"),)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.name} {self.subject_type}:{self.subject_id}>"
