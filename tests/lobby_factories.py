"""Builders for lobby test data, going through the lobby services like users do."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from hub.lobby.models import LobbyCycle, LobbyPriority
from hub.lobby.service import CycleInput, PositionInput, PriorityInput, add_priority, create_cycle, set_position
from tests.factories import organisation

TODAY = date(2026, 11, 23)
TITLES = (
    "Erkenning van mbo-diploma's",
    "Eenvoudiger administratie voor grensarbeiders",
    "Taal- en cultuurtrainingen",
)


def freeze_clock(monkeypatch: pytest.MonkeyPatch, day: date = TODAY) -> None:
    """Fix the hub's clock (``hub.clock.now``; ``today()`` follows) at noon UTC on ``day``."""
    monkeypatch.setattr("hub.clock.now", lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC))


def province(db: Session, name: str = "Provincie Overijssel", country: str = "NL") -> int:
    return organisation(db, name, country=country, type_="government").id


def cycle(db: Session, year: int = 2026, active: bool = True) -> LobbyCycle:
    return create_cycle(db, CycleInput(year=year, title_nl=f"Lobbycyclus {year}", title_de=f"Lobbyzyklus {year}",
                                       title_en=f"{year} lobby cycle", active=active), actor_id=None)


def priority_input(db: Session, title: str, **fields: Any) -> PriorityInput:
    return PriorityInput(
        owner_id=fields.pop("owner_id", None) or province(db), target_level=fields.pop("target_level", "rijk"),
        status=fields.pop("status", "agreed"), title_nl=title, title_de=fields.pop("title_de", f"{title} (DE)"),
        title_en=fields.pop("title_en", f"{title} (EN)"), advice_codes=fields.pop("advice_codes", ["2e"]), **fields,
    )


def three_priorities(db: Session, year: int = 2026) -> tuple[LobbyCycle, list[LobbyPriority]]:
    made = cycle(db, year)
    priorities = [add_priority(db, made, priority_input(db, title), actor_id=None) for title in TITLES]
    return made, priorities


def position(db: Session, target: LobbyPriority, org_name: str, stance: str, day: date = date(2026, 3, 1),
             country: str = "NL", note: str = "") -> None:
    set_position(db, target, PositionInput(organisation_id=province(db, org_name, country), position=stance,
                                           stated_on=day, note=note), actor_id=None)
