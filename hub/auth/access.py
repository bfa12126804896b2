"""Server-side authorisation: every view states who may call it."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from hub.auth.models import Role

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Visitors are sent to the login page; logged-in users without one of ``roles`` get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


manager_required = roles_required(Role.ADMIN, Role.MANAGER)
admin_required = roles_required(Role.ADMIN)
member_required = roles_required(Role.ADMIN, Role.MANAGER, Role.PARTNER)
