"""Who is calling the API: the user of a bearer token, or nobody.

The browser's login cookie never counts here. The API is exempt from CSRF protection because it only
trusts the ``Authorization`` header, which another site cannot make a browser send.
"""
from __future__ import annotations

import enum

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hub.api import service
from hub.api.models import ApiToken
from hub.db import get_session
from hub.errors import DomainError, Forbidden
from hub.extensions import login_manager


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Access(enum.Enum):
    """What an operation asks of its caller."""

    PUBLIC = "public"  # anyone; a token adds what its user may see
    MEMBER = "member"  # any valid token
    WRITE = "write"  # a token with write scope; the view checks the user's right to the object
    MANAGE = "manage"  # a write token of a programme manager or administrator


def identify() -> None:
    """Before every API request: resolve the bearer token and make its user ``current_user`` (or nobody)."""
    # Replaces whatever user the session cookie would load: only the token identifies an API caller.
    login_manager._update_request_context_with_user(None)
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized(_("Send the token as “Authorization: Bearer <token>”."))
        session = get_session()
        token = service.authenticate(session, secret.strip())
        if token is None:
            raise Unauthorized(_("The API token is unknown or has been revoked."))
        session.commit()  # the last-used time is kept even when the request itself fails
        g.api_token = token
        login_manager._update_request_context_with_user(token.user)


def token() -> ApiToken | None:
    return g.get("api_token")


def require(access: Access) -> None:
    if access is Access.PUBLIC:
        return
    if token() is None:
        raise Unauthorized(_("This operation needs an API token."))
    if access in (Access.WRITE, Access.MANAGE) and not g.api_token.can_write:
        raise Forbidden(_("This token may only read. Create a token with write scope to make changes."))


def require_manager() -> None:
    if not current_user.can_manage:
        raise Forbidden(_("Only programme managers and administrators may do this."))


def challenge(response: Response) -> Response:
    """A 401 names the scheme the client should use (RFC 6750)."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="grenshub"'
    return response
