"""Creating users and checking passwords."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from flask import current_app
from flask_babel import gettext as _

from hub import clock
from hub.auth.models import Role, User
from hub.errors import ValidationFailed
from hub.events import record_event

MIN_PASSWORD_LENGTH = 10
# Compared against when the e-mail is unknown, so a wrong address costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role | str,
    organisation_id: int | None = None,
    locale: str | None = None,
    actor_id: int | None = None,
) -> User:
    errors: dict[str, list[str]] = {}
    email = email.strip()
    if "@" not in email:
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif find_by_email(session, email):
        errors["email"] = [_("A user with this e-mail address already exists.")]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [_("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH)]
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = [_("Unknown role.")]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        name=name.strip() or email,
        password_hash=generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
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
