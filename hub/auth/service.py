"""Accounts: creating, inviting, passwords, sessions, roles and deactivation.

Every change records an ``auth.*`` event (never with a password, hash or token in it). Services never commit.
"""
from __future__ import annotations

import enum
import hashlib
import logging
import secrets
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from hub import clock
from hub.alerts import channels
from hub.alerts.messages import external_url
from hub.alerts.service import drop_pending_of_user
from hub.auth.addresses import normalise_email
from hub.auth.models import Role, User
from hub.errors import Conflict, FieldErrors, NotFound, ValidationFailed
from hub.events import record_event
from hub.stakeholders.models import Organisation

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # ids are 32-bit: a larger number from a form or URL names nothing (and must not reach the database)
MIN_PASSWORD_LENGTH = 12
# zxcvbn scores 0–4; below 3 the password is a common one, a name, a keyboard walk or a small variation of those.
MIN_PASSWORD_SCORE = 3
# zxcvbn slows down on very long input; a password this long is not guessable through its first part alone.
_SCORED_PREFIX = 64
# Compared against when the e-mail is unknown, so a wrong address costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AuthEvent(enum.StrEnum):
    LOGGED_OUT = "auth.logged_out"
    PASSWORD_CHANGED = "auth.password_changed"
    PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"
    PASSWORD_RESET = "auth.password_reset"
    INVITED = "auth.user_invited"
    INVITATION_ACCEPTED = "auth.invitation_accepted"
    DEACTIVATED = "auth.user_deactivated"
    REACTIVATED = "auth.user_reactivated"
    ROLE_CHANGED = "auth.role_changed"


class LinkPurpose(enum.StrEnum):
    """Signed links that set a password; each kind has its own salt and lifetime."""

    RESET = "auth-password-reset"
    INVITE = "auth-invitation"


LINK_MAX_AGE = {LinkPurpose.RESET: 2 * 3600, LinkPurpose.INVITE: 14 * 24 * 3600}


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Why ``password`` is refused (empty when it is fine): too short, or too easy to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [_("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH)]
    hints = [part for part in (email, email.partition("@")[0], name, *name.split()) if part]
    if zxcvbn(password[:_SCORED_PREFIX], user_inputs=hints)["score"] < MIN_PASSWORD_SCORE:
        return [_("This password is too easy to guess: it is a common password, or close to one or to your name. "
                  "Try a few unrelated words.")]
    return []


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _user_record(session: Session, name: str, user: User, actor_id: int | None, payload: dict | None = None) -> None:
    record_event(session, name, "user", user.id, actor_id=actor_id, payload=payload or {}, public=False)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str | None,
    role: Role | str,
    organisation_id: int | None = None,
    locale: str | None = None,
    actor_id: int | None = None,
) -> User:
    """A new account; without ``password`` it cannot log in until a password is set through an invitation."""
    errors = FieldErrors()
    try:
        email = normalise_email(email)
    except ValueError as error:
        errors.add("email", str(error))
    else:
        if find_by_email(session, email):
            errors.add("email", _("A user with this e-mail address already exists."))
    if password is not None:
        for problem in password_problems(password, email=email, name=name):
            errors.add("password", problem)
    try:
        role = Role(role)
    except ValueError:
        errors.add("role", _("Unknown role."))
    known = organisation_id is None or (0 < organisation_id <= MAX_ID and session.get(Organisation, organisation_id))
    if not known:
        errors.add("organisation_id", _("Unknown organisation."))
    errors.raise_if_any()
    user = User(
        email=email,
        name=name.strip() or email,
        # "!" + random never matches any password: the account is usable only once a password is set.
        password_hash=_hash(password) if password is not None else "!" + secrets.token_hex(16),
        role=role,
        organisation_id=organisation_id,
        locale=locale,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    record_event(
        session, "user.created", "user", user.id, actor_id=actor_id,
        payload={"after": {"email": user.email, "role": user.role.value}}, public=False,
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def set_locale(session: Session, user: User, locale: str | None) -> None:
    user.locale = locale


def end_sessions(session: Session, user: User, *, actor_id: int | None) -> None:
    """Log the user out everywhere: every login cookie issued so far stops working."""
    user.session_generation += 1
    _user_record(session, AuthEvent.LOGGED_OUT, user, actor_id)
    session.flush()


def _set_password(session: Session, user: User, password: str, *, field: str = "password") -> None:
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise ValidationFailed({field: problems})
    user.password_hash = _hash(password)
    user.session_generation += 1  # other sessions end; the caller logs the current one in again


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """The user's own change; needs the current password. Ends the user's other sessions."""
    if not check_password_hash(user.password_hash, current):
        raise ValidationFailed({"current_password": [_("The current password is not correct.")]})
    _set_password(session, user, new, field="new_password")
    _user_record(session, AuthEvent.PASSWORD_CHANGED, user, user.id)
    session.flush()


def set_password(session: Session, user: User, password: str, *, actor_id: int | None) -> None:
    """An administrator (or the command line) sets a password; all the user's sessions end."""
    _set_password(session, user, password)
    _user_record(session, AuthEvent.PASSWORD_CHANGED, user, actor_id)
    session.flush()


# --- signed links: password reset and invitation -----------------------------------------------------------


def _serializer(purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=purpose.value)


def _password_stamp(user: User) -> str:
    """Changes whenever the password does, so a link works only until a password has been set with it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def link_token(user: User, purpose: LinkPurpose) -> str:
    return _serializer(purpose).dumps({"user": user.id, "stamp": _password_stamp(user)})


def user_for_link(session: Session, purpose: LinkPurpose, token: str) -> User:
    """The active user a link was made for, or NotFound saying whether it expired or is used up or broken."""
    invalid = _("This link is not valid or has already been used. You can ask for a new one.")
    try:
        value = _serializer(purpose).loads(token, max_age=LINK_MAX_AGE[purpose])
    except SignatureExpired:
        raise NotFound(_("This link has expired. You can ask for a new one.")) from None
    except BadSignature:
        raise NotFound(invalid) from None
    user = session.get(User, value.get("user")) if isinstance(value, dict) and isinstance(value.get("user"), int) else None
    if user is None or not user.active or value.get("stamp") != _password_stamp(user):
        raise NotFound(invalid)
    return user


def use_link(session: Session, purpose: LinkPurpose, token: str, password: str) -> User:
    """Set the password through a reset or invitation link; the link is spent by it."""
    user = user_for_link(session, purpose, token)
    _set_password(session, user, password)
    _user_record(session, AuthEvent.PASSWORD_RESET if purpose == LinkPurpose.RESET else AuthEvent.INVITATION_ACCEPTED,
                 user, user.id)
    session.flush()
    return user


def _send_link(user: User, purpose: LinkPurpose) -> None:
    """Mail the link through the alerts' mail path (SMTP, or an .eml file in the outbox without a host)."""
    config = current_app.config
    endpoint = "auth.reset_password" if purpose == LinkPurpose.RESET else "auth.accept_invitation"
    key = f"grenshub-{purpose.value}-{user.id}-{secrets.token_hex(8)}"
    with force_locale(user.locale or config["DEFAULT_LOCALE"]):
        message = EmailMessage()
        message["From"] = config["SMTP_FROM"]
        message["To"] = user.email
        message["Subject"] = (_("Grenshub: reset your password") if purpose == LinkPurpose.RESET
                              else _("Grenshub: you are invited"))
        message["Date"] = format_datetime(clock.now())
        message["Message-ID"] = f"<{key}@{parseaddr(config['SMTP_FROM'])[1].rpartition('@')[2] or 'grenshub.example'}>"
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(render_template(
            "auth/email.txt", user=user, purpose=purpose.value, url=external_url(endpoint, token=link_token(user, purpose)),
            hours=LINK_MAX_AGE[LinkPurpose.RESET] // 3600, days=LINK_MAX_AGE[LinkPurpose.INVITE] // 86400,
        ))
    with channels.Mailer(config) as mailer:
        mailer.send(message, key)


def request_password_reset(session: Session, email: str) -> None:
    """Mail a reset link if an active account has this address; the caller says the same thing either way."""
    user = find_by_email(session, email)
    if user is None or not user.active:
        return
    try:
        _send_link(user, LinkPurpose.RESET)
    except channels.DeliveryError as error:
        # Not shown to the visitor: that would tell them the address has an account.
        log.warning("password reset mail for user %s not sent: %s", user.id, error)
        return
    _user_record(session, AuthEvent.PASSWORD_RESET_REQUESTED, user, None)
    session.flush()


def invite_user(
    session: Session, *, email: str, name: str, role: Role | str, organisation_id: int | None, actor_id: int | None,
    locale: str | None = None,
) -> User:
    """Create an account without a password and mail its owner a link to set one."""
    user = create_user(session, email=email, name=name, password=None, role=role, organisation_id=organisation_id,
                       locale=locale, actor_id=actor_id)
    try:
        _send_link(user, LinkPurpose.INVITE)
    except channels.DeliveryError:
        raise Conflict(_("The invitation could not be sent. Check the mail settings and try again.")) from None
    _user_record(session, AuthEvent.INVITED, user, actor_id, {"role": user.role.value})
    session.flush()
    return user


# --- administration ------------------------------------------------------------------------------------------


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound(_("This user does not exist."))
    return user


def set_active(session: Session, user: User, active: bool, *, actor_id: int | None) -> None:
    """Deactivated users cannot log in; their sessions, API tokens, feeds, calendars and alerts stop."""
    if user.active == active:
        return
    if not active and actor_id == user.id:
        raise Conflict(_("You cannot deactivate your own account."))
    user.active = active
    if not active:
        user.session_generation += 1
        drop_pending_of_user(session, user.id, "user deactivated")
    _user_record(session, AuthEvent.REACTIVATED if active else AuthEvent.DEACTIVATED, user, actor_id)
    session.flush()


def change_role(session: Session, user: User, role: Role | str, *, actor_id: int | None) -> None:
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed({"role": [_("Unknown role.")]}) from None
    if user.role == role:
        return
    if actor_id == user.id:
        raise Conflict(_("You cannot change your own role."))
    before = user.role
    user.role = role
    _user_record(session, AuthEvent.ROLE_CHANGED, user, actor_id, {"before": {"role": before.value}, "after": {"role": role.value}})
    session.flush()


def has_password(user: User) -> bool:
    """False while an invited user has not set a password yet."""
    return not user.password_hash.startswith("!")


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
