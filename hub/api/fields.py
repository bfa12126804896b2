"""Declarations of API input fields. One declaration both checks a value and describes it in the
OpenAPI document, so the document cannot drift from what the endpoints accept."""
from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from hub.errors import DomainError
from hub.money import MAX_TEXT, AmountError, parse_amount, parse_share

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database the hub runs on
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CENTS = Decimal("0.01")
URL_PATTERN = r"^https?://"
_TYPED = {"amount": parse_amount, "share": parse_share}


class BadInput(DomainError):
    """Input refused before any service sees it: 400 for the request as a whole, 422 for one field."""

    def __init__(self, message: str, field: str | None = None, *, code: str, status: int = 422) -> None:
        super().__init__(message, field)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Field:
    """One field of a JSON body or one query parameter.

    ``kind`` is one of: string, integer, number (kept to cents), amount and share (numbers that may also come as
    text people type, "1.200.000,50" or "80%", read by ``hub.money``), boolean, date, strings (a list).
    """

    kind: str
    description: LazyString | str = ""
    required: bool = False
    nullable: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    max_items: int | None = None
    default: Any = None

    def schema(self) -> dict[str, Any]:
        """The JSON Schema (OpenAPI 3.0 dialect) of a value of this field."""
        if self.kind == "strings":
            items: dict[str, Any] = {"type": "string"}
            if self.choices:
                items["enum"] = list(self.choices)
            if self.max_length:
                items["maxLength"] = self.max_length
            out: dict[str, Any] = {"type": "array", "items": items}
            if self.max_items:
                out["maxItems"] = self.max_items
        elif self.kind == "date":
            out = {"type": "string", "format": "date"}
        elif self.kind == "number":
            out = {"type": "number"}
        elif self.kind in _TYPED:
            out = {"oneOf": [{"type": "number"}, {"type": "string", "maxLength": MAX_TEXT}]}
        else:
            out = {"type": self.kind}
        if self.kind == "string":
            if self.choices:
                out["enum"] = list(self.choices)
            if self.max_length:
                out["maxLength"] = self.max_length
            if self.pattern:
                out["pattern"] = self.pattern
        if self.minimum is not None:
            out["minimum"] = self.minimum if isinstance(self.minimum, int) else float(self.minimum)
        if self.maximum is not None:
            out["maximum"] = self.maximum if isinstance(self.maximum, int) else float(self.maximum)
        if self.nullable:
            out["nullable"] = True
        if self.default is not None:
            out["default"] = self.default
        if self.description:
            out["description"] = str(self.description)
        return out

    # --- checking values -------------------------------------------------------------------

    def parse(self, name: str, value: Any) -> Any:
        """Check a value from a JSON body and return it in the type the services take."""
        if value is None:
            if self.nullable:
                return None
            raise BadInput(_("“%(field)s” cannot be null.", field=name), name, code="invalid_type")
        if self.kind == "string":
            return self._string(name, value)
        if self.kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadInput(_("“%(field)s” must be a whole number.", field=name), name, code="invalid_type")
            return self._in_range(name, value)
        if self.kind in _TYPED and isinstance(value, str):
            try:
                value = _TYPED[self.kind](value)
            except AmountError as error:
                raise BadInput(_("“%(field)s”: %(reason)s", field=name, reason=error.message), name,
                               code="invalid_value") from None
            if value is None:
                return self.parse(name, None)
        if self.kind in ("number", *_TYPED):
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                raise BadInput(_("“%(field)s” must be a number.", field=name), name, code="invalid_type")
            return self._in_range(name, Decimal(value)).quantize(_CENTS, rounding=ROUND_HALF_UP)
        if self.kind == "boolean":
            if not isinstance(value, bool):
                raise BadInput(_("“%(field)s” must be true or false.", field=name), name, code="invalid_type")
            return value
        if self.kind == "date":
            return self._date(name, value)
        return self._strings(name, value)

    def _string(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise BadInput(_("“%(field)s” must be a string.", field=name), name, code="invalid_type")
        if "\x00" in value:
            raise BadInput(_("“%(field)s” contains a NUL character.", field=name), name, code="invalid_value")
        if self.max_length is not None and len(value) > self.max_length:
            raise BadInput(_("“%(field)s” may be at most %(n)d characters long.", field=name, n=self.max_length), name,
                           code="too_long")
        if self.choices is not None and value not in self.choices:
            raise BadInput(_("“%(field)s” must be one of: %(choices)s.", field=name, choices=", ".join(self.choices)), name,
                           code="invalid_choice")
        if self.pattern is not None and not re.search(self.pattern, value):
            raise BadInput(_("“%(field)s” has the wrong form.", field=name), name, code="invalid_value")
        return value

    def _in_range(self, name: str, value: Any) -> Any:
        try:
            too_low = self.minimum is not None and value < self.minimum
            too_high = self.maximum is not None and value > self.maximum
        except InvalidOperation:  # Decimal("NaN") and friends cannot be compared
            too_low = too_high = True
        if too_low or too_high:
            raise BadInput(_("“%(field)s” must lie between %(min)s and %(max)s.", field=name, min=self.minimum, max=self.maximum),
                           name, code="out_of_range")
        return value

    def _date(self, name: str, value: Any) -> date:
        if isinstance(value, str) and _ISO_DAY.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise BadInput(_("“%(field)s” must be a date in the form YYYY-MM-DD.", field=name), name, code="invalid_date")

    def _strings(self, name: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise BadInput(_("“%(field)s” must be a list of strings.", field=name), name, code="invalid_type")
        if self.max_items is not None and len(value) > self.max_items:
            raise BadInput(_("“%(field)s” may hold at most %(n)d items.", field=name, n=self.max_items), name, code="too_long")
        item = Field("string", max_length=self.max_length, choices=self.choices)
        return [item.parse(name, v) for v in value]

    def parse_query(self, name: str, raw: str) -> Any:
        """Check a query-string value; a bad one makes the whole request a 400."""
        try:
            if self.kind == "integer":
                if not raw.isascii() or not raw.isdigit():
                    raise BadInput(_("“%(field)s” must be a whole number.", field=name), name, code="invalid_type")
                return self.parse(name, int(raw))
            if self.kind == "boolean":
                if raw not in ("true", "false"):
                    raise BadInput(_("“%(field)s” must be true or false.", field=name), name, code="invalid_type")
                return raw == "true"
            return self.parse(name, raw)
        except BadInput as error:
            raise BadInput(error.message, name, code="invalid_parameter", status=400) from None


Fields = Mapping[str, Field]


def body_schema(fields: Fields, *, partial: bool = False) -> dict[str, Any]:
    """The object schema of a request body; in a partial (PATCH) body every field is optional."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: f.schema() for name, f in fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, f in fields.items() if f.required and not partial]
    if required:
        schema["required"] = required
    return schema


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def read_body(fields: Fields, *, partial: bool = False) -> dict[str, Any]:
    """The request's JSON object, checked against ``fields``: only the fields it holds (all required ones on create)."""
    if not request.is_json:
        raise BadInput(_("Send the request body as JSON (Content-Type: application/json)."), code="unsupported_media_type",
                       status=415)
    try:
        data = json.loads(request.get_data(), parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise BadInput(_("The request body is not valid JSON (line %(line)d, column %(column)d).",
                         line=error.lineno, column=error.colno), code="malformed_json", status=400) from None
    except (ValueError, RecursionError):
        raise BadInput(_("The request body is not valid JSON."), code="malformed_json", status=400) from None
    if not isinstance(data, dict):
        raise BadInput(_("The request body must be a JSON object."), code="invalid_body", status=400)
    for name in data:
        if name not in fields:
            raise BadInput(_("Unknown field: “%(field)s”.", field=name), name, code="unknown_field")
    if not partial:
        for name, f in fields.items():
            if f.required and name not in data:
                raise BadInput(_("“%(field)s” is required.", field=name), name, code="required")
    return {name: fields[name].parse(name, value) for name, value in data.items()}


def read_query(fields: Fields) -> dict[str, Any]:
    """Every declared query parameter, parsed, or its default when absent. Undeclared parameters are refused,
    so a misspelt filter does not silently return everything."""
    for name in request.args:
        if name not in fields:
            raise BadInput(_("Unknown parameter: “%(field)s”.", field=name), name, code="invalid_parameter", status=400)
    return {name: f.parse_query(name, request.args[name]) if name in request.args else f.default
            for name, f in fields.items()}


def enum_values(enum_type: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum_type)


def text(max_length: int, description: LazyString | str = "", **kwargs: Any) -> Field:
    return Field("string", description, max_length=max_length, **kwargs)


def choice(values: tuple[str, ...], description: LazyString | str = "", **kwargs: Any) -> Field:
    return Field("string", description, choices=values, **kwargs)


def ident(description: LazyString | str = "", **kwargs: Any) -> Field:
    return Field("integer", description, minimum=1, maximum=MAX_ID, **kwargs)


PAGING: Fields = {
    "limit": Field("integer", _l("How many items to return (1–100)."), minimum=1, maximum=100, default=50),
    "offset": Field("integer", _l("How many items to skip."), minimum=0, maximum=1_000_000, default=0),
}
