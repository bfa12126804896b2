"""The API blueprint: exempt from CSRF (it trusts only bearer tokens), identifying the caller before every request."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from hub.api.access import challenge, identify
from hub.api.openapi import Api
from hub.db import get_session
from hub.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.before_request(identify)
bp.after_request(challenge)
api = Api(bp)


def created(body: dict[str, Any], location: str) -> tuple[Response, int]:
    response = jsonify(body)
    response.headers["Location"] = location
    return response, 201


def no_content() -> tuple[str, int]:
    return "", 204


def commit() -> None:
    """Operations commit their change and its event together, like the web views."""
    get_session().commit()
