"""Translated labels for the lobby's enumerations, shared by forms, pages and the brief."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.lobby.models import ActionKind, EvidenceKind, Position, PriorityStatus, TargetLevel

TARGET_LEVEL_LABELS = {
    TargetLevel.RIJK: _l("National government (The Hague)"),
    TargetLevel.EU: _l("European Union (Brussels)"),
    TargetLevel.LAND: _l("German Land / Flemish government"),
}
STATUS_LABELS = {
    PriorityStatus.PROPOSED: _l("Proposed"),
    PriorityStatus.AGREED: _l("Agreed"),
    PriorityStatus.IN_LOBBY: _l("In lobby"),
    PriorityStatus.ACHIEVED: _l("Achieved"),
    PriorityStatus.DROPPED: _l("Dropped"),
}
POSITION_LABELS = {
    Position.ENDORSES: _l("Endorses"),
    Position.SUPPORTS_WITH_RESERVATIONS: _l("Supports with reservations"),
    Position.UNDECIDED: _l("Not yet decided"),
    Position.OPPOSES: _l("Opposes"),
}
NO_POSITION_LABEL = _l("No position recorded")
ACTION_KIND_LABELS = {
    ActionKind.CONFERENCE: _l("Conference"),
    ActionKind.POSITION_PAPER: _l("Position paper"),
    ActionKind.LETTER: _l("Letter"),
    ActionKind.MINISTRY_MEETING: _l("Meeting with ministry"),
    ActionKind.EU_NETWORK: _l("EU network item"),
}
EVIDENCE_KIND_LABELS = {
    EvidenceKind.INITIATIVE: _l("Initiative"),
    EvidenceKind.FIGURE: _l("Figure"),
    EvidenceKind.QUOTE: _l("Quote"),
    EvidenceKind.NEWS: _l("News item"),
}


def position_label(position: Position | str | None) -> str:
    return str(NO_POSITION_LABEL if position is None else POSITION_LABELS[Position(position)])
