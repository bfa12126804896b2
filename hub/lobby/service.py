"""Lobby cycles, priorities, positions, actions and evidence. Every change records its domain event.

Priority-level events use subject type ``lobby_priority`` and the priority's id, so a priority's history
(and anyone following it, such as the alerts engine) sees its positions, actions and evidence change.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import advice, clock
from hub.db import is_value_of
from hub.errors import NotFound, ValidationFailed
from hub.events import record_event
from hub.initiatives.models import Initiative
from hub.lobby.models import (
    MAX_PRIORITIES,
    ActionKind,
    EvidenceKind,
    LobbyAction,
    LobbyCycle,
    LobbyEvidence,
    LobbyPriority,
    LobbyPriorityAdviceLink,
    PartnerPosition,
    Position,
    PriorityStatus,
    TargetLevel,
)
from hub.stakeholders.models import Organisation
from hub.limits import check_day
from hub.text import clean_fields

PRIORITY_SUBJECT = "lobby_priority"
CYCLE_SUBJECT = "lobby_cycle"
LANGUAGES = ("nl", "de", "en")


def _record(session: Session, name: str, subject_type: str, subject_id: int, *, actor_id: int | None,
            payload: dict[str, Any]) -> None:
    """Lobby events are members-only (``public=False``): they never reach the public Atom feed, the anonymous
    API or subscribers without an account."""
    record_event(session, name, subject_type, subject_id, actor_id=actor_id, payload=payload, public=False)


class LobbyEvent(enum.StrEnum):
    CYCLE_CREATED = "lobby.cycle_created"
    CYCLE_UPDATED = "lobby.cycle_updated"
    PRIORITY_ADDED = "lobby.priority_added"
    PRIORITY_UPDATED = "lobby.priority_updated"
    PRIORITY_MOVED = "lobby.priority_moved"
    PRIORITY_REMOVED = "lobby.priority_removed"
    POSITION_SET = "lobby.position_set"
    ACTION_ADDED = "lobby.action_added"
    ACTION_UPDATED = "lobby.action_updated"
    ACTION_REMOVED = "lobby.action_removed"
    EVIDENCE_ADDED = "lobby.evidence_added"
    EVIDENCE_REMOVED = "lobby.evidence_removed"


@dataclass
class CycleInput:
    year: int | None
    title_nl: str | None = None
    title_de: str | None = None
    title_en: str | None = None
    summary_nl: str = ""
    summary_de: str = ""
    summary_en: str = ""
    active: bool = True

    def __post_init__(self) -> None:
        clean_fields(self, single=("title_nl", "title_de", "title_en"), multi=("summary_nl", "summary_de", "summary_en"))


@dataclass
class PriorityInput:
    owner_id: int | None
    target_level: str
    status: str = PriorityStatus.PROPOSED.value
    title_nl: str | None = None
    title_de: str | None = None
    title_en: str | None = None
    summary_nl: str = ""
    summary_de: str = ""
    summary_en: str = ""
    advice_codes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        clean_fields(self, single=("title_nl", "title_de", "title_en"), multi=("summary_nl", "summary_de", "summary_en"))


@dataclass
class PositionInput:
    organisation_id: int | None
    position: str
    stated_on: date | None
    note: str = ""

    def __post_init__(self) -> None:
        clean_fields(self, multi=("note",))


@dataclass
class ActionInput:
    kind: str
    title: str
    due_on: date | None
    responsible_id: int | None
    outcome: str = ""
    links: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        clean_fields(self, single=("title",), multi=("outcome",), lists=("links",))


@dataclass
class EvidenceInput:
    kind: str
    initiative_id: int | None = None
    text: str = ""
    value: str = ""
    source: str = ""
    source_date: date | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        clean_fields(self, single=("value", "source", "url"), multi=("text",))


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and len(value) <= 500 and " " not in value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- cycles -----------------------------------------------------------------------------------


def cycle_snapshot(cycle: LobbyCycle) -> dict[str, Any]:
    return {
        "year": cycle.year,
        **{f"title_{lang}": getattr(cycle, f"title_{lang}") for lang in LANGUAGES},
        **{f"summary_{lang}": getattr(cycle, f"summary_{lang}") for lang in LANGUAGES},
        "active": cycle.active,
    }


def _validate_cycle(session: Session, data: CycleInput, current: LobbyCycle | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.year is None or not 2000 <= data.year <= 2100:
        errors["year"] = [_("Give the year of the cycle (2000–2100).")]
    else:
        clash = session.scalar(select(LobbyCycle).where(LobbyCycle.year == data.year))
        if clash is not None and clash is not current:
            errors["year"] = [_("There already is a lobby cycle for %(year)s.", year=data.year)]
    if not any(_clean(getattr(data, f"title_{lang}")) for lang in LANGUAGES):
        errors["title_nl"] = [_("Give the cycle a title in at least one language.")]
    return errors


def _apply_cycle(cycle: LobbyCycle, data: CycleInput) -> None:
    cycle.year = data.year  # type: ignore[assignment]  # validated
    for lang in LANGUAGES:
        setattr(cycle, f"title_{lang}", _clean(getattr(data, f"title_{lang}")) or None)
        setattr(cycle, f"summary_{lang}", _clean(getattr(data, f"summary_{lang}")))
    cycle.active = data.active
    cycle.updated_at = clock.now()


def create_cycle(session: Session, data: CycleInput, *, actor_id: int | None) -> LobbyCycle:
    errors = _validate_cycle(session, data, None)
    if errors:
        raise ValidationFailed(errors)
    cycle = LobbyCycle(created_at=clock.now())
    _apply_cycle(cycle, data)
    session.add(cycle)
    session.flush()
    _record(session, LobbyEvent.CYCLE_CREATED, CYCLE_SUBJECT, cycle.id, actor_id=actor_id,
                 payload={"after": cycle_snapshot(cycle)})
    return cycle


def update_cycle(session: Session, cycle: LobbyCycle, data: CycleInput, *, actor_id: int | None) -> LobbyCycle:
    errors = _validate_cycle(session, data, cycle)
    if errors:
        raise ValidationFailed(errors)
    before = cycle_snapshot(cycle)
    _apply_cycle(cycle, data)
    session.flush()
    _record_changes(session, LobbyEvent.CYCLE_UPDATED, CYCLE_SUBJECT, cycle.id, before, cycle_snapshot(cycle), actor_id)
    return cycle


def _record_changes(session: Session, name: LobbyEvent, subject_type: str, subject_id: int,
                    before: dict[str, Any], after: dict[str, Any], actor_id: int | None,
                    extra: dict[str, Any] | None = None) -> None:
    """Record an update event holding only the fields that changed; no event when nothing did."""
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        _record(session, name, subject_type, subject_id, actor_id=actor_id,
                     payload={**(extra or {}), "before": {k: before.get(k) for k in changed}, "after": changed})


# --- priorities -------------------------------------------------------------------------------


def priority_snapshot(priority: LobbyPriority) -> dict[str, Any]:
    return {
        "rank": priority.rank,
        **{f"title_{lang}": getattr(priority, f"title_{lang}") for lang in LANGUAGES},
        **{f"summary_{lang}": getattr(priority, f"summary_{lang}") for lang in LANGUAGES},
        "advice_codes": priority.advice_codes,
        "target_level": priority.target_level.value,
        "owner_id": priority.owner_id,
        "owner": priority.owner.name if priority.owner else None,
        "status": priority.status.value,
    }


def _validate_priority(session: Session, data: PriorityInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not any(_clean(getattr(data, f"title_{lang}")) for lang in LANGUAGES):
        add("title_nl", _("Give the priority a title in at least one language."))
    if not is_value_of(TargetLevel, data.target_level):
        add("target_level", _("Unknown target level: %(value)s.", value=data.target_level))
    if not is_value_of(PriorityStatus, data.status):
        add("status", _("Unknown status: %(value)s.", value=data.status))
    if data.owner_id is None or session.get(Organisation, data.owner_id) is None:
        add("owner_id", _("Choose an existing organisation as owner."))
    codes = [c.strip().lower() for c in data.advice_codes if c.strip()]
    unknown = [c for c in codes if c not in advice.RECOMMENDATIONS]
    if unknown:
        add("advice_codes", _("Unknown SER recommendation: %(codes)s.", codes=", ".join(unknown)))
    elif not codes:
        add("advice_codes", _("Name the SER recommendation(s) the priority comes from."))
    return errors


def _apply_priority(priority: LobbyPriority, data: PriorityInput) -> None:
    for lang in LANGUAGES:
        setattr(priority, f"title_{lang}", _clean(getattr(data, f"title_{lang}")) or None)
        setattr(priority, f"summary_{lang}", _clean(getattr(data, f"summary_{lang}")))
    priority.target_level = TargetLevel(data.target_level)
    priority.status = PriorityStatus(data.status)
    priority.owner_id = data.owner_id  # type: ignore[assignment]  # validated
    wanted = sorted({c.strip().lower() for c in data.advice_codes if c.strip()})
    if wanted != priority.advice_codes:
        priority.advice_links = [LobbyPriorityAdviceLink(code=c) for c in wanted]
    priority.updated_at = clock.now()


def _lock_cycle(session: Session, cycle: LobbyCycle) -> None:
    """Serialise changes to a cycle's set of priorities (PostgreSQL row lock; SQLite writes are serial)."""
    session.execute(select(LobbyCycle.id).where(LobbyCycle.id == cycle.id).with_for_update())


def _require_active(cycle: LobbyCycle) -> None:
    if not cycle.active:
        raise ValidationFailed({"cycle": [_(
            "The %(year)s cycle is closed: its priorities can no longer be added or reordered.", year=cycle.year)]})


def add_priority(session: Session, cycle: LobbyCycle, data: PriorityInput, *, actor_id: int | None) -> LobbyPriority:
    """Add a priority at the next rank; an active cycle holds at most three (SER advice 2e)."""
    _require_active(cycle)
    _lock_cycle(session, cycle)
    count = session.scalar(select(func.count(LobbyPriority.id)).where(LobbyPriority.cycle_id == cycle.id)) or 0
    if count >= MAX_PRIORITIES:
        raise ValidationFailed({"cycle": [_(
            "The %(year)s cycle already has its three priorities. The border provinces lobby jointly on "
            "three priorities only (SER advice 2e): remove one before adding another.", year=cycle.year)]})
    errors = _validate_priority(session, data)
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    priority = LobbyPriority(rank=count + 1, created_at=now)
    _apply_priority(priority, data)
    cycle.priorities.append(priority)
    session.flush()
    session.refresh(priority, ["owner"])
    _record(session, LobbyEvent.PRIORITY_ADDED, PRIORITY_SUBJECT, priority.id, actor_id=actor_id,
                 payload={"cycle_id": cycle.id, "after": priority_snapshot(priority)})
    return priority


def update_priority(session: Session, priority: LobbyPriority, data: PriorityInput, *, actor_id: int | None) -> LobbyPriority:
    errors = _validate_priority(session, data)
    if errors:
        raise ValidationFailed(errors)
    before = priority_snapshot(priority)
    with session.no_autoflush:
        _apply_priority(priority, data)
    session.flush()
    session.refresh(priority, ["owner"])
    _record_changes(session, LobbyEvent.PRIORITY_UPDATED, PRIORITY_SUBJECT, priority.id, before,
                    priority_snapshot(priority), actor_id)
    return priority


def _set_ranks(session: Session, moves: list[tuple[LobbyPriority, int]], *, actor_id: int | None) -> None:
    """Give priorities new ranks in one transaction: park them on free negative ranks first, so the
    unique (cycle, rank) constraint never sees two priorities on one rank."""
    old = {p.id: p.rank for p, _rank in moves}
    for parked, (priority, _rank) in enumerate(moves, start=1):
        priority.rank = -parked
    session.flush()
    for priority, rank in moves:
        priority.rank = rank
        priority.updated_at = clock.now()
    session.flush()
    for priority, rank in moves:
        _record(session, LobbyEvent.PRIORITY_MOVED, PRIORITY_SUBJECT, priority.id, actor_id=actor_id,
                     payload={"before": {"rank": old[priority.id]}, "after": {"rank": rank}})


def move_priority(session: Session, priority: LobbyPriority, direction: str, *, actor_id: int | None) -> None:
    """Swap a priority with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise ValidationFailed({"direction": [_("Unknown direction: %(value)s.", value=direction)]})
    cycle = priority.cycle
    _require_active(cycle)
    _lock_cycle(session, cycle)
    target = priority.rank - 1 if direction == "up" else priority.rank + 1
    neighbour = session.scalar(select(LobbyPriority).where(LobbyPriority.cycle_id == cycle.id, LobbyPriority.rank == target))
    if neighbour is None:
        message = _("This priority is already first.") if direction == "up" else _("This priority is already last.")
        raise ValidationFailed({"direction": [message]})
    _set_ranks(session, [(priority, neighbour.rank), (neighbour, priority.rank)], actor_id=actor_id)


def remove_priority(session: Session, priority: LobbyPriority, *, actor_id: int | None) -> None:
    """Delete a priority with its positions, actions and evidence; the ones below it move up a rank."""
    cycle = priority.cycle
    _lock_cycle(session, cycle)
    _record(session, LobbyEvent.PRIORITY_REMOVED, PRIORITY_SUBJECT, priority.id, actor_id=actor_id,
                 payload={"cycle_id": cycle.id, "before": priority_snapshot(priority)})
    below = [p for p in cycle.priorities if p.rank > priority.rank]
    cycle.priorities.remove(priority)
    session.flush()
    if below:
        _set_ranks(session, [(p, p.rank - 1) for p in below], actor_id=actor_id)


# --- positions --------------------------------------------------------------------------------


def _position_snapshot(position: PartnerPosition | None) -> dict[str, Any] | None:
    if position is None:
        return None
    return {"position": position.position.value, "stated_on": position.stated_on.isoformat(), "note": position.note}


def set_position(session: Session, priority: LobbyPriority, data: PositionInput, *, actor_id: int | None) -> PartnerPosition:
    """Record a partner's (new) position; the event keeps the previous one for the history."""
    errors: dict[str, list[str]] = {}
    org = session.get(Organisation, data.organisation_id) if data.organisation_id is not None else None
    if org is None:
        errors["organisation_id"] = [_("Choose an existing organisation.")]
    if not is_value_of(Position, data.position):
        errors["position"] = [_("Unknown position: %(value)s.", value=data.position)]
    if data.stated_on is None:
        errors["stated_on"] = [_("Give the date the position was stated.")]
    elif data.stated_on > clock.today():
        errors["stated_on"] = [_("A position cannot be dated in the future.")]
    check_day(errors, "stated_on", _l("Date stated"), data.stated_on)
    if org is None or data.stated_on is None or errors:
        raise ValidationFailed(errors)
    current = session.scalar(select(PartnerPosition).where(
        PartnerPosition.priority_id == priority.id, PartnerPosition.organisation_id == org.id))
    before = _position_snapshot(current)
    if current is None:
        current = PartnerPosition(organisation_id=org.id)
        priority.positions.append(current)
    current.position = Position(data.position)
    current.stated_on = data.stated_on
    current.note = _clean(data.note)
    after = _position_snapshot(current)
    if after != before:
        current.updated_at = clock.now()
        session.flush()
        _record(session, LobbyEvent.POSITION_SET, PRIORITY_SUBJECT, priority.id, actor_id=actor_id,
                     payload={"organisation_id": org.id, "organisation": org.name, "before": before, "after": after})
    return current


def partners_of(session: Session, cycle: LobbyCycle) -> list[Organisation]:
    """The cycle's coalition partners: every organisation that stated a position on one of its priorities."""
    query = (
        select(Organisation)
        .where(Organisation.id.in_(
            select(PartnerPosition.organisation_id).join(LobbyPriority).where(LobbyPriority.cycle_id == cycle.id)))
        .order_by(Organisation.name)
    )
    return list(session.scalars(query))


def coalition_counts(priority: LobbyPriority, partners: list[Organisation]) -> dict[Position | None, int]:
    """Partners per position on ``priority``; ``None`` counts partners without a position on it yet."""
    counts: dict[Position | None, int] = {**{p: 0 for p in Position}, None: 0}
    stated = {pos.organisation_id: pos.position for pos in priority.positions}
    for org in partners:
        key = stated.get(org.id)
        counts[key] += 1
    return counts


# --- actions ----------------------------------------------------------------------------------


def action_snapshot(action: LobbyAction) -> dict[str, Any]:
    return {
        "action_id": action.id,
        "kind": action.kind.value,
        "title": action.title,
        "due_on": _iso(action.due_on),
        "responsible_id": action.responsible_id,
        "responsible": action.responsible.name if action.responsible else None,
        "outcome": action.outcome,
        "links": action.link_list,
    }


def _validate_action(session: Session, data: ActionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not is_value_of(ActionKind, data.kind):
        errors["kind"] = [_("Unknown kind of action: %(value)s.", value=data.kind)]
    if not _clean(data.title):
        errors["title"] = [_("Give the action a title.")]
    elif len(_clean(data.title)) > 300:
        errors["title"] = [_("The title is too long (at most 300 characters).")]
    if data.due_on is None:
        errors["due_on"] = [_("Give the date of the action.")]
    elif _clean(data.outcome) and data.due_on > clock.today():
        errors["outcome"] = [_("An outcome can only be recorded once the action has taken place; its date is in the future.")]
    check_day(errors, "due_on", _l("Date"), data.due_on)
    if data.responsible_id is None or session.get(Organisation, data.responsible_id) is None:
        errors["responsible_id"] = [_("Choose an existing organisation as responsible.")]
    bad_links = [link for link in data.links if not _is_url(link.strip())]
    if bad_links:
        errors["links"] = [_("Links must be web addresses starting with http:// or https://: %(links)s.",
                             links=", ".join(bad_links))]
    return errors


def _apply_action(action: LobbyAction, data: ActionInput) -> None:
    action.kind = ActionKind(data.kind)
    action.title = _clean(data.title)
    action.due_on = data.due_on  # type: ignore[assignment]  # validated
    action.responsible_id = data.responsible_id  # type: ignore[assignment]  # validated
    action.outcome = _clean(data.outcome)
    action.links = "\n".join(link.strip() for link in data.links if link.strip())
    action.updated_at = clock.now()


def add_action(session: Session, priority: LobbyPriority, data: ActionInput, *, actor_id: int | None) -> LobbyAction:
    errors = _validate_action(session, data)
    if errors:
        raise ValidationFailed(errors)
    action = LobbyAction(created_at=clock.now())
    _apply_action(action, data)
    priority.actions.append(action)
    session.flush()
    session.refresh(action, ["responsible"])
    _record(session, LobbyEvent.ACTION_ADDED, PRIORITY_SUBJECT, priority.id, actor_id=actor_id,
                 payload={"after": action_snapshot(action)})
    return action


def update_action(session: Session, action: LobbyAction, data: ActionInput, *, actor_id: int | None) -> LobbyAction:
    errors = _validate_action(session, data)
    if errors:
        raise ValidationFailed(errors)
    before = action_snapshot(action)
    _apply_action(action, data)
    session.flush()
    session.refresh(action, ["responsible"])
    _record_changes(session, LobbyEvent.ACTION_UPDATED, PRIORITY_SUBJECT, action.priority_id, before,
                    action_snapshot(action), actor_id, extra={"action_id": action.id, "title": action.title})
    return action


def remove_action(session: Session, action: LobbyAction, *, actor_id: int | None) -> None:
    _record(session, LobbyEvent.ACTION_REMOVED, PRIORITY_SUBJECT, action.priority_id, actor_id=actor_id,
                 payload={"before": action_snapshot(action)})
    action.priority.actions.remove(action)
    session.flush()


# --- evidence ---------------------------------------------------------------------------------


def evidence_snapshot(item: LobbyEvidence) -> dict[str, Any]:
    return {
        "evidence_id": item.id,
        "kind": item.kind.value,
        "initiative_id": item.initiative_id,
        "initiative": item.initiative.primary_name if item.initiative else None,
        "text": item.text,
        "value": item.value,
        "source": item.source,
        "source_date": _iso(item.source_date),
        "url": item.url,
    }


def _validate_evidence(session: Session, priority: LobbyPriority, data: EvidenceInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def need(name: str, ok: bool, message: str) -> None:
        if not ok:
            errors.setdefault(name, []).append(message)

    if not is_value_of(EvidenceKind, data.kind):
        return {"kind": [_("Unknown kind of evidence: %(value)s.", value=data.kind)]}
    kind = EvidenceKind(data.kind)
    if kind == EvidenceKind.INITIATIVE:
        exists = data.initiative_id is not None and session.get(Initiative, data.initiative_id) is not None
        need("initiative_id", exists, _("Choose an existing initiative."))
        if exists:
            linked = any(e.initiative_id == data.initiative_id for e in priority.evidence)
            need("initiative_id", not linked, _("This initiative is already evidence for the priority."))
        return errors
    need("text", bool(_clean(data.text)), {
        EvidenceKind.FIGURE: _("Say what the figure counts."),
        EvidenceKind.QUOTE: _("Give the quote."),
        EvidenceKind.NEWS: _("Give the headline of the news item."),
    }[kind])
    need("source", bool(_clean(data.source)), _("Give the source."))
    if kind == EvidenceKind.FIGURE:
        need("value", bool(_clean(data.value)), _("Give the figure itself (e.g. 7,900 or 49.99%)."))
        need("value", len(_clean(data.value)) <= 100, _("The figure is too long (at most 100 characters)."))
    if kind in (EvidenceKind.FIGURE, EvidenceKind.NEWS):
        need("source_date", data.source_date is not None, _("Give the date of the source."))
    check_day(errors, "source_date", _l("Date of the source"), data.source_date)
    if kind == EvidenceKind.NEWS or _clean(data.url):
        need("url", _is_url(_clean(data.url)), _("Give the web address (starting with http:// or https://)."))
    return errors


def add_evidence(session: Session, priority: LobbyPriority, data: EvidenceInput, *, actor_id: int | None) -> LobbyEvidence:
    errors = _validate_evidence(session, priority, data)
    if errors:
        raise ValidationFailed(errors)
    kind = EvidenceKind(data.kind)
    is_initiative = kind == EvidenceKind.INITIATIVE
    item = LobbyEvidence(
        kind=kind, created_at=clock.now(),
        initiative_id=data.initiative_id if is_initiative else None,
        text="" if is_initiative else _clean(data.text),
        value=_clean(data.value) if kind == EvidenceKind.FIGURE else "",
        source="" if is_initiative else _clean(data.source),
        source_date=None if is_initiative else data.source_date,
        url=None if is_initiative else (_clean(data.url) or None),
    )
    priority.evidence.append(item)
    session.flush()
    session.refresh(item, ["initiative"])
    _record(session, LobbyEvent.EVIDENCE_ADDED, PRIORITY_SUBJECT, priority.id, actor_id=actor_id,
                 payload={"after": evidence_snapshot(item)})
    return item


def remove_evidence(session: Session, item: LobbyEvidence, *, actor_id: int | None) -> None:
    _record(session, LobbyEvent.EVIDENCE_REMOVED, PRIORITY_SUBJECT, item.priority_id, actor_id=actor_id,
                 payload={"before": evidence_snapshot(item)})
    item.priority.evidence.remove(item)
    session.flush()


# --- reading ----------------------------------------------------------------------------------


def list_cycles(session: Session) -> list[LobbyCycle]:
    return list(session.scalars(select(LobbyCycle).order_by(LobbyCycle.year.desc())))


def get_cycle(session: Session, cycle_id: int) -> LobbyCycle:
    cycle = session.get(LobbyCycle, cycle_id)
    if cycle is None:
        raise NotFound(_("No lobby cycle with id %(id)s.", id=cycle_id))
    return cycle


def get_priority(session: Session, priority_id: int) -> LobbyPriority:
    priority = session.get(LobbyPriority, priority_id)
    if priority is None:
        raise NotFound(_("No lobby priority with id %(id)s.", id=priority_id))
    return priority


def get_action(session: Session, action_id: int) -> LobbyAction:
    action = session.get(LobbyAction, action_id)
    if action is None:
        raise NotFound(_("No lobby action with id %(id)s.", id=action_id))
    return action


def get_evidence(session: Session, evidence_id: int) -> LobbyEvidence:
    item = session.get(LobbyEvidence, evidence_id)
    if item is None:
        raise NotFound(_("No evidence with id %(id)s.", id=evidence_id))
    return item
