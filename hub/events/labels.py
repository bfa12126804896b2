"""Readable, translated names for event types in history panels; unknown names show as they are.
Each domain adds its own event names here."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_LABELS = {
    "initiative.created": _l("Initiative created"),
    "initiative.updated": _l("Initiative changed"),
    "initiative.deleted": _l("Initiative deleted"),
    "funding.added": _l("Funding stream added"),
    "funding.updated": _l("Funding stream changed"),
    "funding.removed": _l("Funding stream removed"),
    "organisation.created": _l("Organisation created"),
    "organisation.updated": _l("Organisation changed"),
    "person.added": _l("Contact person added"),
    "person.removed": _l("Contact person removed"),
    "role.added": _l("Role added"),
    "role.removed": _l("Role removed"),
    "user.created": _l("User created"),
}

# Payload keys that identify rather than describe; history panels leave them out.
HIDDEN_KEYS = frozenset({"stream_id", "funder_id", "organisation_id", "parent_id", "person_id"})
