"""The one place the hub asks what time it is, so tests and the alert simulation can move time."""
from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()
