"""The JSON API, version 1: its operations (one module per area) and the OpenAPI document describing them."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from hub.api import following, registry  # noqa: F401  (importing them registers their operations)
from hub.api.blueprint import api, bp
from hub.api.openapi import SCHEMAS

__all__ = ["bp", "document"]


def document() -> dict[str, Any]:
    """The OpenAPI 3 description of every operation, in the current request's language."""
    return api.document(SCHEMAS)


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(document())
