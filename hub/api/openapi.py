"""The OpenAPI 3 document, built from the operations as they are registered.

Each endpoint is declared once, with ``Api.operation``: that declaration registers the Flask route, checks
the caller's access, parses the query and body, and is what the document describes. Only the response
schemas below are written by hand; the schemathesis test holds them to what the endpoints return.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from hub.api.access import Access, require, require_manager
from hub.api.fields import MAX_ID, Fields, body_schema, read_body, read_query
from hub.errors import NotFound

API_VERSION = "1.0.0"
_PATH_PARAM = re.compile(r"{(\w+)}")

ERROR_DESCRIPTIONS = {
    400: _l("The request is malformed: unreadable JSON, a body that is not an object, or a bad query parameter."),
    401: _l("No valid API token: it is missing where one is needed, unknown or revoked."),
    403: _l("The token's scope or its user's role does not allow this."),
    404: _l("There is no such resource."),
    409: _l("The change conflicts with the current state."),
    415: _l("The body is not sent as application/json."),
    422: _l("A field is missing, of the wrong type, unknown, or refused by the registry's rules; “field” names it."),
}


@dataclass
class Operation:
    method: str
    path: str  # relative to the blueprint's prefix, in OpenAPI form: /initiatives/{initiative_id}
    name: str
    summary: LazyString
    tag: str
    access: Access
    query: Fields | None
    body: Fields | None
    partial: bool
    status: int
    returns: str | None  # component schema of the success response; None for an empty one
    errors: tuple[int, ...]

    def error_statuses(self) -> list[int]:
        statuses = {401, *self.errors}
        if self.query or self.body is not None:
            statuses.add(400)
        if self.body is not None:
            statuses.update((415, 422))
        if self.access in (Access.WRITE, Access.MANAGE):
            statuses.add(403)
        if _PATH_PARAM.search(self.path):
            statuses.add(404)
        return sorted(statuses)

    def describe(self) -> dict[str, Any]:
        parameters: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
            for name in _PATH_PARAM.findall(self.path)
        ]
        for name, f in (self.query or {}).items():
            schema = f.schema()
            parameters.append({"name": name, "in": "query", "required": False, "schema": schema,
                               **({"description": schema.pop("description")} if "description" in schema else {})})
        success: dict[str, Any] = {"description": _("Done.") if self.returns is None else _("Success.")}
        if self.returns is not None:
            success["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{self.returns}"}}}
        responses: dict[str, Any] = {str(self.status): success}
        for status in self.error_statuses():
            responses[str(status)] = {
                "description": str(ERROR_DESCRIPTIONS[status]),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        out: dict[str, Any] = {
            "operationId": self.name,
            "summary": str(self.summary),
            "tags": [self.tag],
            "security": [{}, {"bearer": []}] if self.access is Access.PUBLIC else [{"bearer": []}],
            "x-access": self.access.value,
            "parameters": parameters,
            "responses": responses,
        }
        if self.body is not None:
            out["requestBody"] = {"required": True,
                                  "content": {"application/json": {"schema": body_schema(self.body, partial=self.partial)}}}
        return out


@dataclass
class Api:
    """A blueprint whose routes are declared as documented operations."""

    blueprint: Blueprint
    operations: list[Operation] = field(default_factory=list)

    def operation(
        self, method: str, path: str, *, summary: LazyString, tag: str, access: Access = Access.PUBLIC,
        query: Fields | None = None, body: Fields | None = None, partial: bool = False,
        status: int = 200, returns: str | None = None, errors: tuple[int, ...] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register ``view`` at ``path``; it is called with the path ids and, when declared, ``query=`` and ``body=``."""

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            self.operations.append(Operation(method, path, view.__name__, summary, tag, access, query, body, partial,
                                             status, returns, errors))

            def run(**ids: int) -> Any:
                require(access)
                if access is Access.MANAGE:
                    require_manager()
                # Larger ids cannot exist, and SQLite cannot even compare them: answer before asking the database.
                if any(value > MAX_ID for value in ids.values()):
                    raise NotFound(_("There is no record with id %(id)s.", id=max(ids.values())))
                kwargs: dict[str, Any] = dict(ids)
                if query is not None:
                    kwargs["query"] = read_query(query)
                if body is not None:
                    kwargs["body"] = read_body(body, partial=partial)
                return view(**kwargs)

            rule = _PATH_PARAM.sub(r"<int:\1>", path)
            self.blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=run, methods=[method])
            return view

        return decorator

    def document(self, schemas: dict[str, Any]) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            paths.setdefault(f"{self.blueprint.url_prefix}{op.path}", {})[op.method.lower()] = op.describe()
        tags = list(dict.fromkeys(op.tag for op in self.operations))
        return {
            "openapi": "3.0.3",
            "info": {
                "title": "Grenshub API",
                "version": API_VERSION,
                "description": _(
                    "Read and, with a write token, change the registry of Dutch–German–Belgian cross-border labour-market "
                    "initiatives. Create a personal API token on your account page and send it as "
                    "“Authorization: Bearer <token>”. Reads that are public in the web pages need no token."),
            },
            "servers": [{"url": current_app.config["BASE_URL"]}],
            "tags": [{"name": t} for t in tags],
            "paths": paths,
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                               "description": _("A personal API token.")}},
                "schemas": schemas,
            },
        }


# --- response schemas ---------------------------------------------------------------------------

def _obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """A closed object: every listed property is always present unless named optional."""
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": [name for name in properties if name not in optional]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


STRING = {"type": "string"}
STRING_OR_NULL = {"type": "string", "nullable": True}
INTEGER = {"type": "integer"}
INTEGER_OR_NULL = {"type": "integer", "nullable": True}
NUMBER_OR_NULL = {"type": "number", "nullable": True}
BOOLEAN = {"type": "boolean"}
DAY = {"type": "string", "format": "date"}
DAY_OR_NULL = {"type": "string", "format": "date", "nullable": True}
MOMENT = {"type": "string", "format": "date-time"}
MOMENT_OR_NULL = {"type": "string", "format": "date-time", "nullable": True}
STRINGS = {"type": "array", "items": STRING}


def page_of(name: str) -> dict[str, Any]:
    return _obj({"items": _list(name), "limit": INTEGER, "offset": INTEGER, "next_offset": INTEGER_OR_NULL})


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"code": STRING, "message": STRING, "field": STRING_OR_NULL})}),
    "Initiative": _obj({
        "id": INTEGER, "slug": STRING, "kind": STRING, "name": STRING,
        "name_nl": STRING_OR_NULL, "name_de": STRING_OR_NULL, "name_en": STRING_OR_NULL, "acronym": STRING_OR_NULL,
        "aliases": STRINGS, "description": STRING, "status": STRING,
        "start_date": DAY_OR_NULL, "end_date": DAY_OR_NULL, "dates_estimated": BOOLEAN,
        "regions": STRINGS, "advice_codes": STRINGS, "website": STRING_OR_NULL, "parent_id": INTEGER_OR_NULL,
        "source": STRING, "funding_horizon": DAY_OR_NULL, "created_at": MOMENT, "updated_at": MOMENT,
        "funding_streams": _list("FundingStream"), "roles": _list("Role"),
    }, optional=("funding_streams", "roles")),
    "InitiativePage": page_of("Initiative"),
    "FundingStream": _obj({
        "id": INTEGER, "initiative_id": INTEGER, "funder_id": INTEGER, "funder": STRING, "kind": STRING,
        "amount": NUMBER_OR_NULL, "currency": STRING, "cofinancing_share": NUMBER_OR_NULL,
        "start_date": DAY, "end_date": DAY_OR_NULL, "amount_estimated": BOOLEAN, "end_date_estimated": BOOLEAN,
        "expected_end_date": DAY_OR_NULL, "actual_end_date": DAY_OR_NULL, "effective_end_date": DAY_OR_NULL,
        "renewal_decision_date": DAY_OR_NULL, "successor_id": INTEGER_OR_NULL, "programme_envelope": BOOLEAN,
        "note": STRING, "created_at": MOMENT, "updated_at": MOMENT,
    }),
    "FundingStreamList": _obj({"items": _list("FundingStream")}),
    "FundingStreamPage": page_of("FundingStream"),
    "Role": _obj({"id": INTEGER, "initiative_id": INTEGER, "organisation_id": INTEGER, "organisation": STRING,
                  "role": STRING}),
    "Organisation": _obj({
        "id": INTEGER, "name": STRING, "country": STRING, "type": STRING, "website": STRING_OR_NULL,
        "description": STRING, "created_at": MOMENT, "updated_at": MOMENT, "people": _list("Person"),
    }, optional=("people",)),
    "OrganisationPage": page_of("Organisation"),
    "Person": _obj({"id": INTEGER, "organisation_id": INTEGER, "name": STRING, "title": STRING,
                    "email": STRING_OR_NULL, "phone": STRING_OR_NULL}),
    "Event": _obj({
        "id": INTEGER, "name": STRING, "occurred_at": MOMENT, "subject_type": STRING, "subject_id": INTEGER,
        "actor_id": INTEGER_OR_NULL, "public": BOOLEAN, "payload": {"type": "object"},
    }),
    "EventPage": _obj({"items": _list("Event"), "next": INTEGER, "has_more": BOOLEAN}),
    "Subscription": _obj({
        "id": INTEGER, "scope_kind": STRING, "scope_key": STRING, "scope": STRING, "rhythm": STRING, "status": STRING,
        "email_enabled": BOOLEAN, "webhook_url": STRING_OR_NULL, "webhook_secret": STRING_OR_NULL,
        "webhook_disabled": BOOLEAN, "locale": STRING, "created_at": MOMENT, "updated_at": MOMENT,
    }),
    "SubscriptionList": _obj({"items": _list("Subscription")}),
    "LobbyPriority": _obj({
        "id": INTEGER, "cycle_id": INTEGER, "year": INTEGER, "rank": INTEGER, "title": STRING,
        "title_nl": STRING_OR_NULL, "title_de": STRING_OR_NULL, "title_en": STRING_OR_NULL,
        "summary_nl": STRING, "summary_de": STRING, "summary_en": STRING, "target_level": STRING, "status": STRING,
        "owner_id": INTEGER, "owner": STRING, "advice_codes": STRINGS, "created_at": MOMENT, "updated_at": MOMENT,
    }),
    "LobbyPriorityList": _obj({"items": _list("LobbyPriority")}),
}
