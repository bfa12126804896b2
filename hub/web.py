"""Cross-cutting web behaviour: user loading, error pages, security headers."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from hub.auth.models import User
from hub.db import get_session
from hub.errors import DomainError
from hub.extensions import login_manager

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a ``<id>:<generation>`` cookie value, if active and that session has not been ended."""
    user_id, _sep, generation = session_id.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, field: str | None = None) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify({"error": {"code": code, "message": message, "field": field}}), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if current_user.is_authenticated:
            # Pages for a logged-in user must not stay in a shared browser's or proxy's cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[Response | str, int]:
        return error_response(error.status, error.code, error.message, error.field)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[Response | str, int]:
        return error_response(400, "csrf_failed", _("The form expired or was not sent from this site. Please try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]:
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have permission to open this page."),
            404: _("This page does not exist."),
            405: _("This action is not allowed here."),
            413: _("The upload is too large."),
            429: _("Too many attempts. Please wait a minute and try again."),
        }
        status = error.code or 500
        message = messages.get(status, _("Something went wrong."))
        body, status = error_response(status, error.name.lower().replace(" ", "_"), message)
        # A 405 must say which methods are allowed (RFC 9110); the replaced response would drop it.
        allowed = getattr(error, "valid_methods", None)
        return (body, status, {"Allow": ", ".join(allowed)}) if allowed else (body, status)
