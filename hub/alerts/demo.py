"""Demo subscriptions, so the worker's first cliff evaluation has someone to alert (see instance/outbox/)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from hub.alerts.models import Rhythm, ScopeKind
from hub.alerts.service import SubscriptionInput, subscribe_user
from hub.auth.service import find_by_email
from hub.initiatives.models import Initiative

# (user, scope kind, initiative key or "", rhythm, language)
DEMO_SUBSCRIPTIONS = (
    ("partner@grenshub.example", ScopeKind.INITIATIVE, "predictive-ai", Rhythm.IMMEDIATE, "nl"),
    ("partner@grenshub.example", ScopeKind.INITIATIVE, "techland", Rhythm.IMMEDIATE, "nl"),
    ("manager@grenshub.example", ScopeKind.ALL, "", Rhythm.WEEKLY, "en"),
)


def load_demo_alerts(session: Session, initiatives: dict[str, Initiative]) -> int:
    made = 0
    for email, kind, initiative_key, rhythm, locale in DEMO_SUBSCRIPTIONS:
        user = find_by_email(session, email)
        target = initiatives.get(initiative_key)
        if user is None or (kind == ScopeKind.INITIATIVE and target is None):
            continue
        key = str(target.id) if target is not None else ""
        subscribe_user(session, user, SubscriptionInput(kind, key, rhythm=rhythm, locale=locale), actor_id=None)
        made += 1
    return made
