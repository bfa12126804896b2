"""A priority's history in words: which partner moved from which position to which, what was changed."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub.events.models import Event
from hub.db import is_value_of
from hub.formatting import day
from hub.lobby.labels import ACTION_KIND_LABELS, EVIDENCE_KIND_LABELS, STATUS_LABELS, TARGET_LEVEL_LABELS, position_label
from hub.lobby.models import EvidenceKind
from hub.lobby.service import LobbyEvent

EVENT_LABELS: dict[str, Any] = {
    LobbyEvent.CYCLE_CREATED: _l("Lobby cycle created"),
    LobbyEvent.CYCLE_UPDATED: _l("Lobby cycle changed"),
    LobbyEvent.PRIORITY_ADDED: _l("Priority added"),
    LobbyEvent.PRIORITY_UPDATED: _l("Priority changed"),
    LobbyEvent.PRIORITY_MOVED: _l("Priority moved"),
    LobbyEvent.PRIORITY_REMOVED: _l("Priority removed"),
    LobbyEvent.POSITION_SET: _l("Position changed"),
    LobbyEvent.ACTION_ADDED: _l("Action added"),
    LobbyEvent.ACTION_UPDATED: _l("Action changed"),
    LobbyEvent.ACTION_REMOVED: _l("Action removed"),
    LobbyEvent.EVIDENCE_ADDED: _l("Evidence added"),
    LobbyEvent.EVIDENCE_REMOVED: _l("Evidence removed"),
}
FIELD_LABELS = {
    "rank": _l("Rank"), "status": _l("Status"), "target_level": _l("Target level"), "owner": _l("Owner"),
    "title_nl": _l("Title (Dutch)"), "title_de": _l("Title (German)"), "title_en": _l("Title (English)"),
    "summary_nl": _l("Summary (Dutch)"), "summary_de": _l("Summary (German)"), "summary_en": _l("Summary (English)"),
    "advice_codes": _l("SER recommendations"), "kind": _l("Kind"), "title": _l("Title"), "due_on": _l("Date"),
    "responsible": _l("Responsible"), "outcome": _l("Outcome"), "links": _l("Documents and links"),
}
# Values shown through a label table; ids are left out because the name next to them says it.
VALUE_LABELS: dict[str, dict[Any, Any]] = {
    "status": STATUS_LABELS, "target_level": TARGET_LEVEL_LABELS, "kind": ACTION_KIND_LABELS,
}
HIDDEN = {"owner_id", "responsible_id", "action_id"}


@dataclass(frozen=True)
class HistoryEntry:
    occurred_at: datetime
    label: str
    text: str


def _value(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if name in VALUE_LABELS:
        return str(VALUE_LABELS[name].get(value, value))
    if name == "due_on":
        return day(date.fromisoformat(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _evidence_kind(value: str | None) -> str:
    return str(EVIDENCE_KIND_LABELS[EvidenceKind(value)]) if is_value_of(EvidenceKind, value) else str(value)


def _changes(payload: dict[str, Any]) -> str:
    before, after = payload.get("before") or {}, payload.get("after") or {}
    return "; ".join(
        f"{FIELD_LABELS.get(k, k)}: {_value(k, before.get(k))} → {_value(k, v)}" for k, v in after.items() if k not in HIDDEN
    )


def _position_text(payload: dict[str, Any]) -> str:
    after, before = payload["after"], payload.get("before")
    stated = day(date.fromisoformat(after["stated_on"]))
    if before and before["position"] != after["position"]:
        text = _("%(org)s: %(before)s → %(after)s (stated %(date)s)", org=payload["organisation"],
                 before=position_label(before["position"]), after=position_label(after["position"]), date=stated)
    else:
        text = _("%(org)s: %(position)s (stated %(date)s)", org=payload["organisation"],
                 position=position_label(after["position"]), date=stated)
    return f"{text} — {after['note']}" if after.get("note") else text


def _describe(event: Event) -> str:
    payload = event.payload
    name = event.name
    if name == LobbyEvent.POSITION_SET:
        return _position_text(payload)
    if name == LobbyEvent.PRIORITY_ADDED:
        return _("Added at rank %(rank)s", rank=payload["after"]["rank"])
    if name in (LobbyEvent.ACTION_ADDED, LobbyEvent.ACTION_REMOVED):
        action = payload.get("after") or payload.get("before") or {}
        return f"{_value('kind', action.get('kind'))} “{action.get('title')}”, {_value('due_on', action.get('due_on'))}"
    if name == LobbyEvent.ACTION_UPDATED:
        return f"“{payload.get('title')}”: {_changes(payload)}"
    if name in (LobbyEvent.EVIDENCE_ADDED, LobbyEvent.EVIDENCE_REMOVED):
        item = payload.get("after") or payload.get("before") or {}
        kind = _evidence_kind(item.get("kind"))
        return f"{kind}: {item.get('initiative') or item.get('text')}"
    return _changes(payload)


def history_entries(events: Sequence[Event]) -> list[HistoryEntry]:
    return [HistoryEntry(e.occurred_at, str(EVENT_LABELS.get(e.name, e.name)), _describe(e)) for e in events]
