"""Loads the 2026 lobby cycle (``hub.demo.lobby_data``) through the lobby services, so the demo's
priorities come with their history of positions, actions and evidence."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hub.demo import lobby_data as data
from hub.initiatives.models import Initiative
from hub.lobby.models import EvidenceKind, LobbyCycle
from hub.lobby.service import (
    ActionInput,
    CycleInput,
    EvidenceInput,
    PositionInput,
    PriorityInput,
    add_action,
    add_evidence,
    add_priority,
    create_cycle,
    set_position,
)
from hub.stakeholders.models import Organisation


def load_lobby_demo(session: Session, orgs: dict[str, Organisation], initiatives: dict[str, Initiative]) -> LobbyCycle:
    """Create the demo cycle with its three priorities; ``orgs`` and ``initiatives`` are keyed like the data."""
    cycle_row = data.LOBBY_CYCLE
    cycle = create_cycle(session, CycleInput(
        year=cycle_row["year"], **{f"title_{lang}": text for lang, text in cycle_row["title"].items()},
        **{f"summary_{lang}": text for lang, text in cycle_row["summary"].items()},
    ), actor_id=None)
    for row in sorted(data.PRIORITIES, key=lambda r: r["rank"]):
        priority = add_priority(session, cycle, PriorityInput(
            owner_id=orgs[row["owner_province"]].id, target_level=row["target_level"], status=row["status"],
            advice_codes=row["advice_codes"], **{f"title_{lang}": text for lang, text in row["title"].items()},
            **{f"summary_{lang}": text for lang, text in row["summary"].items()},
        ), actor_id=None)
        for position in row["positions"]:
            set_position(session, priority, PositionInput(
                organisation_id=orgs[position["org"]].id, position=position["position"],
                stated_on=date.fromisoformat(position["date"]), note=position.get("note", ""),
            ), actor_id=None)
        for action in row["actions"]:
            add_action(session, priority, ActionInput(
                kind=action["kind"], title=action["title"], due_on=date.fromisoformat(action["date"]),
                responsible_id=orgs[action["responsible"]].id, outcome=action.get("outcome") or "",
                links=action.get("links", []),
            ), actor_id=None)
        for key in row["evidence_initiatives"]:
            add_evidence(session, priority, EvidenceInput(kind=EvidenceKind.INITIATIVE.value,
                                                          initiative_id=initiatives[key].id), actor_id=None)
        for figure in row["figures"]:
            add_evidence(session, priority, EvidenceInput(
                kind=EvidenceKind.FIGURE.value, text=figure["text"], value=figure["value"], source=figure["source"],
                source_date=date.fromisoformat(figure["date"]),
            ), actor_id=None)
        for quote in row["quotes"]:
            add_evidence(session, priority, EvidenceInput(kind=EvidenceKind.QUOTE.value, text=quote["text"],
                                                          source=quote["source"]), actor_id=None)
    return cycle
