"""Making, checking and revoking personal API tokens; making and revoking records an event."""
from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub import clock
from hub.api.models import ApiToken, TokenScope
from hub.auth.models import User
from hub.db import is_value_of
from hub.errors import NotFound, ValidationFailed
from hub.events import record_event
from hub.text import single_line

SECRET_PREFIX = "ghub_"
MAX_ACTIVE_TOKENS = 20
# Reads are far more frequent than writes: "last used" is only rewritten when it is this stale.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenEvent(enum.StrEnum):
    CREATED = "api_token.created"
    REVOKED = "api_token.revoked"


@dataclass(frozen=True)
class IssuedToken:
    """A new token with its secret, which exists only in this object and in the page that shows it once."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """SHA-256 suffices: the secret is 256 random bits, so there is nothing to brute-force."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _payload(token: ApiToken) -> dict[str, str]:
    return {"name": token.name, "scope": token.scope.value, "prefix": token.prefix}


def create_token(session: Session, user: User, *, name: str, scope: str, actor_id: int | None) -> IssuedToken:
    errors: dict[str, list[str]] = {}
    name = single_line(name)
    if not name:
        errors["name"] = [_("Give the token a name, such as the system that will use it.")]
    elif len(name) > 100:
        errors["name"] = [_("The name may be at most %(n)d characters long.", n=100)]
    if not is_value_of(TokenScope, scope):
        errors["scope"] = [_("Unknown scope: %(value)s.", value=scope)]
    active = session.scalar(
        select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ) or 0
    if active >= MAX_ACTIVE_TOKENS:
        errors["name"] = [_("You already have %(n)d active tokens; revoke one first.", n=MAX_ACTIVE_TOKENS)]
    if errors:
        raise ValidationFailed(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, prefix=secret[:12], secret_hash=digest(secret),
        scope=TokenScope(scope), created_at=clock.now(),
    )
    session.add(token)
    session.flush()
    record_event(session, TokenEvent.CREATED, "api_token", token.id, actor_id=actor_id, payload={"after": _payload(token)},
                 public=False)
    return IssuedToken(token, secret)


def revoke_token(session: Session, token: ApiToken, *, actor_id: int | None) -> None:
    """Revoked tokens stay listed (with their last use) but never authenticate again."""
    if token.revoked_at is not None:
        return
    token.revoked_at = clock.now()
    session.flush()
    record_event(session, TokenEvent.REVOKED, "api_token", token.id, actor_id=actor_id, payload={"before": _payload(token)},
                 public=False)


def get_own_token(session: Session, token_id: int, user_id: int) -> ApiToken:
    """Someone else's token is reported as missing, so ids reveal nothing."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(_("No API token with id %(id)s.", id=token_id))
    return token


def tokens_of(session: Session, user_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    ).all()


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The active token with this secret whose user is still active, marked as used; None otherwise."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == digest(secret), ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        session.flush()
    return token
